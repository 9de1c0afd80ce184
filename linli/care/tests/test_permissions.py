"""Who sees care records: every role of `users`, another grid's steward, an outsider, anonymous, another
community's admin; pages and API. Reads of a care record write an audit row."""

import datetime as dt
from typing import Any

import pytest

from linli.audit.models import AuditEntry
from linli.care import services
from linli.care.models import Referral, Visit
from linli.conftest import ROLES, client_for

pytestmark = pytest.mark.django_db

CARE_STAFF = {"grid_steward", "social_worker", "community_admin"}


@pytest.fixture
def records(setup: Any) -> Any:
    now = dt.datetime.now(dt.UTC)
    setup.visit = services.visit_record(actor=setup.steward, resident=setup.alone, condition="attention", now=now)
    setup.referral = services.referral_create(actor=setup.steward, visit=setup.visit, text="需要助餐")
    return setup


def pages(s: Any) -> dict[str, str]:
    return {
        "list": "/care/shibei/",
        "referrals": "/care/shibei/referrals/",
        "cadences": "/care/shibei/cadences/",
        "resident": f"/care/shibei/residents/{s.alone.pk}/",
        "visit_new": f"/care/shibei/residents/{s.alone.pk}/visit/",
        "visit": f"/care/shibei/visits/{s.visit.pk}/",
        "api_list": "/api/v1/communities/shibei/care/list",
        "api_cadences": "/api/v1/communities/shibei/care/cadences",
        "api_referrals": "/api/v1/communities/shibei/care/referrals",
        "api_resident": f"/api/v1/communities/shibei/care/residents/{s.alone.pk}/visits",
        "api_visit": f"/api/v1/communities/shibei/care/visits/{s.visit.pk}",
    }


LISTS = {"list", "referrals", "cadences", "api_list", "api_cadences", "api_referrals"}


def expected(role: str, page: str) -> int:
    if role in CARE_STAFF:
        return 200
    # community members and overseers without care rights: lists refused, records not revealed
    return 403 if page in LISTS else 404


@pytest.mark.parametrize("role", ROLES)
def test_every_role_on_every_page(records: Any, role: str) -> None:
    client = client_for(records.users[role])
    for name, url in pages(records).items():
        response = client.get(url)
        assert response.status_code == expected(role, name), (role, name, response.status_code)
        if response.status_code != 200:
            assert "张阿婆" not in response.content.decode()


def test_outsider_and_other_community_get_404_and_anonymous_is_sent_to_log_in(
    records: Any, make_user: Any, other_community: Any
) -> None:
    other_admin = make_user("community_admin", other_community)
    for user in (records.users["outsider"], other_admin):
        client = client_for(user)
        for name, url in pages(records).items():
            assert client.get(url).status_code == 404, name
    anonymous = client_for(None)
    for name, url in pages(records).items():
        response = anonymous.get(url)
        if name.startswith("api_"):
            assert response.status_code == 401, name
        else:
            assert response.status_code == 302 and "/accounts/login/" in response["Location"], name


def test_another_grids_steward_sees_nothing_of_this_grid(records: Any) -> None:
    client = client_for(records.other_steward)
    page = client.get("/care/shibei/")
    assert page.status_code == 200
    assert "王奶奶" in page.content.decode() and "张阿婆" not in page.content.decode()
    for name in ("resident", "visit_new", "visit", "api_resident", "api_visit"):
        assert client.get(pages(records)[name]).status_code == 404, name
    assert (
        client.post(f"/care/shibei/residents/{records.alone.pk}/visit/", {"kind": "home", "seen": "1"}).status_code
        == 404
    )
    api = client.post(
        f"/api/v1/communities/shibei/care/visits/{records.visit.pk}/referrals",
        {"text": "越权"},
        content_type="application/json",
    )
    assert api.status_code == 404
    assert client.get("/api/v1/communities/shibei/care/referrals").json() == []
    assert Visit.objects.count() == 1 and Referral.objects.count() == 1


def test_writes_are_refused_to_roles_without_care_rights(records: Any) -> None:
    for role in ("resident", "volunteer", "street_admin", "city_admin", "operator"):
        client = client_for(records.users[role])
        assert (
            client.post(
                f"/care/shibei/residents/{records.alone.pk}/visit/", {"kind": "home", "seen": "1", "condition": "good"}
            ).status_code
            == 404
        )
        assert client.post(f"/care/shibei/referrals/{records.referral.pk}/close/", {"outcome": "x"}).status_code in (
            403,
            404,
        )
        assert (
            client.post("/care/shibei/cadences/", {"tag": records.alone.tags.first().pk, "every_days": 3}).status_code
            == 403
        )
    # the steward may not close referrals nor set cadences
    steward = client_for(records.steward)
    steward.post(f"/care/shibei/referrals/{records.referral.pk}/close/", {"outcome": "自己关"})
    records.referral.refresh_from_db()
    assert records.referral.status == Referral.Status.OPEN
    assert (
        steward.post("/care/shibei/cadences/", {"tag": records.alone.tags.first().pk, "every_days": 3}).status_code
        == 403
    )
    assert Visit.objects.count() == 1


def test_every_read_of_a_care_record_is_audited(records: Any) -> None:
    reads = AuditEntry.objects.filter(action="care.visit.read")
    assert reads.count() == 0
    for user in (records.steward, records.users["social_worker"]):
        client = client_for(user)
        client.get(pages(records)["resident"])
        client.get(pages(records)["visit"])
        client.get(pages(records)["api_resident"])
        client.get(pages(records)["api_visit"])
    assert reads.count() == 8
    assert set(reads.values_list("via", flat=True)) == {"web", "api"}
    visit_reads = reads.filter(object_type="care.visit", object_id=str(records.visit.pk))
    assert visit_reads.count() == 4 and {r.actor for r in visit_reads} == {
        records.steward,
        records.users["social_worker"],
    }
    # refused reads and the list write no read rows (the list shows no visit content)
    client_for(records.other_steward).get(pages(records)["resident"])
    client_for(records.steward).get(pages(records)["list"])
    assert reads.count() == 8
