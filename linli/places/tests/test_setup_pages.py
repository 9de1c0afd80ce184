"""The same set-up as the API's, through the pages a street office uses; and their refusals."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from linli.accounts.models import Role, RoleAssignment, User
from linli.audit.models import AuditEntry
from linli.conftest import client_for
from linli.places.models import Building, Community, Grid, Street

from .test_setup_api import BLOCK

pytestmark = pytest.mark.django_db


def geojson_file(doc, name="boundary.geojson"):
    return SimpleUploadedFile(name, json.dumps(doc).encode(), content_type="application/geo+json")


def test_a_new_street_and_community_set_up_end_to_end_through_the_pages(users):
    city = client_for(users["city_admin"])
    home = city.get("/").content.decode()
    assert "/places/streets/" in home

    response = city.post("/places/streets/new/", {"code": "gongshu-x", "name": "新街道", "district": "拱墅区"})
    assert response.status_code == 302 and response.url == "/places/streets/gongshu-x/"
    response = city.post("/places/streets/gongshu-x/admins/", {"mobile": "13912345678", "display_name": "钱主任"})
    assert response.status_code == 302
    street_admin = User.objects.get(mobile="13912345678")
    assert RoleAssignment.objects.filter(user=street_admin, role=Role.STREET_ADMIN, street__code="gongshu-x").exists()
    assert "钱主任" in city.get("/places/streets/gongshu-x/").content.decode()

    office = client_for(street_admin)
    assert "/places/streets/gongshu-x/" in office.get("/places/streets/").content.decode()
    feature = {"type": "Feature", "properties": {"name": "新桥"}, "geometry": BLOCK}
    response = office.post(
        "/places/streets/gongshu-x/communities/new/",
        {"code": "xinqiao", "name": "新桥社区", "tier": "leading", "boundary": geojson_file(feature)},
    )
    assert response.status_code == 302, response.content.decode()
    assert response.url == "/places/communities/xinqiao/"
    community = Community.objects.get(code="xinqiao")
    assert community.boundary == BLOCK and community.tier == "leading" and community.area_ha > 90

    assert office.post("/places/communities/xinqiao/neighbourhoods/new/", {"name": "东苑"}).status_code == 302
    assert office.post("/places/communities/xinqiao/buildings/import-osm/").status_code == 302
    n_buildings = Building.objects.filter(community=community).count()
    assert n_buildings > 100

    response = office.post(
        "/places/communities/xinqiao/staff/new/",
        {"mobile": "13912340001", "display_name": "孙网格", "role": "grid_steward"},
    )
    assert response.status_code == 302
    steward = User.objects.get(mobile="13912340001")
    page = office.get("/places/communities/xinqiao/grids/new/").content.decode()
    assert "孙网格" in page  # offered as a steward
    response = office.post(
        "/places/communities/xinqiao/grids/new/",
        {"code": "G1", "name": "红网格", "colour": "#c8402a", "steward": steward.pk},
    )
    assert response.status_code == 302
    grid = Grid.objects.get(community=community, code="G1")
    assert grid.steward == steward

    ids = list(Building.objects.filter(community=community).order_by("pk").values_list("pk", flat=True)[:5])
    response = office.post(
        "/places/communities/xinqiao/buildings/assign/", {"grid": "G1", "buildings": ids, "filter_grid": "-"}
    )
    assert response.status_code == 302 and response.url == "/places/communities/xinqiao/?grid=-#buildings"
    assert sorted(grid.buildings.values_list("pk", flat=True)) == ids

    setup = office.get("/places/communities/xinqiao/").content.decode()
    assert "红网格" in setup and "孙网格" in setup and "东苑" in setup
    assert "<svg" in setup and 'fill="#c8402a"' in setup  # the grid's buildings drawn in its colour
    filtered = office.get("/places/communities/xinqiao/?grid=G1").content.decode()
    assert filtered.count('name="buildings"') == 5
    assert (
        office.get("/places/communities/xinqiao/?grid=-").content.decode().count('name="buildings"') == n_buildings - 5
    )

    # the community page links its set-up; the street admin lands there from home
    assert "/places/communities/xinqiao/" in office.get("/communities/xinqiao/").content.decode()
    assert "/places/streets/" in office.get("/").content.decode()
    assert AuditEntry.objects.filter(action="grid.assign_buildings", actor=street_admin).count() == 1


def test_pages_read_in_english_and_elder_mode(users, community):
    for language in ("zh-hans", "en"):
        client = client_for(users["street_admin"], language)
        client.cookies["linli_elder"] = "1"
        for url in (
            "/places/streets/",
            "/places/streets/ningwei/",
            "/places/streets/ningwei/communities/new/",
            "/places/communities/shibei/",
            "/places/communities/shibei/grids/new/",
            "/places/communities/shibei/staff/new/",
            "/places/communities/shibei/buildings/import-excel/",
        ):
            response = client.get(url)
            assert response.status_code == 200, url
            body = response.content.decode()
            assert 'class="elder"' in body
            if language == "en":
                assert "Set up" in body or "Street" in body or "Save" in body, url
            else:
                assert "网格" in body or "社区" in body or "街道" in body, url


def test_a_broken_geojson_file_is_refused_on_the_form_and_nothing_saved(users, street):
    office = client_for(users["street_admin"], "en")
    for content, words in (
        (b"{not json", "not GeoJSON"),
        (json.dumps({"type": "Point", "coordinates": [120.1, 30.2]}).encode(), "not a Point"),
    ):
        upload = SimpleUploadedFile("b.geojson", content)
        response = office.post(
            "/places/streets/ningwei/communities/new/",
            {"code": "xinqiao", "name": "新桥社区", "tier": "basic", "boundary": upload},
        )
        assert response.status_code == 200
        assert words in response.content.decode()
    assert not Community.objects.filter(code="xinqiao").exists()
    assert not AuditEntry.objects.exists()


def test_a_duplicate_street_code_is_shown_on_its_field(users, street):
    response = client_for(users["city_admin"], "en").post("/places/streets/new/", {"code": "ningwei", "name": "又一个"})
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert Street.objects.count() == 1


def test_a_steward_who_is_not_one_is_not_offered_and_refused(users, community):
    admin = client_for(users["community_admin"], "en")
    page = admin.get("/places/communities/shibei/grids/new/").content.decode()
    assert str(users["social_worker"]) not in page
    response = admin.post(
        "/places/communities/shibei/grids/new/",
        {"code": "G2", "name": "蓝", "colour": "#123456", "steward": users["social_worker"].pk},
    )
    assert response.status_code == 200
    assert Grid.objects.filter(community=community).count() == 1


def test_assigning_a_building_of_another_community_moves_nothing(users, community, other_community):
    admin = client_for(users["community_admin"], "en")
    foreign = other_community.buildings.get()
    own = community.buildings.get()
    response = admin.post(
        "/places/communities/shibei/buildings/assign/", {"grid": "-", "buildings": [own.pk, foreign.pk]}
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.grid is not None
    messages = admin.get(response.url).content.decode()
    assert "Not buildings of this community" in messages


def test_the_excel_page_lists_every_refused_row(users, community):
    wb = Workbook()
    ws = wb.active
    ws.append(["小区", "楼栋", "层数", "纬度", "经度"])
    ws.append(["新苑", "新苑1幢", 300, 30.284, 120.134])
    ws.append(["新苑", "新苑2幢", 6, 31.5, 120.134])
    out = io.BytesIO()
    wb.save(out)
    upload = SimpleUploadedFile("b.xlsx", out.getvalue())
    response = client_for(users["community_admin"], "en").post(
        "/places/communities/shibei/buildings/import-excel/", {"file": upload}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Row 2" in body and "Row 3" in body and "outside the community" in body
    assert community.buildings.count() == 1
