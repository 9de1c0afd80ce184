"""The demo's 街坊汇 at the article's scale: 215 merchants, 500+ products, 5,200 registered users, and a year of
shopping with the points the residents truly earned, 220,000+ of them spent. Everything goes through the ledger's
services, as the residents, the shopkeepers and the community's staff use them.

Two steps. The first (`build_members`, early, as the volunteering step draws its volunteers from the registered
users) has the users sign up and verify their accounts as residents do, and the shopkeepers apply, the community
approve them and list their products.
The second (`build`, after the steps that earn points: volunteering, round tables, reports, waste sorting) lets the
residents who hold points shop with what they had earned by the day they shop, in time order; the shopkeepers
redeem the codes, a few orders are cancelled, and the street pays into each funding source what its merchants'
settlement a week ago took. `ledger_check` runs at the end and must pass."""

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from random import Random
from typing import Any

from django.db.models import Sum
from django.utils import timezone

from linli.accounts import tasks as account_tasks
from linli.accounts.models import User
from linli.accounts.services import signup_complete
from linli.core import crypto
from linli.core.database import refresh_statistics
from linli.core.demo import DemoContext
from linli.notifications.services import keeping_sms
from linli.people.models import Resident
from linli.people.services.verification import resident_verify

from . import selectors, services
from .checks import LEDGER_TABLES, ledger_check
from .codes import FundingCode
from .models import Account, AccountKind, Entry, Merchant, Order, Product, Unit

USERS = 5200
# The users signed up over the year that ended when the volunteer teams formed (400 days before the build, see
# linli.volunteering.demo), before anything of theirs the demo records: 街坊汇's year of shops and orders starts later.
SIGNED_UP_BY_DAYS_AGO = 400
MERCHANTS = 215
SHOPS = [
    "鲜市",
    "理发",
    "洗衣",
    "裁缝",
    "修鞋",
    "药房",
    "面馆",
    "茶室",
    "花店",
    "书店",
    "水果",
    "烘焙",
    "家政",
    "维修",
    "眼镜",
]
GOODS = ["青菜一把", "土鸡蛋十枚", "大米五斤", "菜籽油", "农家笋干", "番薯干", "毛巾", "洗衣液", "酸奶", "时令水果"]
VOUCHERS = ["理发券", "洗衣券", "家电清洗券", "修鞋券", "上门保洁券", "量血压服务"]
# prices in points (10 fen each); a product with a yuan part asks few points besides
PRICES = {Product.Kind.GOODS: (20, 30, 50, 50, 80, 100, 150), Product.Kind.VOUCHER: (50, 100, 150, 200, 300)}
WITH_YUAN = (5, 10, 20)
BASKET = 3  # the most products a resident orders at one visit, one order each
# the most of one product a resident buys at a time
MOST: dict[str, int] = {Product.Kind.GOODS: 5, Product.Kind.VOUCHER: 2}
POINTS_PER_TRIP = 100  # about what a resident spends at one visit: the number of visits follows what they earned
MOST_VISITS = 36  # in the year
OTHER_COMMUNITY = 0.08  # of the visits, the share to a 共富 point open to every community
REDEEMED, CANCELLED = 0.9, 0.05  # of the orders; the rest are paid and not collected yet


def _year_start(ctx: DemoContext) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(ctx.today - dt.timedelta(days=365), dt.time(8)))


def _merchant_name(i: int, community: Any) -> str:
    if i == 0:
        return "小北鲜市"
    if i in (1, 171):
        return "塔海共富点" if i == 1 else "利民共富点"
    return f"{community.name[:2]}{SHOPS[i % len(SHOPS)]}{i:03d}号"


