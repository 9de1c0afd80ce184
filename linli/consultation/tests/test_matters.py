"""Supports: thresholds, limits, one household once; refusals change nothing."""

import functools
from typing import Any

import pytest

from linli.audit.models import AuditEntry
from linli.consultation import services
from linli.consultation.models import ConsultationSettings, Matter, Support
from linli.core.errors import Conflict, DomainError, NotAllowed
from linli.notifications.models import Notification

from .factories import new_household, resident_user

pytestmark = pytest.mark.django_db


def _matter(community: Any, author: Any, n: int = 0) -> Matter:
    return services.matter_raise(
        actor=author,
        community=community,
        kind="hard",
        title=f"议题{n}号事项",
        body="需要协调解决的一件事情，请大家支持。",
    )


@pytest.mark.parametrize(
    ("threshold", "supporters", "status"),
    [(1, 1, "agenda"), (3, 2, "raised"), (3, 3, "agenda"), (3, 4, "agenda")],
)
def test_threshold_puts_matter_on_agenda(
    community: Any, alice: Any, threshold: int, supporters: int, status: str, django_capture_on_commit_callbacks: Any
) -> None:
    ConsultationSettings.objects.create(community=community, agenda_threshold=threshold)
    matter = _matter(community, alice)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(supporters):
            services.matter_support(actor=resident_user(community), matter=matter)
    matter.refresh_from_db()
    assert matter.support_count == supporters
    assert matter.status == status
    told = Notification.objects.filter(user=alice, title__contains=matter.title).exists()
    assert told == (status == "agenda")


@pytest.mark.parametrize(("limit", "already", "allowed"), [(1, 0, True), (1, 1, False), (3, 2, True), (3, 3, False)])
def test_supports_per_resident_limit(community: Any, alice: Any, limit: int, already: int, allowed: bool) -> None:
    ConsultationSettings.objects.create(community=community, supports_per_resident=limit, agenda_threshold=100)
    supporter = resident_user(community)
    for i in range(already):
        services.matter_support(actor=supporter, matter=_matter(community, alice, i))
    target = _matter(community, alice, 99)
    audits = AuditEntry.objects.count()
    if allowed:
        services.matter_support(actor=supporter, matter=target)
        assert Support.objects.filter(matter=target).count() == 1
    else:
        with pytest.raises(DomainError) as exc:
            services.matter_support(actor=supporter, matter=target)
        assert exc.value.code == "support_limit"
        assert str(limit) in str(exc.value.message)
        target.refresh_from_db()
        assert target.support_count == 0 and not Support.objects.filter(matter=target).exists()
        assert AuditEntry.objects.count() == audits


def test_supports_on_closed_matters_do_not_count_against_the_limit(community: Any, alice: Any, staff: Any) -> None:
    ConsultationSettings.objects.create(community=community, supports_per_resident=1, agenda_threshold=100)
    supporter = resident_user(community)
    first = _matter(community, alice, 1)
    second = _matter(community, alice, 2)
    services.matter_support(actor=supporter, matter=first)
    with pytest.raises(DomainError) as refused:  # while the first is open, it uses the one support
        services.matter_support(actor=supporter, matter=second)
    assert refused.value.code == "support_limit"
    services.matter_answer(actor=staff, matter=first, response="物业已于本周修好，谢谢大家。")
    services.matter_support(actor=supporter, matter=second)
    second.refresh_from_db()
    assert second.support_count == 1 and Support.objects.filter(matter=second).count() == 1


@pytest.mark.parametrize(
    ("per_household", "same_home", "allowed"),
    [
        (False, True, True),
        (True, True, False),
        (True, False, True),
        (False, False, True),
    ],
)
def test_one_household_counts_once(
    community: Any, alice: Any, per_household: bool, same_home: bool, allowed: bool
) -> None:
    ConsultationSettings.objects.create(community=community, one_support_per_household=per_household)
    home = new_household(community)
    first = resident_user(community, household=home)
    second = resident_user(community, household=home if same_home else None)
    matter = _matter(community, alice)
    services.matter_support(actor=first, matter=matter)
    if allowed:
        services.matter_support(actor=second, matter=matter)
    else:
        with pytest.raises(Conflict, match="household"):
            services.matter_support(actor=second, matter=matter)
    matter.refresh_from_db()
    assert matter.support_count == (2 if allowed else 1)


