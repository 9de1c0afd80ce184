import datetime as dt

import pytest

from linli.conftest import run_together
from linli.ledger import services as ledger_services
from linli.ledger.models import Transaction
from linli.volunteering import codes, services
from linli.volunteering.models import Activity, ServiceRecord, SignUp

from .conftest import NOW, make_activity

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_eight_organisers_confirming_at_once_earn_points_once(organiser, community, volunteer):
    activity = make_activity(organiser, community)
    services.signup_create(actor=volunteer.user, activity=activity, resident=volunteer, now=NOW)
    at = NOW + dt.timedelta(hours=2, minutes=1)
    record = services.check_in(
        actor=volunteer.user, activity=activity, resident=volunteer, code=codes.current_code(activity, at), now=at
    )
    errors = run_together([lambda: services.record_confirm(actor=organiser, record=record, now=at)] * 8)
    assert errors == []
    assert ledger_services.resident_account(volunteer).balance == 20
    assert Transaction.objects.filter(rule_code="volunteer_hour").count() == 1
    assert ServiceRecord.objects.get().status == ServiceRecord.Status.CONFIRMED


def test_the_last_place_goes_to_one_volunteer(organiser, community, volunteer, second_volunteer):
    activity = make_activity(organiser, community, capacity=1)
    people = [volunteer, second_volunteer]
    errors = run_together(
        [lambda r=r: services.signup_create(actor=r.user, activity=activity, resident=r, now=NOW) for r in people]
    )
    assert errors == []
    assert SignUp.objects.filter(status=SignUp.Status.CONFIRMED).count() == 1
    assert SignUp.objects.filter(status=SignUp.Status.WAITLISTED).count() == 1
    assert Activity.objects.get().signed_up == 1


def test_two_leaders_stepping_each_other_down_at_once_leave_one_leader(
    organiser, community, volunteer, second_volunteer
):
    from linli.core.errors import Conflict, NotAllowed
    from linli.volunteering.models import ClubMember

    club = services.club_create(actor=organiser, community=community, name="太极拳社", leader=volunteer)
    other = services.club_join(actor=organiser, club=club, resident=second_volunteer)
    services.club_set_leader(actor=organiser, member=other, leader=True)
    first = club.memberships.get(resident=volunteer)
    errors = run_together(
        [
            lambda: services.club_set_leader(actor=volunteer.user, member=other, leader=False),
            lambda: services.club_set_leader(actor=second_volunteer.user, member=first, leader=False),
        ]
    )
    # the later one is refused: as the last leader's step-down (Conflict), or, if the first had already
    # finished, because the later actor is no longer a leader (NotAllowed)
    assert len(errors) == 1 and isinstance(errors[0], Conflict | NotAllowed), errors
    assert ClubMember.objects.filter(club=club, leader=True).count() == 1


def test_two_organisers_confirming_one_volunteers_half_hours_at_once_earn_the_whole_hour(
    organiser, community, volunteer
):
    at = NOW + dt.timedelta(hours=2, minutes=1)
    records = []
    for n in range(2):
        activity = make_activity(organiser, community, title=f"巡河 {n}")
        services.signup_create(actor=volunteer.user, activity=activity, resident=volunteer, now=NOW)
        records.append(
            services.check_in(
                actor=volunteer.user,
                activity=activity,
                resident=volunteer,
                code=codes.current_code(activity, at),
                now=at,
            )
        )
    errors = run_together(
        [lambda r=r: services.record_confirm(actor=organiser, record=r, minutes=30, now=at) for r in records]
    )
    assert errors == []
    assert sorted(ServiceRecord.objects.values_list("points", flat=True)) == [0, 10]
    assert ledger_services.resident_account(volunteer).balance == 10


def test_an_activity_called_off_while_a_volunteer_checks_in_is_not_both(organiser, community, volunteer):
    """Calling an activity off at the moment a volunteer checks in: either the check-in is recorded and the
    activity goes ahead, or the activity is cancelled and the check-in refused; never hours on a cancelled one."""
    from linli.core.errors import DomainError

    at = NOW + dt.timedelta(hours=2, minutes=1)
    for trial in range(15):
        activity = make_activity(organiser, community, title=f"邻里节 {trial}")
        services.signup_create(actor=volunteer.user, activity=activity, resident=volunteer, now=NOW)
        code = codes.current_code(activity, at)
        errors = run_together(
            [
                lambda a=activity, c=code: services.check_in(
                    actor=volunteer.user, activity=a, resident=volunteer, code=c, now=at
                ),
                lambda a=activity: services.activity_cancel(actor=organiser, activity=a, reason="暴雨"),
            ]
        )
        assert len(errors) == 1 and isinstance(errors[0], DomainError), errors
        cancelled = Activity.objects.get(pk=activity.pk).status == Activity.Status.CANCELLED
        recorded = ServiceRecord.objects.filter(activity=activity).exists()
        assert cancelled != recorded, (trial, cancelled, recorded)


def test_check_ins_at_once_earn_the_attendance_points_once(organiser, community, volunteer):
    from .conftest import type_named

    services.activity_type_update(
        actor=organiser, activity_type=type_named(community), attendance_rule="activity_attendance"
    )
    activity = make_activity(organiser, community)
    services.signup_create(actor=volunteer.user, activity=activity, resident=volunteer, now=NOW)
    at = NOW + dt.timedelta(hours=2, minutes=1)
    code = codes.current_code(activity, at)
    errors = run_together(
        # four: every try counts against the wrong-code limit (5) until a right one clears it
        [lambda: services.check_in(actor=volunteer.user, activity=activity, resident=volunteer, code=code, now=at)] * 4
    )
    assert errors == []
    rule = ledger_services.earning_rule_get(community, "activity_attendance")
    assert Transaction.objects.filter(rule_code="activity_attendance").count() == 1
    assert ledger_services.resident_account(volunteer).balance == rule.points
    assert ServiceRecord.objects.count() == 1
