"""Demo: 8 volunteer teams in 市北 (one of them 柿先锋 party members), a year of activities with confirmed hours
(points through the ledger's `volunteer_hour` rule), and four clubs."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from linli.core.demo import DemoContext
from linli.ledger import services as ledger
from linli.ledger.codes import FundingCode
from linli.people.models import Resident

from . import services
from .catalogue import NAME_OF_KIND
from .models import Activity, ActivityType, Club, ClubMember, ServiceRecord, SignUp, Team, TeamMember

TEAMS = [
    ("柿先锋党员志愿队", True, "governance"),
    ("金童银晚志愿队", False, "neighbourhood"),
    ("红色引擎便民队", False, "services"),
    ("斑斓心愿关爱队", False, "neighbourhood"),
    ("平安巡防队", False, "governance"),
    ("垃圾分类督导队", False, "low_carbon"),
    ("健康义诊服务队", False, "health"),
    ("文明交通劝导队", False, "transport"),
]
# Past activities are of any type; the coming ones are named for their type (社区义诊 is a clinic).
KINDS = ["service", "festival", "clinic", "performance", "course", "clean_up", "visit"]
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


def build(ctx: DemoContext) -> None:
    community = ctx.communities[0]
    organiser = ctx.users["social_worker"]
    rnd = ctx.random
    today = ctx.today
    tz = timezone.get_current_timezone()
    residents = list(
        Resident.objects.filter(community=community, birth_date__lte=today.replace(year=today.year - 18)).order_by(
            "pk"
        )[:400]
    )
    party = [r for r in residents if r.is_party_member][:30]
    volunteer = Resident.objects.filter(user=ctx.users["volunteer"]).first()
    admin = ctx.users["community_admin"]
    with transaction.atomic():
        # set up as the staff would on the activity-types and earning-rule pages: the clinic's hours are paid by
        # the 街道 under a rule of their own, and a waste-sorting type earns by the waste-sorting rule
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
        # taking part in the neighbourhood festival, the shows and the courses earns the attendance rule's points
        for name in ("邻里节", "文艺汇演", "公益课程"):
            services.activity_type_update(actor=admin, activity_type=types[name], attendance_rule="activity_attendance")
        services.activity_type_create(
            actor=admin, community=community, name="垃圾分类督导", scenario="low_carbon", earning_rule="waste_sorting"
        )
        types = {t.name: t for t in ActivityType.objects.filter(community=community)}
        type_of = {kind: types[name] for kind, name in NAME_OF_KIND.items()}
        teams = Team.objects.bulk_create(
            [
                Team(community=community, name=n, party_vanguard=p, scenario=s, description=f"{n}常态化开展志愿服务。")
                for n, p, s in TEAMS
            ]
        )
        members: dict[int, list[Resident]] = {}
        rows = []
        for i, team in enumerate(teams):
            pool = party if team.party_vanguard else residents[i * 40 : i * 40 + 40]
            chosen = pool[:12] + ([volunteer] if volunteer and i == 1 else [])
            members[team.pk] = chosen
            rows += [
                TeamMember(team=team, resident=r, leader=j == 0, joined_on=today - dt.timedelta(days=400))
                for j, r in enumerate(chosen)
            ]
        TeamMember.objects.bulk_create(rows)
        activities = []
        for month in range(12, 0, -1):
            for team in teams:
                day = today - dt.timedelta(days=month * 30 - rnd.randint(0, 20))
                starts = dt.datetime.combine(day, dt.time(rnd.choice([9, 14, 19])), tzinfo=tz)
                activities.append(
                    Activity(
                        community=community,
                        team=team,
                        type=type_of[rnd.choice(KINDS)],
                        title=f"{team.name}·{day:%m月}服务",
                        place="喜柿天地",
                        starts_at=starts,
                        ends_at=starts + dt.timedelta(hours=2),
                        capacity=10,
                        signed_up=6,
                        organiser=organiser,
                    )
                )
        for k, (title, kind) in enumerate(COMING):  # upcoming ones to sign up for
            starts = dt.datetime.combine(today + dt.timedelta(days=3 + k * 4), dt.time(9), tzinfo=tz)
            activities.append(
                Activity(
                    community=community,
                    team=teams[k],
                    type=type_of[kind],
                    title=title,
                    place="喜柿天地",
                    starts_at=starts,
                    ends_at=starts + dt.timedelta(hours=2),
                    capacity=20,
                    organiser=organiser,
                )
            )
        activities = Activity.objects.bulk_create(activities)
        past = [a for a in activities if a.ends_at < ctx.now]
        signups = []
        for a in past:
            signups += [
                SignUp(
                    activity=a,
                    resident=r,
                    status="confirmed",
                    created_at=a.starts_at - dt.timedelta(days=2),
                    checked_in_at=a.starts_at,
                )
                for r in rnd.sample(members[int(a.team_id or 0)], 6)
            ]
        signups = SignUp.objects.bulk_create(signups)
        by_pk = {a.pk: a for a in past}
        records = ServiceRecord.objects.bulk_create(
            [
                ServiceRecord(
                    community=community,
                    signup=s,
                    activity_id=s.activity_id,
                    resident_id=s.resident_id,
                    minutes=120,
                    served_on=timezone.localtime(by_pk[s.activity_id].starts_at).date(),
                    status="confirmed",
                    confirmed_by=organiser,
                    confirmed_at=by_pk[s.activity_id].ends_at,
                )
                for s in signups
            ]
        )
        residents_by_pk = {r.pk: r for team in members.values() for r in team}
        for record in records:
            earned = ledger.points_earn(
                community=community,
                resident=residents_by_pk[record.resident_id],
                rule_code=by_pk[record.activity_id].type.earning_rule,
                quantity=2,
                idempotency_key=f"volunteer-hours:{record.pk}",
                actor=organiser,
                memo=by_pk[record.activity_id].title,
                now=record.confirmed_at,
            )
            record.points, record.earning = earned.points, earned.transaction
        ServiceRecord.objects.bulk_update(records, ["points", "earning"])
        # everyone checked in earns by the type's attendance rule, through the same service as the check-in
        attended = 0
        for signup in SignUp.objects.filter(pk__in=[s.pk for s in signups]).select_related(
            "activity__type", "activity__community", "resident"
        ):
            attended += services.attendance_points_award(actor=organiser, signup=signup) > 0
        for name, schedule in CLUBS:
            club = Club.objects.create(
                community=community, name=name, schedule=schedule, description=f"{name}欢迎邻居加入。"
            )
            ClubMember.objects.bulk_create(
                [
                    ClubMember(club=club, resident=r, leader=j == 0, joined_on=today - dt.timedelta(days=200))
                    for j, r in enumerate(rnd.sample(residents, 15))
                ]
            )
    ctx.progress(
        f"  volunteering: {len(teams)} teams, {len(activities)} activities, "
        f"{len(records)} confirmed service records, {attended} attendance earns, {len(CLUBS)} clubs"
    )
