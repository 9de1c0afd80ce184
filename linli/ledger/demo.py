"""The demo's 街坊汇 at the article's scale: 200+ merchants, 500+ products, 5,000+ users with points and
220,000+ points spent over a year. Written in bulk, but as the services would write it: balanced transactions,
balances that follow from the entries (`ledger_check` runs at the end and must pass), floors respected."""

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone

from linli.accounts.models import Role, RoleAssignment, User
from linli.core.database import refresh_statistics
from linli.core.demo import DemoContext
from linli.people.models import Resident

from . import selectors, services
from .checks import LEDGER_TABLES, ledger_check
from .codes import FUNDING_FLOORS, FundingCode
from .models import Account, AccountKind, Entry, Merchant, Order, Product, Settlement, Transaction, Unit

USERS = 5200
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
# The year's earning before the platform's own records of it: attendance at activities and waste-sorting checks
# are not drawn here, they earn through their services (`linli.volunteering`, `linli.waste`) in their steps.
EARN = [
    ("volunteer_hour", 0.64, 5),
    ("vote_cast", 0.18, 1),
    ("consultation_participation", 0.13, 1),
    ("report_confirmed", 0.05, 1),
]


def _pick_rule(x: float) -> tuple[str, int]:
    for code, share, qty in EARN:
        if x < share:
            return code, qty
        x -= share
    return EARN[-1][0], EARN[-1][2]


