"""Demo: 小时光托育's age groups and applications. Runs after `linli.facilities.demo`."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from linli.core.demo import DemoContext
from linli.facilities.models import Facility
from linli.people.models import Resident
from linli.places.models import Community

from .models import AgeGroup, Application


def build(ctx: DemoContext) -> None:
    shibei, limin = ctx.communities[0], ctx.communities[1]
    now = timezone.now()
    today = ctx.today
    facilities = {f.code: f for f in Facility.objects.filter(community__in=[shibei, limin])}
    with transaction.atomic():
        _childcare(ctx, shibei, facilities["XS-CARE"], today, now)


def _childcare(ctx: DemoContext, c: Community, care: Facility, today: dt.date, now: dt.datetime) -> None:
    groups = [
        AgeGroup(
            community=c, facility=care, name="乳儿班", min_months=6, max_months=12, places=8, monthly_fee_fen=220000
        ),
        AgeGroup(
            community=c, facility=care, name="托小班", min_months=12, max_months=24, places=15, monthly_fee_fen=180000
        ),
        AgeGroup(
            community=c, facility=care, name="托大班", min_months=24, max_months=36, places=20, monthly_fee_fen=160000
        ),
    ]
    AgeGroup.objects.bulk_create(groups)
    babies = Resident.objects.filter(community=c, birth_date__gt=today.replace(year=today.year - 3)).order_by("?")[:40]
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