def test_support_twice_and_support_closed_matter_refused(community: Any, alice: Any, bob: Any, staff: Any) -> None:
    matter = _matter(community, alice)
    services.matter_support(actor=bob, matter=matter)
    with pytest.raises(Conflict, match="already support"):
        services.matter_support(actor=bob, matter=matter)
    services.matter_answer(actor=staff, matter=matter, response="不属于社区事务，已转交街道。")
    with pytest.raises(Conflict, match="no longer takes support"):
        services.matter_support(actor=resident_user(community), matter=matter)
    matter.refresh_from_db()
    assert matter.support_count == 1


def test_withdraw_frees_the_limit(community: Any, alice: Any, bob: Any) -> None:
    ConsultationSettings.objects.create(community=community, supports_per_resident=1)
    a, b = _matter(community, alice, 1), _matter(community, alice, 2)
    services.matter_support(actor=bob, matter=a)
    services.matter_support_withdraw(actor=bob, matter=a)
    services.matter_support(actor=bob, matter=b)
    a.refresh_from_db()
    assert a.support_count == 0


def test_staff_and_outsiders_cannot_support(
    community: Any, other_community: Any, alice: Any, users: dict[str, Any]
) -> None:
    matter = _matter(community, alice)
    for who in (users["social_worker"], users["street_admin"], resident_user(other_community)):
        with pytest.raises(NotAllowed):
            services.matter_support(actor=who, matter=matter)
    assert Support.objects.count() == 0


def test_lift_report_once_and_reporter_follows(
    community: Any, users: dict[str, Any], bob: Any, django_capture_on_commit_callbacks: Any
) -> None:
    steward = users["grid_steward"]
    lift = functools.partial(services.matter_lift_from_report, community=community, kind="urgent")
    with django_capture_on_commit_callbacks(execute=True):
        matter = lift(
            actor=steward,
            report_ref="R-2031",
            title="小区东门积水",
            body="多名居民报告东门下雨积水严重。",
            reporter=bob,
        )
    assert matter.origin_kind == "report" and matter.origin_ref == "R-2031"
    assert Notification.objects.filter(user=bob).exists()
    with pytest.raises(Conflict, match="already been lifted"):
        lift(actor=steward, report_ref="R-2031", title="再次提升", body="同一个报告再次提升。")
    with pytest.raises(NotAllowed):
        lift(actor=bob, report_ref="R-1", title="居民不能提", body="居民不能提升报告。")


def test_support_earns_points_once(community: Any, alice: Any, bob: Any, earned: list[dict[str, Any]]) -> None:
    matter = _matter(community, alice)
    services.matter_support(actor=bob, matter=matter)
    assert [c["rule_code"] for c in earned] == ["consultation_support"]
    assert earned[0]["idempotency_key"] == f"consultation:support:{matter.pk}:{bob.resident.pk}"


def test_support_puts_points_on_the_supporters_ledger_statement_once(community: Any, alice: Any, bob: Any) -> None:
    """Through the real ledger: the earning rule pays, a repeat support earns nothing more, the books balance."""
    from django.core.management import call_command

    from linli.ledger.services import resident_account

    matter = _matter(community, alice)
    services.matter_support(actor=bob, matter=matter)
    account = resident_account(bob.resident)
    account.refresh_from_db()
    assert account.balance == 1  # the default rule: 1 point per support
    services.matter_support_withdraw(actor=bob, matter=matter)
    services.matter_support(actor=bob, matter=matter)
    account.refresh_from_db()
    assert account.balance == 1
    call_command("ledger_check")
