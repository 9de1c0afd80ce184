"""Points for taking part: checking in to an activity whose type has an attendance rule earns that rule's points
through the ledger, once per sign-up and within the rule's caps; staff choose the rule on the page and the API."""

import datetime as dt
from typing import Any

import pytest

from linli.conftest import client_for
from linli.ledger import services as ledger
from linli.ledger.models import Entry
from linli.volunteering import codes, services
from linli.volunteering.models import ActivityType

from .conftest import NOW, make_activity, type_named

pytestmark = pytest.mark.django_db
AT_START = NOW + dt.timedelta(hours=2, minutes=1)
BASE = "/api/v1/communities/shibei/volunteering"


def attendance_earns() -> list[int]:
    return list(
        Entry.objects.filter(transaction__kind="earn", transaction__rule_code="activity_attendance", amount__gt=0)
        .order_by("pk")
        .values_list("amount", flat=True)
    )


def join_and_check_in(activity: Any, volunteer: Any) -> None:
    services.signup_create(actor=volunteer.user, activity=activity, resident=volunteer, now=NOW)
    services.check_in(
        actor=volunteer.user,
        activity=activity,
        resident=volunteer,
        code=codes.current_code(activity, AT_START),
        now=AT_START,
    )


def with_attendance_rule(organiser: Any, community: Any, name: str = "邻里节") -> ActivityType:
    return services.activity_type_update(
        actor=organiser, activity_type=type_named(community, name), attendance_rule="activity_attendance"
    )


def test_checking_in_earns_nothing_for_taking_part_when_the_type_has_no_attendance_rule(
    organiser, community, volunteer
):
    join_and_check_in(make_activity(organiser, community), volunteer)
    assert attendance_earns() == []


def test_checking_in_earns_the_attendance_rule_once(organiser, community, volunteer):
    with_attendance_rule(organiser, community)
    activity = make_activity(organiser, community)
    join_and_check_in(activity, volunteer)
    rule = ledger.earning_rule_get(community, "activity_attendance")
    assert attendance_earns() == [rule.points]
    # checking in again (a second tap) earns nothing more
    services.check_in(
        actor=volunteer.user,
        activity=activity,
        resident=volunteer,
        code=codes.current_code(activity, AT_START),
        now=AT_START,
    )
    signup = activity.signups.get()
    assert services.attendance_points_award(actor=organiser, signup=signup) == rule.points  # the same award
    assert attendance_earns() == [rule.points]


def test_the_rules_daily_cap_holds_across_activities(organiser, community, volunteer, users):
    with_attendance_rule(organiser, community)
    rule = ledger.earning_rule_get(community, "activity_attendance")
    ledger.earning_rule_update(actor=users["community_admin"], rule=rule, daily_cap=rule.points + 1)
    join_and_check_in(make_activity(organiser, community, title="邻里节上午场"), volunteer)
    join_and_check_in(make_activity(organiser, community, title="邻里节下午场"), volunteer)
    join_and_check_in(make_activity(organiser, community, title="邻里节晚场"), volunteer)
    assert attendance_earns() == [rule.points, 1]


def test_staff_choose_the_attendance_rule_on_the_page_and_through_the_api(organiser, community):
    kind = type_named(community)
    c = client_for(organiser, "zh-hans")
    form = c.get(f"/volunteer/c/shibei/activity-types/{kind.pk}/").content.decode()
    assert "参与积分规则" in form and "无（不得积分）" in form
    body = {"name": kind.name, "scenario": kind.scenario, "earning_rule": "volunteer_hour"}
    r = c.post(f"/volunteer/c/shibei/activity-types/{kind.pk}/", {**body, "attendance_rule": "activity_attendance"})
    assert r.status_code == 302
    kind.refresh_from_db()
    assert kind.attendance_rule == "activity_attendance"
    listing = c.get("/volunteer/c/shibei/activity-types/").content.decode()
    assert "参与积分规则" in listing
    r = c.patch(
        f"{BASE}/activity-types/{kind.pk}", {"attendance_rule": "no_such_rule"}, content_type="application/json"
    )
    assert r.status_code == 400 and "积分规则" in r.json()["error"]["message"]
    kind.refresh_from_db()
    assert kind.attendance_rule == "activity_attendance"
    r = c.patch(f"{BASE}/activity-types/{kind.pk}", {"attendance_rule": ""}, content_type="application/json")
    assert r.status_code == 200 and r.json()["attendance_rule"] == ""
    r = c.post(
        f"{BASE}/activity-types",
        {"name": "社区运动会", "scenario": "health", "attendance_rule": "activity_attendance"},
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["attendance_rule"] == "activity_attendance"


def test_the_statement_names_the_activity_taken_part_in(organiser, community, volunteer):
    from django.utils import translation

    from linli.ledger.models import Transaction
    from linli.ledger.reasons import reasons_for

    with_attendance_rule(organiser, community)
    join_and_check_in(make_activity(organiser, community, title="邻里节游园会"), volunteer)
    earned = Transaction.objects.get(rule_code="activity_attendance")
    with translation.override("zh-hans"):
        assert reasons_for([earned])[earned.pk].endswith(" · 邻里节游园会")
