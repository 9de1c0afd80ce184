"""Who may hold a report: the assignee sees the reporter's name and number, so only the community's staff and
operators (and the street over it) may be assigned; never a plain resident, nor another community's staff."""

from typing import Any

import pytest

from linli.accounts.models import Role
from linli.audit.models import AuditEntry
from linli.conftest import client_for
from linli.core.errors import DomainError
from linli.notifications.models import Notification
from linli.reports import services
from linli.reports.models import Category, Report

from .test_services import submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(community: Any, category: Any, resident_user: Any, steward: Any) -> Report:
    return submit(community, category, resident_user)


def refused_people(make_user: Any, community: Any, other_community: Any) -> dict[str, Any]:
    return {
        "resident": make_user(Role.RESIDENT, community),
        "volunteer": make_user(Role.VOLUNTEER, community),
        "merchant staff": make_user(Role.MERCHANT_STAFF, community),
        "nobody": make_user(),
        "other community's steward": make_user(Role.GRID_STEWARD, other_community),
        "other community's admin": make_user(Role.COMMUNITY_ADMIN, other_community),
        "inactive steward": make_user(Role.GRID_STEWARD, community, is_active=False),
    }


def test_a_report_cannot_be_assigned_to_a_resident_or_another_communitys_staff(
    report: Report, users: dict[str, Any], make_user: Any, community: Any, other_community: Any
) -> None:
    worker = users["social_worker"]
    for who, person in refused_people(make_user, community, other_community).items():
        before = (report.assignee_id, AuditEntry.objects.count(), Notification.objects.count())
        with pytest.raises(DomainError) as exc:
            services.report_assign(actor=worker, report=report, assignee=person)
        assert exc.value.code == "invalid_assignee" and exc.value.field == "assignee", who
        report.refresh_from_db()
        assert (report.assignee_id, AuditEntry.objects.count(), Notification.objects.count()) == before, who
        with pytest.raises(DomainError):
            services.reports_assign_bulk(actor=worker, community=community, report_ids=[report.pk], assignee=person)
        report.refresh_from_db()
        assert report.assignee_id == before[0], who


def test_the_community_staff_operators_and_the_street_may_be_assigned(
    report: Report, users: dict[str, Any], fixer: Any
) -> None:
    worker = users["social_worker"]
    for role in ("grid_steward", "social_worker", "community_admin", "street_admin"):
        services.report_assign(actor=worker, report=report, assignee=users[role])
        report.refresh_from_db()
        assert report.assignee == users[role], role
    services.report_assign(actor=worker, report=report, assignee=fixer)
    report.refresh_from_db()
    assert report.assignee == fixer


def test_the_page_says_why_and_the_resident_never_sees_the_reporters_number(
    report: Report, users: dict[str, Any], community: Any
) -> None:
    resident = users["resident"]
    client = client_for(users["social_worker"], "en")
    response = client.post(f"/reports/{community.code}/{report.pk}/assign/", {"assignee": resident.pk}, follow=True)
    assert "Assign to someone who works in this community." in response.content.decode()
    report.refresh_from_db()
    assert report.assignee_id != resident.pk
    page = client_for(resident).get(f"/reports/{community.code}/{report.pk}/").content.decode()
    assert report.reporter.mobile not in page
    bulk = client.post(
        f"/reports/{community.code}/queue/", {"report": [report.pk], "assignee": resident.pk}, follow=True
    )
    assert "Assign to someone who works in this community." in bulk.content.decode()
    assert not Report.objects.filter(assignee=resident).exists()


def test_a_category_cannot_name_a_resident_as_its_responsible_party(
    community: Any, category: Category, users: dict[str, Any], steward: Any, resident_user: Any
) -> None:
    Category.objects.filter(pk=category.pk).update(responsible=users["resident"])  # set before this rule existed
    report = submit(community, category, resident_user)
    report = services.report_accept(actor=steward, report=report)
    assert report.assignee == steward  # not the resident the category names
    category.refresh_from_db()
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        category.full_clean()
    assert "responsible" in exc.value.message_dict
