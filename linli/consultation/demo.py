"""A year of round tables on the demo street: matters, supports, meetings, decisions, tasks, ratings, votes (the
mediation cases are `linli.mediation.demo`'s). Rates follow the articles: 塔海 settles one or two hard matters a
month; 北干's street held 1,500+ meetings over its many communities. Scaled to two communities, 市北 holds about two
round tables a month and 利民 one.

Everything goes through the consultation services, back-dated, as each person would use them: residents raise,
support, follow, register, vote and rate; the community's staff lift reports, set the agenda, call and hold the
meetings, minute them, record the decisions and tasks and post their progress; the scheduler flags the overdue
tasks. So every step has its audit row, and the points for supporting, attending and voting are those the
community's earning rules award, on the day. Nobody is told today of what happened months ago."""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from linli.accounts.models import User
from linli.core.database import refresh_statistics
from linli.core.demo import DemoContext
from linli.core.errors import DomainError
from linli.ledger.checks import LEDGER_TABLES
from linli.notifications.services import telling_no_one
from linli.people.models import Resident

from . import services
from .models import Eligibility, Matter, Meeting, Party, Task

SUBJECTS = [
    ("urgent", "{n}楼道灯不亮", "晚上楼道漆黑，老人上下楼不安全，希望尽快修好。", "物业更换楼道感应灯并定期巡查"),
    (
        "urgent",
        "{n}电梯经常故障",
        "电梯一个月停了三次，有人被困，需要维保单位给说法。",
        "维保单位全面检修电梯并公示维保记录",
    ),
    ("urgent", "东门外消防通道被占", "晚上车辆乱停堵住消防通道，存在安全隐患。", "划定禁停线并安装限行杆"),
    ("urgent", "{n}下水道堵塞返味", "一楼住户下水道反复堵塞，夏天气味很重。", "物业疏通管道并更换破损管段"),
    ("hard", "{n}走廊加高挡光", "有住户加高走廊隔断，影响邻居采光，需要协调。", "协调住户恢复原状，物业加强巡查"),
    ("hard", "非机动车充电难", "电瓶车上楼充电屡禁不止，需要增设充电桩。", "在中心花园旁增设集中充电棚"),
    ("hard", "广场舞噪音扰民", "晚上广场舞音量太大，影响学生学习和老人休息。", "约定时段和音量，设置分贝提示牌"),
    ("hard", "宠物粪便无人清理", "草坪上宠物粪便多，文明养犬需要大家商量规矩。", "设置拾便袋取用点，开展文明养犬宣传"),
    ("hard", "快递堆放占道", "快递点包裹堆到人行道上，行人只能走车道。", "快递点搬入架空层并规范摆放"),
    (
        "major",
        "老旧小区加装电梯",
        "{n}住户多为老人，希望加装电梯，需征求全体住户意见。",
        "启动加装电梯意见征询和方案设计",
    ),
    ("major", "中心花园改造方案", "中心花园设施老化，改造方案需征求居民意见。", "按居民投票结果实施改造方案"),
    (
        "major",
        "垃圾分类投放点调整",
        "部分投放点离楼栋太近，气味影响住户，建议调整位置。",
        "调整投放点位置并设定投放时段",
    ),
    ("major", "停车位收费标准调整", "物业拟调整停车收费，需要业主讨论。", "业委会与物业协商收费方案并公示"),
    ("urgent", "{n}外墙瓷砖脱落", "外墙瓷砖有脱落，楼下行人有危险。", "拉设警戒线并申请维修资金修复外墙"),
    ("hard", "公共区域堆放杂物", "楼道和架空层杂物多，存在消防隐患。", "开展楼道清理行动并建立长效巡查"),
]
OWNER_NAMES = {
    Party.PROPERTY: "物业项目经理",
    Party.COMMUNITY: "社区书记",
    Party.OWNERS: "业委会主任",
    Party.REPRESENTATIVES: "居民代表",
    Party.PARTNERS: "共建单位联络人",
}
# a support the services refuse is one the resident could not give (their limit, or their household's), not an error
SUPPORT_REFUSALS = ("support_limit", "already_supported", "household_supported")
PARTIES: list[str] = [Party.COMMUNITY, Party.PROPERTY, Party.OWNERS, Party.REPRESENTATIVES]


