"""Care list, visits, needs turned into reports and referrals, cadences: outcomes, refusals, nothing half saved."""

import datetime as dt
from typing import Any

import pytest

from linli.audit.models import AuditEntry
from linli.care import selectors, services
from linli.care.models import Cadence, Referral, Visit
from linli.core.errors import Conflict, DomainError, NotAllowed, NotFound
from linli.notifications.models import Notification
from linli.reports.models import Category, Report

from .conftest import NOW

pytestmark = pytest.mark.django_db
TODAY = NOW.date()


def visit(s: Any, resident: Any, days_ago: int, *, seen: bool = True, by: Any = None, **extra: Any) -> Visit:
    return services.visit_record(
        actor=by or s.steward,
        resident=resident,
        visited_at=NOW - dt.timedelta(days=days_ago),
        seen=seen,
        condition=extra.pop("condition", "good" if seen else ""),
        now=NOW,
        **extra,
    )


def names(entries: list[Any]) -> list[str]:
    return [e.resident.name for e in entries]


def test_the_steward_sees_their_grid_and_caseworkers_the_community(setup: Any) -> None:
    steward = selectors.care_list(user=setup.steward, community=setup.community, today=TODAY)
    assert sorted(names(steward)) == ["张阿婆", "李伯"]  # not 王奶奶 (G2), 赵先生 (no tag), 陈奶奶 (moved out)
    other = selectors.care_list(user=setup.other_steward, community=setup.community, today=TODAY)
    assert names(other) == ["王奶奶"]
    for role in ("social_worker", "community_admin"):
        everyone = selectors.care_list(user=setup.users[role], community=setup.community, today=TODAY)
        assert sorted(names(everyone)) == ["张阿婆", "李伯", "王奶奶"]
    for role in ("resident", "volunteer", "operator", "street_admin", "city_viewer"):
        with pytest.raises(NotAllowed):
            selectors.care_list(user=setup.users[role], community=setup.community, today=TODAY)


def test_due_dates_follow_the_shortest_cadence_and_only_visits_that_saw_the_resident(setup: Any) -> None:
    visit(setup, setup.alone, 10)  # weekly (独居老人 7, 残疾人 30): due 3 days ago
    visit(setup, setup.alone, 1, seen=False)  # nobody home: still due
    visit(setup, setup.disabled, 5)  # monthly: due in 25 days
    entries = {
        e.resident.name: e for e in selectors.care_list(user=setup.steward, community=setup.community, today=TODAY)
    }
    alone, disabled = entries["张阿婆"], entries["李伯"]
    assert alone.every_days == 7 and alone.due_on == TODAY - dt.timedelta(days=3) and alone.days_overdue == 3
    assert alone.overdue and not alone.never_visited
    assert disabled.every_days == 30 and disabled.days_overdue == 0 and not disabled.overdue and not disabled.due_soon
    visit(setup, setup.disabled, 28)  # an older visit changes nothing
    assert selectors.care_list(user=setup.steward, community=setup.community, today=TODAY)[0].resident == setup.alone
    # the whole-community list, filtered
    sw = setup.users["social_worker"]
    overdue = selectors.care_list(user=sw, community=setup.community, overdue_only=True, today=TODAY)
    assert names(overdue) == ["王奶奶", "张阿婆"]  # never visited first, then most overdue
    g2 = setup.community.grids.get(code="G2")
    assert names(selectors.care_list(user=sw, community=setup.community, grid=g2, today=TODAY)) == ["王奶奶"]
    disabled_tag = setup.alone.tags.get(code="disabled")
    assert sorted(names(selectors.care_list(user=sw, community=setup.community, tag=disabled_tag, today=TODAY))) == [
        "张阿婆",
        "李伯",
    ]
    # a cadence changed by the admin changes the due date
    Cadence.objects.filter(tag__code="elderly_living_alone").update(every_days=14)
    alone = next(
        e for e in selectors.care_list(user=sw, community=setup.community, today=TODAY) if e.resident == setup.alone
    )
    assert alone.every_days == 14 and alone.days_overdue == 0 and alone.due_on == TODAY + dt.timedelta(days=4)


@pytest.mark.parametrize(
    ("who", "resident", "changes", "error"),
    [
        ("steward", "alone", {"visited_at": NOW + dt.timedelta(hours=2)}, DomainError),  # in the future
        ("steward", "alone", {"visited_at": NOW - dt.timedelta(days=40)}, DomainError),  # too long ago
        ("steward", "untagged", {}, DomainError),  # not on the care list
        ("steward", "moved", {}, DomainError),  # moved out
        ("steward", "other_grid", {}, NotFound),  # another grid's resident
        ("other_steward", "alone", {}, NotFound),
        ("volunteer", "alone", {}, NotFound),
        ("street_admin", "alone", {}, NotFound),
        ("steward", "alone", {"condition": ""}, DomainError),  # seen, but no condition
        ("steward", "alone", {"condition": "fine"}, DomainError),
        ("steward", "alone", {"kind": "letter"}, DomainError),
        ("steward", "alone", {"needs": ["health", "caviar"]}, DomainError),
        ("steward", "alone", {"note": "很" * 1001}, DomainError),
    ],
)
def test_bad_visits_are_refused_with_nothing_saved(
    setup: Any, who: str, resident: str, changes: dict[str, Any], error: type[Exception]
) -> None:
    actor = {"steward": setup.steward, "other_steward": setup.other_steward}.get(who) or setup.users[who]
    args = {"visited_at": NOW - dt.timedelta(hours=1), "kind": "home", "seen": True, "condition": "attention"}
    args.update(changes)
    audits = AuditEntry.objects.count()
    with pytest.raises(error):
        services.visit_record(actor=actor, resident=getattr(setup, resident), now=NOW, **args)
    assert Visit.objects.count() == 0
    assert AuditEntry.objects.count() == audits


