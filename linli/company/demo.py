"""Demo: the community company earning about 1.1 million yuan a year from earning spaces (shop rents, childcare
fees, the hall's rent and the canteen's takings), paying its staff and utilities, and supporting the
affordable and free spaces; every month posted by the company's accountant through the books' services and
closed, except the last. Then the 共富 settlements of the last two months between 市北 and the communities its
residents traded with, drawn up by the street office: the older one confirmed by both sides and paid through
the ledger, the last one confirmed by 市北 and awaiting the other side. The nightly collection of each day since the
first of last month posts the canteens' meals and their subsidies, and the bookings attended, of both communities."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from linli.core.database import refresh_statistics
from linli.core.demo import DemoContext
from linli.facilities.models import Facility
from linli.ledger.checks import LEDGER_TABLES, ledger_check
from linli.places.models import Community

from .models import Source
from .services import (
    entry_post,
    month_close,
    revenue_collect,
    settlement_confirm,
    settlements_prepare,
    support_post,
)

# (code, name, nature, item of revenue, monthly revenue in yuan, monthly support in yuan)
SPACES = [
    ("xbxs-1", "小北鲜市（一店）", "earning", Source.RENT, 32_000, 0),
    ("xbxs-2", "小北鲜市（二店）", "earning", Source.RENT, 26_000, 0),
    ("yizhan", "婴幼儿成长驿站", "earning", Source.CHILDCARE, 22_000, 0),
    ("hall-rent", "喜柿天地多功能厅", "earning", Source.TICKETS, 8_000, 0),
    ("canteen", "老年食堂", "affordable", Source.SERVICE_FEES, 5_400, 9_000),
    ("study", "共享自习室", "affordable", Source.SERVICE_FEES, 0, 3_000),
    ("reading", "邻里书房", "free", Source.SERVICE_FEES, 0, 4_500),
    ("daycare", "日间照料中心", "free", Source.SERVICE_FEES, 0, 6_000),
]
# Spaces whose takings the nightly collection posts from the platform's records (the canteen's meals, each day
# since the first of last month): their monthly figure is booked by hand only for the months before that, so that
# no month counts the same meals twice.
COLLECTED = {"canteen"}
# The company's own costs each month, not booked to one space: (item, counterparty, yuan)
COSTS = [(Source.STAFF, "强社公司员工工资", 12_000), (Source.UTILITIES, "国网杭州供电公司", 1_800)]


# Each space is one of the register's facilities (`linli.facilities.demo`), with its own category and building.
FACILITY_OF = {
    "xbxs-1": "XS-MARKET1",
    "xbxs-2": "XS-MARKET2",
    "yizhan": "XS-YIZHAN",
    "hall-rent": "XS-HUB",
    "canteen": "XS-CANTEEN",
    "study": "XS-STUDY",
    "reading": "XS-READING",
    "daycare": "XS-DAYCARE",
}


def _months_back(today: dt.date, n: int) -> list[tuple[int, int]]:
    """The n months before today's, oldest first."""
    out = []
    year, month = today.year, today.month
    for _ in range(n):
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        out.append((year, month))
    return out[::-1]


def build(ctx: DemoContext) -> None:
    community = ctx.communities[0]
    accountant, admin = ctx.users["operator"], ctx.users["community_admin"]
    today = ctx.today
    months = _months_back(today, 12)
    recorded_from = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)  # the collection's first day
    total = 0
    with transaction.atomic():
        register = {f.code: f for f in Facility.objects.filter(community=community, code__in=FACILITY_OF.values())}
        facilities = {code: register[FACILITY_OF[code]] for code, *_rest in SPACES}
        for year, month in months:
            day = dt.date(year, month, 28)
            for code, name, _nature, item, revenue, _support in SPACES:
                if revenue and not (code in COLLECTED and dt.date(year, month, 1) >= recorded_from):
                    amount = revenue * 100 + ctx.random.randint(-200_000, 200_000)
                    entry_post(
                        actor=accountant,
                        community=community,
                        direction="revenue",
                        source=item,
                        amount_fen=amount,
                        day=day,
                        facility=facilities[code],
                        counterparty=name,
                        note=f"{year}-{month:02d} 营业收入",
                        idempotency_key=f"demo:{code}:{year}-{month:02d}",
                    )
                    total += amount
            for item, counterparty, yuan in COSTS:
                entry_post(
                    actor=accountant,
                    community=community,
                    direction="expense",
                    source=item,
                    amount_fen=yuan * 100,
                    day=day,
                    counterparty=counterparty,
                    idempotency_key=f"demo:{item}:{year}-{month:02d}",
                )
            for code, name, _nature, _item, _revenue, support in SPACES:
                if support:
                    support_post(
                        actor=accountant,
                        community=community,
                        facility=facilities[code],
                        amount_fen=support * 100,
                        day=day,
                        memo=f"{name} {year}-{month:02d} 运营补贴",
                        idempotency_key=f"demo:{code}:{year}-{month:02d}",
                    )
        collected = _collect_daily(ctx)
        for year, month in months[:-1]:  # the last month stays open for the accountant
            month_close(actor=admin, community=community, year=year, month=month)
        total_settled = _settle(ctx, community, months[-2:])
    refresh_statistics(*LEDGER_TABLES)  # the check joins what was just posted: plan it for those rows
    check = ledger_check(community_id=community.pk)
    if not check.ok:
        raise RuntimeError("the demo's books do not balance: " + "; ".join(check.problems[:5]))
    ctx.progress(
        f"  company: {total // 100:,} yuan of revenue in 12 months, posted through the books; "
        f"共富: {total_settled} settlement(s) paid; the daily collection posted {collected // 100:,} yuan"
    )


def _collect_daily(ctx: DemoContext) -> int:
    """The nightly job as it ran on each day since the first of last month (the canteen's meals of the demo): the
    meals served, with the subsidy each payer owes for them, and the bookings attended of each community, posted
    to its company's account through the one collection service. Returns the fen posted."""
    today = ctx.today
    day = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    fen = 0
    while day < today:
        for community in ctx.communities:
            fen += revenue_collect(community=community, day=day).fen
        day += dt.timedelta(days=1)
    return fen


def _settle(ctx: DemoContext, community: Community, months: list[tuple[int, int]]) -> int:
    street, admin = ctx.users["street_admin"], ctx.users["community_admin"]
    others = {c.pk: c for c in ctx.communities}
    others_admin = {ctx.communities[1].pk: ctx.users.get("limin_admin")}
    paid = 0
    for index, (year, month) in enumerate(months):
        for s in settlements_prepare(actor=street, community=community, year=year, month=month, now=timezone.now()):
            if s.status == s.Status.PAID:
                continue
            other_id = s.second_id if s.first_id == community.pk else s.first_id
            settlement_confirm(actor=admin, settlement=s, community=community)
            other_admin = others_admin.get(other_id)
            if index < len(months) - 1 and other_admin is not None:
                settlement_confirm(actor=other_admin, settlement=s, community=others[other_id])
                paid += 1
    return paid
