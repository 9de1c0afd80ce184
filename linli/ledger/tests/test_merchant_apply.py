"""Only residents of a community apply to sell there, through the API and the page alike; a refusal saves
nothing and says why in the user's language."""

from typing import Any

import pytest
from django.urls import reverse

from linli.accounts.models import Role
from linli.audit.models import AuditEntry
from linli.conftest import client_for, make_resident
from linli.ledger import rules
from linli.ledger.models import Merchant

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture
def applicants(make_user: Any, community: Any, other_community: Any, users: dict[str, Any]) -> dict[str, Any]:
    registered = make_user()
    make_resident(community, name="陈秀英", seq=5, user=registered)
    neighbour = make_user(Role.RESIDENT, other_community)
    make_resident(other_community, name="王建国", seq=6, user=neighbour)
    return {
        "resident": users["resident"],  # holds the community's resident role
        "registered resident": registered,  # registered as its resident (no role row)
        "merchant staff": users["merchant_staff"],
        "city viewer": users["city_viewer"],
        "other community's resident": neighbour,
        "other community's admin": make_user(Role.COMMUNITY_ADMIN, other_community),
        "street admin": users["street_admin"],
        "outsider": users["outsider"],
        "anonymous": None,
    }


ALLOWED = {"resident", "registered resident", "merchant staff"}
WHO = [
    "resident",
    "registered resident",
    "merchant staff",
    "city viewer",
    "other community's resident",
    "other community's admin",
    "street admin",
    "outsider",
    "anonymous",
]


@pytest.mark.parametrize("who", WHO)
def test_the_rule(applicants: dict[str, Any], community: Any, who: str) -> None:
    assert rules.can_apply_as_merchant(applicants[who], community) is (who in ALLOWED)


@pytest.mark.parametrize("who", WHO)
def test_the_api(applicants: dict[str, Any], community: Any, who: str) -> None:
    r = client_for(applicants[who], "en").post(
        "/api/v1/ledger/merchants", {"community": community.code, "name": "街角咖啡"}, JSON
    )
    if who in ALLOWED:
        assert r.status_code == 201, r.content
        assert Merchant.objects.get().community == community
        return
    assert r.status_code == (401 if who == "anonymous" else 403), r.content
    if who != "anonymous":
        error = r.json()["error"]
        assert error["code"] == "not_a_resident" and "community" in error["fields"]
        assert "Only residents of" in error["message"]
    assert not Merchant.objects.exists() and not AuditEntry.objects.filter(action="merchant.apply").exists()


def test_the_api_refuses_in_chinese(applicants: dict[str, Any], community: Any) -> None:
    r = client_for(applicants["city viewer"]).post(
        "/api/v1/ledger/merchants", {"community": community.code, "name": "街角咖啡"}, JSON
    )
    assert r.status_code == 403 and "居民" in r.json()["error"]["message"]


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_page(applicants: dict[str, Any], community: Any, who: str, language: str) -> None:
    c = client_for(applicants[who], language)
    r = c.post(reverse("ledger:merchant_apply"), {"community": community.code, "name": "街角咖啡", "kind": "shop"})
    if who in ALLOWED:
        assert r.status_code == 302 and Merchant.objects.filter(community=community).count() == 1
        return
    if who == "anonymous":
        assert r.status_code == 302 and "login" in r.url
    else:
        text = r.content.decode()
        assert r.status_code == 200 and "has-error" in text
        assert ("Only residents of" if language == "en" else "的居民可以申请") in text
    assert not Merchant.objects.exists()
