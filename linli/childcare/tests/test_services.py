"""Childcare services on a fixed clock: age groups, a family's application, the staff's decision, withdrawal;
who may do each, and that a refusal changes nothing."""

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from linli.audit.models import AuditEntry
from linli.childcare import services
from linli.childcare.models import AgeGroup, Application
from linli.conftest import make_resident
from linli.core.errors import Conflict, DomainError, NotAllowed
from linli.facilities.tests.factories import make_facility
from linli.notifications.models import Notification
from linli.people.models import Resident

pytestmark = pytest.mark.django_db
TZ = dt.timezone(dt.timedelta(hours=8))
NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=TZ)
START = dt.date(2026, 4, 1)


def state() -> tuple[Any, ...]:
    """Everything a childcare service writes."""
    return (
        list(AgeGroup.objects.values_list("pk", "admitted", "places")),
        list(Application.objects.values_list("pk", "status", "reason", "decided_by")),
        AuditEntry.objects.count(),
        Notification.objects.count(),
    )


@pytest.fixture
def admin(users: dict[str, Any]) -> Any:
    return users["community_admin"]


@pytest.fixture
def nursery(community: Any) -> Any:
    return make_facility(community, "nursery", "childcare", name="幸福托育点")


@pytest.fixture
def group(nursery: Any, admin: Any) -> AgeGroup:
    return services.group_create(actor=admin, facility=nursery, name="托小班", min_months=12, max_months=24, places=1)


@pytest.fixture
def parent(community: Any, users: dict[str, Any]) -> Resident:
    return make_resident(community, name="周丽君", birth=dt.date(1992, 5, 1), user=users["resident"])


@pytest.fixture
def child(community: Any, parent: Resident) -> Resident:
    """18 months old on START, in the parent's household."""
    return make_resident(community, name="周小宝", birth=dt.date(2024, 10, 1), seq=2)


@pytest.fixture
def strangers(make_user: Any, other_community: Any, users: dict[str, Any]) -> dict[str, Any]:
    return {
        "anonymous": AnonymousUser(),
        "volunteer": users["volunteer"],
        "merchant_staff": users["merchant_staff"],
        "other_admin": make_user("community_admin", other_community),
        "other_operator": make_user("operator", other_community),
    }


def test_months_old_counts_whole_months() -> None:
    assert services.months_old(dt.date(2024, 10, 1), dt.date(2026, 4, 1)) == 18
    assert services.months_old(dt.date(2024, 10, 2), dt.date(2026, 4, 1)) == 17
    assert services.months_old(dt.date(2026, 4, 1), dt.date(2026, 4, 1)) == 0


# --- groups ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["community_admin", "social_worker"])
def test_register_staff_open_an_age_group(community: Any, users: dict[str, Any], nursery: Any, role: str) -> None:
    group = services.group_create(
        actor=users[role], facility=nursery, name=" 托大班 ", min_months=24, max_months=36, places=15, monthly_fee_fen=0
    )
    assert (group.community, group.name, group.admitted) == (community, "托大班", 0)
    assert AuditEntry.objects.filter(action="childcare.group_create", object_id=str(group.pk)).exists()


@pytest.mark.parametrize(
    "who", ["anonymous", "volunteer", "merchant_staff", "operator", "other_admin", "other_operator"]
)
def test_only_the_communitys_register_staff_open_groups(
    users: dict[str, Any], nursery: Any, strangers: dict[str, Any], who: str
) -> None:
    actor = strangers.get(who) or users[who]
    before = state()
    with pytest.raises(NotAllowed):
        services.group_create(actor=actor, facility=nursery, name="托大班", min_months=24, max_months=36, places=15)
    assert state() == before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"min_months": 24, "max_months": 24}, "max_months"),
        ({"max_months": 37}, "max_months"),
        ({"places": 0}, "places"),
        ({"monthly_fee_fen": -1}, "monthly_fee_fen"),
    ],
)
def test_a_bad_group_is_refused_and_saves_nothing(admin: Any, nursery: Any, change: dict[str, Any], field: str) -> None:
    args = {"name": "托大班", "min_months": 24, "max_months": 36, "places": 15, **change}
    before = state()
    with pytest.raises(DomainError) as refused:
        services.group_create(actor=admin, facility=nursery, **args)
    assert refused.value.field == field and state() == before


# --- applications -----------------------------------------------------------------------------------------------


