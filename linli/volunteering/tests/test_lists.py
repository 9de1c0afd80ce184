"""An activity's whole list at once: the organiser signs a team's volunteers up, ticks off who came and confirms
their hours, each as the one-by-one services would, all or none, with an audit row for each."""

import datetime as dt
from typing import Any

import pytest

from linli.audit.models import AuditEntry
from linli.conftest import make_resident
from linli.core.errors import Conflict, DomainError, NotAllowed
from linli.ledger.models import Entry
from linli.volunteering import services
from linli.volunteering.models import ServiceRecord, SignUp

from .conftest import NOW, make_activity, type_named

pytestmark = pytest.mark.django_db
AT_START = NOW + dt.timedelta(hours=2, minutes=5)
AFTER = NOW + dt.timedelta(hours=5)


@pytest.fixture
def team_list(community: Any) -> list[Any]:
    return [make_resident(community, name=f"志愿者{i}", seq=40 + i) for i in range(4)]


def test_the_organiser_signs_a_list_up_confirmed_while_places_are_free_then_waiting(organiser, community, team_list):
    activity = make_activity(organiser, community, capacity=3)
    signups = services.signups_create(actor=organiser, activity=activity, residents=team_list, now=NOW)
    assert [s.status for s in signups] == ["confirmed"] * 3 + ["waitlisted"]
    activity.refresh_from_db()
    assert activity.signed_up == 3
    assert AuditEntry.objects.filter(action="activity.signup", community=community).count() == 4


def test_a_list_signs_up_all_or_none(organiser, community, team_list):
    activity = make_activity(organiser, community)
    services.signups_create(actor=organiser, activity=activity, residents=team_list[:1], now=NOW)
    with pytest.raises(Conflict):
        services.signups_create(actor=organiser, activity=activity, residents=team_list, now=NOW)
    assert SignUp.objects.filter(activity=activity).count() == 1


def test_a_volunteer_signs_up_only_themself(organiser, community, volunteer, team_list):
    activity = make_activity(organiser, community)
    with pytest.raises(NotAllowed):
        services.signups_create(actor=volunteer.user, activity=activity, residents=[volunteer, team_list[0]], now=NOW)
    assert services.signups_create(actor=volunteer.user, activity=activity, residents=[volunteer], now=NOW)


def test_another_communitys_residents_and_staff_are_refused(organiser, community, other_community, other_staff):
    activity = make_activity(organiser, community)
    stranger = make_resident(other_community, name="赵一", seq=31)
    with pytest.raises(NotAllowed):
        services.signups_create(actor=organiser, activity=activity, residents=[stranger], now=NOW)
    neighbour = make_resident(community, name="钱二", seq=32)
    with pytest.raises(NotAllowed):
        services.signups_create(actor=other_staff, activity=activity, residents=[neighbour], now=NOW)
    services.signups_create(actor=organiser, activity=activity, residents=[neighbour], now=NOW)
    with pytest.raises(NotAllowed):
        services.check_ins(actor=other_staff, activity=activity, residents=[neighbour], now=AT_START)
    (record,) = services.check_ins(actor=organiser, activity=activity, residents=[neighbour], now=AT_START)
    with pytest.raises(NotAllowed):
        services.records_confirm(actor=other_staff, records=[record], now=AFTER)
    record.refresh_from_db()
    assert record.status == ServiceRecord.Status.PENDING


def test_the_roll_call_records_hours_and_pays_for_taking_part_once(organiser, community, team_list):
    services.activity_type_update(
        actor=organiser, activity_type=type_named(community), attendance_rule="activity_attendance"
    )
    activity = make_activity(organiser, community, hours=3)
    services.signups_create(actor=organiser, activity=activity, residents=team_list, now=NOW)
    records = services.check_ins(actor=organiser, activity=activity, residents=team_list[:3], now=AT_START)
    assert [r.resident_id for r in records] == [r.pk for r in team_list[:3]]
    assert {r.minutes for r in records} == {180}
    assert AuditEntry.objects.filter(action="activity.check_in").count() == 3
    again = services.check_ins(actor=organiser, activity=activity, residents=team_list[:3], now=AT_START)
    assert [r.pk for r in again] == [r.pk for r in records]
    paid = Entry.objects.filter(transaction__rule_code="activity_attendance", amount__gt=0)
    assert paid.count() == 3


def test_the_roll_call_refuses_someone_not_signed_up_and_outside_the_time(organiser, community, team_list):
    activity = make_activity(organiser, community)
    services.signups_create(actor=organiser, activity=activity, residents=team_list[:2], now=NOW)
    with pytest.raises(DomainError):
        services.check_ins(actor=organiser, activity=activity, residents=team_list[1:3], now=AT_START)
    with pytest.raises(DomainError):
        services.check_ins(actor=organiser, activity=activity, residents=team_list[:2], now=NOW)
    assert not ServiceRecord.objects.exists()


def test_confirming_a_list_earns_each_volunteer_their_hours(
    organiser, community, team_list, volunteer, django_capture_on_commit_callbacks
):
    activity = make_activity(organiser, community, hours=2)
    services.signups_create(actor=organiser, activity=activity, residents=[*team_list, volunteer], now=NOW)
    records = services.check_ins(actor=organiser, activity=activity, residents=[*team_list, volunteer], now=AT_START)
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = services.records_confirm(actor=organiser, records=records, now=AFTER)
    assert {r.status for r in confirmed} == {"confirmed"}
    assert {r.points for r in confirmed} == {20}
    assert AuditEntry.objects.filter(action="service_record.confirm", community=community).count() == 5
    assert volunteer.user.notifications.count() == 1
    # confirming again changes nothing and earns nothing more
    services.records_confirm(actor=organiser, records=records, now=AFTER)
    assert Entry.objects.filter(transaction__rule_code="volunteer_hour", amount__gt=0).count() == 5


def test_a_list_with_rejected_hours_is_confirmed_not_at_all(organiser, community, team_list):
    activity = make_activity(organiser, community)
    services.signups_create(actor=organiser, activity=activity, residents=team_list, now=NOW)
    records = services.check_ins(actor=organiser, activity=activity, residents=team_list, now=AT_START)
    services.record_reject(actor=organiser, record=records[-1], reason="未到岗")
    with pytest.raises(Conflict):
        services.records_confirm(actor=organiser, records=records, now=AFTER)
    assert not ServiceRecord.objects.filter(status="confirmed").exists()
