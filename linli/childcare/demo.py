"""Demo: 小时光托育's age groups and applications. Runs after `linli.facilities.demo`.

The groups are set up by the community's admin through `group_create` (as on the 托育设置 page); the applications
already decided are history, written in bulk."""

import datetime as dt

from django.db import transaction

from linli.core.demo import DemoContext
from linli.facilities.models import Facility
from linli.people.models import Resident
from linli.places.models import Community

from .models import AgeGroup, Application
from .services import group_create


def build(ctx: DemoContext) -> None:
    shibei, limin = ctx.communities[0], ctx.communities[1]
    now = ctx.now
    today = ctx.today
    facilities = {f.code: f for f in Facility.objects.filter(community__in=[shibei, limin])}
    with transaction.atomic():
        _childcare(ctx, shibei, facilities["XS-CARE"], today, now)


def _childcare(ctx: DemoContext, c: Community, care: Facility, today: dt.date, now: dt.datetime) -> None:
    admin = ctx.users["community_admin"]
    groups = [
        group_create(actor=admin, facility=care, name=name, min_months=lo, max_months=hi, places=n, monthly_fee_fen=fee)
        for name, lo, hi, n, fee in [
            ("乳儿班", 6, 12, 8, 220000),
            ("托小班", 12, 24, 15, 180000),
            ("托大班", 24, 36, 20, 160000),
        ]
    ]
    young = list(Resident.objects.filter(community=c, birth_date__gt=today.replace(year=today.year - 3)).order_by("pk"))
    babies = ctx.random.sample(young, min(40, len(young)))
    applications = []
    for baby in babies:
        months = (today.year - baby.birth_date.year) * 12 + today.month - baby.birth_date.month
        group = next((g for g in groups if g.min_months <= months < g.max_months), None)
        if group is None:
            continue
        admitted = group.admitted < group.places - 2 and ctx.random.random() < 0.7
        if admitted:
            group.admitted += 1
        applications.append(
            Application(
                community=c,
                group=group,
                child=baby,
                start_on=today,
                status="admitted" if admitted else "submitted",
                created_at=now,
                decided_at=now if admitted else None,
            )
        )
    Application.objects.bulk_create(applications)
    AgeGroup.objects.bulk_update(groups, ["admitted"])
    ctx.progress(f"  小时光托育: {len(applications)} applications")
