import datetime as dt
from typing import Any

import pytest
from django.utils import translation

from linli.audit.models import AuditEntry
from linli.core.errors import Conflict, DomainError, NotAllowed
from linli.ledger import services as ledger_services
from linli.ledger.models import Transaction
from linli.volunteering import codes, selectors, services
from linli.volunteering.models import ServiceRecord, SignUp

from .conftest import NOW, make_activity, type_named

pytestmark = pytest.mark.django_db
AT_START = NOW + dt.timedelta(hours=2, minutes=1)


def signed_in(activity: Any, volunteer: Any) -> ServiceRecord:
    services.signup_create(actor=volunteer.user, activity=activity, resident=volunteer, now=NOW)
    return services.check_in(
        actor=volunteer.user,
        activity=activity,
        resident=volunteer,
        code=codes.current_code(activity, AT_START),
        now=AT_START,
    )


def test_sign_up_fills_places_then_the_waiting_list_and_a_withdrawal_promotes(
    organiser, community, volunteer, second_volunteer
):
    activity = make_activity(organiser, community, capacity=1)
    first = services.signup_create(actor=volunteer.user, activity=activity, resident=volunteer, now=NOW)
    second = services.signup_create(actor=second_volunteer.user, activity=activity, resident=second_volunteer, now=NOW)
    assert (first.status, second.status) == (SignUp.Status.CONFIRMED, SignUp.Status.WAITLISTED)
    with pytest.raises(Conflict):
        services.signup_create(actor=volunteer.user, activity=activity, resident=volunteer, now=NOW)
    services.signup_cancel(actor=volunteer.user, signup=first, now=NOW)
    second.refresh_from_db()
    activity.refresh_from_db()
    assert second.status == SignUp.Status.CONFIRMED and activity.signed_up == 1


def test_a_volunteer_signs_up_only_for_themself(activity, volunteer, second_volunteer):
    with pytest.raises(NotAllowed):
        services.signup_create(actor=volunteer.user, activity=activity, resident=second_volunteer, now=NOW)
    assert not SignUp.objects.exists()


def test_the_current_and_the_previous_code_check_in(activity, volunteer):
    services.signup_create(actor=volunteer.user, activity=activity, resident=volunteer, now=NOW)
    previous = codes.current_code(activity, AT_START - dt.timedelta(seconds=codes.WINDOW_SECONDS))
    record = services.check_in(actor=volunteer.user, activity=activity, resident=volunteer, code=previous, now=AT_START)
    assert record.minutes == 120 and record.status == ServiceRecord.Status.PENDING


def test_an_expired_code_is_refused_and_nothing_is_recorded(activity, volunteer):
    services.signup_create(actor=volunteer.user, activity=activity, resident=volunteer, now=NOW)
    old = codes.current_code(activity, AT_START - dt.timedelta(seconds=2 * codes.WINDOW_SECONDS + 1))
    with translation.override("en"), pytest.raises(DomainError) as refused:
        services.check_in(actor=volunteer.user, activity=activity, resident=volunteer, code=old, now=AT_START)
    assert refused.value.code == "bad_code" and "expired" in str(refused.value.message)
    assert not ServiceRecord.objects.exists()
    assert SignUp.objects.get().checked_in_at is None


def test_another_activitys_code_is_refused(organiser, community, activity, volunteer):
    other = make_activity(organiser, community, title="义诊")
    services.signup_create(actor=volunteer.user, activity=activity, resident=volunteer, now=NOW)
    with pytest.raises(DomainError) as refused:
        services.check_in(
            actor=volunteer.user,
            activity=activity,
            resident=volunteer,
            code=codes.current_code(other, AT_START),
            now=AT_START,
        )
    assert refused.value.code == "bad_code"
    assert not ServiceRecord.objects.exists()


@pytest.mark.parametrize("code", ["", "12345", "abcdef", "1234567", None])
def test_malformed_codes_are_refused(activity, volunteer, code):
    services.signup_create(actor=volunteer.user, activity=activity, resident=volunteer, now=NOW)
    with pytest.raises(DomainError):
        services.check_in(actor=volunteer.user, activity=activity, resident=volunteer, code=code, now=AT_START)
    assert not ServiceRecord.objects.exists()


