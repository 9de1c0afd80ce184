"""Every role (and no account) against every new set-up page and endpoint."""

import json

import pytest

from linli.accounts.models import Role
from linli.audit.models import AuditEntry
from linli.conftest import client_for

pytestmark = pytest.mark.django_db

ROLES = [*(r.value for r in Role), "outsider", "anonymous"]
IN_COMMUNITY = {
    "resident",
    "volunteer",
    "grid_steward",
    "social_worker",
    "community_admin",
    "merchant_staff",
    "operator",
}
SETS_UP_COMMUNITY = {"community_admin", "street_admin", "city_admin"}
SEES_COMMUNITY = IN_COMMUNITY | {"street_admin", "city_viewer", "city_admin"}
SETS_UP_STREET = {"street_admin", "city_admin"}
SEES_STREET = {"street_admin", "city_viewer", "city_admin"}
SQUARE = {
    "type": "Polygon",
    "coordinates": [[[120.13, 30.28], [120.14, 30.28], [120.14, 30.29], [120.13, 30.29], [120.13, 30.28]]],
}


def client_as(users, role):
    return client_for(None if role == "anonymous" else users[role], "en")


def page_status(role, allowed, seen):
    """What a page answers: 200 if allowed, the login redirect for no account, 403 if the place is seen, else 404."""
    if role in allowed:
        return 200
    if role == "anonymous":
        return 302
    return 403 if role in seen else 404


# --- pages --------------------------------------------------------------------------------------------------

PAGES = [
    ("/places/streets/", {"street_admin", "city_admin"}, set(ROLES)),
    ("/places/streets/new/", {"city_admin"}, set(ROLES)),
    ("/places/streets/ningwei/", SETS_UP_STREET, SEES_STREET),
    ("/places/streets/ningwei/edit/", {"city_admin"}, SEES_STREET),
    ("/places/streets/ningwei/communities/new/", SETS_UP_STREET, SEES_STREET),
    ("/places/communities/shibei/", SETS_UP_COMMUNITY, SEES_COMMUNITY),
    ("/places/communities/shibei/edit/", SETS_UP_STREET, SEES_COMMUNITY),
    ("/places/communities/shibei/neighbourhoods/new/", SETS_UP_COMMUNITY, SEES_COMMUNITY),
    ("/places/communities/shibei/buildings/new/", SETS_UP_COMMUNITY, SEES_COMMUNITY),
    ("/places/communities/shibei/buildings/import-excel/", SETS_UP_COMMUNITY, SEES_COMMUNITY),
    ("/places/communities/shibei/grids/new/", SETS_UP_COMMUNITY, SEES_COMMUNITY),
    ("/places/communities/shibei/grids/G1/", SETS_UP_COMMUNITY, SEES_COMMUNITY),
    ("/places/communities/shibei/staff/new/", SETS_UP_COMMUNITY, SEES_COMMUNITY),
]


@pytest.mark.parametrize("role", ROLES)
def test_set_up_pages_answer_each_role(users, community, role):
    client = client_as(users, role)
    got = {url: client.get(url).status_code for url, _, _ in PAGES}
    # the street pages: everyone not city staff and not this street's admin is "outside" (their street is unknown)
    expected = {url: page_status(role, allowed, seen) for url, allowed, seen in PAGES}
    assert got == expected


def test_building_and_neighbourhood_edit_pages_follow_the_same_rule(users, community):
    building, hood = community.buildings.get(), community.neighbourhoods.get()
    for role in ROLES:
        client = client_as(users, role)
        for url in (
            f"/places/communities/shibei/buildings/{building.pk}/",
            f"/places/communities/shibei/neighbourhoods/{hood.pk}/",
        ):
            assert client.get(url).status_code == page_status(role, SETS_UP_COMMUNITY, SEES_COMMUNITY), (role, url)


@pytest.mark.parametrize("role", ROLES)
def test_set_up_posts_are_refused_to_whoever_may_not_set_up(users, community, role):
    """Import, assign and revoke change nothing for a role that may not set the community up."""
    client = client_as(users, role)
    building = community.buildings.get()
    staff = community.role_assignments.get(role=Role.GRID_STEWARD)
    before = AuditEntry.objects.count()
    responses = [
        client.post("/places/communities/shibei/buildings/import-osm/"),
        client.post("/places/communities/shibei/buildings/assign/", {"grid": "-", "buildings": [building.pk]}),
        client.post(f"/places/communities/shibei/staff/{staff.pk}/revoke/"),
        client.post("/places/communities/shibei/neighbourhoods/new/", {"name": "新区"}),
    ]
    if role in SETS_UP_COMMUNITY:
        assert all(r.status_code == 302 for r in responses)
        assert AuditEntry.objects.count() > before
    else:
        expected = page_status(role, set(), SEES_COMMUNITY)
        assert [r.status_code for r in responses] == [expected] * 4
        assert AuditEntry.objects.count() == before
        building.refresh_from_db()
        assert building.grid is not None
        assert community.role_assignments.filter(pk=staff.pk).exists()
        assert community.neighbourhoods.count() == 1


# --- API ----------------------------------------------------------------------------------------------------


def api_status(role, allowed, seen, ok=200):
    if role in allowed:
        return ok
    if role == "anonymous":
        return 401
    return 403 if role in seen else 404