@dataclass
class Year:
    """One community's year of round tables: who acts, where, and what came of it."""

    community: Any
    raiser: User  # the resident login, who raises most residents' matters
    staff: User  # the social worker (利民: its admin), who runs the round tables
    follower: User  # a login who follows some matters and registers for the coming meetings
    people: list[Resident]  # adults at home there with an account: they support, attend, vote and rate
    buildings: list[str]
    hoods: list[Any]
    counts: dict[str, int] = field(default_factory=lambda: {"matters": 0, "meetings": 0, "solved": 0})


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _account(person: Resident) -> User:
    assert person.user is not None  # the pool holds residents with an account only
    return person.user


def _year(ctx: DemoContext, community: Any, *, raiser: User, staff: User, follower: User) -> Year:
    today = ctx.today
    people = list(
        Resident.objects.filter(
            community=community,
            moved_out_on__isnull=True,
            birth_date__lte=today.replace(year=today.year - 18),
            user__is_active=True,
        )
        .exclude(household=None)
        .exclude(user__in=[raiser, follower])
        .select_related("user")
        .order_by("pk")[:3000]
    )
    return Year(
        community=community,
        raiser=raiser,
        staff=staff,
        follower=follower,
        people=people,
        buildings=list(community.buildings.values_list("name", flat=True)[:40]),
        hoods=list(community.neighbourhoods.all()),
    )


def _raise(ctx: DemoContext, year: Year, month_start: dt.date, serial: int) -> tuple[Matter, str] | None:
    """A matter raised by a resident or by the staff, or lifted by the staff from a report; with its plan."""
    rnd = ctx.random
    kind, title, body, plan = rnd.choice(SUBJECTS)
    raised = _at(month_start + dt.timedelta(days=rnd.randint(0, 20)), rnd.randint(8, 21))
    if raised > ctx.now:
        return None
    n = rnd.choice(year.buildings) if year.buildings else ""
    hood = rnd.choice(year.hoods) if year.hoods else None
    origin = rnd.choice(["resident", "resident", "resident", "staff", "report"])
    title, body = title.format(n=n), body.format(n=n)
    if origin == "report":
        matter = services.matter_lift_from_report(
            actor=year.staff,
            community=year.community,
            report_ref=f"R-{raised:%y%m%d}-{serial}",
            kind=kind,
            title=title,
            body=body,
            now=raised,
        )
    else:
        actor = year.raiser if origin == "resident" else year.staff
        matter = services.matter_raise(
            actor=actor, community=year.community, kind=kind, title=title, body=body, neighbourhood=hood, now=raised
        )
    return matter, plan


def _backers(ctx: DemoContext, year: Year) -> list[Resident]:
    """Who will support a matter: 3 to 45 residents (利民 counts one a household, so one of each home)."""
    rnd = ctx.random
    backers = rnd.sample(year.people, k=min(len(year.people), rnd.randint(3, 45)))
    if year.community.code != "limin":
        return backers
    one_each: dict[int | None, Resident] = {}
    for backer in backers:
        one_each.setdefault(backer.household_id, backer)
    return list(one_each.values())


