"""Demo step: visit cadences set by each community's admin, and a year of care visits by the grid stewards to the
residents the register tags (独居老人 weekly, 困境儿童 and 空巢老人 fortnightly, 残疾人 and 低保户 monthly), mostly
on time, a few late; some needs referred to the social worker or reported. Runs after `linli.reports.demo`."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from linli.accounts.models import User
from linli.core.demo import DemoContext
from linli.notifications.services import telling_no_one
from linli.people.models import Resident, SensitiveTag
from linli.reports import services as report_services
from linli.reports.models import Report

from . import selectors, services
from .models import Condition, Need, Visit, VisitKind

CADENCES = {
    "elderly_living_alone": 7,
    "empty_nest_elderly": 14,
    "child_in_difficulty": 14,
    "disabled": 30,
    "low_income": 30,
}
CONDITIONS = [(Condition.GOOD, 70), (Condition.FAIR, 22), (Condition.ATTENTION, 7), (Condition.URGENT, 1)]
NEEDS = [Need.COMPANY, Need.MEALS, Need.HEALTH, Need.HOME_REPAIR, Need.DAILY_CARE]
REFERRALS = {
    Need.COMPANY: "老人一个人住，希望有志愿者每周来陪着聊聊天",
    Need.MEALS: "腿脚不便，希望老年食堂送餐上门",
    Need.HEALTH: "血压一直偏高，希望家庭医生上门看看",
    Need.DAILY_CARE: "洗澡、打扫有困难，希望安排助浴和保洁",
}
HANDLING = ["已收到，走访时已登记", "维修人员已在路上", "已修好，请老人家放心"]  # accepted, started, resolved
REPORTS = ["楼道灯坏了，老人晚上上下楼看不清", "家门口台阶松动，老人容易绊倒", "卫生间水管漏水"]


def _at(day: dt.date, rnd: Any) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(rnd.randint(9, 16), rnd.choice([0, 15, 30, 45]))))


def build(ctx: DemoContext) -> None:
    tags = {t.code: t for t in SensitiveTag.objects.filter(code__in=CADENCES)}
    total = referred = reported = 0
    for community in ctx.communities:
        admin = ctx.users["community_admin"] if community.code == "shibei" else ctx.users.get("limin_admin")
        if admin is None:
            continue
        caseworker = ctx.users["social_worker"] if community.code == "shibei" else admin
        for code, days in CADENCES.items():
            services.cadence_set(actor=admin, community=community, tag=tags[code], every_days=days)
        visits = _year_of_visits(ctx, community)
        with transaction.atomic():
            total += services.visits_record_many(actor=caseworker, visits=visits)
        r, p = _follow_ups(ctx, community, caseworker)
        referred, reported = referred + r, reported + p
    ctx.progress(f"  care: {total} visits, {referred} referrals, {reported} reports")


def _year_of_visits(ctx: DemoContext, community: Any) -> list[dict[str, Any]]:
    rnd = ctx.random
    today: dt.date = ctx.today
    residents = list(
        Resident.objects.filter(community=community, moved_out_on__isnull=True, tags__code__in=CADENCES)
        .distinct()
        .select_related("household__building__grid__steward")
        .prefetch_related("tags")
        .order_by("pk")
    )
    visits = []
    for resident in residents:
        household = resident.household
        grid = household.building.grid if household is not None else None
        if grid is None or grid.steward is None:
            continue
        every = min(CADENCES[t.code] for t in resident.tags.all() if t.code in CADENCES)
        reliable = rnd.random() < 0.85  # most stewards keep to the cadence; some fall behind now and then
        day = today - dt.timedelta(days=365 - rnd.randint(0, every - 1))
        while day <= today - dt.timedelta(days=1):
            seen = rnd.random() < 0.94
            phone = rnd.random() < 0.2
            condition = rnd.choices([c for c, _ in CONDITIONS], [w for _, w in CONDITIONS])[0] if seen else ""
            needs = [rnd.choice(NEEDS)] if seen and condition != Condition.GOOD and rnd.random() < 0.5 else []
            visits.append(
                {
                    "resident": resident,
                    "visited_by": grid.steward,
                    "visited_at": _at(day, rnd),
                    "kind": VisitKind.PHONE if phone else VisitKind.HOME,
                    "seen": seen,
                    "condition": condition,
                    "needs": needs,
                }
            )
            late = 0 if reliable or rnd.random() < 0.8 else rnd.randint(1, every)
            day += dt.timedelta(days=(1 if not seen else every - rnd.randint(0, min(2, every - 1))) + late)
    return visits


def _follow_ups(ctx: DemoContext, community: Any, caseworker: User) -> tuple[int, int]:
    """Needs of the last two months referred through the services; older referrals done, a few still open."""
    rnd = ctx.random
    now = ctx.now
    since = now - dt.timedelta(days=60)
    with_needs = (
        Visit.objects.filter(community=community, visited_at__gte=since)
        .exclude(needs=[])
        .select_related("resident__household__building__grid", "resident__community", "community", "visited_by")
        .order_by("visited_at")
    )
    referred = reported = 0
    category = selectors.report_categories(community=community).filter(group="设施维修").first() or (
        selectors.report_categories(community=community).first()
    )
    for visit in with_needs[:40]:
        need = visit.needs[0]
        if need == Need.HOME_REPAIR and category is not None and reported < 3:
            with telling_no_one():  # reported on the day of the visit and handled since: no text goes out today
                report = services.visit_report(
                    actor=visit.visited_by,
                    visit=visit,
                    category=category,
                    description=REPORTS[reported % len(REPORTS)],
                    now=visit.visited_at,
                )
                _handled(report, steward=visit.visited_by, now=now)
            reported += 1
        elif need in REFERRALS:
            referral = services.referral_create(
                actor=visit.visited_by, visit=visit, text=REFERRALS[Need(need)], now=visit.visited_at
            )
            referred += 1
            if visit.visited_at < now - dt.timedelta(days=10) and rnd.random() < 0.8:
                services.referral_close(
                    actor=caseworker,
                    referral=referral,
                    outcome="已联系落实，社工每月回访",
                    now=visit.visited_at + dt.timedelta(days=rnd.randint(2, 7)),
                )
    return referred, reported


def _handled(report: Report, *, steward: User, now: dt.datetime) -> None:
    """A report made on a visit is taken up as the street's reports are, up to the build's `now`: the visiting
    steward accepts it on the spot, the one it goes to starts it and resolves it within a third of each time
    limit, and the clock closes it once its reopening period has run out. A step the day has not reached yet is
    left to come, and the state before it is not yet due (each step lies before the end of its limit)."""
    category = report.category
    at = report.created_at + dt.timedelta(minutes=10)
    if at >= now:
        return
    report = report_services.report_accept(actor=steward, report=report, note=HANDLING[0], now=at)
    fixer = report.assignee or steward
    for service, hours, note in (
        (report_services.report_start, category.start_within_hours, HANDLING[1]),
        (report_services.report_resolve, category.resolve_within_hours, HANDLING[2]),
    ):
        at += dt.timedelta(hours=hours / 3)
        if at >= now:
            return
        report = service(actor=fixer, report=report, note=note, now=at)
    closes = at + dt.timedelta(days=category.reopen_within_days, minutes=1)
    if closes < now:
        report_services.reports_close_resolved(now=closes)
