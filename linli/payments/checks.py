"""`linli ledger_check` for payments (registered as a ledger hook): each payment's state agrees with its postings
and its refunds, and with what the provider itself records."""

from django.db.models import Q, Sum

from linli.ledger.models import TransactionKind

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