def test_a_parent_applies_and_the_staff_admit_while_places_last(
    users: dict[str, Any], group: AgeGroup, child: Resident, community: Any, django_capture_on_commit_callbacks: Any
) -> None:
    application = services.application_submit(
        actor=users["resident"], group=group, child=child, start_on=START, note="需要全日托", now=NOW
    )
    assert (application.status, application.applied_by, application.created_at) == (
        "submitted",
        users["resident"],
        NOW,
    )
    twin = make_resident(community, name="周二宝", birth=dt.date(2024, 10, 1), seq=3)
    second = services.application_submit(actor=users["resident"], group=group, child=twin, start_on=START, now=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        services.application_admit(actor=users["operator"], application=application, now=NOW)
    application.refresh_from_db()
    group.refresh_from_db()
    assert (application.status, application.decided_by, application.decided_at, group.admitted) == (
        "admitted",
        users["operator"],
        NOW,
        1,
    )
    assert Notification.objects.filter(user=users["resident"], title__contains="托小班").count() == 1
    before = state()
    with pytest.raises(Conflict) as full:
        services.application_admit(actor=users["operator"], application=second, now=NOW)
    assert full.value.code == "group_full" and state() == before
    with pytest.raises(DomainError) as again:
        services.application_admit(actor=users["operator"], application=application, now=NOW)
    assert again.value.code == "already_decided" and state() == before


def test_a_decline_needs_a_reason_and_tells_the_family(
    users: dict[str, Any], group: AgeGroup, child: Resident, django_capture_on_commit_callbacks: Any
) -> None:
    application = services.application_submit(
        actor=users["resident"], group=group, child=child, start_on=START, now=NOW
    )
    before = state()
    with pytest.raises(DomainError) as bare:
        services.application_decline(actor=users["social_worker"], application=application, reason="  ", now=NOW)
    assert bare.value.field == "reason" and state() == before
    with django_capture_on_commit_callbacks(execute=True):
        services.application_decline(actor=users["social_worker"], application=application, reason="名额已满", now=NOW)
    application.refresh_from_db()
    group.refresh_from_db()
    assert (application.status, application.reason, group.admitted) == ("declined", "名额已满", 0)
    told = Notification.objects.get(user=users["resident"])
    assert "托小班" in told.title and told.body == "名额已满"


def test_application_refusals_change_nothing(
    community: Any, users: dict[str, Any], admin: Any, group: AgeGroup, child: Resident, parent: Resident
) -> None:
    services.application_submit(actor=users["resident"], group=group, child=child, start_on=START, now=NOW)
    infant = make_resident(community, name="周小小", birth=dt.date(2026, 1, 1), seq=4)
    before = state()
    cases = [
        (Conflict, "already_applied", child, START),
        (DomainError, "wrong_age", infant, START),  # 3 months old on START: too young for 12–24
        (DomainError, "wrong_age", parent, START),
        (DomainError, "start_on", infant, dt.date(2026, 3, 1)),  # the day before NOW
    ]
    for error, said, who, start_on in cases:
        with pytest.raises(error) as refused:
            services.application_submit(actor=users["resident"], group=group, child=who, start_on=start_on, now=NOW)
        assert said in (refused.value.code, refused.value.field), (who, start_on)
    assert state() == before


@pytest.mark.parametrize("who", ["anonymous", "volunteer", "merchant_staff", "other_admin", "other_operator"])
def test_only_the_family_or_the_communitys_front_desk_apply_for_a_child(
    users: dict[str, Any], group: AgeGroup, child: Resident, strangers: dict[str, Any], who: str
) -> None:
    before = state()
    with pytest.raises(NotAllowed):
        services.application_submit(actor=strangers[who], group=group, child=child, start_on=START, now=NOW)
    assert state() == before
    by_phone = services.application_submit(actor=users["operator"], group=group, child=child, start_on=START, now=NOW)
    assert by_phone.applied_by == users["operator"]


def test_a_child_of_another_community_is_refused_even_by_its_own_staff(
    group: AgeGroup, other_community: Any, make_user: Any
) -> None:
    elsewhere = make_resident(other_community, name="李小宝", birth=dt.date(2024, 10, 1), seq=6)
    before = state()
    with pytest.raises(NotAllowed) as refused:
        services.application_submit(
            actor=make_user("operator", other_community), group=group, child=elsewhere, start_on=START, now=NOW
        )
    assert refused.value.code == "not_shared" and state() == before


@pytest.mark.parametrize(
    "who", ["anonymous", "resident", "volunteer", "merchant_staff", "other_admin", "other_operator"]
)
def test_only_the_communitys_front_desk_decides(
    users: dict[str, Any], group: AgeGroup, child: Resident, strangers: dict[str, Any], who: str
) -> None:
    application = services.application_submit(
        actor=users["resident"], group=group, child=child, start_on=START, now=NOW
    )
    actor = strangers.get(who) or users[who]
    before = state()
    with pytest.raises(NotAllowed):
        services.application_admit(actor=actor, application=application, now=NOW)
    with pytest.raises(NotAllowed):
        services.application_decline(actor=actor, application=application, reason="不符合条件", now=NOW)
    assert state() == before


def test_withdrawing_an_admitted_child_frees_the_place(
    users: dict[str, Any], group: AgeGroup, child: Resident, strangers: dict[str, Any]
) -> None:
    application = services.application_submit(
        actor=users["resident"], group=group, child=child, start_on=START, now=NOW
    )
    services.application_admit(actor=users["operator"], application=application, now=NOW)
    before = state()
    for who in ("anonymous", "volunteer", "other_admin", "other_operator"):
        with pytest.raises(NotAllowed):
            services.application_withdraw(actor=strangers[who], application=application, now=NOW)
    assert state() == before
    later = NOW + dt.timedelta(days=3)
    services.application_withdraw(actor=users["resident"], application=application, now=later)
    application.refresh_from_db()
    group.refresh_from_db()
    assert (application.status, application.decided_at, group.admitted) == ("withdrawn", later, 0)
    assert AuditEntry.objects.filter(action="childcare.withdraw", object_id=str(application.pk)).count() == 1
    before = state()
    with pytest.raises(DomainError) as again:
        services.application_withdraw(actor=users["resident"], application=application, now=later)
    assert again.value.code == "not_active" and state() == before
