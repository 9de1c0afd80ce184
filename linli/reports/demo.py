"""Demo step: a year of reports on the demo street, at a realistic rate and mix, and an Open311 key.

About 7 reports a day in 市北 (12,000 residents) and 3 in 利民: lamps and waste most often, noise in summer
evenings, leaks in the plum-rain season (梅雨, June–July). Most are handled in hours; some climb a level.

The year is drawn first (each report's moments around its category's time limits), reporters among the residents:
with their account where they have one, else as guests by mobile. The last `PLAYED_DAYS` (200 of the 365) are then
played in time order through the report services, back-dated with their `now`: the resident submits, the grid's
steward (or, once a report has climbed, the level's caseworker) accepts or rejects it, the one it is assigned to starts
and resolves it, a registered reporter rates it; the clock (`reports_escalate_overdue`, `reports_close_resolved`) runs
whenever a time limit or a reopening period runs out, so overdue reports climb and unrated ones close as they would
have. It is recorded inside `telling_no_one`: the build texts nobody and leaves no stale notifications.

The months before, all finished long ago, are written in bulk as the services would have left them (the report, its
events, no audit rows): playing the whole year costs about 66 s of CPU on SQLite (some 20,000 service calls), the 200
days about 43 s, against 20 s for the 45 days played before and a budget of 30 s more. Their registered reporters
still earn `report_confirmed` through the workflow's `report_confirmed_award_points`, dated the day each report was
accepted."""

import datetime as dt
import math
import secrets
from dataclasses import dataclass, field
from random import Random
from typing import Any

from django.conf import settings
from django.db.models import prefetch_related_objects
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from linli.accounts.models import User
from linli.core.demo import DemoContext
from linli.notifications.services import telling_no_one
from linli.people.models import Resident
from linli.places.models import Building

from .defaults import categories_create_defaults
from .models import Category, Level, Report, ReportEvent
from .services import (
    KIND_OF,
    api_client_issue,
    attributes_clean,
    category_update,
    level_recipients,
    report_accept,
    report_confirmed_award_points,
    report_rate,
    report_reject,
    report_resolve,
    report_start,
    report_submit,
    reports_close_resolved,
    reports_escalate_overdue,
)

PER_DAY = {"shibei": 7.0, "limin": 3.0}
MIX = {"lamp": 18, "corridor": 14, "noise": 14, "leak": 9, "waste": 20, "parking": 15, "suggestion": 10}
SEASON = {"noise": (6, 8, 1.8), "leak": (6, 7, 3.0), "waste": (7, 8, 1.3)}  # (from month, to month, factor)
TEXT = {
    "lamp": ["{b}楼道灯不亮，晚上上楼看不清", "{b}门口路灯坏了好几天", "{b}单元门口的灯一直闪"],
    "corridor": ["{b}楼道堆了很多纸箱", "{b}消防通道被电动车堵住", "{b}楼梯间有人放了旧沙发"],
    "noise": ["{b}楼上装修晚上九点后还在打钻", "{b}附近广场舞音响太大", "{b}楼下商铺夜里搬货很吵"],
    "leak": ["{b}顶楼天花板渗水", "{b}外墙渗水，墙面发霉", "{b}公共水管漏水"],
    "waste": ["{b}旁垃圾桶满了没人清", "{b}垃圾分类点厨余垃圾混投", "{b}绿化带里有建筑垃圾"],
    "parking": ["{b}门口车辆占用消防车道", "{b}绿地上停了车", "{b}非机动车乱停挡住盲道"],
    "suggestion": ["建议在{b}附近加几张休息椅", "希望四点半课堂延长到六点", "建议增加老年食堂的素菜"],
}
NOTES = {
    Report.Status.ACCEPTED: ["已收到，马上安排", "网格员已到现场查看"],
    Report.Status.IN_PROGRESS: ["已通知物业处理", "维修人员已在路上"],
    Report.Status.RESOLVED: ["已处理完毕，请查看", "已清理", "已更换", "已协调当事人整改"],
    Report.Status.REJECTED: ["不属于社区处理范围，已告知相关部门电话"],
}
PLAYED_DAYS = 200  # the months played through the services; the months before are recorded as their history
CLOCK_LAG = dt.timedelta(minutes=1)  # the clock runs every few minutes: it sees a period ended just after it ends


