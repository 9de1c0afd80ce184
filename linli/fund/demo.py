"""Demo: 强社基金 raised 3 million yuan (一期 1 million), granted 500,000 yuan to 33 projects in a round now closed,
paid in tranches; the next round is open for applications. The money the partners delivered to 市北's projects
is received into the fund through its service, and donations of 50,000 yuan make up the rest."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from linli.core.demo import DemoContext
from linli.partners.models import Contribution, Partner

from . import services
from .models import Category

DONORS = [
    ("enterprise", "无忧传媒"),
    ("enterprise", "杭州银行萧山支行"),
    ("native_abroad", "旅欧侨胞陈先生"),
    ("foundation", "浙江省济公基金会"),
    ("resident", "居民爱心捐赠"),
    ("native_abroad", "乡贤王先生"),
    ("enterprise", "浙农东巢"),
    ("foundation", "海亮基金会"),
]


def build(ctx: DemoContext) -> None:
    community = ctx.communities[0]
    admin = ctx.users["community_admin"]
    rnd = ctx.random
    now = ctx.now
    today = ctx.today
    partners = list(Partner.objects.filter(community=community).order_by("pk"))
    with transaction.atomic():
        raised = _raise(ctx, community, admin, partners)
        reviewers = [ctx.users["social_worker"], ctx.users["street_admin"], ctx.users["steward"]]
        grant_round = services.round_create(
            actor=admin,
            community=community,
            name=f"{today.year}年强社基金项目",
            budget_fen=60_000_000,
            opens_on=today - dt.timedelta(days=90),
            closes_on=today,
            reviewers=reviewers,
        )
        categories = [Category.PARTY_BUILDING, Category.SERVICES, Category.SAFETY, Category.CONSULTATION]
        amounts_fen = [1_500_000] * 32 + [2_000_000]  # 33 grants: 32 × 15,000 + 20,000 = 500,000 yuan
        # The partners' applications came in while the round was open, entered by the community on their behalf.
        applications = [
            services.application_submit(
                actor=admin,
                grant_round=grant_round,
                applicant=partners[i % len(partners)],
                title=f"{['红色领航', '银龄助餐', '平安楼道', '圆桌议事'][i % 4]}项目{i + 1}",
                category=categories[i % 4],
                summary="面向社区居民的治理项目。",
                requested_fen=fen,
                now=now - dt.timedelta(days=60),
            )
            for i, fen in enumerate(amounts_fen)
        ]
        # The round then stopped taking applications; each reviewer scored each one, and the staff decided.
        services.round_start_review(actor=admin, grant_round=grant_round)
        for i, (application, fen) in enumerate(zip(applications, amounts_fen, strict=True)):
            for reviewer in reviewers:
                services.review_score(
                    actor=reviewer,
                    application=application,
                    score=rnd.randint(70, 95),
                    now=now - dt.timedelta(days=40),
                )
            services.application_decide(
                actor=admin, application=application, approve=True, approved_fen=fen, now=now - dt.timedelta(days=30)
            )
            services.tranche_pay(
                actor=admin, application=application, amount_fen=fen // 2, idempotency_key=f"demo-{application.pk}-1"
            )
            if i % 3 == 0:
                services.tranche_pay(
                    actor=admin,
                    application=application,
                    amount_fen=fen - fen // 2,
                    idempotency_key=f"demo-{application.pk}-2",
                )
        # Every application of that round is decided: it is closed. Grants are still being paid. The next round is
        # open for applications now, with none in yet.
        services.round_close(actor=admin, grant_round=grant_round)
        services.round_create(
            actor=admin,
            community=community,
            name=f"{today.year}年强社基金项目（第二期）",
            budget_fen=60_000_000,
            opens_on=today - dt.timedelta(days=7),
            closes_on=today + dt.timedelta(days=60),
            reviewers=reviewers,
        )
    ctx.progress(f"  fund: {raised // 100:,} yuan raised, 33 grants totalling 500,000 yuan; the next round is open")


def _raise(ctx: DemoContext, community: Any, admin: Any, partners: list[Partner]) -> int:
    """一期's million first; the partners' project money received on the day each was delivered; then donations of
    50,000 yuan every eight days until the fund holds 3 million. Returns the fen raised."""
    now, today = ctx.now, ctx.today
    raised = 0
    delivered = Contribution.objects.filter(
        project__community=community,
        kind=Contribution.Kind.MONEY,
        status=Contribution.Status.DELIVERED,
        partner__isnull=False,
    ).order_by("delivered_on", "pk")
    for contribution in delivered.select_related("project__community", "partner"):
        received = timezone.make_aware(dt.datetime.combine(contribution.delivered_on or today, dt.time(15, 0)))
        raised += services.contribution_receive(actor=admin, contribution=contribution, now=received).amount_fen
    amounts = [1_000_000]  # yuan
    while raised + sum(amounts) * 100 < 3_000_000 * 100:
        amounts.append(50_000)
    for i, yuan in enumerate(amounts):
        kind, name = DONORS[i % len(DONORS)]
        services.donation_record(
            actor=admin,
            community=community,
            donor_kind=kind,
            donor_name=name,
            amount_fen=yuan * 100,
            received_on=today - dt.timedelta(days=360 - i * 8),
            idempotency_key=f"demo-{i}",
            partner=next((p for p in partners if p.name == name), None),
            now=now - dt.timedelta(days=360 - i * 8),
        )
    return raised + sum(amounts) * 100
