"""A street office sets up a new street and community through the API, end to end; and what it refuses."""

import io
import json

import pytest
from openpyxl import Workbook

from linli.accounts.models import Role, RoleAssignment, User
from linli.audit.models import AuditEntry
from linli.conftest import client_for
from linli.ledger.codes import FUNDING_CODES
from linli.ledger.models import Account, AccountKind
from linli.places.models import Building, Community, Grid, Neighbourhood, Street

pytestmark = pytest.mark.django_db

# 杭州 拱墅: a real block of the OSM extract with about 160 buildings in it.
WEST, SOUTH, EAST, NORTH = 120.1284, 30.2830, 120.1425, 30.2896
BLOCK = {
    "type": "Polygon",
    "coordinates": [[[WEST, SOUTH], [EAST, SOUTH], [EAST, NORTH], [WEST, NORTH], [WEST, SOUTH]]],
}


def post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_a_new_street_and_community_set_up_end_to_end_through_the_api(users):
    city = client_for(users["city_admin"], "en")

    # the city admin makes a street and its street admin
    response = post(city, "/api/v1/streets", {"code": "gongshu-x", "name": "新街道", "district": "拱墅区"})
    assert response.status_code == 201, response.json()
    assert response.json() == {
        "code": "gongshu-x",
        "name": "新街道",
        "district": "拱墅区",
        "city": "",
        "communities": 0,
    }
    response = post(
        city,
        "/api/v1/streets/gongshu-x/admins",
        {"mobile": "13912345678", "display_name": "钱主任", "role": "street_admin"},
    )
    assert response.status_code == 201, response.json()
    street_admin = User.objects.get(mobile="13912345678")
    assert RoleAssignment.objects.filter(user=street_admin, role=Role.STREET_ADMIN, street__code="gongshu-x").exists()
    assert response.json()["mobile"] == "139****5678"

    # the street admin makes a community from a GeoJSON file's content (a FeatureCollection of one area)
    office = client_for(street_admin, "en")
    feature_collection = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": {}, "geometry": BLOCK}],
    }
    response = post(
        office,
        "/api/v1/streets/gongshu-x/communities",
        {"code": "xinqiao", "name": "新桥社区", "tier": "leading", "boundary": feature_collection},
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["code"] == "xinqiao" and body["tier"] == "leading" and body["boundary"] == BLOCK
    assert body["centre_lng"] == pytest.approx((WEST + EAST) / 2) and body["centre_lat"] == pytest.approx(
        (SOUTH + NORTH) / 2
    )
    assert 90 < body["area_ha"] < 120  # 1.36 km × 0.73 km
    community = Community.objects.get(code="xinqiao")
    # the ledger opened the funding accounts on its own
    assert set(
        Account.objects.filter(community=community, kind=AccountKind.FUNDING).values_list("code", flat=True)
    ) == set(FUNDING_CODES)
    listed = office.get("/api/v1/streets/gongshu-x/communities").json()
    assert [c["code"] for c in listed] == ["xinqiao"]

    # neighbourhoods
    for name in ("东苑", "西苑"):
        assert post(office, "/api/v1/communities/xinqiao/neighbourhoods", {"name": name}).status_code == 201
    hoods = office.get("/api/v1/communities/xinqiao/neighbourhoods").json()
    assert [h["name"] for h in hoods] == ["东苑", "西苑"]

    # buildings from OpenStreetMap, twice: the second import adds nothing
    first = office.post("/api/v1/communities/xinqiao/buildings/import-osm")
    assert first.status_code == 200, first.json()
    assert first.json()["created"] > 100
    again = office.post("/api/v1/communities/xinqiao/buildings/import-osm").json()
    assert again["created"] == 0 and again["unchanged"] == first.json()["created"]
    assert Building.objects.filter(community=community).count() == first.json()["created"]
    assert Building.objects.filter(community=community, osm_id__isnull=True).count() == 0

    # one building by hand
    response = post(
        office,
        "/api/v1/communities/xinqiao/buildings",
        {"name": "东苑1幢", "lat": 30.285, "lng": 120.135, "floors": 6, "neighbourhood_id": hoods[0]["id"]},
    )
    assert response.status_code == 201, response.json()
    assert response.json()["neighbourhood"] == "东苑"

    # a steward account, then a grid led by them, then buildings into it
    response = post(
        office,
        "/api/v1/communities/xinqiao/staff",
        {"mobile": "13912340001", "display_name": "孙网格", "role": "grid_steward"},
    )
    assert response.status_code == 201, response.json()
    steward = User.objects.get(mobile="13912340001")
    response = post(
        office,
        "/api/v1/communities/xinqiao/grids",
        {"code": "G1", "name": "红网格", "colour": "#C8402A", "steward_id": steward.pk},
    )
    assert response.status_code == 201, response.json()
    assert response.json()["steward"] == "孙网格"
    ids = list(Building.objects.filter(community=community).order_by("pk").values_list("pk", flat=True)[:10])
    response = post(office, "/api/v1/communities/xinqiao/grids/G1/buildings", {"building_ids": ids})
    assert response.json() == {"moved": 10}
    grid = Grid.objects.get(community=community, code="G1")
    assert grid.colour == "#c8402a" and grid.steward == steward
    assert sorted(grid.buildings.values_list("pk", flat=True)) == ids
    assert len(office.get("/api/v1/communities/xinqiao/grids/G1/buildings").json()) == 10
    staff = office.get("/api/v1/communities/xinqiao/staff").json()
    assert [(s["name"], s["role"]) for s in staff] == [("孙网格", "grid_steward")]

    # the steward now sees their community's grids
    grids = client_for(steward).get("/api/v1/communities/xinqiao/grids").json()
    assert [(g["code"], g["buildings"]) for g in grids] == [("G1", 10)]

    # everything was audited, by whom it was done
    actions = list(AuditEntry.objects.order_by("pk").values_list("action", "actor_id"))
    for action, actor in [
        ("street.create", users["city_admin"].pk),
        ("user.create", users["city_admin"].pk),
        ("role.grant", users["city_admin"].pk),
        ("community.create", street_admin.pk),
        ("neighbourhood.create", street_admin.pk),
        ("building.import_osm", street_admin.pk),
        ("building.create", street_admin.pk),
        ("role.grant", street_admin.pk),
        ("grid.create", street_admin.pk),
        ("grid.assign_buildings", street_admin.pk),
    ]:
        assert (action, actor) in actions, action


def test_edits_through_the_api(users, community):
    office = client_for(users["street_admin"], "en")
    square = {
        "type": "Polygon",
        "coordinates": [[[120.13, 30.28], [120.14, 30.28], [120.14, 30.29], [120.13, 30.29], [120.13, 30.28]]],
    }
    response = office.patch(
        "/api/v1/communities/shibei",
        data=json.dumps({"name": "市北新社区", "tier": "basic", "boundary": square}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    community.refresh_from_db()
    assert (community.name, community.tier, community.boundary) == ("市北新社区", "basic", square)
    assert community.centre_lng == pytest.approx(120.135)

    hood = community.neighbourhoods.get()
    response = office.patch(
        f"/api/v1/communities/shibei/neighbourhoods/{hood.pk}",
        data=json.dumps({"name": "一区"}),
        content_type="application/json",
    )
    assert response.json()["name"] == "一区"
    building = community.buildings.get()
    response = office.patch(
        f"/api/v1/communities/shibei/buildings/{building.pk}",
        data=json.dumps({"floors": 9, "neighbourhood_id": None}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    building.refresh_from_db()
    assert building.floors == 9 and building.neighbourhood is None

    steward = users["grid_steward"]
    response = office.patch(
        "/api/v1/communities/shibei/grids/G1",
        data=json.dumps({"name": "蓝网格", "steward_id": steward.pk}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    assert Grid.objects.get(community=community, code="G1").steward == steward

    city = client_for(users["city_admin"], "en")
    response = city.patch(
        "/api/v1/streets/ningwei", data=json.dumps({"district": "萧山区"}), content_type="application/json"
    )
    assert response.json()["district"] == "萧山区"
    assert AuditEntry.objects.filter(action="street.update").count() == 1


def test_staff_are_granted_and_revoked(users, community):
    admin = client_for(users["community_admin"], "en")
    existing = users["resident"]
    response = post(
        admin,
        "/api/v1/communities/shibei/staff",
        {"mobile": existing.mobile, "display_name": "", "role": "grid_steward"},
    )
    assert response.status_code == 201, response.json()
    assert response.json()["user_id"] == existing.pk  # an account with that number gets the role; none is made
    assignment_id = response.json()["id"]
    assert admin.delete(f"/api/v1/communities/shibei/staff/{assignment_id}").status_code == 204
    assert not RoleAssignment.objects.filter(pk=assignment_id).exists()
    assert AuditEntry.objects.filter(action="role.revoke").count() == 1

    # a street role cannot be granted in a community, nor a community role to a street
    response = post(admin, "/api/v1/communities/shibei/staff", {"mobile": "13912340002", "role": "street_admin"})
    assert response.status_code == 400 and response.json()["error"]["code"] == "wrong_role"
    assert not User.objects.filter(mobile="13912340002").exists()


# --- bad input: a clear message, nothing saved ----------------------------------------------------------------


def community_body(boundary, code="xinqiao"):
    return {"code": code, "name": "新桥社区", "tier": "basic", "boundary": boundary}


@pytest.mark.parametrize(
    ("boundary", "code", "words"),
    [
        ({"type": "Point", "coordinates": [120.13, 30.28]}, "not_polygon", "not a Point"),
        (
            {"type": "Polygon", "coordinates": [[[30.28, 120.13], [30.28, 120.14], [30.29, 120.14], [30.28, 120.13]]]},
            "out_of_range",
            "swapped",
        ),
        (
            {"type": "Polygon", "coordinates": [[[120.13, 30.28], [120.14, 30.28], [120.14, 30.29], [120.13, 30.29]]]},
            "invalid_boundary",
            "not closed",
        ),
        (
            {"type": "Polygon", "coordinates": [[[120.13, 30.28], [120.14, 30.28], [120.13, 30.28]]]},
            "invalid_boundary",
            "at least 4",
        ),
        (  # a bow tie: its edges cross
            {
                "type": "Polygon",
                "coordinates": [[[120.13, 30.28], [120.14, 30.29], [120.14, 30.28], [120.13, 30.29], [120.13, 30.28]]],
            },
            "self_intersecting",
            "crosses itself",
        ),
        (  # the whole of Zhejiang
            {"type": "Polygon", "coordinates": [[[118, 27], [123, 27], [123, 31], [118, 31], [118, 27]]]},
            "implausible_area",
            "ha",
        ),
        ({"type": "FeatureCollection", "features": []}, "invalid_boundary", "exactly one"),
        ({"type": "Polygon", "coordinates": "nope"}, "invalid_boundary", "rings"),
    ],
)
def test_a_bad_boundary_is_refused_clearly_and_nothing_is_saved(users, street, boundary, code, words):
    before = (Community.objects.count(), AuditEntry.objects.count())
    response = post(
        client_for(users["street_admin"], "en"), "/api/v1/streets/ningwei/communities", community_body(boundary)
    )
    assert response.status_code == 400, response.json()
    error = response.json()["error"]
    assert error["code"] == code
    assert words in error["message"]
    assert "boundary" in error["fields"]
    assert (Community.objects.count(), AuditEntry.objects.count()) == before


def test_a_bad_boundary_is_refused_in_chinese_too(users, street):
    point = {"type": "Point", "coordinates": [120.13, 30.28]}
    response = post(client_for(users["street_admin"]), "/api/v1/streets/ningwei/communities", community_body(point))
    assert response.status_code == 400
    assert "Point" in response.json()["error"]["message"] and "面" in response.json()["error"]["message"]


def test_duplicate_codes_are_refused(users, community):
    city = client_for(users["city_admin"], "en")
    response = post(city, "/api/v1/streets", {"code": "ningwei", "name": "又一个"})
    assert response.status_code == 400 and response.json()["error"]["fields"] == {
        "code": [response.json()["error"]["message"]]
    }
    response = post(city, "/api/v1/streets/ningwei/communities", community_body(BLOCK, code="SHIBEI"))
    assert response.status_code == 400 and response.json()["error"]["code"] == "duplicate"
    response = post(city, "/api/v1/communities/shibei/grids", {"code": "g1", "name": "又一个"})
    assert response.status_code == 400 and response.json()["error"]["code"] == "duplicate"
    response = post(city, "/api/v1/communities/shibei/neighbourhoods", {"name": "市北社区一区"})
    assert response.status_code == 400 and response.json()["error"]["code"] == "duplicate"
    assert (Street.objects.count(), Community.objects.count(), Grid.objects.count(), Neighbourhood.objects.count()) == (
        1,
        1,
        1,
        1,
    )


def test_a_steward_who_is_not_one_is_refused(users, community):
    admin = client_for(users["community_admin"], "en")
    for account in (users["social_worker"], users["outsider"]):
        response = post(
            admin, "/api/v1/communities/shibei/grids", {"code": "G2", "name": "蓝网格", "steward_id": account.pk}
        )
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "not_a_steward"
        assert "grid steward" in response.json()["error"]["message"]
    assert Grid.objects.filter(community=community).count() == 1


def test_a_building_of_another_community_is_not_assigned_and_nothing_moves(users, community, other_community):
    admin = client_for(users["community_admin"], "en")
    Grid.objects.create(community=community, code="G2", name="蓝网格")
    own = community.buildings.get()
    foreign = other_community.buildings.get()
    response = post(admin, "/api/v1/communities/shibei/grids/G2/buildings", {"building_ids": [own.pk, foreign.pk]})
    assert response.status_code == 404
    assert str(foreign.pk) in response.json()["error"]["message"]
    own.refresh_from_db()
    foreign.refresh_from_db()
    assert own.grid.code == "G1" and foreign.grid.community == other_community
    assert not AuditEntry.objects.filter(action="grid.assign_buildings").exists()


def test_a_building_out_of_range_or_outside_the_community_is_refused(users, community):
    admin = client_for(users["community_admin"], "en")

    def add(lat, lng):
        body = json.dumps({"name": "新楼", "lat": lat, "lng": lng})
        return admin.post("/api/v1/communities/shibei/buildings", data=body, content_type="application/json")

    swapped = add(120.135, 30.285)
    assert swapped.status_code == 422 and "lat" in swapped.json()["error"]["fields"]
    outside = add(30.5, 120.5)
    assert outside.status_code == 400
    assert "outside the community" in outside.json()["error"]["message"]
    assert community.buildings.count() == 1
    assert add(30.286, 120.136).status_code == 201


def test_swapped_coordinates_are_named_as_such(community):
    from linli.places import services

    assert "写反" in services.location_problem(community, 120.135, 30.285)  # the default language: Chinese
    assert services.location_problem(community, 30.285, 120.135) is None


# --- Excel -----------------------------------------------------------------------------------------------------


def xlsx(rows):
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    out.name = "buildings.xlsx"
    return out


def test_excel_import_adds_buildings_and_neighbourhoods(users, community):
    admin = client_for(users["community_admin"], "en")
    upload = xlsx(
        [
            ["小区", "楼幢", "层数", "纬度", "经度"],
            ["新苑", "新苑1幢", 11, 30.284, 120.134],
            ["", "市北社区1幢", 7, 30.285, 120.135],
        ]
    )
    response = admin.post("/api/v1/communities/shibei/buildings/import-excel", {"file": upload})
    assert response.status_code == 200, response.json()
    assert response.json() == {"created": 1, "updated": 1, "unchanged": 0, "neighbourhoods_created": 1}
    added = community.buildings.get(name="新苑1幢")
    assert (added.neighbourhood.name, added.floors) == ("新苑", 11)
    assert community.buildings.get(name="市北社区1幢").floors == 7
    assert AuditEntry.objects.filter(action="building.import_excel").count() == 1


def test_excel_import_with_a_bad_row_names_every_bad_row_and_saves_nothing(users, community):
    admin = client_for(users["community_admin"], "en")
    upload = xlsx(
        [
            ["小区", "楼栋", "层数", "纬度", "经度"],
            ["新苑", "新苑1幢", 11, 30.284, 120.134],
            ["新苑", "新苑2幢", "六", 30.284, 120.134],
            ["新苑", "新苑3幢", 6, 120.134, 30.284],
            ["新苑", "新苑1幢", 6, 30.284, 120.134],
        ]
    )
    before = (Building.objects.count(), Neighbourhood.objects.count(), AuditEntry.objects.count())
    response = admin.post("/api/v1/communities/shibei/buildings/import-excel", {"file": upload})
    assert response.status_code == 400
    message = response.json()["error"]["message"]
    assert "Nothing was imported: 3 problem(s)." in message
    assert "Row 3" in message and "Row 4" in message and "swapped" in message and "Row 5" in message
    assert (Building.objects.count(), Neighbourhood.objects.count(), AuditEntry.objects.count()) == before


def test_excel_import_refuses_a_file_that_is_not_a_workbook_or_lacks_columns(users, community):
    admin = client_for(users["community_admin"], "en")
    junk = io.BytesIO(b"not a workbook")
    junk.name = "x.xlsx"
    response = admin.post("/api/v1/communities/shibei/buildings/import-excel", {"file": junk})
    assert response.json()["error"]["code"] == "not_xlsx"
    response = admin.post("/api/v1/communities/shibei/buildings/import-excel", {"file": xlsx([["名称"], ["x"]])})
    assert response.json()["error"]["code"] == "missing_columns"
    assert "纬度" in response.json()["error"]["message"]
    assert Building.objects.count() == 1


def test_a_steward_who_loses_the_role_leaves_their_grid(users, community):
    steward = users["grid_steward"]
    grid = community.grids.get()
    grid.steward = steward
    grid.save()
    assignment = community.role_assignments.get(user=steward, role=Role.GRID_STEWARD)
    response = client_for(users["community_admin"]).delete(f"/api/v1/communities/shibei/staff/{assignment.pk}")
    assert response.status_code == 204
    grid.refresh_from_db()
    assert grid.steward is None
    assert list(AuditEntry.objects.order_by("pk").values_list("action", flat=True)) == ["role.revoke", "grid.update"]