@dataclass
class _Plan:
    """One report of the year: what the reporter says, and the moments of its life (time, action, what)."""

    community: Any
    category: Category
    building: Building
    description: str
    attributes: dict[str, list[str]]
    reporter: User | None
    name: str
    mobile: str
    moments: list[tuple[dt.datetime, str, Any]] = field(default_factory=list)
    report: Report | None = None


def _weights(month: int) -> dict[str, float]:
    weights: dict[str, float] = {}
    for code, w in MIX.items():
        start, end, factor = SEASON.get(code, (0, 0, 1.0))
        weights[code] = w * (factor if start <= month <= end else 1.0)
    return weights


def build(ctx: DemoContext) -> None:
    rnd = ctx.random
    answers = Random(f"{ctx.seed}:reports:answers")  # required answers the drawn story leaves open
    admin = ctx.users["admin"]
    now = ctx.now
    demo_resident = ctx.users.get("resident")
    plans: list[_Plan] = []
    for community in ctx.communities:
        categories = {c.code: c for c in categories_create_defaults(actor=admin, community=community)}
        operator = ctx.users.get("operator") if community.code == "shibei" else None
        if operator is not None:
            for code in ("lamp", "leak"):  # the property company's fixer, set as an admin would on the page
                categories[code] = category_update(actor=admin, category=categories[code], responsible=operator)
        prefetch_related_objects(list(categories.values()), "attributes")  # each report's answers checked against them
        buildings = list(
            Building.objects.filter(community=community, grid__isnull=False).select_related("grid__steward")
        )
        residents = list(
            Resident.objects.filter(community=community)
            .exclude(mobile="")
            .values_list("name", "mobile", "user_id")[:3000]
        )
        accounts = User.objects.in_bulk([user_id for _n, _m, user_id in residents if user_id])
        day = now - dt.timedelta(days=365)
        serial = 0
        while day < now:
            rate = PER_DAY.get(community.code, 3.0) * (1.25 if day.weekday() >= 5 else 1.0)
            n = _poisson(rnd, rate)
            weights = _weights(timezone.localtime(day).month)
            for _draw in range(n):
                code = rnd.choices(list(weights), weights=list(weights.values()))[0]
                category = categories[code]
                building = rnd.choice(buildings)
                hour = rnd.choices(
                    range(24), weights=[1, 1, 1, 1, 1, 2, 4, 7, 9, 9, 8, 7, 6, 6, 7, 7, 8, 9, 10, 10, 9, 7, 4, 2]
                )[0]
                created = day.replace(hour=0, minute=0, second=0, microsecond=0) + dt.timedelta(
                    hours=hour, minutes=rnd.randrange(60)
                )
                if created >= now:
                    continue
                serial += 1
                by_demo_resident = demo_resident is not None and community.code == "shibei" and serial % 250 == 0
                name, mobile, user_id = rnd.choice(residents) if residents else ("", "", None)
                reporter = demo_resident if by_demo_resident else accounts.get(user_id) if user_id else None
                moments = _moments(rnd, category, created, now, registered=reporter is not None)
                plan = _Plan(
                    community=community,
                    category=category,
                    building=building,
                    description=rnd.choice(TEXT[code]).format(b=building.name),
                    attributes={},
                    reporter=reporter,
                    name="" if reporter else name,
                    mobile="" if reporter else mobile,
                    moments=moments,
                )
                if code in ("corridor", "leak") and rnd.random() < 0.3:
                    plan.attributes = (
                        {"ebike": [rnd.choice(["yes", "no"])]}
                        if code == "corridor"
                        else {"households": [str(rnd.randint(1, 6))]}
                    )
                elif code == "corridor":  # a question every corridor report answers
                    plan.attributes = {"ebike": [answers.choice(["yes", "no"])]}
                plans.append(plan)
            day += dt.timedelta(days=1)
    played_from = now - dt.timedelta(days=PLAYED_DAYS)
    _record([plan for plan in plans if plan.moments[0][0] < played_from])
    with telling_no_one():
        _play([plan for plan in plans if plan.moments[0][0] >= played_from])
    for community in ctx.communities:
        made = Report.objects.filter(community=community).count()
        events = ReportEvent.objects.filter(community=community).count()
        ctx.progress(f"  {community.name}: {made} reports over a year, {events} events")
    shibei = ctx.communities[0]
    _client, key = api_client_issue(
        actor=admin, community=shibei, name="杭州12345热线（演示）", key=f"o311_demo_{ctx.seed}_{shibei.code}"
    )
    ctx.logins.append(("Open311 API key", key, f"{shibei.name} (jurisdiction_id={shibei.code})"))
    ctx.extra["reports"] = len(plans)


