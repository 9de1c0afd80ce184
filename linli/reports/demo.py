"""Demo step: a year of reports on the demo street, at a realistic rate and mix, and an Open311 key.

About 7 reports a day in 市北 (12,000 residents) and 3 in 利民: lamps and waste most often, noise in summer
evenings, leaks in the plum-rain season (梅雨, June–July). Most are handled in hours; some climb a level."""

import datetime as dt
import math
from typing import Any

from django.utils import timezone

from linli.core.demo import DemoContext
from linli.people.models import Resident
from linli.places.models import Building

from .defaults import categories_create_defaults
from .models import Category, Level, Report, ReportEvent
from .services import api_client_issue, category_update

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


def _weights(month: int) -> dict[str, float]:
    weights: dict[str, float] = {}
    for code, w in MIX.items():
        start, end, factor = SEASON.get(code, (0, 0, 1.0))
        weights[code] = w * (factor if start <= month <= end else 1.0)
    return weights


def build(ctx: DemoContext) -> None:
    rnd = ctx.random
    admin = ctx.users["admin"]
    now = ctx.now
    demo_resident = ctx.users.get("resident")
    total = 0
    for community in ctx.communities:
        categories = {c.code: c for c in categories_create_defaults(actor=admin, community=community)}
        operator = ctx.users.get("operator") if community.code == "shibei" else None
        if operator is not None:
            for code in ("lamp", "leak"):  # the property company's fixer, set as an admin would on the page
                categories[code] = category_update(actor=admin, category=categories[code], responsible=operator)
        buildings = list(Building.objects.filter(community=community, grid__isnull=False).select_related("grid"))
        residents = list(
            Resident.objects.filter(community=community).exclude(mobile="").values_list("name", "mobile")[:3000]
        )
        reports: list[Report] = []
        plans: list[tuple[Report, list[tuple[str, str, dt.datetime, int, str]]]] = []
        day = now - dt.timedelta(days=365)
        serial = 0
        while day < now:
            rate = PER_DAY.get(community.code, 3.0) * (1.25 if day.weekday() >= 5 else 1.0)
            n = _poisson(rnd, rate)
            weights = _weights(timezone.localtime(day).month)
            for _ in range(n):
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
                name, mobile = rnd.choice(residents) if residents else ("", "")
                report, history = _history(rnd, category, created, now)
                report.community = community
                report.description = rnd.choice(TEXT[code]).format(b=building.name)
                report.building = building
                report.grid = building.grid
                report.lat, report.lng = building.lat, building.lng
                report.reporter = demo_resident if by_demo_resident else None
                report.guest_mobile = "" if by_demo_resident else mobile
                report.reporter_name = "" if by_demo_resident else name
                report.token = f"demo{community.pk:02d}{serial:06d}"
                steward = building.grid.steward if building.grid is not None else None
                report.assignee = (category.responsible or steward) if report.accepted_at else steward
                if code in ("corridor", "leak") and rnd.random() < 0.3:
                    report.attributes = (
                        {"ebike": rnd.choice(["yes", "no"])}
                        if code == "corridor"
                        else {"households": rnd.randint(1, 6)}
                    )
                reports.append(report)
                plans.append((report, history))
            day += dt.timedelta(days=1)
        Report.objects.bulk_create(reports, batch_size=1000)
        events = []
        for report, history in plans:
            for kind, to_status, when, level, note in history:
                events.append(
                    ReportEvent(
                        report=report,
                        community=community,
                        kind=kind,
                        to_status=to_status,
                        level=level,
                        note=note,
                        created_at=when,
                        actor=None if kind in ("submitted", "escalated", "closed") else report.assignee,
                    )
                )
        ReportEvent.objects.bulk_create(events, batch_size=2000)
        total += len(reports)
        ctx.progress(f"  {community.name}: {len(reports)} reports over a year, {len(events)} events")
    shibei = ctx.communities[0]
    _client, key = api_client_issue(
        actor=admin, community=shibei, name="杭州12345热线（演示）", key=f"o311_demo_{ctx.seed}_{shibei.code}"
    )
    ctx.logins.append(("Open311 API key", key, f"{shibei.name} (jurisdiction_id={shibei.code})"))
    ctx.extra["reports"] = total


def _poisson(rnd: Any, lam: float) -> int:
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rnd.random()
        if p <= limit:
            return k
        k += 1


def _history(
    rnd: Any, category: Category, created: dt.datetime, now: dt.datetime
) -> tuple[Report, list[tuple[str, str, dt.datetime, int, str]]]:
    """A plausible life of one report up to now: times drawn around the category's limits."""
    S = Report.Status
    history: list[tuple[str, str, dt.datetime, int, str]] = [("submitted", S.SUBMITTED, created, Level.STEWARD, "")]
    report = Report(category=category, created_at=created, updated_at=created, status=S.SUBMITTED, level=Level.STEWARD)
    report.expected_at = created + dt.timedelta(hours=category.total_hours)
    level: int = Level.STEWARD

    def step(hours_limit: int) -> tuple[dt.timedelta, bool]:
        late = rnd.random() < 0.08
        hours = hours_limit * (rnd.uniform(1.05, 2.2) if late else rnd.betavariate(2, 5))
        return dt.timedelta(hours=max(0.1, hours)), late

    t = created
    for to, kind, limit in (
        (S.ACCEPTED, "accepted", category.accept_within_hours),
        (S.IN_PROGRESS, "started", category.start_within_hours),
        (S.RESOLVED, "resolved", category.resolve_within_hours),
    ):
        delta, late = step(limit)
        if late and level < Level.STREET and t + dt.timedelta(hours=limit) < now:
            level += 1
            report.overdue = True
            history.append(("escalated", "", t + dt.timedelta(hours=limit), level, "未在时限内处理，已上报"))
        if t + delta >= now:
            report.due_at = t + dt.timedelta(hours=limit)
            break
        t = t + delta
        if to == S.ACCEPTED and rnd.random() < 0.04:
            report.status = S.REJECTED
            report.finished_at = t
            history.append(("rejected", S.REJECTED, t, level, NOTES[S.REJECTED][0]))
            break
        note = rnd.choice(NOTES[to])
        history.append((kind, to, t, level, note))
        report.status = to
        report.status_notes = note
        if to == S.ACCEPTED:
            report.accepted_at = t
        if to == S.RESOLVED:
            report.resolved_at = report.finished_at = t
            report.expected_at = None
    if report.status == S.RESOLVED:
        closing = t + dt.timedelta(hours=rnd.uniform(2, 72))
        if closing < now:
            report.status = S.CLOSED
            if rnd.random() < 0.55:
                report.rating = rnd.choices([5, 4, 3, 2, 1], weights=[55, 28, 10, 4, 3])[0]
                history.append(("rated", "", closing, level, ""))
            history.append(("closed", S.CLOSED, closing, level, ""))
            t = closing
    report.level = level
    report.updated_at = t
    return report, history