def _json(client, method, url, body):
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


API = [
    ("post", "/api/v1/streets", {"code": "xin", "name": "新街道"}, {"city_admin"}, set(ROLES) - {"anonymous"}, 201),
    ("get", "/api/v1/streets/ningwei/communities", None, SEES_STREET, SEES_STREET, 200),
    ("patch", "/api/v1/streets/ningwei", {"city": "杭州"}, {"city_admin"}, SEES_STREET, 200),
    (
        "post",
        "/api/v1/streets/ningwei/communities",
        {"code": "xin", "name": "新社区", "tier": "basic", "boundary": SQUARE},
        SETS_UP_STREET,
        SEES_STREET,
        201,
    ),
    ("get", "/api/v1/streets/ningwei/admins", None, SEES_STREET, SEES_STREET, 200),
    (
        "post",
        "/api/v1/streets/ningwei/admins",
        {"mobile": "13912349999", "display_name": "新", "role": "street_admin"},
        {"city_admin"},
        SEES_STREET,
        201,
    ),
    ("patch", "/api/v1/communities/shibei", {"name": "新名"}, SETS_UP_STREET, SEES_COMMUNITY, 200),
    ("get", "/api/v1/communities/shibei/neighbourhoods", None, SEES_COMMUNITY, SEES_COMMUNITY, 200),
    ("post", "/api/v1/communities/shibei/neighbourhoods", {"name": "新区"}, SETS_UP_COMMUNITY, SEES_COMMUNITY, 201),
    (
        "post",
        "/api/v1/communities/shibei/buildings",
        {"name": "新楼", "lat": 30.285, "lng": 120.135},
        SETS_UP_COMMUNITY,
        SEES_COMMUNITY,
        201,
    ),
    ("post", "/api/v1/communities/shibei/buildings/import-osm", None, SETS_UP_COMMUNITY, SEES_COMMUNITY, 200),
    ("post", "/api/v1/communities/shibei/grids", {"code": "G9", "name": "新"}, SETS_UP_COMMUNITY, SEES_COMMUNITY, 201),
    ("patch", "/api/v1/communities/shibei/grids/G1", {"name": "新"}, SETS_UP_COMMUNITY, SEES_COMMUNITY, 200),
    ("get", "/api/v1/communities/shibei/grids/G1/buildings", None, SETS_UP_COMMUNITY, SEES_COMMUNITY, 200),
    ("get", "/api/v1/communities/shibei/staff", None, SETS_UP_COMMUNITY, SEES_COMMUNITY, 200),
    (
        "post",
        "/api/v1/communities/shibei/staff",
        {"mobile": "13912349998", "display_name": "新", "role": "grid_steward"},
        SETS_UP_COMMUNITY,
        SEES_COMMUNITY,
        201,
    ),
]


@pytest.mark.parametrize("role", ROLES)
def test_set_up_endpoints_answer_each_role(users, community, role):
    client = client_as(users, role)
    got, expected = {}, {}
    for method, url, body, allowed, seen, ok in API:
        key = f"{method} {url}"
        if method == "get":
            response = client.get(url)
        elif body is None:
            response = client.post(url)
        else:
            response = _json(client, method, url, body)
        got[key] = response.status_code
        expected[key] = api_status(role, allowed, seen, ok)
    assert got == expected


@pytest.mark.parametrize("role", ROLES)
def test_building_assignment_and_staff_revocation_endpoints_answer_each_role(users, community, role):
    client = client_as(users, role)
    building = community.buildings.get()
    staff = community.role_assignments.get(role=Role.GRID_STEWARD)
    assign = _json(client, "post", "/api/v1/communities/shibei/grids/G1/buildings", {"building_ids": [building.pk]})
    revoke = client.delete(f"/api/v1/communities/shibei/staff/{staff.pk}")
    assert assign.status_code == api_status(role, SETS_UP_COMMUNITY, SEES_COMMUNITY)
    assert revoke.status_code == api_status(role, SETS_UP_COMMUNITY, SEES_COMMUNITY, 204)
    assert community.role_assignments.filter(pk=staff.pk).exists() == (role not in SETS_UP_COMMUNITY)


def test_the_streets_list_shows_each_their_own(users, community, far_community):
    assert [s["code"] for s in client_as(users, "city_admin").get("/api/v1/streets").json()] == ["beigan", "ningwei"]
    assert [s["code"] for s in client_as(users, "street_admin").get("/api/v1/streets").json()] == ["ningwei"]
    assert client_as(users, "community_admin").get("/api/v1/streets").json() == []
    assert client_as(users, "anonymous").get("/api/v1/streets").status_code == 401


def test_a_street_admin_may_not_set_up_another_street(users, community, far_community):
    office = client_as(users, "street_admin")
    assert office.get("/places/streets/beigan/").status_code == 404
    assert office.get("/places/communities/guangde/").status_code == 404
    body = {"code": "xin", "name": "新社区", "tier": "basic", "boundary": SQUARE}
    assert _json(office, "post", "/api/v1/streets/beigan/communities", body).status_code == 404
    assert _json(office, "post", "/api/v1/communities/guangde/neighbourhoods", {"name": "x"}).status_code == 404
