"""Demo: volunteer teams in both communities (市北's eight, one of them 柿先锋 party members; 利民's four), a year of
their activities and four clubs in 市北. Everything goes through the services the staff and volunteers use: the
staff set up the types and rules, create the teams and enter their members, publish each activity ahead, enter
the team's list of volunteers, tick off who came and confirm their hours, so that points follow each community's
earning rules and their caps. The volunteer login signs up and checks in by themself with the activity's code."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from linli.core.database import refresh_statistics
from linli.core.demo import DemoContext
from linli.ledger import services as ledger
from linli.ledger.checks import LEDGER_TABLES
from linli.ledger.codes import FundingCode
from linli.people.models import Resident

from . import codes, services
from .catalogue import NAME_OF_KIND
from .models import ActivityType, Team

# (name, party vanguard, scenario, the kinds of activity it runs)
TEAMS = {
    "shibei": [
        ("柿先锋党员志愿队", True, "governance", ["service", "visit", "festival"]),
        ("金童银晚志愿队", False, "neighbourhood", ["visit", "course", "festival"]),
        ("红色引擎便民队", False, "services", ["service", "service", "performance"]),
        ("斑斓心愿关爱队", False, "neighbourhood", ["visit", "visit", "course"]),
        ("平安巡防队", False, "governance", ["service", "clean_up"]),
        ("垃圾分类督导队", False, "low_carbon", ["clean_up", "clean_up", "sorting"]),
        ("健康义诊服务队", False, "health", ["clinic", "clinic", "visit"]),
        ("文明交通劝导队", False, "transport", ["service", "clean_up"]),
    ],
    "limin": [
        ("利民党员先锋队", True, "governance", ["service", "visit"]),
        ("邻里守望志愿队", False, "neighbourhood", ["visit", "festival", "course"]),
        ("绿色家园督导队", False, "low_carbon", ["clean_up", "sorting"]),
        ("便民服务队", False, "services", ["service", "clinic", "performance"]),
    ],
}
# per community: volunteers per team, activities per team and month, (fewest, most) volunteers at one
SCALE = {"shibei": (40, 5, (11, 15)), "limin": (30, 2, (9, 13))}
HOURS = [3, 3, 4, 4, 4]  # an afternoon's or an evening's shift
DAY_HOURS = [3, 4, 4, 6, 8]  # one starting in the morning may last the whole day
ATTENDS = 0.93  # of the volunteers signed up, the share who come; the others are left signed up, not checked in
PLACES = {
    "shibei": ["喜柿天地", "邻里中心", "市北社区广场", "柿子树下议事角"],
    "limin": ["利民邻里中心", "利民东苑广场"],
}
COMING = [
    ("邻里节", "festival"),
    ("社区义诊", "clinic"),
    ("文艺汇演", "performance"),
    ("公益课程·反诈", "course"),
    ("环境整治", "clean_up"),
    ("走访慰问", "visit"),
]
CLUBS = [
    ("乒乓球社", "每周二、四 19:00"),
    ("太极拳社", "每天 06:30"),
    ("罗汉社", "每周六 09:00"),
    ("布龙社", "每周三 19:30"),
]


def _types(admin: Any, community: Any) -> dict[str, ActivityType]:
    """Set up as the staff would on the activity-types and earning-rule pages: the clinic's hours are paid by the
    街道 under a rule of their own, the festival, shows and courses earn the attendance rule's points for taking
    part, and a waste-sorting type earns by the waste-sorting rule."""
    services.activity_types_seed(community=community)
    clinic_rule = ledger.earning_rule_create(
        actor=admin,
        community=community,
        name="义诊服务",
        points=15,
        daily_cap=60,
        monthly_cap=300,
        yearly_cap=2000,
        funding_code=FundingCode.STREET,
    )
    types = {t.name: t for t in ActivityType.objects.filter(community=community)}
    services.activity_type_update(actor=admin, activity_type=types["义诊"], earning_rule=clinic_rule.code)
    for name in ("邻里节", "文艺汇演", "公益课程"):
        services.activity_type_update(actor=admin, activity_type=types[name], attendance_rule="activity_attendance")
    services.activity_type_create(
        actor=admin, community=community, name="垃圾分类督导", scenario="low_carbon", earning_rule="waste_sorting"
    )
    types = {t.name: t for t in ActivityType.objects.filter(community=community)}
    return {**{kind: types[name] for kind, name in NAME_OF_KIND.items()}, "sorting": types["垃圾分类督导"]}


def _volunteers(ctx: DemoContext, community: Any, wanted: int) -> tuple[list[Resident], list[Resident]]:
    """Adults of 18 to 75 living there who registered as users (the points they earn they spend at 街坊汇); and the
    party members among the residents, for the vanguard team."""
    today = ctx.today
    adults = Resident.objects.filter(
        community=community,
        moved_out_on__isnull=True,
        birth_date__lte=today.replace(year=today.year - 18),
        birth_date__gt=today.replace(year=today.year - 75),
    ).order_by("pk")
    users = list(adults.filter(user__isnull=False).select_related("user"))
    pool = ctx.random.sample(users, min(len(users), wanted))
    party = list(adults.filter(is_party_member=True))
    return pool, party


def _community(
    ctx: DemoContext, community: Any, admin: Any, organiser: Any, me: Resident | None, login: Any
) -> tuple[int, int]:
    """The community's teams and a year of their activities; `me` (the volunteer login `login`) acts by themself."""
    rnd = ctx.random
    tz = timezone.get_current_timezone()
    team_size, per_month, (fewest, most) = SCALE[community.code]
    plan = TEAMS[community.code]
    type_of = _types(admin, community)
    pool, party = _volunteers(ctx, community, team_size * (len(plan) - 1))
    year_ago = ctx.now - dt.timedelta(days=400)
    teams: list[tuple[Team, list[Resident], list[str]]] = []
    for i, (name, vanguard, scenario, kinds) in enumerate(plan):
        team = services.team_create(
            actor=admin,
            community=community,
            name=name,
            party_vanguard=vanguard,
            scenario=scenario,
            description=f"{name}常态化开展志愿服务。",
        )
        if vanguard:
            members = rnd.sample(party, min(len(party), team_size))
        else:
            k = i - 1 if plan[0][1] else i
            members = pool[k * team_size : (k + 1) * team_size]
        if me is not None and i == 1:
            members = [me, *[m for m in members if m.pk != me.pk]]
        for j, resident in enumerate(members):
            services.team_join(actor=admin, team=team, resident=resident, leader=j == 0, now=year_ago)
        teams.append((team, members, kinds))
    first = ctx.today.replace(year=ctx.today.year - 1, day=1)  # the first of the month a year ago
    activities = records = 0
    day = first
    while day < ctx.today:
        month_end = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        days = (min(month_end, ctx.today) - day).days
        for team, members, kinds in teams:
            for _ in range(round(per_month * days / 30)):
                on = day + dt.timedelta(days=rnd.randrange(days))
                starts = dt.datetime.combine(on, dt.time(rnd.choice([8, 9, 14, 15, 18])), tzinfo=tz)
                ends = starts + dt.timedelta(hours=rnd.choice(DAY_HOURS if starts.hour < 12 else HOURS))
                if ends >= ctx.now:
                    continue
                kind = rnd.choice(kinds)
                activity = services.activity_create(
                    actor=organiser,
                    community=community,
                    title=f"{team.name}·{on:%m月%d日}{type_of[kind].name}",
                    type=type_of[kind],
                    team=team,
                    place=rnd.choice(PLACES[community.code]),
                    starts_at=starts,
                    ends_at=ends,
                    capacity=most,
                    now=starts - dt.timedelta(days=10),
                )
                group = rnd.sample(members, min(len(members), rnd.randint(fewest, most)))
                itself = me if me is not None and me in group else None
                if itself is not None:
                    group.remove(itself)
                    services.signup_create(
                        actor=login, activity=activity, resident=itself, now=starts - dt.timedelta(days=3)
                    )
                services.signups_create(
                    actor=organiser, activity=activity, residents=group, now=starts - dt.timedelta(days=2)
                )
                arrived = starts + dt.timedelta(minutes=5)
                came = [r for r in group if rnd.random() < ATTENDS]
                done = services.check_ins(actor=organiser, activity=activity, residents=came, now=arrived)
                if itself is not None:
                    done.append(
                        services.check_in(
                            actor=login,
                            activity=activity,
                            resident=itself,
                            code=codes.current_code(activity, arrived),
                            now=arrived,
                        )
                    )
                services.records_confirm(actor=organiser, records=done, now=ends + dt.timedelta(hours=1))
                activities += 1
                records += len(done)
        day = month_end
        # the month's earnings are what the next month's caps sum up: let the planner see the ledger grow (it is
        # nearly empty when the step starts, and a plan made for an empty table scans it whole)
        refresh_statistics(*LEDGER_TABLES)
    for k, (title, kind) in enumerate(COMING):  # coming ones to sign up for
        starts = dt.datetime.combine(ctx.today + dt.timedelta(days=3 + k * 4), dt.time(9), tzinfo=tz)
        services.activity_create(
            actor=organiser,
            community=community,
            title=title,
            type=type_of[kind],
            team=teams[k % len(teams)][0],
            place=PLACES[community.code][0],
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=2),
            capacity=20,
            now=ctx.now,
        )
    return activities, records


