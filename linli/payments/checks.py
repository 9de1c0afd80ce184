"""`linli ledger_check` for payments (registered as a ledger hook): each payment's state agrees with its postings
and its refunds, and with what the provider itself records."""

from django.db.models import Q, Sum

from linli.facilities.models import Booking
from linli.ledger.models import TransactionKind

from .models import Payment, Refund
from .providers import COUNTER, ProviderError, get_provider

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


# what each purpose's record must be, given its payment: paid and kept → given (or to be given); refunded in full
# or never paid → not given
SUBJECT_STATES = {
    "booking": {"kept": {"confirmed", "attended", "no_show"}, "not_kept": {"unpaid", "cancelled", "waitlisted"}},
}


def _subject_states(purpose: str, ids: list[int]) -> dict[int, str]:
    if purpose == "booking":
        return dict(Booking.objects.filter(pk__in=ids).values_list("pk", "status"))
    return {}


def subjects_check(community_id: int | None, problems: list[str]) -> None:
    """Bookings (and the other records paid for through payments) against their payments: one paid and not
    refunded goes with a booking confirmed (or held); one refunded in full or closed, with a booking not confirmed."""
    payments = Payment.objects.filter(subject_id__isnull=False, purpose__in=list(SUBJECT_STATES))
    if community_id is not None:
        payments = payments.filter(community_id=community_id)
    rows = [
        (purpose, int(subject or 0), no, status)
        for purpose, subject, no, status in payments.values_list("purpose", "subject_id", "out_trade_no", "status")
    ]
    for purpose, states in SUBJECT_STATES.items():
        found = _subject_states(purpose, [r[1] for r in rows if r[0] == purpose])
        live: dict[int, list[tuple[str, str]]] = {}
        for p, subject, no, status in rows:
            if p != purpose:
                continue
            what = f"{purpose} {subject} (payment {no})"
            state = found.get(subject)
            if state is None:
                problems.append(f"{what}: the {purpose} does not exist")
                continue
            if status != "closed":
                live.setdefault(subject, []).append((no, status))
            if (status in ("paid", "partially_refunded") and state not in states["kept"]) or (
                status in ("created", "refunded") and state in states["kept"] - {"no_show"}
            ):
                problems.append(f"{what} is {status} but the {purpose} is {state}")
        for subject, payments_live in live.items():
            if len(payments_live) > 1:
                problems.append(f"{purpose} {subject} has {len(payments_live)} payments: {payments_live}")
