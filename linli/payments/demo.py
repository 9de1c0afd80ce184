"""The demo's payments, written by the services: residents of 市北 paid the yuan part of 街坊汇 orders yesterday
through the simulated gateway and at the service counter, and yesterday's statement was reconciled."""

import datetime as dt

from django.utils import timezone

from linli.core.demo import DemoContext
from linli.ledger.models import Account, AccountKind, Merchant, Product, Unit

from . import services
from .models import Method
from .providers import simulated
from .providers.simulated import SimulatedGateway

ONLINE = 12
AT_COUNTER = 4


def build(ctx: DemoContext) -> None:
    shibei = ctx.communities[0]
    products = list(
        Product.objects.filter(
            community=shibei, active=True, price_fen__gt=0, stock__gte=20, merchant__status=Merchant.Status.APPROVED
        ).order_by("pk")[:4]
    )
    if not products:
        return
    payers = [
        a.resident
        for a in Account.objects.filter(
            community=shibei,
            kind=AccountKind.RESIDENT,
            unit=Unit.POINTS,
            balance__gte=max(p.price_points for p in products) * 2,
            resident__user__isnull=False,
            resident__moved_out_on__isnull=True,
        )
        .select_related("resident__user", "resident__community")
        .order_by("pk")[: ONLINE + AT_COUNTER]
        if a.resident is not None
    ]
    start = timezone.make_aware(dt.datetime.combine(ctx.today - dt.timedelta(days=1), dt.time(9)))
    gateway = SimulatedGateway()
    deliver, simulated.deliver = simulated.deliver, None  # the step delivers each notification itself, at once
    try:
        for i, resident in enumerate(payers[:ONLINE]):
            when = start + dt.timedelta(minutes=23 * i)
            product = products[ctx.random.randrange(len(products))]
            assert resident.user is not None  # the payers with an account
            payment = services.payment_start(actor=resident.user, resident=resident, product=product, now=when)
            trade = gateway.payer_confirm(out_trade_no=payment.out_trade_no, now=when + dt.timedelta(minutes=1))
            body, headers = gateway.notification_of(trade, "TRANSACTION.SUCCESS")
            services.notification_receive(provider=gateway.name, body=body.encode(), headers=headers)
        operator = ctx.users.get("operator")
        for i, resident in enumerate(payers[ONLINE:]):
            if operator is None:
                break
            services.counter_take(
                actor=operator,
                resident=resident,
                product=products[i % len(products)],
                method=(Method.CASH, Method.SCANNED)[i % 2],
                now=start + dt.timedelta(hours=6, minutes=11 * i),
            )
    finally:
        simulated.deliver = deliver
    books = ctx.users.get("community_admin")
    if books is not None:
        day = start.date()
        services.reconciliation_import(
            actor=books,
            community=shibei,
            provider=gateway.name,
            day=day,
            content=gateway.statement(mch_id=shibei.code, day=day),
            now=start + dt.timedelta(days=1),
        )
    ctx.progress(f"  payments: {len(payers)} paid online and at the counter, yesterday's statement reconciled")
