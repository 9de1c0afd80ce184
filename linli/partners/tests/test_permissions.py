"""Who may see and change partners, through the pages and the API; a refused request changes nothing."""

from typing import Any

import pytest

from linli.conftest import client_for

from .helpers import state

pytestmark = pytest.mark.django_db

# Role → (may read the community's partners, may change them). Street admins and city viewers read only;
# another community's admin and an account without a role do not see the community at all (404).
MATRIX = {
    "resident": (True, False),
    "grid_steward": (True, False),
    "social_worker": (True, True),
    "community_admin": (True, True),
    "other_admin": (False, False),
    "street_admin": (True, False),
    "city_viewer": (True, False),
    "outsider": (False, False),
}


def actor(role: str, users: dict[str, Any], other_admin: Any) -> Any:
    return other_admin if role == "other_admin" else users[role]


@pytest.mark.parametrize("role", list(MATRIX))
def test_pages_by_role(
    role: str, community: Any, users: dict[str, Any], other_admin: Any, bank: Any, project: Any
) -> None:
    may_read, may_write = MATRIX[role]
    c = client_for(actor(role, users, other_admin), "en")
    code = community.code
    for url in (f"/partners/{code}/", f"/partners/{code}/p/{bank.pk}/", f"/partners/{code}/projects/{project.pk}/"):
        assert c.get(url).status_code == (200 if may_read else 404), url
    write_status = 200 if may_write else (403 if may_read else 404)
    for url in (
        f"/partners/{code}/new/",
        f"/partners/{code}/p/{bank.pk}/edit/",
        f"/partners/{code}/pairings/new/",
        f"/partners/{code}/projects/new/",
        f"/partners/{code}/projects/{project.pk}/contribute/",
        f"/partners/{code}/projects/{project.pk}/close/",
    ):
        assert c.get(url).status_code == write_status, url
    if may_read and not may_write:
        index = c.get(f"/partners/{code}/").content.decode()
        assert 'data-testid="register"' not in index
        detail = c.get(f"/partners/{code}/p/{bank.pk}/").content.decode()
        assert 'data-testid="deactivate"' not in detail


@pytest.mark.parametrize("role", [r for r, (_read, write) in MATRIX.items() if not write])
def test_refused_page_posts_change_nothing(
    role: str, community: Any, users: dict[str, Any], other_admin: Any, bank: Any, charity: Any, project: Any
) -> None:
    c = client_for(actor(role, users, other_admin), "en")
    code = community.code
    refused = 403 if MATRIX[role][0] else 404
    before = state()
    posts = [
        (
            f"/partners/{code}/new/",
            {"name": "新", "kind": "charity", "entity": "social_org", "joined_on": "2026-03-01"},
        ),
        (f"/partners/{code}/p/{bank.pk}/edit/", {"name": "改", "kind": "charity", "entity": "enterprise"}),
        (f"/partners/{code}/p/{bank.pk}/deactivate/", {}),
        (f"/partners/{code}/pairings/new/", {"partner": bank.pk, "areas": "助学", "since": "2026-03-01"}),
        (
            f"/partners/{code}/projects/new/",
            {"title": "t", "scenario": "services", "lead": bank.pk, "status": "planned", "starts_on": "2026-03-01"},
        ),
        (f"/partners/{code}/projects/{project.pk}/contribute/", {"kind": "goods", "description": "x", "quantity": 1}),
        (
            f"/partners/{code}/projects/{project.pk}/close/",
            {"outcomes": "x", "beneficiaries": 1, "ends_on": "2026-04-01"},
        ),
    ]
    for url, data in posts:
        assert c.post(url, data).status_code == refused, url
    assert state() == before


def test_anonymous_is_sent_to_log_in_or_not_found(community: Any, bank: Any) -> None:
    c = client_for(None)
    assert c.get(f"/partners/{community.code}/").status_code == 404
    r = c.get(f"/partners/{community.code}/new/")
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]
    assert c.get(f"/partners/streets/{community.street.code}/").status_code == 404


