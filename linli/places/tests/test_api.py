import pytest

from linli.conftest import client_for

pytestmark = pytest.mark.django_db


def test_public_community_list_shows_public_facts_to_anyone(community, other_community):
    response = client_for(None).get("/api/v1/communities")
    assert response.status_code == 200
    rows = response.json()
    assert [r["code"] for r in rows] == ["limin", "shibei"]
    assert rows[1]["street"] == {"code": "ningwei", "name": "宁围街道"}
    assert set(rows[1]) == {"code", "name", "street", "centre_lat", "centre_lng", "tier"}


def test_unknown_community_code_is_a_clear_404_in_the_users_language(users, community):
    zh = client_for(users["community_admin"]).get("/api/v1/communities/nowhere")
    assert zh.status_code == 404
    assert zh.json()["error"]["code"] == "unknown_community"
    assert "nowhere" in zh.json()["error"]["message"]
    en = client_for(users["community_admin"], "en").get("/api/v1/communities/nowhere")
    assert en.json()["error"]["message"] == "No community has the code “nowhere”."


def test_a_multipart_body_without_a_boundary_is_a_clear_400(users, community):
    response = client_for(users["community_admin"], "en").post(
        "/api/v1/communities/shibei/facilities/import", data=b"x", content_type="multipart/form-data"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"


def test_community_page_links_staff_to_their_work(users, community):
    body = client_for(users["community_admin"]).get("/communities/shibei/").content.decode()
    for path in (
        "/people/shibei/residents/",
        "/reports/shibei/queue/",
        "/ledger/c/shibei/",
        "/planning/communities/shibei/",
        "/cockpit/communities/shibei/",
        "驾驶舱",
    ):
        assert path in body, path
    assert "/people/shibei/residents/" not in client_for(users["resident"]).get("/communities/shibei/").content.decode()
