"""Another community's childcare groups and applications are not found through this community's pages and API,
even by its staff; nothing changes."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from linli.childcare import services
from linli.childcare.models import AgeGroup, Application
from linli.conftest import client_for, make_resident
from linli.facilities.tests.factories import make_facility

pytestmark = pytest.mark.django_db


def group_of(community: Any, admin: Any) -> AgeGroup:
    nursery = make_facility(community, "nursery", "childcare", name=f"{community.name}托育点")
    return services.group_create(actor=admin, facility=nursery, name="托小班", min_months=6, max_months=36, places=9)


def baby(community: Any, name: str, seq: int, **extra: Any) -> Any:
    return make_resident(community, name=name, birth=timezone.localdate() - dt.timedelta(days=400), seq=seq, **extra)


@pytest.fixture
def theirs(other_community: Any, make_user: Any) -> dict[str, Any]:
    admin = make_user("community_admin", other_community)
    group = group_of(other_community, admin)
    application = services.application_submit(
        actor=admin,
        group=group,
        child=baby(other_community, "李小宝", 5),
        start_on=timezone.localdate() + dt.timedelta(days=14),
    )
    return {"group": group, "application": application}


@pytest.fixture
def ours(community: Any, users: dict[str, Any]) -> dict[str, Any]:
    make_resident(community, name="周丽君", birth=dt.date(1992, 5, 1), user=users["resident"])
    return {"group": group_of(community, users["community_admin"]), "child": baby(community, "周小宝", 2)}


def state() -> tuple[Any, ...]:
    return (
        list(AgeGroup.objects.values_list("pk", "admitted")),
        list(Application.objects.values_list("pk", "status")),
    )


@pytest.mark.parametrize("who", ["resident", "operator", "community_admin"])
def test_another_communitys_objects_are_404_through_the_api(
    users: dict[str, Any], theirs: dict[str, Any], ours: dict[str, Any], who: str
) -> None:
    api = client_for(users[who])
    base = "/api/v1/communities/shibei/childcare"
    start = (timezone.localdate() + dt.timedelta(days=14)).isoformat()
    before = state()
    applied = api.post(
        f"{base}/groups/{theirs['group'].pk}/applications",
        {"child_id": ours["child"].pk, "start_on": start},
        content_type="application/json",
    )
    assert applied.status_code == 404
    decided = api.post(
        f"{base}/applications/{theirs['application'].pk}/decision",
        {"decision": "admit"},
        content_type="application/json",
    )
    assert decided.status_code == (403 if who == "resident" else 404)  # a resident is refused before the lookup
    assert api.get("/api/v1/communities/limin/childcare/groups").status_code == 404
    assert state() == before
    assert [g["id"] for g in api.get(f"{base}/groups").json()] == [ours["group"].pk]
    if who != "resident":
        assert api.get(f"{base}/applications").json() == []


@pytest.mark.parametrize("who", ["resident", "operator", "community_admin"])
def test_another_communitys_objects_are_404_through_the_pages(
    users: dict[str, Any], theirs: dict[str, Any], ours: dict[str, Any], who: str
) -> None:
    page = client_for(users[who])
    start = (timezone.localdate() + dt.timedelta(days=14)).isoformat()
    before = state()
    applied = page.post(
        f"/childcare/shibei/groups/{theirs['group'].pk}/apply/", {"child": ours["child"].pk, "start_on": start}
    )
    assert applied.status_code == 404
    decided = page.post(f"/childcare/shibei/applications/{theirs['application'].pk}/admit/")
    assert decided.status_code == (403 if who == "resident" else 404)
    assert page.get("/childcare/limin/").status_code == 404
    assert state() == before
    if who != "resident":
        assert "李小宝" not in page.get("/childcare/shibei/applications/").content.decode()