def test_check_in_needs_a_confirmed_place(activity, volunteer):
    with pytest.raises(DomainError) as refused:
        services.check_in(
            actor=volunteer.user,
            activity=activity,
            resident=volunteer,
            code=codes.current_code(activity, AT_START),
            now=AT_START,
        )
    assert refused.value.code == "not_signed_up"


def test_hours_confirmed_twice_earn_points_once(activity, volunteer, organiser):
    record = signed_in(activity, volunteer)
    later = AT_START + dt.timedelta(hours=2)
    first = services.record_confirm(actor=organiser, record=record, now=later)
    again = services.record_confirm(actor=organiser, record=record, now=later)
    assert first.points == 20 and again.points == 20  # 2 hours × the default 10 points
    account = ledger_services.resident_account(volunteer)
    assert account.balance == 20
    assert Transaction.objects.filter(idempotency_key=f"volunteer-hours:{record.pk}").count() == 1
    assert AuditEntry.objects.filter(action="service_record.confirm").count() == 1


def test_the_ledger_key_holds_even_if_the_record_state_is_lost(activity, volunteer, organiser):
    record = signed_in(activity, volunteer)
    later = AT_START + dt.timedelta(hours=2)
    services.record_confirm(actor=organiser, record=record, now=later)
    ServiceRecord.objects.filter(pk=record.pk).update(status=ServiceRecord.Status.PENDING)  # a replayed request
    services.record_confirm(actor=organiser, record=record, now=later)
    assert ledger_services.resident_account(volunteer).balance == 20


def test_only_the_organiser_confirms_and_bad_minutes_change_nothing(activity, volunteer, organiser):
    record = signed_in(activity, volunteer)
    with pytest.raises(NotAllowed):
        services.record_confirm(actor=volunteer.user, record=record, now=AT_START)
    for bad in (0, -5, 2000, "90", 1.5, True):
        with pytest.raises(DomainError):
            services.record_confirm(actor=organiser, record=record, minutes=bad, now=AT_START)
    record.refresh_from_db()
    assert record.status == ServiceRecord.Status.PENDING and record.points == 0
    assert not Transaction.objects.filter(rule_code="volunteer_hour").exists()


def test_corrected_minutes_earn_whole_hours_and_year_totals_add_up(activity, volunteer, organiser):
    record = signed_in(activity, volunteer)
    services.record_confirm(actor=organiser, record=record, minutes=150, now=AT_START + dt.timedelta(hours=3))
    total = selectors.year_totals(resident=volunteer, year=2026)
    assert (total.minutes, total.activities, total.points, total.hours) == (150, 1, 20, 2.5)


def test_minutes_beyond_whole_hours_carry_over_within_the_year(organiser, community, volunteer):
    later = AT_START + dt.timedelta(hours=3)
    records = [signed_in(make_activity(organiser, community, title=f"义诊 {n}"), volunteer) for n in range(3)]
    earned = [
        services.record_confirm(actor=organiser, record=r, minutes=m, now=later).points
        for r, m in zip(records, (90, 90, 20), strict=True)
    ]
    assert earned == [10, 20, 0]  # 90 min: 1 h; 180 min: 3 h in all; 200 min: still 3 h
    assert ledger_services.resident_account(volunteer).balance == 30
    assert Transaction.objects.filter(rule_code="volunteer_hour").count() == 2
    total = selectors.year_totals(resident=volunteer, year=2026)
    assert (total.minutes, total.points) == (200, 30)


def test_bad_activity_input_is_refused_with_a_message(organiser, community):
    start = NOW + dt.timedelta(days=1)
    cases = [
        {"title": "", "capacity": 5, "ends_at": start + dt.timedelta(hours=1)},
        {"title": "x", "capacity": 0, "ends_at": start + dt.timedelta(hours=1)},
        {"title": "x", "capacity": 5, "ends_at": start - dt.timedelta(hours=1)},
        {"title": "x", "capacity": 5, "ends_at": start + dt.timedelta(hours=13)},
    ]
    for case in cases:
        with pytest.raises(DomainError) as refused:
            services.activity_create(
                actor=organiser, community=community, type=type_named(community), starts_at=start, now=NOW, **case
            )
        assert refused.value.field and str(refused.value.message)
    assert not community.activities.exists()


