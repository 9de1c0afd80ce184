"""The figures beside the indicators read a past month as it was too: reports open on its last day, partners that
had joined, the fund as it stood; a value entered late reaches the later stored months; a closed month is stored
once and read, and computed again only when asked; months the scheduled job missed are stored when it runs again;
a partner that left counts in the months before it left."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from freezegun import freeze_time

from linli.cockpit import services
from linli.cockpit.models import Snapshot
from linli.cockpit.queries.registry import FIGURES
from linli.conftest import make_resident
from linli.core.scenarios import Scenario
from linli.fund.models import Donation
from linli.fund.services.donations import donation_record
from linli.partners import services as partner_services
from linli.partners.models import Partner, PartnerKind, Project
from linli.people import services as people_services
from linli.reports.models import Category, Report
from linli.reports.services import report_submit

pytestmark = pytest.mark.django_db

MARCH, APRIL, MAY, JUNE = dt.date(2026, 3, 1), dt.date(2026, 4, 1), dt.date(2026, 5, 1), dt.date(2026, 6, 1)


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10)))


def _lamp_out(community, users, day: dt.date) -> Report:
    """A resident reports a lamp out on `day` (a category accepting within 4 hours, resolving within 48)."""
    lamp = Category.objects.create(
        community=community, code="lamp", name="路灯不亮", accept_within_hours=4, resolve_within_hours=48
    )
    return report_submit(
        actor=users["resident"],
        community=community,
        category=lamp,
        description="楼道灯坏了",
        lat=30.285,
        lng=120.135,
        now=_at(day),
    )


def test_a_report_open_at_the_end_of_march_and_resolved_in_april_counts_open_in_march_only(community, users):
    report = _lamp_out(community, users, dt.date(2026, 3, 20))
    Report.objects.filter(pk=report.pk).update(
        status=Report.Status.RESOLVED,
        overdue=True,
        due_at=_at(dt.date(2026, 3, 22)),
        resolved_at=_at(dt.date(2026, 4, 3)),
        finished_at=_at(dt.date(2026, 4, 3)),
    )
    march, april = FIGURES["reports"](community, MARCH), FIGURES["reports"](community, APRIL)
    assert (march["open"], march["overdue"], march["submitted"]) == (1, 1, 1)
    assert (april["open"], april["overdue"], april["resolved"]) == (0, 0, 1)
    assert FIGURES["reports"](community, dt.date(2026, 2, 1))["open"] == 0  # not made yet


def test_a_partner_joining_in_may_and_a_donation_in_may_are_not_counted_in_april(community, users, monkeypatch):
    lead = Partner.objects.create(
        community=community, name="老街坊茶馆", kind=PartnerKind.values[0], joined_on=dt.date(2026, 3, 2)
    )
    Partner.objects.create(community=community, name="新来的药房", kind=PartnerKind.values[0], joined_on=MAY)
    Project.objects.create(
        community=community,
        title="楼道微更新",
        lead=lead,
        scenario=Scenario.NEIGHBOURHOOD,
        starts_on=dt.date(2026, 5, 9),
    )
    monkeypatch.setattr(timezone, "localdate", lambda *a: dt.date(2026, 6, 10))
    donation_record(
        actor=users["community_admin"],
        community=community,
        donor_kind=Donation.DonorKind.ENTERPRISE,
        donor_name="老街坊茶馆",
        amount_fen=500_000,
        received_on=dt.date(2026, 5, 6),
        idempotency_key="may",
        now=_at(dt.date(2026, 5, 6)),
    )
    assert FIGURES["partners"](community, APRIL) == {"partners": 1, "projects": 0}
    assert FIGURES["partners"](community, MAY) == {"partners": 2, "projects": 1}
    assert FIGURES["fund"](community, APRIL)["raised_yuan"] == 0
    assert FIGURES["fund"](community, MAY)["raised_yuan"] == 5_000


def test_a_closed_month_is_read_as_stored_and_computed_again_only_when_asked(community, users, monkeypatch):
    make_resident(community, name="留下", birth=dt.date(1950, 1, 1), seq=1)
    leaving = make_resident(community, name="迁出者", birth=dt.date(1990, 1, 1), seq=2)
    monkeypatch.setattr(timezone, "localdate", lambda *a: dt.date(2026, 5, 10))
    stored = services.snapshot_refresh(community=community, month=MARCH)
    residents = stored.figures["residents_total"]
    # a move out in March recorded late, in May: the stored March stays as it was until it is computed again
    people_services.resident_move_out(
        actor=users["community_admin"], resident=leaving, on=dt.date(2026, 3, 10), reason="迟报的迁出"
    )
    assert Snapshot.objects.get(community=community, month=MARCH).figures["residents_total"] == residents
    call_command("cockpit_refresh", month="2026-03", community=community.code, stdout=io.StringIO())
    assert Snapshot.objects.get(community=community, month=MARCH).figures["residents_total"] == residents - 1


def test_a_value_entered_for_march_reaches_the_later_months_already_stored(
    community, users, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(timezone, "localdate", lambda *a: dt.date(2026, 5, 10))
    for month in (MARCH, APRIL, MAY):
        services.snapshot_refresh(community=community, month=month)
    with django_capture_on_commit_callbacks(execute=True):
        services.indicator_entry_create(
            actor=users["community_admin"],
            community=community,
            code="parking_per_household",
            month=MARCH,
            value=0.8,
            files=[SimpleUploadedFile("车位台账.pdf", b"%PDF-1.4", content_type="application/pdf")],
        )
    values = {s.month: s.values["parking_per_household"] for s in Snapshot.objects.filter(community=community)}
    assert values == {MARCH: 0.8, APRIL: 0.8, MAY: 0.8}


def test_a_partner_that_joined_in_march_and_left_in_may_counts_in_march_and_april_only(community, users, monkeypatch):
    tea_house = Partner.objects.create(
        community=community, name="老街坊茶馆", kind=PartnerKind.values[0], joined_on=dt.date(2026, 3, 2)
    )
    Partner.objects.create(  # left before its leaving day was kept: gone before any month
        community=community, name="旧书店", kind=PartnerKind.values[0], joined_on=dt.date(2025, 1, 1), active=False
    )
    partner_services.partner_deactivate(actor=users["community_admin"], partner=tea_house, on=dt.date(2026, 5, 12))
    monkeypatch.setattr(timezone, "localdate", lambda *a: dt.date(2026, 7, 10))
    counted = {month: FIGURES["partners"](community, month)["partners"] for month in (MARCH, APRIL, MAY, JUNE)}
    assert counted == {MARCH: 1, APRIL: 1, MAY: 0, JUNE: 0}
    assert FIGURES["partners"](community, dt.date(2026, 2, 1))["partners"] == 0


def test_closed_months_the_job_missed_are_stored_back_to_the_first_records_once(community, monkeypatch):
    with freeze_time("2026-03-15 10:00:00"):  # the register begins in March
        make_resident(community, name="早住户", birth=dt.date(1950, 1, 1), seq=1)
    with freeze_time("2026-07-03 09:00:00"):  # the job was down from March until July
        assert services.closed_months_refresh(communities=[community]) == 4
        assert services.closed_months_refresh(communities=[community]) == 0  # stored after they ended: kept
    stored = Snapshot.objects.filter(community=community).order_by("month")
    assert list(stored.values_list("month", flat=True)) == [MARCH, APRIL, MAY, JUNE]
    monkeypatch.setattr(services, "MAX_MONTHS_BACK", 2)
    with freeze_time("2026-11-02 09:00:00"):  # down again: only the last two closed months are caught up
        assert services.closed_months_refresh(communities=[community]) == 2
    assert list(stored.values_list("month", flat=True))[-3:] == [JUNE, dt.date(2026, 9, 1), dt.date(2026, 10, 1)]


def test_a_report_resolved_in_march_and_closed_in_april_is_not_open_at_the_end_of_march(community, users):
    """Closing a resolved report (the clock, after the reopening period) keeps the moment it was finished."""
    from linli.reports.services import report_accept, report_resolve, reports_close_resolved

    report = _lamp_out(community, users, dt.date(2026, 3, 26))  # the reporter may reopen within 7 days
    report = report_accept(actor=users["community_admin"], report=report, now=_at(dt.date(2026, 3, 26)))
    resolved = _at(dt.date(2026, 3, 28))
    report_resolve(actor=report.assignee, report=report, note="已更换灯泡", now=resolved)
    assert reports_close_resolved(now=_at(dt.date(2026, 4, 5))) == 1
    report.refresh_from_db()
    assert (report.status, report.resolved_at, report.finished_at) == (Report.Status.CLOSED, resolved, resolved)
    march = FIGURES["reports"](community, MARCH)
    assert (march["open"], march["submitted"], march["resolved"]) == (0, 1, 1)
