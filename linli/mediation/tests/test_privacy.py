"""A mediation case is invisible outside it: pages, API, search, exports, audit and notifications."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from linli.audit.models import AuditEntry
from linli.conftest import client_for
from linli.consultation.tests.factories import resident_user
from linli.core.errors import Conflict, NotAllowed, NotFound
from linli.mediation import selectors, services
from linli.mediation.models import Case, Mediator
from linli.notifications.models import Notification

pytestmark = pytest.mark.django_db
SECRET = "加高走廊挡光"


@pytest.fixture
def setup(community: Any, users: dict[str, Any], make_user: Any) -> dict[str, Any]:
    applicant = resident_user(community, name="张阿姨")
    respondent = resident_user(community, name="李先生")
    mediator_user = make_user("social_worker", community)
    other_mediator_user = make_user("social_worker", community)
    admin = users["community_admin"]
    mediator = services.mediator_add(actor=admin, community=community, user=mediator_user)
    services.mediator_add(actor=admin, community=community, user=other_mediator_user)
    case = services.case_open(
        actor=applicant,
        community=community,
        kind="neighbour",
        title=SECRET,
        summary=f"邻居{SECRET}，我家客厅白天也要开灯。",
        respondent_ids=[respondent.resident.pk],
    )
    services.case_assign_mediator(actor=admin, case=case, mediator=mediator)
    services.note_add(actor=mediator_user, case=case, text=f"第一次沟通：{SECRET}的情况属实。")
    return {
        "case": case,
        "applicant": applicant,
        "respondent": respondent,
        "mediator": mediator_user,
        "other_mediator": other_mediator_user,
        "admin": admin,
    }


def outsiders(community: Any, other_community: Any, users: dict[str, Any], s: dict[str, Any]) -> list[Any]:
    return [
        users["resident"],
        users["grid_steward"],
        users["social_worker"],
        users["street_admin"],
        users["city_viewer"],
        users["operator"],
        s["other_mediator"],
        s["admin"],
        resident_user(community),
        resident_user(other_community),
    ]


def test_insiders_see_the_case(community: Any, setup: dict[str, Any]) -> None:
    case = setup["case"]
    for who in ("applicant", "respondent", "mediator"):
        assert selectors.case_get(user=setup[who], community=community, pk=case.pk) == case
        html = client_for(setup[who]).get(f"/mediation/shibei/cases/{case.pk}/").content.decode()
        assert SECRET in html
        api = client_for(setup[who]).get(f"/api/v1/communities/shibei/mediation/cases/{case.pk}")
        assert api.status_code == 200 and api.json()["notes"]


def test_outsiders_cannot_see_it_anywhere(
    community: Any, other_community: Any, users: dict[str, Any], setup: dict[str, Any]
) -> None:
    case = setup["case"]
    for user in outsiders(community, other_community, users, setup):
        with pytest.raises(NotFound):
            selectors.case_get(user=user, community=community, pk=case.pk)
        assert not selectors.cases_for(user=user, community=community, q=SECRET).exists()
        c = client_for(user)
        assert c.get(f"/mediation/shibei/cases/{case.pk}/").status_code == 404
        for url in (
            "/mediation/shibei/",
            f"/mediation/shibei/?q={SECRET}",
            "/mediation/shibei/statistics/",
            "/consultation/shibei/",
            f"/consultation/shibei/?q={SECRET}",
            "/consultation/shibei/export.csv",
            "/api/v1/communities/shibei/mediation/cases",
            f"/api/v1/communities/shibei/mediation/cases?q={SECRET}",
            f"/api/v1/communities/shibei/mediation/cases/{case.pk}",
            "/api/v1/communities/shibei/mediation/metadata",
            "/api/v1/communities/shibei/consultation/matters",
            "/admin/audit/auditentry/",
            "/admin/",
        ):
            body = c.get(url).content.decode("utf-8-sig")
            if "q=" in url:  # the search box echoes the query; nothing of the case may come back
                body = body.replace(f'value="{SECRET}"', "").replace(f'"q": "{SECRET}"', "")
            assert SECRET not in body and "客厅白天" not in body and "张阿姨" not in body, (user, url)
            assert f"/mediation/shibei/cases/{case.pk}/" not in body, (user, url)
        r = c.post(
            f"/api/v1/communities/shibei/mediation/cases/{case.pk}/notes",
            {"text": "插一句"},
            content_type="application/json",
        )
        assert r.status_code == 404
    assert case.notes.count() == 1


def test_admin_sees_metadata_only(community: Any, setup: dict[str, Any]) -> None:
    rows = selectors.case_metadata(user=setup["admin"], community=community)
    assert rows[0]["id"] == setup["case"].pk and "title" not in rows[0] and "summary" not in rows[0]
    html = client_for(setup["admin"]).get("/mediation/shibei/").content.decode()
    assert f"<td>{setup['case'].pk}</td>" in html and SECRET not in html
    with pytest.raises(NotAllowed):
        selectors.case_metadata(user=setup["mediator"], community=community)


def test_statistics_are_counts_only(community: Any, setup: dict[str, Any], users: dict[str, Any]) -> None:
    stats = selectors.statistics(user=users["resident"], community=community)
    assert stats["total"] == 1
    api = client_for(users["street_admin"]).get("/api/v1/communities/shibei/mediation/statistics").json()
    assert api["total"] == 1 and SECRET not in str(api)


def test_audit_and_notifications_carry_no_content(
    community: Any, setup: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.note_add(actor=setup["applicant"], case=setup["case"], text=f"补充：{SECRET}已三个月。")
    for entry in AuditEntry.objects.filter(action__startswith="mediation."):
        assert SECRET not in str(entry.before) + str(entry.after)
    assert Notification.objects.filter(user=setup["mediator"]).exists()
    assert not Notification.objects.filter(title__contains=SECRET).exists()
    assert not Notification.objects.filter(body__contains=SECRET).exists()


def test_lifecycle_and_refusals(community: Any, setup: dict[str, Any]) -> None:
    case, mediator = setup["case"], setup["mediator"]
    with pytest.raises(NotFound):
        services.session_schedule(
            actor=setup["applicant"], case=case, starts_at=timezone.now() + dt.timedelta(days=1), place="居民会客厅"
        )
    services.session_schedule(
        actor=mediator, case=case, starts_at=timezone.now() + dt.timedelta(days=1), place="居民会客厅"
    )
    with pytest.raises(Conflict):
        services.follow_up_record(actor=mediator, case=case, outcome="kept", text="尚无协议")
    services.agreement_record(
        actor=mediator,
        case=case,
        text="李先生将走廊加高部分降低30厘米，并承担费用。",
        follow_up_due=timezone.localdate() + dt.timedelta(days=30),
    )
    services.follow_up_record(actor=mediator, case=case, outcome="kept", text="回访：已整改，双方满意。")
    services.case_close(actor=mediator, case=case, resolved=True)
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED and case.resolved is True
    with pytest.raises(Conflict):
        services.note_add(actor=setup["applicant"], case=case, text="结案后补充")
    stats = selectors.statistics(user=setup["applicant"], community=community)
    assert stats["resolved"] == 1 and stats["resolved_share"] == 100


def test_not_in_django_admin() -> None:
    from django.contrib import admin

    assert not any(m._meta.app_label == "mediation" for m in admin.site._registry)
    assert Mediator._meta.app_label == "mediation"
