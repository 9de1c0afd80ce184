"""A community renames, refiles and retires the facility types it added (page and API); built-in types and other
communities' types stay as they are; a retired type is not offered for new facilities."""

from typing import Any

import pytest

from linli.audit.models import AuditEntry
from linli.conftest import client_for
from linli.facilities import services
from linli.facilities.forms import FacilityForm
from linli.facilities.models import FacilityCategory

pytestmark = pytest.mark.django_db

API = "/api/v1/communities/shibei/facility-categories"
JSON = "application/json"


@pytest.fixture
def ours(users: Any, community: Any) -> FacilityCategory:
    return services.category_create(
        actor=users["community_admin"],
        community=community,
        code="repair_cafe",
        name_zh="修理驿站",
        name_en="Repair cafe",
        default_scenario="services",
    )


def catalogue() -> list[Any]:
    return list(FacilityCategory.objects.values_list("code", "name_zh", "name_en", "default_scenario", "active"))


@pytest.mark.parametrize("elder", [False, True])
def test_our_type_is_renamed_retired_and_offered_again_on_pages(
    users: Any, community: Any, ours: FacilityCategory, elder: bool
) -> None:
    c = client_for(users["social_worker"], "zh-hans")
    if elder:
        c.cookies["linli_elder"] = "1"
    listing = c.get("/services/shibei/manage/categories/").content.decode()
    assert 'data-testid="category-edit-repair_cafe"' in listing
    assert 'data-testid="category-edit-elderly_canteen"' not in listing  # built in: no edit button
    page = c.get("/services/shibei/manage/categories/repair_cafe/")
    assert page.status_code == 200 and "修理驿站" in page.content.decode()
    r = c.post(
        "/services/shibei/manage/categories/repair_cafe/",
        {"name_zh": "共享修理铺", "name_en": "Repair shop", "default_scenario": "low_carbon"},
    )
    assert r.status_code == 302
    ours.refresh_from_db()
    assert (ours.name_zh, ours.name_en, ours.default_scenario) == ("共享修理铺", "Repair shop", "low_carbon")
    assert c.post("/services/shibei/manage/categories/repair_cafe/retire/").status_code == 302
    ours.refresh_from_db()
    assert not ours.active
    form = FacilityForm(community=community)
    assert ours not in form.fields["category"].queryset  # type: ignore[attr-defined]
    assert c.post("/services/shibei/manage/categories/repair_cafe/restore/").status_code == 302
    ours.refresh_from_db()
    assert ours.active
    assert AuditEntry.objects.filter(action="facility_category.update").count() == 3


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_bad_changes_and_others_types_are_refused_with_nothing_saved(
    users: Any, community: Any, other_community: Any, ours: FacilityCategory, language: str, make_user: Any
) -> None:
    theirs = services.category_create(
        actor=make_user("community_admin", other_community),
        community=other_community,
        code="tea_house",
        name_zh="茶馆",
        name_en="Tea house",
        default_scenario="neighbourhood",
    )
    before = catalogue()
    c = client_for(users["community_admin"], language)
    zh = language == "zh-hans"
    r = c.post(
        "/services/shibei/manage/categories/repair_cafe/",
        {"name_zh": "", "name_en": "x", "default_scenario": "services"},
    )
    assert r.status_code == 200 and ("此项必填" if zh else "required") in r.content.decode()
    r = c.patch(f"{API}/repair_cafe", {"default_scenario": "party"}, JSON)
    assert r.status_code == 400 and "default_scenario" in r.json()["error"]["fields"]
    for code in ("elderly_canteen", "tea_house"):
        r = c.patch(f"{API}/{code}", {"name_zh": "改名"}, JSON)
        assert r.status_code == 403
        assert ("只有添加" if zh else "Only the community that added") in r.json()["error"]["message"]
        assert c.post(f"/services/shibei/manage/categories/{code}/retire/").status_code == 403
    assert c.patch(f"{API}/no_such_type", {"name_zh": "改名"}, JSON).status_code == 404
    assert catalogue() == before
    assert theirs.active


@pytest.mark.parametrize(
    "role", ["resident", "volunteer", "grid_steward", "operator", "merchant_staff", "street_admin", "outsider"]
)
def test_who_may_not_change_a_type(users: Any, ours: FacilityCategory, role: str) -> None:
    before = catalogue()
    r = client_for(users[role]).patch(f"{API}/repair_cafe", {"active": False}, JSON)
    assert r.status_code in (403, 404)
    assert catalogue() == before


def test_the_api_retires_our_type(users: Any, ours: FacilityCategory) -> None:
    r = client_for(users["social_worker"]).patch(
        f"{API}/repair_cafe", {"active": False, "name_en": "Fix-it cafe"}, JSON
    )
    assert r.status_code == 200 and r.json()["active"] is False and r.json()["name_en"] == "Fix-it cafe"
    listed = {c["code"]: c["active"] for c in client_for(users["resident"]).get("/api/v1/facility-categories").json()}
    assert listed["repair_cafe"] is False and listed["elderly_canteen"] is True