def build(ctx: DemoContext) -> None:
    rnd = ctx.random
    shibei, limin = ctx.communities[0], ctx.communities[1]
    start = timezone.make_aware(dt.datetime.combine(ctx.today - dt.timedelta(days=365), dt.time(8)))
    for c in (shibei, limin):
        services.earning_rules_seed(c)
    rules = {c.pk: {r.code: r for r in selectors.earning_rules(c)} for c in (shibei, limin)}

    # 5,200 registered users: residents of both communities with a login.
    free = list(
        Resident.objects.filter(user__isnull=True, birth_date__lte=ctx.today - dt.timedelta(days=16 * 365)).order_by(
            "pk"
        )
    )
    rnd.shuffle(free)
    chosen = free[:USERS]
    users = User.objects.bulk_create(
        [User(mobile=f"188{i:08d}", display_name=r.name, password=ctx.password_hash) for i, r in enumerate(chosen)],
        batch_size=2000,
    )
    for r, u in zip(chosen, users, strict=True):
        r.user = u
    Resident.objects.bulk_update(chosen, ["user"], batch_size=1000)
    RoleAssignment.objects.bulk_create(
        [
            RoleAssignment(user=u, role=Role.RESIDENT, community_id=r.community_id)
            for r, u in zip(chosen, users, strict=True)
        ],
        batch_size=2000,
    )
    residents = chosen + list(Resident.objects.filter(user__in=[ctx.users["resident"], ctx.users["limin_resident"]]))
    ctx.progress(f"  {len(users)} registered users with points accounts")

    # Merchants: 215, approved; the demo merchant login runs 小北鲜市; two are 共富 points open to every community.
    merchants: list[Merchant] = []
    for i in range(215):
        community = shibei if i < 170 else limin
        kind = (
            Merchant.Kind.COMMON_PROSPERITY
            if i in (1, 171)
            else Merchant.Kind.SERVICE
            if i % 4 == 0
            else Merchant.Kind.SHOP
        )
        name = (
            "小北鲜市"
            if i == 0
            else (
                "塔海共富点"
                if i == 1
                else "利民共富点"
                if i == 171
                else f"{community.name[:2]}{SHOPS[i % len(SHOPS)]}{i:03d}号"
            )
        )
        merchants.append(
            Merchant(
                community=community,
                name=name,
                kind=kind,
                status=Merchant.Status.APPROVED,
                open_to_all_communities=i in (0, 1, 171),
                applied_at=start,
                decided_at=start,
                settles_with=FundingCode.ECONOMIC_COOPERATIVE
                if kind == Merchant.Kind.COMMON_PROSPERITY
                else FundingCode.COMMUNITY_FUND,
                address=f"{community.name}邻里中心{i % 30 + 1}号",
            )
        )
    Merchant.objects.bulk_create(merchants)
    merchants[0].staff.add(ctx.users["merchant"])
    products: list[Product] = []
    for m in merchants:
        for j in range(rnd.randint(2, 3)):
            voucher = m.kind == Merchant.Kind.SERVICE or (j == 2 and rnd.random() < 0.5)
            name = rnd.choice(VOUCHERS if voucher else GOODS)
            products.append(
                Product(
                    merchant=m,
                    community_id=m.community_id,
                    name=f"{name}·{j + 1}",
                    kind="voucher" if voucher else "goods",
                    price_points=rnd.choice((5, 10, 10, 15, 20, 20, 30, 50)),
                    price_fen=rnd.choice((0, 0, 0, 500)),
                    stock=rnd.randint(200, 2000),
                )
            )
    products = [p for p in products if p.price_points]
    Product.objects.bulk_create(products)
    ctx.progress(f"  {len(merchants)} merchants, {len(products)} products")

    # Accounts.
    accounts: dict[tuple[Any, ...], Account] = {}
    for r in residents:
        accounts[("r", r.pk)] = Account(
            community_id=r.community_id, kind=AccountKind.RESIDENT, unit=Unit.POINTS, resident=r, floor=0
        )
    for m in merchants:
        for unit in Unit.values:
            accounts[("m", m.pk, unit)] = Account(
                community_id=m.community_id, kind=AccountKind.MERCHANT, unit=unit, merchant=m, floor=0
            )
    opened = {  # the funding sources' yuan accounts, opened with the community
        (a.community_id, a.code, a.unit): a
        for a in Account.objects.filter(community__in=(shibei, limin), kind=AccountKind.FUNDING)
    }
    for c in (shibei, limin):
        for code in FundingCode.values:
            for unit in Unit.values:
                accounts[("f", c.pk, code, unit)] = opened.get((c.pk, code, unit)) or Account(
                    community=c, kind=AccountKind.FUNDING, code=code, unit=unit, floor=FUNDING_FLOORS.get((code, unit))
                )
        accounts[("ext", c.pk)] = Account(community=c, kind=AccountKind.EXTERNAL, unit=Unit.FEN, floor=None)
        accounts[("pool", c.pk)] = Account(community=c, kind=AccountKind.POOL, unit=Unit.POINTS, floor=None)
        accounts[("escrow", c.pk)] = Account(community=c, kind=AccountKind.ESCROW, unit=Unit.POINTS, floor=0)
    Account.objects.bulk_create([a for a in accounts.values() if a.pk is None], batch_size=2000)

    # A year of events, in time order: earning, then shopping from what was earned.
    events: list[tuple[dt.datetime, str, Any]] = []
    for r in residents:
        for _ in range(rnd.randint(4, 10)):
            code, qty = _pick_rule(rnd.random())
            when = start + dt.timedelta(days=rnd.randint(0, 362), minutes=rnd.randint(0, 600))
            events.append((when, "earn", (r, code, rnd.randint(1, qty))))
        for _ in range(rnd.randint(3, 9)):
            when = start + dt.timedelta(days=rnd.randint(30, 362), minutes=rnd.randint(0, 600))
            events.append((when, "order", r))
    events.sort(key=lambda e: e[0])
    by_community = defaultdict(list)
    for p in products:
        by_community[p.community_id].append(p)
    open_to_all = [p for p in products if p.merchant.open_to_all_communities]

    txns: list[Transaction] = []
    legs: list[list[tuple[Account, int]]] = []
    orders: list[tuple[Order, int, int | None]] = []  # order, index of payment txn, index of redemption txn
    earned: dict[tuple[int, str, int], int] = defaultdict(int)
    balance: dict[int, int] = defaultdict(int)
    refunds: dict[int, int] = {}

    def post(
        kind: str,
        when: dt.datetime,
        community_id: int,
        moves: list[tuple[Account, int]],
        rule_code: str = "",
        memo: str = "",
    ) -> int:
        txns.append(
            Transaction(
                community_id=community_id,
                kind=kind,
                idempotency_key=f"demo-{len(txns)}",
                fingerprint="demo",
                rule_code=rule_code,
                memo=memo,
                occurred_at=when,
            )
        )
        legs.append(moves)
        for a, amount in moves:
            balance[id(a)] += amount
        return len(txns) - 1

    for when, event, data in events:
        if event == "earn":
            r, code, qty = data
            rule = rules[r.community_id][code]
            day_key = (r.pk, code, when.toordinal())
            points = min(rule.points * qty, (rule.daily_cap or 10**9) - earned[day_key])
            if points <= 0:
                continue
            earned[day_key] += points
            src = accounts[("f", r.community_id, rule.funding_code, Unit.POINTS)]
            post("earn", when, r.community_id, [(src, -points), (accounts[("r", r.pk)], points)], rule_code=code)
        else:
            r = data
            pool = open_to_all if rnd.random() < 0.08 else by_community[r.community_id]
            p = rnd.choice(pool)
            mine = accounts[("r", r.pk)]
            if balance[id(mine)] < p.price_points or p.price_fen:
                continue
            moves = [(mine, -p.price_points)]
            if p.community_id != r.community_id:
                moves += [
                    (accounts[("pool", r.community_id)], p.price_points),
                    (accounts[("pool", p.community_id)], -p.price_points),
                ]
            moves.append((accounts[("escrow", p.community_id)], p.price_points))
            pay = post("order", when, p.community_id, moves, memo=f"{p.merchant.name} · {p.name} × 1")
            order = Order(
                community_id=p.community_id,
                merchant=p.merchant,
                product=p,
                resident=r,
                quantity=1,
                points=p.price_points,
                fen=0,
                code=f"{rnd.randrange(10**10):010d}",
                created_at=when,
            )
            x = rnd.random()
            redemption = None
            if x < 0.9:
                later = when + dt.timedelta(hours=rnd.randint(1, 72))
                later = min(later, ctx.now)
                redemption = post(
                    "redeem",
                    later,
                    p.community_id,
                    [
                        (accounts[("escrow", p.community_id)], -p.price_points),
                        (accounts[("m", p.merchant.pk, Unit.POINTS)], p.price_points),
                    ],
                )
                order.status, order.redeemed_at = Order.Status.REDEEMED, later
            elif x < 0.95:
                order.status, order.refunded_at = Order.Status.REFUNDED, when + dt.timedelta(hours=2)
                refunds[id(order)] = post(
                    "refund", order.refunded_at, p.community_id, [(a, -amount) for a, amount in moves]
                )
            orders.append((order, pay, redemption))

    # Every merchant settled once, a week ago; later redemptions wait for the next settlement.
    settle_at = ctx.now - dt.timedelta(days=7)
    per_merchant: dict[int, list[Order]] = defaultdict(list)
    for order, _pay, red in orders:
        if red is not None and order.redeemed_at and order.redeemed_at <= settle_at:
            per_merchant[order.merchant.pk].append(order)
    settlements: list[tuple[Settlement, int, list[Order]]] = []
    for m in merchants:
        mine_orders = per_merchant.get(m.pk)
        if not mine_orders:
            continue
        points = sum(o.points for o in mine_orders)
        fen = points * 10
        t = post(
            "settlement",
            settle_at,
            m.community_id,
            [
                (accounts[("m", m.pk, Unit.POINTS)], -points),
                (accounts[("pool", m.community_id)], points),
                (accounts[("f", m.community_id, m.settles_with, Unit.FEN)], -fen),
                (accounts[("m", m.pk, Unit.FEN)], fen),
            ],
            memo=m.name,
        )
        settlements.append(
            (
                Settlement(
                    community_id=m.community_id,
                    merchant=m,
                    points=points,
                    fen_per_point=10,
                    fen=fen,
                    funding_code=m.settles_with,
                    period_end=settle_at,
                    created_at=settle_at,
                ),
                t,
                mine_orders,
            )
        )

    # The money for those settlements was paid into each source at the start of the year (街道拨付 and the
    # cooperative's share), so no source with a floor ever goes below it.
    owed: dict[tuple[int, str], int] = defaultdict(int)
    for settlement, _t, _o in settlements:
        owed[(settlement.community_id, settlement.funding_code)] += settlement.fen
    for (community_id, code), fen in sorted(owed.items()):
        post(
            "deposit",
            start,
            community_id,
            [(accounts[("ext", community_id)], -fen), (accounts[("f", community_id, code, Unit.FEN)], fen)],
            memo="年初拨付：商户积分结算",  # as the street's staff would write it
        )

    # Write: transactions, then entries with the running balance after each, in time order.
    order_index = sorted(range(len(txns)), key=lambda i: (txns[i].occurred_at, i))
    Transaction.objects.bulk_create(txns, batch_size=2000)
    running: dict[int, int] = defaultdict(int)
    entries = []
    for i in order_index:
        for a, amount in legs[i]:
            running[a.pk] += amount
            entries.append(
                Entry(
                    transaction=txns[i],
                    account=a,
                    unit=a.unit,
                    amount=amount,
                    balance_after=running[a.pk],
                    occurred_at=txns[i].occurred_at,
                )
            )
    Entry.objects.bulk_create(entries, batch_size=5000)
    changed = [a for a in accounts.values() if running.get(a.pk)]
    for batch in range(0, len(changed), 500):
        chunk = changed[batch : batch + 500]
        Account.objects.filter(pk__in=[a.pk for a in chunk]).update(
            balance=Case(*(When(pk=a.pk, then=Value(running[a.pk])) for a in chunk), output_field=IntegerField())
        )
    for order, pay, red in orders:
        order.payment = txns[pay]
        order.redemption = txns[red] if red is not None else None
        if order.status == Order.Status.REFUNDED:
            order.refund = txns[refunds[id(order)]]
    Order.objects.bulk_create([o for o, _p, _r in orders], batch_size=2000)
    for s, t, _o in settlements:
        s.transaction = txns[t]
    Settlement.objects.bulk_create([s for s, _t, _o in settlements])
    for s, _t, settled in settlements:
        Order.objects.filter(pk__in=[o.pk for o in settled]).update(settlement=s)
    spent = sum(o.points for o, _p, _r in orders if o.status != Order.Status.REFUNDED)
    ctx.progress(
        f"  {len(txns)} ledger transactions, {len(entries)} entries, {len(orders)} orders, {spent} points spent"
    )
    refresh_statistics(*LEDGER_TABLES)  # the check joins what was just written: plan it for those rows
    result = ledger_check()
    if not result.ok:
        raise RuntimeError("the demo ledger does not balance: " + "; ".join(result.problems[:5]))
    ctx.progress("  ledger_check: every balance matches its entries")
