"""A year of round tables on the demo street: matters, supports, meetings, decisions, tasks, ratings, votes (the
mediation cases are `linli.mediation.demo`'s). Rates follow the articles: 塔海 settles one or two hard matters a
month; 北干's street held 1,500+ meetings over its many communities. Scaled to two communities, 市北 holds about two
round tables a month and 利民 one. Written with bulk inserts, so the step takes a few seconds."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from linli.accounts.models import User
from linli.core.crypto import digest
from linli.core.demo import DemoContext
from linli.people.models import Resident

from .models import (
    AgendaItem,
    Ballot,
    ConsultationSettings,
    Decision,
    Follow,
    Matter,
    Meeting,
    Party,
    Rating,
    Registration,
    Support,
    Task,
    TaskUpdate,
    Vote,
    VoteOption,
)

SUBJECTS = [
    ("urgent", "{n}楼道灯不亮", "晚上楼道漆黑，老人上下楼不安全，希望尽快修好。", "物业更换楼道感应灯"),
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


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _community_year(
    ctx: DemoContext,
    community: Any,
    *,
    per_month: int,
    meetings_per_month: int,
    raiser: User,
    staff: User,
    follower: User,
) -> dict[str, int]:
    rnd = ctx.random
    today: dt.date = ctx.today
    ConsultationSettings.objects.update_or_create(
        community=community,
        defaults={
            "supports_per_resident": 5,
            "agenda_threshold": 20,
            "one_support_per_household": community.code == "limin",
        },
    )
    adults = list(
        Resident.objects.filter(community=community, birth_date__lte=today.replace(year=today.year - 18))
        .exclude(household=None)
        .values_list("pk", "household_id", "is_owner")[:3000]
    )
    buildings = list(community.buildings.values_list("name", flat=True)[:40])
    hoods = list(community.neighbourhoods.all())
    counts = {"matters": 0, "meetings": 0, "solved": 0}
    supports: list[Support] = []
    registrations: list[Registration] = []
    ratings: list[Rating] = []
    updates: list[TaskUpdate] = []
    for month_back in range(12, -1, -1):
        month_start = today - dt.timedelta(days=30 * month_back + 20)
        matters: list[Matter] = []
        for _ in range(rnd.randint(per_month - 1, per_month + 2)):
            kind, title, body, _plan = rnd.choice(SUBJECTS)
            raised = _at(month_start + dt.timedelta(days=rnd.randint(0, 20)), rnd.randint(8, 21))
            if raised > ctx.now:
                continue
            n = rnd.choice(buildings) if buildings else ""
            matters.append(
                Matter.objects.create(
                    community=community,
                    kind=kind,
                    title=title.format(n=n),
                    body=body.format(n=n),
                    neighbourhood=rnd.choice(hoods) if hoods else None,
                    origin_kind=rnd.choice(["resident", "resident", "resident", "staff", "report"]),
                    origin_ref="",
                    raised_by=raiser if rnd.random() < 0.7 else staff,
                    raised_at=raised,
                )
            )
        counts["matters"] += len(matters)
        for matter in matters:
            if matter.origin_kind == "report":
                matter.origin_ref = f"R-{matter.raised_at:%y%m}-{matter.pk}"
            backers = rnd.sample(adults, k=min(len(adults), rnd.randint(3, 45)))
            seen_homes: set[int] = set()
            for pk, household_id, _owner in backers:
                if community.code == "limin":
                    if household_id in seen_homes:
                        continue
                    seen_homes.add(household_id)
                supports.append(
                    Support(
                        matter=matter,
                        resident_id=pk,
                        created_at=matter.raised_at + dt.timedelta(hours=rnd.randint(1, 240)),
                        household_key=str(household_id) if community.code == "limin" else "",
                    )
                )
                matter.support_count += 1
            Follow.objects.get_or_create(matter=matter, user=matter.raised_by)
            if rnd.random() < 0.3:
                Follow.objects.get_or_create(matter=matter, user=follower)
            if matter.support_count >= 20 or matter.kind != "urgent" or rnd.random() < 0.5:
                matter.status = Matter.Status.AGENDA
                matter.agenda_at = matter.raised_at + dt.timedelta(days=rnd.randint(2, 8))
            elif month_back > 0:
                matter.status = Matter.Status.ANSWERED
                matter.answered_at = matter.raised_at + dt.timedelta(days=rnd.randint(2, 10))
                matter.response = "经核实，物业已于近日处理完毕，感谢居民反映。"
            matter.save()

        on_agenda = [m for m in matters if m.status == Matter.Status.AGENDA]
        for k in range(meetings_per_month):
            day = (
                today + dt.timedelta(days=5 + 3 * k) if month_back == 0 else month_start + dt.timedelta(days=22 + 3 * k)
            )
            starts = _at(day, 19)
            held = starts < ctx.now - dt.timedelta(hours=3)
            meeting = Meeting.objects.create(
                community=community,
                title=f"{day.month}月民情圆桌会（第{k + 1}场）",
                mode=rnd.choice([Meeting.Mode.OFFLINE, Meeting.Mode.HYBRID, Meeting.Mode.HYBRID]),
                starts_at=starts,
                place="居民会客厅",
                online_url="https://meet.example.org/linli",
                capacity=30,
                parties=[Party.COMMUNITY, Party.PROPERTY, Party.OWNERS, Party.REPRESENTATIVES],
                status=Meeting.Status.HELD if held else Meeting.Status.PLANNED,
                held_at=starts if held else None,
                created_by=staff,
            )
            counts["meetings"] += 1
            share = on_agenda[k::meetings_per_month]
            for pos, matter in enumerate(share, 1):
                AgendaItem.objects.create(meeting=meeting, matter=matter, position=pos)
            attendees = rnd.sample(adults, k=min(len(adults), rnd.randint(12, 30)))
            for pk, _h, _o in attendees:
                registrations.append(
                    Registration(
                        meeting=meeting,
                        resident_id=pk,
                        registered_at=starts - dt.timedelta(days=rnd.randint(1, 6)),
                        attended=held and rnd.random() < 0.85,
                    )
                )
            if not held:
                mine = Resident.objects.filter(user=follower, community=community).first()
                if mine is not None:
                    registrations.append(Registration(meeting=meeting, resident=mine, registered_at=ctx.now))
                continue
            meeting.minutes = f"参会：社区、物业、业委会、居民代表共{len(attendees)}人。\n" + "\n".join(
                f"{i}. {m.title}：各方充分讨论，形成决定。" for i, m in enumerate(share, 1)
            )
            meeting.minutes_at = starts + dt.timedelta(hours=3)
            meeting.save(update_fields=["minutes", "minutes_at"])
            for matter in share:
                plan = next(
                    (
                        s[3]
                        for s in SUBJECTS
                        if (s[0] == matter.kind and s[1].format(n="") in matter.title)
                        or s[1].replace("{n}", "") in matter.title
                    ),
                    "各方协同落实整改",
                )
                party = rnd.choice([Party.PROPERTY, Party.PROPERTY, Party.COMMUNITY, Party.OWNERS])
                due = day + dt.timedelta(days=rnd.randint(14, 45))
                decision = Decision.objects.create(
                    community=community,
                    matter=matter,
                    meeting=meeting,
                    text=plan,
                    responsible_party=party,
                    responsible_name=OWNER_NAMES[party],
                    due_date=due,
                    created_by=staff,
                    created_at=meeting.minutes_at,
                )
                matter.status, matter.decided_at = Matter.Status.DECIDED, meeting.minutes_at
                all_done = True
                finished_at: list[dt.datetime] = []
                for t_index in range(rnd.randint(1, 2)):
                    task_due = due - dt.timedelta(days=7 * t_index)
                    finished = task_due < today and rnd.random() < 0.9
                    done_at = _at(task_due - dt.timedelta(days=rnd.randint(0, 5)), 16) if finished else None
                    task = Task.objects.create(
                        community=community,
                        decision=decision,
                        title=f"{plan}（{'一' if t_index == 0 else '二'}）",
                        owner_party=party,
                        owner_name=OWNER_NAMES[party],
                        due_date=task_due,
                        status=Task.Status.DONE if finished else Task.Status.OPEN,
                        progress=100 if finished else rnd.choice([0, 30, 60]),
                        created_at=meeting.minutes_at,
                        done_at=done_at,
                        overdue_flagged_at=_at(task_due + dt.timedelta(days=1), 9)
                        if not finished and task_due < today
                        else None,
                    )
                    updates.append(
                        TaskUpdate(
                            task=task,
                            author=staff,
                            text="已进场施工",
                            progress=50,
                            created_at=meeting.minutes_at + dt.timedelta(days=5),
                        )
                    )
                    if done_at is not None:
                        updates.append(
                            TaskUpdate(
                                task=task,
                                author=staff,
                                text="已完成并经居民代表验收",
                                progress=100,
                                created_at=done_at,
                            )
                        )
                        finished_at.append(done_at)
                    all_done = all_done and finished
                if all_done and finished_at:
                    done = max(finished_at)
                    matter.status = Matter.Status.DONE
                    matter.done_at = done
                    counts["solved"] += 1
                    for pk, _h, _o in rnd.sample(adults, k=min(len(adults), rnd.randint(3, 15))):
                        ratings.append(
                            Rating(
                                matter=matter,
                                resident_id=pk,
                                score=rnd.choice([5, 5, 4, 4, 4, 3, 2]),
                                created_at=done + dt.timedelta(days=rnd.randint(1, 10)),
                            )
                        )
                matter.save()
    Support.objects.bulk_create(supports, batch_size=2000, ignore_conflicts=True)
    Registration.objects.bulk_create(registrations, batch_size=2000, ignore_conflicts=True)
    Rating.objects.bulk_create(ratings, batch_size=2000, ignore_conflicts=True)
    TaskUpdate.objects.bulk_create(updates, batch_size=2000)
    _votes(ctx, community, staff, adults)
    return counts


def _votes(ctx: DemoContext, community: Any, staff: User, adults: list[tuple[int, int, bool]]) -> None:
    rnd = ctx.random
    now = ctx.now
    specs = [
        (
            "中心花园改造选哪个方案？",
            ["方案一：增加儿童游乐区", "方案二：增加健身步道", "方案三：保持现状"],
            "all",
            False,
            False,
            -200,
        ),
        ("是否同意调整停车收费标准？", ["同意", "不同意", "弃权"], "owners", True, True, -90),
        ("垃圾投放点调整位置意见征询", ["同意新位置", "维持原位置"], "household", False, True, -30),
        ("是否同意在本小区加装电梯？", ["同意", "不同意"], "owners", True, True, 0),
    ]
    for question, options, eligibility, secret, hide, days in specs:
        opens = now + dt.timedelta(days=days - 3)
        closes = now + dt.timedelta(days=days + 4 if days == 0 else days)
        vote = Vote.objects.create(
            community=community,
            question=question,
            eligibility=eligibility,
            secret=secret,
            hide_results=hide,
            opens_at=opens,
            closes_at=closes,
            created_by=staff,
        )
        opts = VoteOption.objects.bulk_create(
            [VoteOption(vote=vote, label=o, position=i) for i, o in enumerate(options)]
        )
        voters = [a for a in adults if eligibility != "owners" or a[2]]
        ballots, keys = [], set()
        for pk, household_id, _owner in rnd.sample(voters, k=min(len(voters), rnd.randint(80, 300))):
            subject = f"household:{household_id}" if eligibility == "household" else f"resident:{pk}"
            key = digest(f"consultation-vote:{vote.pk}:{subject}")
            if key in keys:
                continue
            keys.add(key)
            weights = [0.55, 0.3, 0.15][: len(opts)]
            ballots.append(
                Ballot(
                    vote=vote,
                    option=rnd.choices(opts, weights=weights)[0],
                    voter_key=key,
                    resident_id=None if secret else pk,
                    cast_at=None if secret else opens + dt.timedelta(hours=rnd.randint(1, 60)),
                )
            )
        Ballot.objects.bulk_create(ballots, batch_size=2000)


def build(ctx: DemoContext) -> None:
    shibei, limin = ctx.communities[0], ctx.communities[1]
    u = ctx.users
    with transaction.atomic():
        a = _community_year(
            ctx,
            shibei,
            per_month=5,
            meetings_per_month=2,
            raiser=u["resident"],
            staff=u["social_worker"],
            follower=u["volunteer"],
        )
        b = _community_year(
            ctx,
            limin,
            per_month=2,
            meetings_per_month=1,
            raiser=u["limin_resident"],
            staff=u["limin_admin"],
            follower=u["limin_resident"],
        )
    ctx.progress(
        f"  round tables: {a['matters'] + b['matters']} matters, {a['meetings'] + b['meetings']} meetings, "
        f"{a['solved'] + b['solved']} solved"
    )
