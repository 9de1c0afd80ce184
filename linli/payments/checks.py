"""`linli ledger_check` for payments (registered as a ledger hook): each payment's state agrees with its postings
and its refunds, and with what the provider itself records; each 街坊汇 order with a yuan price agrees with the
payment that paid it (one paid from the resident's stored balance has no payment: the ledger's own check
proves its posting took the yuan from the resident's account)."""

from django.db.models import Q, Sum

from linli.ledger.models import Order, TransactionKind

from .models import Payment, Refund
from .providers import COUNTER, ProviderError, get_provider
from .purposes import HANDLERS

PAID = ("paid", "partially_refunded", "refunded")


def payments_check(community_id: int | None, problems: list[str]) -> None:
    payments = Payment.objects.all()
    if community_id is not None:
        payments = payments.filter(community_id=community_id)
    refunds = dict(
        Refund.objects.filter(payment__in=payments)
        .values("payment_id")
        .annotate(total=Sum("amount_fen"))
        .values_list("payment_id", "total")
    )
    rows = payments.select_related("transaction").prefetch_related("transaction__entries__account")
    for p in rows.filter(Q(status__in=PAID) | Q(transaction__isnull=False)).iterator(chunk_size=500):
        what = f"payment {p.out_trade_no}"
        if p.status not in PAID:
            problems.append(f"{what} is {p.status} but has a posting")
            continue
        txn = p.transaction
        if txn is None or txn.kind != TransactionKind.DEPOSIT:
            problems.append(f"{what} is {p.status} without its deposit posting")
        else:
            credited = sum(e.amount for e in txn.entries.all() if e.account.resident_id == p.payer_id)
            if credited != p.amount_fen:
                problems.append(f"{what}: {p.amount_fen} fen paid but its posting credits the payer {credited}")
        if refunds.get(p.pk, 0) != p.refunded_fen:
            problems.append(f"{what}: refunded_fen {p.refunded_fen} but its refunds sum to {refunds.get(p.pk, 0)}")
        expected = "refunded" if p.refunded_fen == p.amount_fen else "partially_refunded" if p.refunded_fen else "paid"
        if p.status != expected:
            problems.append(f"{what} is {p.status} but {p.refunded_fen} of {p.amount_fen} fen was refunded")
        if p.purpose == "marketplace" and p.order_id is None and p.refunded_fen != p.amount_fen:
            problems.append(f"{what} paid for an order that was neither placed nor refunded")
    _orders_check(community_id, problems)
    # the provider's own records: what we booked as paid it must have collected, what we closed it must not have
    for p in payments.exclude(provider=COUNTER).filter(status__in=[*PAID, "closed"]).iterator(chunk_size=500):
        try:
            state = get_provider(p.provider).query(out_trade_no=p.out_trade_no)
        except ProviderError as exc:
            problems.append(f"payment {p.out_trade_no}: the provider does not know it ({exc})")
            continue
        if p.status == "closed" and state.state in ("SUCCESS", "REFUND"):
            problems.append(f"payment {p.out_trade_no} is closed here but paid at the provider")
        elif p.status != "closed" and state.state not in ("SUCCESS", "REFUND"):
            problems.append(f"payment {p.out_trade_no} is {p.status} here but {state.state} at the provider")
        elif p.status != "closed" and state.amount_fen != p.amount_fen:
            problems.append(f"payment {p.out_trade_no}: {p.amount_fen} fen here, {state.amount_fen} at the provider")


def _orders_check(community_id: int | None, problems: list[str]) -> None:
    """A 街坊汇 order with yuan against its payment: a paid (or redeemed) order has a payment that was paid for it
    and not refunded; a refunded one has had its payment refunded in full. An order without a payment was paid
    from the resident's stored balance (see `_stored_value_check`)."""
    orders = Order.objects.filter(fen__gt=0)
    if community_id is not None:
        orders = orders.filter(Q(community_id=community_id) | Q(resident__community_id=community_id))
    rows = orders.values_list(
        "pk",
        "status",
        "fen",
        "resident_id",
        "yuan_payment__out_trade_no",
        "yuan_payment__status",
        "yuan_payment__amount_fen",
        "yuan_payment__refunded_fen",
        "yuan_payment__payer_id",
    ).order_by("pk")
    for pk, status, fen, resident, no, p_status, p_amount, p_refunded, payer in rows.iterator(chunk_size=500):
        if no is None:
            continue
        what = f"order {pk}"
        if p_status not in PAID:
            problems.append(f"{what} was placed by payment {no}, which is {p_status}")
            continue
        if payer != resident or p_amount != fen:
            problems.append(f"{what}: {fen} fen for resident {resident}, but payment {no} is {p_amount} from {payer}")
        if status == Order.Status.REFUNDED and p_refunded != p_amount:
            problems.append(f"{what} is refunded but its payment {no} was refunded {p_refunded} of {p_amount} fen")
        elif status != Order.Status.REFUNDED and p_refunded:
            problems.append(f"{what} is {status} but its payment {no} was refunded {p_refunded} fen")


def subjects_check(community_id: int | None, problems: list[str]) -> None:
    """Bookings, enrolments and meal orders against their payments (each purpose's handler says which states go
    with a payment paid and kept, and which with one awaited or refunded in full)."""
    payments = Payment.objects.filter(subject_id__isnull=False, purpose__in=list(HANDLERS))
    if community_id is not None:
        payments = payments.filter(community_id=community_id)
    rows = [
        (purpose, int(subject or 0), no, status)
        for purpose, subject, no, status in payments.values_list("purpose", "subject_id", "out_trade_no", "status")
    ]
    for purpose, handler in HANDLERS.items():
        found = handler.states([r[1] for r in rows if r[0] == purpose])
        live: dict[int, list[str]] = {}
        for p, subject, no, status in rows:
            if p != purpose:
                continue
            what = f"{purpose} {subject} (payment {no})"
            state = found.get(subject)
            if state is None:
                problems.append(f"{what}: the {purpose} does not exist")
                continue
            if status != "closed":
                live.setdefault(subject, []).append(no)
            if (status in ("paid", "partially_refunded") and state in handler.paid_not) or (
                status in ("created", "refunded") and state in handler.unpaid_not
            ):
                problems.append(f"{what} is {status} but the {purpose} is {state}")
        for subject, numbers in live.items():
            if len(numbers) > 1:
                problems.append(f"{purpose} {subject} has {len(numbers)} live payments: {', '.join(numbers)}")