def _play(plans: list[_Plan]) -> None:
    """Every moment of every report, in time order, through the services; the clock where a period runs out."""
    timeline = sorted(
        (
            (when, order, index, plan)
            for index, plan in enumerate(plans)
            for order, (when, _action, _what) in enumerate(plan.moments)
        ),
        key=lambda row: (row[0], row[2], row[1]),
    )
    handlers: dict[tuple[int, int], User | None] = {}
    for when, order, _index, plan in timeline:
        _when, action, what = plan.moments[order]
        if action == "submit":
            plan.report = report_submit(
                actor=plan.reporter,
                community=plan.community,
                category=plan.category,
                description=plan.description,
                building=plan.building,
                attributes=plan.attributes,
                guest_mobile=plan.mobile,
                reporter_name=plan.name,
                now=when,
            )
            continue
        report = plan.report
        assert report is not None
        if action == "escalate":
            reports_escalate_overdue(now=when)
        elif action == "close":
            reports_close_resolved(now=when)
        elif action in ("accept", "reject"):
            handler = _handler(report, handlers)
            service = report_accept if action == "accept" else report_reject
            plan.report = service(actor=handler, report=report, note=what, now=when)
        elif action in ("start", "resolve"):
            service = report_start if action == "start" else report_resolve
            fixer = report.assignee
            assert fixer is not None
            plan.report = service(actor=fixer, report=report, note=what, now=when)
        elif action == "rate":
            assert plan.reporter is not None
            plan.report = report_rate(actor=plan.reporter, report=report, rating=what, now=when)


def _record(plans: list[_Plan]) -> None:
    """The older months, finished long ago, written as their history: each report as the services left it and its
    events, in bulk; a registered reporter's confirmed report still earns its points through the workflow."""
    with translation.override(settings.LANGUAGE_CODE):
        escalated: dict[int, str] = {
            level: _("Not handled in time: passed to the %(level)s level.") % {"level": Level(level).label}
            for level in (Level.COMMUNITY, Level.STREET)
        }
        closed_note = _("Closed: nobody reopened it in time.")
    S = Report.Status
    handlers: dict[tuple[int, int], User | None] = {}
    rows: list[tuple[Report, list[ReportEvent], User | None]] = []
    for plan in plans:
        created = plan.moments[0][0]
        category = plan.category
        grid = plan.building.grid
        report = Report(
            community=plan.community,
            category=category,
            status=S.SUBMITTED,
            description=plan.description,
            attributes=attributes_clean(category, plan.attributes) if plan.attributes else {},
            lat=plan.building.lat,
            lng=plan.building.lng,
            building=plan.building,
            grid=grid,
            reporter=plan.reporter,
            guest_mobile=plan.mobile,
            reporter_name=plan.name,
            token=secrets.token_hex(12),
            assignee=grid.steward if grid is not None else None,
            level=Level.STEWARD,
            due_at=created + dt.timedelta(hours=category.accept_within_hours),
            expected_at=created + dt.timedelta(hours=category.total_hours),
            created_at=created,
            updated_at=created,
        )
        events = [
            ReportEvent(
                kind="submitted", to_status=S.SUBMITTED, level=Level.STEWARD, actor=plan.reporter, created_at=created
            )
        ]
        accepted_by: User | None = None
        for when, action, what in plan.moments[1:]:
            previous = report.status
            if action == "escalate":
                report.overdue = True
                if report.level < Level.STREET:
                    report.level += 1
                    events.append(
                        ReportEvent(kind="escalated", level=report.level, note=escalated[report.level], created_at=when)
                    )
                continue
            if action in ("accept", "reject"):
                handler = _handler(report, handlers, level=report.level)
                if action == "accept":
                    accepted_by = handler
                    report.status, report.accepted_at = S.ACCEPTED, when
                    report.assignee = category.responsible or handler
                    report.expected_at = when + dt.timedelta(
                        hours=category.start_within_hours + category.resolve_within_hours
                    )
                else:
                    report.status, report.finished_at = S.REJECTED, when
                actor = handler
            elif action in ("start", "resolve"):
                actor = report.assignee
                report.status = S.IN_PROGRESS if action == "start" else S.RESOLVED
                if action == "resolve":
                    report.resolved_at = report.finished_at = when
            elif action == "rate":
                report.rating = what
                events.append(ReportEvent(kind="rated", level=report.level, actor=plan.reporter, created_at=when))
                actor, what = plan.reporter, ""
                report.status = S.CLOSED  # closing keeps the moment it was resolved
            else:  # closed by the clock
                actor, what = None, closed_note
                report.status = S.CLOSED
            events.append(
                ReportEvent(
                    kind=KIND_OF[report.status],
                    from_status=previous,
                    to_status=report.status,
                    level=report.level,
                    actor=actor,
                    note=what,
                    created_at=when,
                )
            )
            report.status_notes = what or report.status_notes
            report.updated_at = when
            limit = category.limit_for(report.status)
            report.due_at = when + limit if limit else None
        for event in events:
            event.community = plan.community
        rows.append((report, events, accepted_by))
    Report.objects.bulk_create([report for report, _events, _by in rows], batch_size=1000)
    for report, events, _by in rows:
        for event in events:
            event.report = report
    ReportEvent.objects.bulk_create([e for _report, events, _by in rows for e in events], batch_size=2000)
    for report, _events, accepted_by in rows:
        if report.reporter_id and report.accepted_at:
            report_confirmed_award_points(report=report, actor=accepted_by, now=report.accepted_at)