def _gather_support(
    ctx: DemoContext,
    year: Year,
    matter: Matter,
    backers: list[Resident],
    *,
    until: dt.datetime,
    agenda: dt.datetime | None = None,
    answer: dt.datetime | None = None,
) -> None:
    """The backers support the matter before `until`, in time order; on the way it reaches the agenda by its support,
    or the staff put it there (at `agenda`) or answer it (at `answer`)."""
    rnd = ctx.random
    hours = max(1, min(240, int((until - matter.raised_at).total_seconds() // 3600) - 1))
    events: list[tuple[dt.datetime, int, Resident | None]] = [
        (matter.raised_at + dt.timedelta(hours=rnd.randint(1, hours)), 1, backer) for backer in backers
    ]
    if agenda is not None:
        events.append((agenda, 0, None))
    if answer is not None:
        events.append((answer, 2, None))
    for at, step, backer in sorted(events, key=lambda e: (e[0], e[1])):
        if backer is not None:
            try:
                services.matter_support(actor=_account(backer), matter=matter, now=at)
            except DomainError as refused:
                if refused.code not in SUPPORT_REFUSALS:
                    raise
        elif step == 0:
            matter.refresh_from_db(fields=["status"])
            if matter.can_be_put_on_agenda():  # not already there by its support
                services.matter_put_on_agenda(actor=year.staff, matter=matter, now=at)
        else:
            response = "经核实，物业已于近日处理完毕，感谢居民反映。"
            services.matter_answer(actor=year.staff, matter=matter, response=response, now=at)
    if rnd.random() < 0.3:
        services.matter_follow(actor=year.follower, matter=matter)


def _month(ctx: DemoContext, year: Year, month_back: int, *, per_month: int, meetings_per_month: int) -> None:
    """A month's matters, raised and supported, and its round tables (the current month's are still to come)."""
    rnd = ctx.random
    month_start = ctx.today - dt.timedelta(days=30 * month_back + 20)
    raised = [_raise(ctx, year, month_start, i) for i in range(rnd.randint(per_month - 1, per_month + 2))]
    matters = [r for r in raised if r is not None]
    year.counts["matters"] += len(matters)
    days = [
        ctx.today + dt.timedelta(days=5 + 3 * k) if month_back == 0 else month_start + dt.timedelta(days=22 + 3 * k)
        for k in range(meetings_per_month)
    ]
    shares: list[list[tuple[Matter, str]]] = [[] for _ in days]
    for matter, plan in matters:
        backers = _backers(ctx, year)
        if len(backers) >= 20 or matter.kind != "urgent" or rnd.random() < 0.5:
            k = sum(len(s) for s in shares) % len(days)  # the month's round tables take turns
            shares[k].append((matter, plan))
            starts = _at(days[k], 19)
            until = min(starts - dt.timedelta(hours=1), ctx.now)
            agenda = min(
                matter.raised_at + dt.timedelta(days=rnd.randint(2, 8)),
                starts - dt.timedelta(days=1),
                ctx.now - dt.timedelta(hours=1),
            )
            _gather_support(ctx, year, matter, backers, until=until, agenda=agenda)
        elif month_back > 0:
            answer = matter.raised_at + dt.timedelta(days=rnd.randint(2, 10))
            _gather_support(ctx, year, matter, backers, until=answer, answer=answer)
        else:
            _gather_support(ctx, year, matter, backers, until=ctx.now)
    for k, day in enumerate(days):
        _round_table(ctx, year, k, day, shares[k], called=_at(month_start, 9))


def _round_table(
    ctx: DemoContext, year: Year, k: int, day: dt.date, share: list[tuple[Matter, str]], *, called: dt.datetime
) -> None:
    """One round table: called at the start of the month, its matters added, residents registered; once held,
    its attendance, minutes, decisions and tasks, and the tasks' progress until the matter is done and rated."""
    rnd = ctx.random
    staff = year.staff
    starts = _at(day, 19)
    mode = rnd.choice([Meeting.Mode.OFFLINE, Meeting.Mode.HYBRID, Meeting.Mode.HYBRID])
    meeting = services.meeting_create(
        actor=staff,
        community=year.community,
        title=f"{day.month}月民情圆桌会（第{k + 1}场）",
        mode=mode,
        starts_at=starts,
        place="居民会客厅",
        online_url="https://meet.example.org/linli" if mode == Meeting.Mode.HYBRID else "",
        capacity=30,
        parties=PARTIES,
        now=called,
    )
    year.counts["meetings"] += 1
    for matter, _plan in share:
        matter.refresh_from_db(fields=["status", "agenda_at"])
        services.meeting_add_matter(actor=staff, meeting=meeting, matter=matter, now=matter.agenda_at)
    held = starts < ctx.now - dt.timedelta(hours=3)
    coming = []
    if not held:  # the follower login has registered for the coming ones
        services.meeting_register(actor=year.follower, meeting=meeting, now=ctx.now - dt.timedelta(minutes=30))
        coming = [year.follower]
    attendees = rnd.sample(year.people, k=min(len(year.people), rnd.randint(12, 30 - len(coming))))
    for person in attendees:
        registered = starts - dt.timedelta(days=rnd.randint(1, 6))
        if registered >= ctx.now:
            registered = ctx.now - dt.timedelta(hours=rnd.randint(1, 72))
        services.meeting_register(actor=_account(person), meeting=meeting, now=registered)
    if not held:
        return
    came = [person.pk for person in attendees if rnd.random() < 0.85]
    services.meeting_hold(actor=staff, meeting=meeting, attendee_ids=came, now=starts)
    minutes_at = starts + dt.timedelta(hours=3)
    minutes = f"参会：社区、物业、业委会、居民代表共{len(attendees)}人。\n" + "\n".join(
        f"{i}. {m.title}：各方充分讨论，形成决定。" for i, (m, _plan) in enumerate(share, 1)
    )
    services.meeting_record_minutes(actor=staff, meeting=meeting, minutes=minutes, now=minutes_at)
    for matter, plan in share:
        _carry_out(ctx, year, meeting, matter, plan, day=day, decided=minutes_at)


def _carry_out(
    ctx: DemoContext, year: Year, meeting: Meeting, matter: Matter, plan: str, *, day: dt.date, decided: dt.datetime
) -> None:
    """The decision on a matter, its one or two tasks and their progress in time order; rated once done."""
    rnd = ctx.random
    staff = year.staff
    party = rnd.choice([Party.PROPERTY, Party.PROPERTY, Party.COMMUNITY, Party.OWNERS])
    due = day + dt.timedelta(days=rnd.randint(14, 45))
    decision = services.decision_record(
        actor=staff,
        matter=matter,
        meeting=meeting,
        text=plan,
        responsible_party=party,
        responsible_name=OWNER_NAMES[party],
        due_date=due,
        now=decided,
    )
    progress: list[tuple[dt.datetime, Task, str, int]] = []
    finished = []
    for t_index in range(rnd.randint(1, 2)):
        task_due = due - dt.timedelta(days=7 * t_index)
        task = services.task_create(
            actor=staff,
            decision=decision,
            title=f"{plan}（{'一' if t_index == 0 else '二'}）",
            owner_party=party,
            owner_name=OWNER_NAMES[party],
            due_date=task_due,
            now=decided,
        )
        done_at = None
        if task_due < ctx.today and rnd.random() < 0.9:
            done_at = _at(task_due - dt.timedelta(days=rnd.randint(0, 5)), 16)
            progress.append((done_at, task, "已完成并经居民代表验收", 100))
        finished.append(done_at)
        started = decided + dt.timedelta(days=5)
        if started < min(done_at or ctx.now, ctx.now):
            progress.append((started, task, "已进场施工", 50))
    for at, task, text, percent in sorted(progress, key=lambda p: (p[0], p[3])):
        services.task_post_update(actor=staff, task=task, text=text, progress=percent, now=at)
    if None in finished:
        return
    year.counts["solved"] += 1
    done = max(at for at in finished if at is not None)
    matter.refresh_from_db(fields=["status", "done_at"])
    for person in rnd.sample(year.people, k=min(len(year.people), rnd.randint(3, 15))):
        rated = done + dt.timedelta(days=rnd.randint(1, 10))
        if rated < ctx.now:
            score = rnd.choice([5, 5, 4, 4, 4, 3, 2])
            services.matter_rate(actor=_account(person), matter=matter, score=score, now=rated)


def _votes(ctx: DemoContext, year: Year) -> None:
    """This year's votes and polls, each open for a few days, the last one still running."""
    rnd = ctx.random
    now = ctx.now
    specs = [
        (
            "中心花园改造选哪个方案？",
            ["方案一：增加儿童游乐区", "方案二：增加健身步道", "方案三：保持现状"],
            Eligibility.ALL,
            False,
            False,
            -200,
        ),
        ("是否同意调整停车收费标准？", ["同意", "不同意", "弃权"], Eligibility.OWNERS, True, True, -90),
        ("垃圾投放点调整位置意见征询", ["同意新位置", "维持原位置"], Eligibility.HOUSEHOLD, False, True, -30),
        ("是否同意在本小区加装电梯？", ["同意", "不同意"], Eligibility.OWNERS, True, True, 0),
    ]
    for question, labels, eligibility, secret, hide, days in specs:
        opens = now + dt.timedelta(days=days - 3)
        vote = services.vote_create(
            actor=year.staff,
            community=year.community,
            question=question,
            options=labels,
            eligibility=eligibility,
            secret=secret,
            hide_results=hide,
            opens_at=opens,
            closes_at=now + dt.timedelta(days=days + 4 if days == 0 else days),
            now=opens,
        )
        options = list(vote.options.order_by("position"))
        voters = [p for p in year.people if eligibility != Eligibility.OWNERS or p.is_owner]
        homes: set[int | None] = set()
        weights = [0.55, 0.3, 0.15][: len(options)]
        for person in rnd.sample(voters, k=min(len(voters), rnd.randint(80, 300))):
            if eligibility == Eligibility.HOUSEHOLD:
                if person.household_id in homes:
                    continue
                homes.add(person.household_id)
            option = rnd.choices(options, weights=weights)[0]
            cast = opens + dt.timedelta(hours=rnd.randint(1, 60))
            services.ballot_cast(actor=_account(person), vote=vote, option=option, now=cast)


def _overdue(ctx: DemoContext) -> None:
    """The scheduler's daily run flagged each task left open past its due date on the morning after."""
    late = (
        Task.objects.filter(status=Task.Status.OPEN, due_date__lt=ctx.today)
        .order_by("due_date")
        .values_list("due_date", flat=True)
        .distinct()
    )
    for due in list(late):
        services.tasks_flag_overdue(now=_at(due + dt.timedelta(days=1), 9))


def _community(ctx: DemoContext, year: Year, admin: User, *, per_month: int, meetings_per_month: int) -> None:
    limin = year.community.code == "limin"
    services.settings_update(
        actor=admin,
        community=year.community,
        supports_per_resident=5,
        agenda_threshold=20,
        one_support_per_household=limin,
    )
    for month_back in range(12, -1, -1):
        _month(ctx, year, month_back, per_month=per_month, meetings_per_month=meetings_per_month)
        refresh_statistics(*LEDGER_TABLES)  # the caps of the months after sum what this one earned
    _votes(ctx, year)


def build(ctx: DemoContext) -> None:
    shibei, limin = ctx.communities[0], ctx.communities[1]
    u = ctx.users
    a = _year(ctx, shibei, raiser=u["resident"], staff=u["social_worker"], follower=u["volunteer"])
    b = _year(ctx, limin, raiser=u["limin_resident"], staff=u["limin_admin"], follower=u["limin_resident"])
    with telling_no_one():
        _community(ctx, a, u["community_admin"], per_month=5, meetings_per_month=2)
        _community(ctx, b, u["limin_admin"], per_month=2, meetings_per_month=1)
        _overdue(ctx)
    counts = {key: a.counts[key] + b.counts[key] for key in a.counts}
    ctx.progress(
        f"  round tables: {counts['matters']} matters, {counts['meetings']} meetings, {counts['solved']} solved"
    )
