"""Lifting a report into a matter tells its reporter: only someone of this community (or who filed that report
here) may be named, so no community's staff can notify, or be made to follow, people of another community."""

from typing import Any

import pytest
from django.utils import timezone

from linli.accounts.models import Role
from linli.conftest import client_for
from linli.consultation import services
from linli.consultation.models import Follow, Matter
from linli.core.errors import DomainError
from linli.notifications.models import Notification
from linli.reports.models import Category, Report

from .factories import resident_user

pytestmark = pytest.mark.django_db

URL = "/api/v1/communities/limin/consultation/matters/from-report"
LIFT = {"report_ref": "R-77", "kind": "urgent", "title": "东门积水", "body": "多名居民报告东门下雨积水严重。"}


@pytest.fixture
def limin_admin(make_user: Any, other_community: Any) -> Any:
    return make_user(Role.COMMUNITY_ADMIN, other_community)


def test_limin_cannot_notify_shibeis_admin_through_a_lifted_report(
    limin_admin: Any, users: dict[str, Any], community: Any, django_capture_on_commit_callbacks: Any
) -> None:
    shibei_admin = users["community_admin"]
    shibei_resident = resident_user(community, name="陈志强")
    client = client_for(limin_admin, "en")
    for target in (shibei_admin, shibei_resident):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(URL, {**LIFT, "reporter_mobile": target.mobile}, content_type="application/json")
        assert response.status_code == 400, response.content
        error = response.json()["error"]
        assert error["code"] == "unknown_reporter" and "reporter_mobile" in error["fields"]
        assert "No one in this community" in error["message"]
    assert not Matter.objects.exists() and not Follow.objects.exists()
    assert not Notification.objects.filter(user__in=[shibei_admin, shibei_resident]).exists()


def test_an_unregistered_number_is_answered_the_same_way(limin_admin: Any) -> None:
    client = client_for(limin_admin, "en")
    unknown = client.post(URL, {**LIFT, "reporter_mobile": "13999999999"}, content_type="application/json")
    assert unknown.status_code == 400 and unknown.json()["error"]["code"] == "unknown_reporter"
    assert not Matter.objects.exists()


def test_the_service_refuses_a_reporter_of_another_community(
    limin_admin: Any, users: dict[str, Any], other_community: Any
) -> None:
    with pytest.raises(DomainError) as exc:
        services.matter_lift_from_report(
            actor=limin_admin, community=other_community, reporter=users["community_admin"], **LIFT
        )
    assert exc.value.field == "reporter_mobile"
    assert not Matter.objects.exists() and not Notification.objects.exists()


def test_residents_and_the_reporter_of_that_report_here_are_told(
    limin_admin: Any, community: Any, other_community: Any, django_capture_on_commit_callbacks: Any
) -> None:
    neighbour = resident_user(other_community, name="孙秀英")
    passer_by = resident_user(community, name="路人")  # lives in 市北, reported a lamp in 利民
    category = Category.objects.create(community=other_community, code="lamp", name="路灯不亮")
    now = timezone.now()
    report = Report.objects.create(
        community=other_community,
        category=category,
        reporter=passer_by,
        description="路灯不亮",
        token="t-77",
        lat=30.29,
        lng=120.165,
        created_at=now,
        updated_at=now,
    )
    client = client_for(limin_admin, "en")
    with django_capture_on_commit_callbacks(execute=True):
        ok = client.post(URL, {**LIFT, "reporter_mobile": neighbour.mobile}, content_type="application/json")
        lifted = client.post(
            URL,
            {**LIFT, "report_ref": str(report.pk), "reporter_mobile": passer_by.mobile},
            content_type="application/json",
        )
    assert ok.status_code == 201 and lifted.status_code == 201, (ok.content, lifted.content)
    assert Notification.objects.filter(user=neighbour).exists()
    assert Notification.objects.filter(user=passer_by).exists()