def test_records_of_another_community_are_not_found(
    community: Any, other_community: Any, admin: Any, stranger: Any
) -> None:
    """An admin of 市北 asks for a 利民 partner under 市北's address: 404, as if it did not exist."""
    c = client_for(admin, "en")
    assert c.get(f"/partners/{community.code}/p/{stranger.pk}/").status_code == 404
    assert c.get(f"/partners/{other_community.code}/").status_code == 404
    before = state()
    assert c.post(f"/partners/{community.code}/p/{stranger.pk}/deactivate/", {}).status_code == 404
    assert state() == before


# --- the API -------------------------------------------------------------------------------------------


def api_writes(code: str, bank: Any, charity: Any, project: Any) -> list[tuple[str, str, dict[str, Any]]]:
    base = f"/api/v1/communities/{code}"
    return [
        (
            "post",
            f"{base}/partners",
            {"name": "新", "kind": "charity", "entity": "social_org", "joined_on": "2026-03-01"},
        ),
        ("patch", f"{base}/partners/{bank.pk}", {"name": "改名"}),
        ("post", f"{base}/partners/{bank.pk}/deactivate", {}),
        ("post", f"{base}/pairings", {"partner_id": bank.pk, "areas": "助学", "since": "2026-03-01"}),
        (
            "post",
            f"{base}/partner-projects",
            {"title": "t", "lead_id": bank.pk, "scenario": "services", "starts_on": "2026-03-01"},
        ),
        ("patch", f"{base}/partner-projects/{project.pk}", {"title": "改"}),
        (
            "post",
            f"{base}/partner-projects/{project.pk}/contributions",
            {"kind": "goods", "description": "x", "quantity": 1, "partner_id": charity.pk},
        ),
        (
            "post",
            f"{base}/partner-projects/{project.pk}/close",
            {"outcomes": "x", "beneficiaries": 1, "ends_on": "2026-04-01"},
        ),
    ]


@pytest.mark.parametrize("role", list(MATRIX))
def test_api_by_role(
    role: str, community: Any, users: dict[str, Any], other_admin: Any, bank: Any, charity: Any, project: Any
) -> None:
    may_read, may_write = MATRIX[role]
    c = client_for(actor(role, users, other_admin), "en")
    base = f"/api/v1/communities/{community.code}"
    for url in (
        f"{base}/partners",
        f"{base}/partners/{bank.pk}",
        f"{base}/pairings",
        f"{base}/partner-projects",
        f"{base}/partner-projects/{project.pk}",
        f"{base}/partner-projects/{project.pk}/contributions",
    ):
        r = c.get(url)
        assert r.status_code == (200 if may_read else 404), url
        if not may_read:
            assert set(r.json()["error"]) == {"code", "message", "fields"}
    if may_write:
        return
    before = state()
    for method, url, body in api_writes(community.code, bank, charity, project):
        r = getattr(c, method)(url, body, content_type="application/json")
        assert r.status_code == (403 if may_read else 404), (url, r.status_code)
        refused = "verify_first" if role == "outsider" else "unknown_community"  # signed up, not verified yet
        assert r.json()["error"]["code"] == ("forbidden" if may_read else refused)
        assert r.json()["error"]["message"]
    assert state() == before


def test_api_writes_by_a_community_admin(community: Any, admin: Any, bank: Any, charity: Any, project: Any) -> None:
    c = client_for(admin, "en")
    expected = [201, 200, 200, 400, 400, 200, 201, 200]  # the deactivated bank then neither pairs nor leads
    got = []
    for method, url, body in api_writes(community.code, bank, charity, project):
        got.append(getattr(c, method)(url, body, content_type="application/json").status_code)
    assert got == expected


def test_api_anonymous_is_401(community: Any, bank: Any) -> None:
    r = client_for(None).get(f"/api/v1/communities/{community.code}/partners")
    assert r.status_code == 401 and r.json()["error"]["code"] == "unauthenticated"