def test_a_certificate_is_issued_once_for_the_same_hours_and_renders_as_pdf(activity, volunteer, organiser):
    from linli.volunteering.certificates import certificate_pdf

    services.record_confirm(
        actor=organiser, record=signed_in(activity, volunteer), now=AT_START + dt.timedelta(hours=2)
    )
    cert = services.certificate_issue(actor=volunteer.user, resident=volunteer, year=2026)
    assert services.certificate_issue(actor=volunteer.user, resident=volunteer, year=2026).pk == cert.pk
    pdf = certificate_pdf(cert)
    assert pdf.startswith(b"%PDF") and len(pdf) > 2000
    with pytest.raises(DomainError):
        services.certificate_issue(actor=volunteer.user, resident=volunteer, year=2025)


def test_a_club_leader_books_the_venue_through_the_booking_service(
    community, organiser, volunteer, second_volunteer, venue, venue_slot
):
    from linli.facilities.models import Booking

    club = services.club_create(
        actor=organiser, community=community, name="太极拳社", schedule="每周二 19:00", venue=venue, leader=volunteer
    )
    services.club_join(actor=second_volunteer.user, club=club, resident=second_volunteer)
    with pytest.raises(NotAllowed):
        services.club_book_venue(actor=second_volunteer.user, club=club, slot=venue_slot)
    made = services.club_book_venue(actor=volunteer.user, club=club, slot=venue_slot)
    assert made.booking.status == Booking.Status.CONFIRMED and made.booking.resident == volunteer
    venue_slot.refresh_from_db()
    assert venue_slot.booked == 1
    other = services.club_create(actor=organiser, community=community, name="乒乓球社", leader=second_volunteer)
    with pytest.raises(Conflict):
        services.club_book_venue(actor=second_volunteer.user, club=other, slot=venue_slot)
    assert other.bookings.count() == 0 and Booking.objects.count() == 1


def test_a_club_booking_a_venue_with_a_fee_holds_it_until_the_leader_pays(club, volunteer, venue_slot):
    from linli.facilities.models import Booking, Service

    Service.objects.filter(pk=venue_slot.service_id).update(price_fen=5000)
    made = services.club_book_venue(actor=volunteer.user, club=club, slot=venue_slot)
    assert made.booking.status == Booking.Status.UNPAID and made.booking.price_fen == 5000
    venue_slot.refresh_from_db()
    assert venue_slot.booked == 1


def test_a_club_books_only_its_own_communitys_slots(community, club, volunteer, foreign):
    from linli.core.errors import NotFound
    from linli.facilities.models import Booking

    with pytest.raises(NotFound) as refused:
        services.club_book_venue(actor=volunteer.user, club=club, slot=foreign["slot"])
    assert refused.value.field == "slot"
    assert not Booking.objects.exists() and not club.bookings.exists()


def test_a_cancellation_needs_a_reason_and_unknown_scenarios_are_refused(organiser, community, activity):
    with pytest.raises(DomainError) as refused:
        services.activity_cancel(actor=organiser, activity=activity, reason="  ")
    assert refused.value.field == "reason"
    activity.refresh_from_db()
    assert activity.status == "published"
    for make in (services.team_create, services.club_create):
        with pytest.raises(DomainError) as refused:
            make(actor=organiser, community=community, name="新队", scenario="nonsense")
        assert refused.value.field == "scenario"
    assert not community.volunteer_teams.exists() and not community.clubs.exists()


def test_a_club_leader_must_live_in_the_community(organiser, community, other_community):
    from linli.conftest import make_resident
    from linli.core.errors import NotFound

    outsider = make_resident(other_community, name="钱多多", seq=41)
    with pytest.raises(NotFound):
        services.club_create(actor=organiser, community=community, name="书法社", leader=outsider)
    assert not community.clubs.exists()
