"""Demo: a year of private mediation cases (柿宜解) on the demo street, about one a month in 市北 and one every two
months in 利民. Runs after `linli.consultation.demo`."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from linli.core.demo import DemoContext
from linli.people.models import Resident

from .models import Agreement, Case, CaseMediator, CaseParty, FollowUp, Mediator, Note, Session


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def build(ctx: DemoContext) -> None:
    shibei, limin = ctx.communities[0], ctx.communities[1]
    u = ctx.users
    with transaction.atomic():
        cases = _mediation(ctx, shibei, [u["social_worker"], u["steward"]], 1.0)
        cases += _mediation(ctx, limin, [u["limin_admin"]], 0.5)
    ctx.progress(f"  mediation: {cases} cases")


def _mediation(ctx: DemoContext, community: Any, staff: list[Any], per_month: float) -> int:
    rnd = ctx.random
    today: dt.date = ctx.today
    mediators = [
        Mediator.objects.get_or_create(community=community, user=u, defaults={"team": "柿宜解"})[0] for u in staff
    ]
    residents = list(
        Resident.objects.filter(community=community).exclude(household=None).values_list("pk", flat=True)[:2000]
    )
    subjects = [
        ("neighbour", "走廊加高挡光纠纷", "邻居加高走廊隔断，挡住我家客厅采光。"),
        ("neighbour", "楼上漏水纠纷", "楼上卫生间漏水到我家天花板，协商赔偿未果。"),
        ("neighbour", "噪音纠纷", "楼上深夜走动和装修噪音，多次沟通无效。"),
        ("property", "物业费争议", "对公共维修分摊费用有异议，希望调解。"),
        ("family", "赡养老人分歧", "兄妹之间对老人赡养安排有分歧。"),
    ]
    total = 0
    for month_back in range(12, 0, -1):
        for _ in range(rnd.choice([0, 1, 1, 2]) if per_month >= 1 else rnd.choice([0, 0, 1])):
            kind, title, summary = rnd.choice(subjects)
            opened = _at(today - dt.timedelta(days=30 * month_back - rnd.randint(0, 20)), 10)
            a, b = rnd.sample(residents, 2)
            closed = month_back > 1
            resolved = rnd.random() < 0.85
            case = Case.objects.create(
                community=community,
                kind=kind,
                title=title,
                summary=summary,
                opened_by=staff[0],
                opened_at=opened,
                status=Case.Status.CLOSED if closed else Case.Status.MEDIATING,
                resolved=resolved if closed else None,
                closed_at=opened + dt.timedelta(days=rnd.randint(10, 40)) if closed else None,
            )
            CaseParty.objects.bulk_create(
                [
                    CaseParty(case=case, resident_id=a, side=CaseParty.Side.APPLICANT),
                    CaseParty(case=case, resident_id=b, side=CaseParty.Side.RESPONDENT),
                ]
            )
            mediator = rnd.choice(mediators)
            CaseMediator.objects.create(case=case, mediator=mediator)
            Session.objects.create(case=case, starts_at=opened + dt.timedelta(days=3), place="居民会客厅")
            Note.objects.create(
                case=case,
                author=mediator.user,
                text="双方到场陈述，情绪平稳，约定再次面谈。",
                created_at=opened + dt.timedelta(days=3),
            )
            if closed and resolved:
                Agreement.objects.create(
                    case=case,
                    text="双方达成一致：按约定时间整改，互相谅解。",
                    recorded_by=mediator.user,
                    agreed_at=opened + dt.timedelta(days=7),
                )
                FollowUp.objects.create(
                    case=case,
                    author=mediator.user,
                    outcome=FollowUp.Outcome.KEPT,
                    text="回访：协议已履行，双方满意。",
                    created_at=opened + dt.timedelta(days=30),
                )
            total += 1
    return total