def build(ctx: DemoContext) -> None:
    shibei, limin = ctx.communities[0], ctx.communities[1]
    me = Resident.objects.filter(user=ctx.users["volunteer"]).first()
    made = {}
    for community, admin, organiser, volunteer in (
        (shibei, ctx.users["community_admin"], ctx.users["social_worker"], me),
        (limin, ctx.users["limin_admin"], ctx.users["limin_admin"], None),
    ):
        with transaction.atomic():
            made[community.name] = _community(ctx, community, admin, organiser, volunteer, ctx.users["volunteer"])
    residents = list(
        Resident.objects.filter(
            community=shibei, moved_out_on__isnull=True, birth_date__lte=ctx.today.replace(year=ctx.today.year - 18)
        ).order_by("pk")[:400]
    )
    admin, joined = ctx.users["community_admin"], ctx.now - dt.timedelta(days=200)
    with transaction.atomic():  # registered by the community's staff, who enter the members and name the leader
        for name, schedule in CLUBS:
            club = services.club_create(
                actor=admin, community=shibei, name=name, schedule=schedule, description=f"{name}欢迎邻居加入。"
            )
            members = [
                services.club_join(actor=admin, club=club, resident=r, now=joined)
                for r in ctx.random.sample(residents, 15)
            ]
            services.club_set_leader(actor=admin, member=members[0], leader=True)
    for name, (activities, records) in made.items():
        ctx.progress(f"  volunteering in {name}: {activities} activities, {records} confirmed service records")
    ctx.progress(f"  {len(CLUBS)} clubs")