def _handler(report: Report, handlers: dict[tuple[int, int], User | None], level: int | None = None) -> Any:
    """Who takes up a report at the level it has reached: the grid's steward, else the level's first caseworker."""
    if level is None:
        level = Report.objects.values_list("level", flat=True).get(pk=report.pk)  # the clock may have raised it
    if level == Level.STEWARD and report.grid is not None and report.grid.steward is not None:
        return report.grid.steward
    key = (report.community_id, level)
    if key not in handlers:
        handlers[key] = next(iter(level_recipients(report, level)), None)
    found = handlers[key]
    if found is None and report.grid is not None:
        return report.grid.steward
    return found


def _poisson(rnd: Any, lam: float) -> int:
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rnd.random()
        if p <= limit:
            return k
        k += 1


def _moments(
    rnd: Any, category: Category, created: dt.datetime, now: dt.datetime, *, registered: bool
) -> list[tuple[dt.datetime, str, Any]]:
    """A plausible life of one report up to now, times drawn around the category's limits: (time, action, what).
    A step drawn late lets the clock escalate the report each time the state's limit runs out before it."""
    S = Report.Status
    moments: list[tuple[dt.datetime, str, Any]] = [(created, "submit", None)]

    def step(hours_limit: int) -> tuple[dt.timedelta, bool]:
        late = rnd.random() < 0.08
        hours = hours_limit * (rnd.uniform(1.05, 2.2) if late else rnd.betavariate(2, 5))
        return dt.timedelta(hours=max(0.1, hours)), late

    t = created
    status = S.SUBMITTED
    for to, action, limit in (
        (S.ACCEPTED, "accept", category.accept_within_hours),
        (S.IN_PROGRESS, "start", category.start_within_hours),
        (S.RESOLVED, "resolve", category.resolve_within_hours),
    ):
        delta, late = step(limit)
        ran_out = t + dt.timedelta(hours=limit)
        while late and ran_out < min(t + delta, now):
            moments.append((ran_out + CLOCK_LAG, "escalate", None))
            ran_out += dt.timedelta(hours=limit)
        if t + delta >= now:
            break
        t = t + delta
        if to == S.ACCEPTED and rnd.random() < 0.04:
            moments.append((t, "reject", NOTES[S.REJECTED][0]))
            return moments
        moments.append((t, action, rnd.choice(NOTES[to])))
        status = to
    if status == S.RESOLVED:
        closing = t + dt.timedelta(hours=rnd.uniform(2, 72))
        if closing < now:
            rated = rnd.random() < 0.55
            if rated:
                rating = rnd.choices([5, 4, 3, 2, 1], weights=[55, 28, 10, 4, 3])[0]
            if rated and registered:
                moments.append((closing, "rate", rating))  # rating a resolved report closes it
                return moments
        # a guest cannot rate; an unrated report closes when its reopening period runs out
        closes = t + dt.timedelta(days=category.reopen_within_days) + CLOCK_LAG
        if closes < now:
            moments.append((closes, "close", None))
    return moments
