"""Demo: 小时光托育's age groups and applications. Runs after `linli.facilities.demo`.

The groups are set up by the community's admin through `group_create` (as on the 托育设置 page); the applications
are submitted and decided through the services on their days, telling no one today."""

import datetime as dt

from django.db import transaction

from linli.accounts.models import User
from linli.core.demo import DemoContext
from linli.facilities.models import Facility
from linli.notifications.services import telling_no_one
from linli.people.ages import born_on_or_before_for_age
from linli.people.models import Resident
from linli.places.models import Community

from .services import application_admit, application_submit, group_create, months_old


def build(ctx: DemoContext) -> None:
    shibei, limin = ctx.communities[0], ctx.communities[1]
    now = ctx.now
    today = ctx.today
    facilities = {f.code: f for f in Facility.objects.filter(community__in=[shibei, limin])}
    with transaction.atomic(), telling_no_one():
        _childcare(ctx, shibei, facilities["XS-CARE"], today, now)


def _childcare(ctx: DemoContext, c: Community, care: Facility, today: dt.date, now: dt.datetime) -> None:
    """The groups, then the applications of the last weeks for places from today: each submitted by a parent with an
    account (else at the front desk) on its day, and the admitted ones decided by the front desk three days later."""
    admin = ctx.users["community_admin"]
    groups = [
        group_create(actor=admin, facility=care, name=name, min_months=lo, max_months=hi, places=n, monthly_fee_fen=fee)
        for name, lo, hi, n, fee in [
            ("乳儿班", 6, 12, 8, 220000),
            ("托小班", 12, 24, 15, 180000),
            ("托大班", 24, 36, 20, 160000),
        ]
    ]
    young = list(
        Resident.objects.filter(
            community=c, moved_out_on__isnull=True, birth_date__gt=born_on_or_before_for_age(3, today)
        )
        .select_related("community")
        .order_by("pk")
    )
    babies = ctx.random.sample(young, min(40, len(young)))
    parents = _parents_with_account(babies, today)
    admitted = dict.fromkeys((g.pk for g in groups), 0)
    made = 0
    for i, baby in enumerate(babies):
        months = months_old(baby.birth_date, today)
        group = next((g for g in groups if g.min_months <= months < g.max_months), None)
        if group is None:
            continue
        admit = admitted[group.pk] < group.places - 2 and ctx.random.random() < 0.7
        submitted = now - dt.timedelta(days=21 - i % 14) + dt.timedelta(hours=9 + i % 8)
        application = application_submit(
            actor=parents.get(baby.household_id, admin), group=group, child=baby, start_on=today, now=submitted
        )
        made += 1
        if admit:
            application_admit(actor=admin, application=application, now=submitted + dt.timedelta(days=3))
            admitted[group.pk] += 1
    ctx.progress(f"  小时光托育: {made} applications")


def _parents_with_account(babies: list[Resident], today: dt.date) -> dict[int | None, User]:
    """By household, the first adult in it with an account (by pk): who applies for the household's child."""
    adults = (
        Resident.objects.filter(
            household_id__in={b.household_id for b in babies if b.household_id is not None},
            user__isnull=False,
            moved_out_on__isnull=True,
            birth_date__lte=born_on_or_before_for_age(18, today),
        )
        .select_related("user")
        .order_by("pk")
    )
    parents: dict[int | None, User] = {}
    for adult in adults:
        if adult.user is not None:
            parents.setdefault(adult.household_id, adult.user)
    return parents