def _sign_up(resident: Resident, *, mobile: str, at: dt.datetime) -> User:
    """As a resident does it: asks for a sign-up code (sent by the task the worker runs), types in the code their
    phone received, and then proves with their name and the ID number on their card (kept on the register) that
    they are this resident (实名核验), which binds the account to the record with the resident role."""
    with keeping_sms() as phone:
        account_tasks.signup_send.call(mobile=mobile, requested_at=at.isoformat())
    (text,) = [sms.text for sms in phone if sms.mobile == mobile]
    code = re.search(r"\b(\d{6})\b", text)
    if code is None:
        raise RuntimeError(f"no sign-up code in the text sent to {mobile}")
    user = signup_complete(
        mobile=mobile, code=code.group(1), display_name=resident.name, now=at + dt.timedelta(minutes=1)
    )
    resident_verify(
        actor=user,
        name=resident.name,
        id_number=crypto.decrypt(resident.id_number_encrypted),
        now=at + dt.timedelta(minutes=3),
    )
    return user


def build_members(ctx: DemoContext) -> None:
    """5,200 registered users; 215 merchants who applied and were approved, and their products."""
    rnd = ctx.random
    shibei, limin = ctx.communities[0], ctx.communities[1]
    start = _year_start(ctx)
    for c in (shibei, limin):
        services.earning_rules_seed(c)

    # The residents of both communities who signed up (a login of the resident role); their points accounts are
    # opened by the ledger when they first earn or pay.
    free = list(
        Resident.objects.filter(user__isnull=True, birth_date__lte=ctx.today - dt.timedelta(days=16 * 365)).order_by(
            "pk"
        )
    )
    rnd.shuffle(free)
    chosen = free[:USERS]
    # Each on a day of that year, in turn, at an hour of their own (drawn from a source of their own, so that the
    # draws below stay as they were).
    first = ctx.now - dt.timedelta(days=SIGNED_UP_BY_DAYS_AGO + 365)
    hours = Random(f"{ctx.seed}:sign-up-hours")
    users = [
        _sign_up(
            r,
            mobile=f"188{i:08d}",
            at=first
            + dt.timedelta(days=i * 365 // len(chosen), hours=hours.randint(8, 21), minutes=hours.randrange(60)),
        )
        for i, r in enumerate(chosen)
    ]
    ctx.progress(f"  {len(users)} residents signed up and verified their accounts")

    # Merchants: each a resident's application, approved by the community's staff a day later; the demo merchant
    # login runs 小北鲜市; two are 共富 points open to every community, settled by the economic cooperative.
    owners = {c.pk: [u for r, u in zip(chosen, users, strict=True) if r.community_id == c.pk] for c in (shibei, limin)}
    for c in (shibei, limin):
        rnd.shuffle(owners[c.pk])
    deciders = {shibei.pk: ctx.users["community_admin"], limin.pk: ctx.users["limin_admin"]}
    products = 0
    for i in range(MERCHANTS):
        community = shibei if i < 170 else limin
        kind = (
            Merchant.Kind.COMMON_PROSPERITY
            if i in (1, 171)
            else Merchant.Kind.SERVICE
            if i % 4 == 0
            else Merchant.Kind.SHOP
        )
        owner = ctx.users["merchant"] if i == 0 else owners[community.pk].pop()
        applied = start + dt.timedelta(minutes=7 * i)
        merchant = services.merchant_apply(
            actor=owner,
            community=community,
            name=_merchant_name(i, community),
            kind=kind,
            address=f"{community.name}邻里中心{i % 30 + 1}号",
            open_to_all_communities=i in (0, 1, 171),
            now=applied,
        )
        merchant = services.merchant_decide(
            actor=deciders[community.pk],
            merchant=merchant,
            approve=True,
            settles_with=FundingCode.ECONOMIC_COOPERATIVE if kind == Merchant.Kind.COMMON_PROSPERITY else "",
            now=applied + dt.timedelta(days=1),
        )
        for j in range(rnd.randint(2, 3)):
            voucher = kind == Merchant.Kind.SERVICE or (j == 2 and rnd.random() < 0.5)
            product_kind = Product.Kind.VOUCHER if voucher else Product.Kind.GOODS
            fen = rnd.choice((0, 0, 0, 500))
            services.product_save(
                actor=owner,
                merchant=merchant,
                name=f"{rnd.choice(VOUCHERS if voucher else GOODS)}·{j + 1}",
                kind=product_kind,
                price_points=rnd.choice(WITH_YUAN if fen else PRICES[product_kind]),
                price_fen=fen,
                stock=rnd.randint(200, 2000),
            )
            products += 1
    ctx.progress(f"  {MERCHANTS} merchants applied and approved, {products} products listed")


@dataclass
class _Shopper:
    resident: Resident
    credits: list[tuple[dt.datetime, int]]  # what came into the points account, in time order
    spent: int = 0
    visits: list[dt.datetime] = field(default_factory=list)

    def held_at(self, when: dt.datetime) -> int:
        return sum(points for at, points in self.credits if at <= when) - self.spent


def _shoppers(ctx: DemoContext) -> list[_Shopper]:
    """The registered users who hold points, with what their points accounts were credited and when (read from the
    ledger's entries; so far only earning has moved them)."""
    accounts = (
        Account.objects.filter(
            community__in=ctx.communities[:2],
            kind=AccountKind.RESIDENT,
            unit=Unit.POINTS,
            balance__gt=0,
            resident__user__isnull=False,
            resident__moved_out_on__isnull=True,
        )
        .select_related("resident__user", "resident__community")
        .order_by("pk")
    )
    by_account = {a.pk: _Shopper(a.resident, []) for a in accounts if a.resident is not None}
    lines = Entry.objects.filter(account_id__in=list(by_account)).order_by("occurred_at", "pk")
    for account_id, at, amount in lines.values_list("account_id", "occurred_at", "amount"):
        by_account[account_id].credits.append((at, amount))
    return list(by_account.values())


def build(ctx: DemoContext) -> None:
    """A year of shopping with the points earned, redemptions, cancellations and the merchants' settlement."""
    rnd = ctx.random
    shibei, limin = ctx.communities[0], ctx.communities[1]
    start = _year_start(ctx)
    merchants = list(
        Merchant.objects.filter(community__in=(shibei, limin), status=Merchant.Status.APPROVED)
        .select_related("community")
        .prefetch_related("staff")
        .order_by("pk")
    )
    staff = {m.pk: m.staff.all()[0] for m in merchants}
    on_sale = list(  # the products paid in points alone: the yuan part of the others is paid through payments
        Product.objects.filter(merchant__in=merchants, active=True, price_fen=0).order_by("pk")
    )
    by_merchant = {m.pk: m for m in merchants}
    at_home: dict[int, list[Product]] = defaultdict(list)
    for p in on_sale:
        p.merchant = by_merchant[p.merchant_id]
        at_home[p.community_id].append(p)
    open_to_all = [p for p in on_sale if p.merchant.open_to_all_communities]

    # Each resident's visits, as many as what they earned suggests, spread evenly over the days after their first
    # points (one in each equal stretch of them, so that no month gets more than its share): at each they spend most
    # of what they hold that day on up to three products, as many of each as that buys within reason, one order
    # each. Spending so follows earning month by month, and what is left at the end is what was earned since the
    # last visit and a little change. What follows each
    # order is drawn with it: the shop redeems the code within three days, or the resident cancels it within two
    # hours (the points come back, to spend at a later visit), or it waits to be collected.
    shoppers = _shoppers(ctx)
    last_day = (ctx.now - dt.timedelta(days=1)).date()
    orders: list[tuple[dt.datetime, int, _Shopper, Product, int]] = []  # (when, n, who, what, how many)
    after: list[tuple[dt.datetime, int, str]] = []  # (when, the order's n, "redeem" or "cancel")
    for s in shoppers:
        earned = sum(points for _at, points in s.credits)
        first = max(s.credits[0][0].date() + dt.timedelta(days=1), start.date())
        if first > last_day:
            continue
        span = (last_day - first).days
        n = max(1, min(MOST_VISITS, round(earned / POINTS_PER_TRIP)))
        days = [min(span, int(span * (i + rnd.random()) / n)) for i in range(n)]
        visits = sorted(
            timezone.make_aware(dt.datetime.combine(first + dt.timedelta(days=d), dt.time(8)))
            + dt.timedelta(minutes=rnd.randint(0, 600))
            for d in days
        )
        for when in visits:
            budget = round(s.held_at(when) * rnd.uniform(0.8, 1.0))
            pool = open_to_all if rnd.random() < OTHER_COMMUNITY else at_home[s.resident.community_id]
            for _ in range(BASKET):
                affordable = [p for p in pool if p.price_points <= budget]
                if not affordable:
                    break
                p = rnd.choice(affordable)
                quantity = min(MOST[p.kind], budget // p.price_points)
                points = p.price_points * quantity
                budget -= points
                s.spent += points
                n = len(orders)
                orders.append((when, n, s, p, quantity))
                x = rnd.random()
                if x < REDEEMED:
                    after.append((min(when + dt.timedelta(hours=rnd.randint(1, 72)), ctx.now), n, "redeem"))
                elif x < REDEEMED + CANCELLED:
                    after.append((when + dt.timedelta(hours=2), n, "cancel"))
                    s.credits.append((when + dt.timedelta(hours=2), points))
    events = sorted([(when, n, "place") for when, n, _s, _p, _q in orders] + after, key=lambda e: (e[0], e[1]))
    placed: dict[int, Order] = {}
    for when, n, what in events:
        _when, _n, s, p, quantity = orders[n]
        user = s.resident.user
        assert user is not None  # the shoppers are registered users
        if what == "place":
            placed[n] = services.order_place(
                actor=user,
                resident=s.resident,
                product=p,
                quantity=quantity,
                idempotency_key=f"demo-order-{n}",
                now=when,
            )
        elif what == "redeem":
            services.order_redeem(actor=staff[p.merchant_id], merchant=p.merchant, code=placed[n].code, now=when)
        else:
            services.order_refund(actor=user, order=placed[n], reason="不需要了", now=when)
    spent = int(Order.objects.exclude(status=Order.Status.REFUNDED).aggregate(s=Sum("points"))["s"] or 0)
    ctx.progress(f"  {len(shoppers)} residents spent {spent} points in {len(orders)} orders")

    # A week ago the community settled every merchant's redeemed orders; the street paid what that takes into the
    # funding sources the day before (街道拨付, and the cooperative's share for the 共富 points).
    settle_at = ctx.now - dt.timedelta(days=7)
    due: dict[tuple[Any, str], int] = defaultdict(int)
    rows = (
        Order.objects.filter(merchant__in=merchants, status=Order.Status.REDEEMED, redeemed_at__lte=settle_at)
        .values_list("merchant_id")
        .annotate(points=Sum("points"))
    )
    owed = dict(rows)
    admins = {shibei.pk: ctx.users["community_admin"], limin.pk: ctx.users["limin_admin"]}
    for m in merchants:
        if owed.get(m.pk):
            due[(m.community, m.settles_with)] += owed[m.pk] * selectors.ledger_settings(m.community).fen_per_point
    for (community, code), fen in sorted(due.items(), key=lambda d: (d[0][0].pk, d[0][1])):
        services.funding_deposit(
            actor=admins[community.pk],
            community=community,
            code=code,
            amount_fen=fen,
            idempotency_key=f"demo-settlement-funds-{code}",
            memo="街道拨付：商户积分结算",
            now=settle_at - dt.timedelta(days=1),
        )
    settled = 0
    for m in merchants:
        if owed.get(m.pk):
            services.merchant_settle(
                actor=admins[m.community_id], merchant=m, idempotency_key=f"demo-settle-{m.pk}", now=settle_at
            )
            settled += 1
    ctx.progress(f"  {settled} merchants settled, the money for it paid in")
    refresh_statistics(*LEDGER_TABLES)  # the check joins what was just written: plan it for those rows
    result = ledger_check()
    if not result.ok:
        raise RuntimeError("the demo ledger does not balance: " + "; ".join(result.problems[:5]))
    ctx.progress("  ledger_check: every balance matches its entries")
