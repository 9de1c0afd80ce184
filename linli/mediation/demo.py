"""Demo: a year of private mediation cases (柿宜解) on the demo street, about one a month in 市北 and one every two
months in 利民, recorded through the mediation services as the community's admin and mediators did, back-dated to
when each step happened. Runs after `linli.consultation.demo`."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from linli.core.demo import DemoContext
from linli.people.models import Resident

from . import services
from .models import CaseParty, FollowUp

SUBJECTS = [
    ("neighbour", "走廊加高挡光纠纷", "邻居加高走廊隔断，挡住我家客厅采光。"),
    ("neighbour", "楼上漏水纠纷", "楼上卫生间漏水到我家天花板，协商赔偿未果。"),
    ("neighbour", "噪音纠纷", "楼上深夜走动和装修噪音，多次沟通无效。"),
    ("property", "物业费争议", "对公共维修分摊费用有异议，希望调解。"),
    ("family", "赡养老人分歧", "兄妹之间对老人赡养安排有分歧。"),
]


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def build(ctx: DemoContext) -> None:
    shibei, limin = ctx.communities[0], ctx.communities[1]
    u = ctx.users
    with transaction.atomic():
        cases = _mediation(ctx, shibei, u["community_admin"], [u["social_worker"], u["steward"]], 1.0)
        cases += _mediation(ctx, limin, u["limin_admin"], [u["limin_admin"]], 0.5)
    ctx.progress(f"  mediation: {cases} cases")


def _mediation(ctx: DemoContext, community: Any, admin: Any, staff: list[Any], per_month: float) -> int:
    """The admin sets up the team; the first of the staff takes each case in and the admin assigns the mediator
    drawn for it, who holds the session, writes the note and, for a case settled, records the agreement, checks on
    it a month later and closes the case."""
    rnd = ctx.random
    today: dt.date = ctx.today
    mediators = [services.mediator_add(actor=admin, community=community, user=user) for user in staff]
    residents = list(
        Resident.objects.filter(community=community).exclude(household=None).values_list("pk", flat=True)[:2000]
    )
    total = 0
    for month_back in range(12, 0, -1):
        for _ in range(rnd.choice([0, 1, 1, 2]) if per_month >= 1 else rnd.choice([0, 0, 1])):
            kind, title, summary = rnd.choice(SUBJECTS)
            opened = _at(today - dt.timedelta(days=30 * month_back - rnd.randint(0, 20)), 10)
            applicant, respondent = rnd.sample(residents, 2)
            closed = month_back > 1
            resolved = rnd.random() < 0.85
            closing_days = rnd.randint(10, 40) if closed else 0
            mediator = rnd.choice(mediators)
            case = services.case_open(
                actor=staff[0],
                community=community,
                kind=kind,
                title=title,
                summary=summary,
                applicant_ids=[applicant],
                now=opened,
            )
            if mediator.user != staff[0]:
                services.case_assign_mediator(actor=admin, case=case, mediator=mediator, now=opened)
            handler = mediator.user
            services.case_add_party(
                actor=handler,
                case=case,
                resident=Resident.objects.get(pk=respondent),
                side=CaseParty.Side.RESPONDENT,
            )
            met = opened + dt.timedelta(days=3)
            services.session_schedule(actor=handler, case=case, starts_at=met, place="居民会客厅", now=opened)
            services.note_add(actor=handler, case=case, text="双方到场陈述，情绪平稳，约定再次面谈。", now=met)
            if closed and resolved:
                checked = opened + dt.timedelta(days=30)
                services.agreement_record(
                    actor=handler,
                    case=case,
                    text="双方达成一致：按约定时间整改，互相谅解。",
                    follow_up_due=checked.date(),
                    now=opened + dt.timedelta(days=7),
                )
                services.follow_up_record(
                    actor=handler,
                    case=case,
                    outcome=FollowUp.Outcome.KEPT,
                    text="回访：协议已履行，双方满意。",
                    now=checked,
                )
                closing_days = max(closing_days, 30)  # closed once the follow-up found the agreement kept
            if closed:
                services.case_close(
                    actor=handler, case=case, resolved=resolved, now=opened + dt.timedelta(days=closing_days)
                )
            total += 1
    return total