def test_a_visit_is_recorded_and_audited_without_its_content(
    setup: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        v = visit(setup, setup.alone, 0, condition="urgent", needs=["health", "meals"], note="血压偏高")
    assert (v.seen, v.condition, v.needs, v.visited_by) == (True, "urgent", ["health", "meals"], setup.steward)
    row = AuditEntry.objects.get(action="care.visit_record")
    assert row.actor == setup.steward and row.object_id == str(v.pk)
    assert "血压" not in str(row.after) and "urgent" not in str(row.after)
    # an urgent condition tells the social workers and admins, by number only
    told = Notification.objects.filter(user__in=[setup.users["social_worker"], setup.users["community_admin"]])
    assert told.count() == 2 and all(f"#{v.pk}" in n.title and "张阿婆" not in n.title for n in told)


def test_social_worker_records_for_any_grid(setup: Any) -> None:
    v = visit(setup, setup.other_grid, 2, by=setup.users["social_worker"], kind="phone")
    assert v.kind == "phone" and v.community == setup.community


@pytest.fixture
def category(setup: Any) -> Category:
    return Category.objects.create(community=setup.community, code="repair", name="居家维修")


def test_a_need_becomes_a_report_at_the_residents_building(setup: Any, category: Category) -> None:
    v = visit(setup, setup.alone, 0, condition="attention", needs=["home_repair"])
    report = services.visit_report(actor=setup.steward, visit=v, category=category, description="厨房水龙头漏水")
    v.refresh_from_db()
    assert v.report == report
    assert report.reporter == setup.steward and report.building == setup.alone.household.building
    assert report.grid is not None and report.grid.code == "G1"
    assert AuditEntry.objects.filter(action="care.visit_report", object_id=str(v.pk)).exists()
    with pytest.raises(Conflict):
        services.visit_report(actor=setup.steward, visit=v, category=category, description="再报一次")
    assert Report.objects.count() == 1
    with pytest.raises(NotFound):
        services.visit_report(actor=setup.other_steward, visit=v, category=category, description="不是我的网格")
    with pytest.raises(DomainError):  # the report's own rules still apply: nothing saved
        services.visit_report(
            actor=setup.steward, visit=visit(setup, setup.alone, 0), category=category, description=""
        )
    assert Report.objects.count() == 1


def test_a_need_is_referred_to_the_social_workers_who_close_it(
    setup: Any, django_capture_on_commit_callbacks: Any
) -> None:
    v = visit(setup, setup.alone, 0, condition="attention", needs=["company"])
    with pytest.raises(DomainError):
        services.referral_create(actor=setup.steward, visit=v, text=" ")
    with pytest.raises(NotFound):
        services.referral_create(actor=setup.other_steward, visit=v, text="需要陪伴")
    assert Referral.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        referral = services.referral_create(actor=setup.steward, visit=v, text="需要陪伴聊天")
    assert referral.status == Referral.Status.OPEN and referral.resident == setup.alone
    assert Notification.objects.filter(user=setup.users["social_worker"], title__contains=f"#{v.pk}").exists()
    sw = setup.users["social_worker"]
    assert list(selectors.referrals_for(user=sw, community=setup.community, status="open")) == [referral]
    assert list(selectors.referrals_for(user=setup.steward, community=setup.community)) == [referral]
    assert list(selectors.referrals_for(user=setup.other_steward, community=setup.community)) == []
    with pytest.raises(NotAllowed):
        services.referral_close(actor=setup.steward, referral=referral, outcome="已安排")
    with pytest.raises(DomainError):
        services.referral_close(actor=sw, referral=referral, outcome="")
    referral.refresh_from_db()
    assert referral.status == Referral.Status.OPEN
    done = services.referral_close(actor=sw, referral=referral, outcome="已安排志愿者每周陪伴")
    assert done.status == Referral.Status.DONE and done.done_by == sw and done.done_at is not None
    with pytest.raises(Conflict):
        services.referral_close(actor=sw, referral=referral, outcome="再关一次")


def test_cadences_are_set_by_the_admin_only(setup: Any, tags: dict[str, Any]) -> None:
    admin = setup.users["community_admin"]
    cadence = services.cadence_set(actor=admin, community=setup.community, tag=tags["low_income"], every_days=30)
    assert cadence.every_days == 30 and cadence.updated_by == admin
    services.cadence_set(actor=admin, community=setup.community, tag=tags["low_income"], every_days=60)
    row = AuditEntry.objects.filter(action="care.cadence_set").latest("pk")
    assert row.before == {"every_days": 30} and row.after["every_days"] == 60
    for bad in (0, 367, -1):
        with pytest.raises(DomainError):
            services.cadence_set(actor=admin, community=setup.community, tag=tags["low_income"], every_days=bad)
    for role in ("grid_steward", "social_worker", "resident", "street_admin"):
        with pytest.raises(NotAllowed):
            services.cadence_set(actor=setup.users[role], community=setup.community, tag=tags["veteran"], every_days=7)
    assert Cadence.objects.get(tag=tags["low_income"]).every_days == 60
    assert not Cadence.objects.filter(tag=tags["veteran"]).exists()
    services.cadence_remove(actor=admin, community=setup.community, tag=tags["low_income"])
    assert not Cadence.objects.filter(tag=tags["low_income"]).exists()
    with pytest.raises(NotFound):
        services.cadence_remove(actor=admin, community=setup.community, tag=tags["low_income"])
