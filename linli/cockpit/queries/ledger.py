import datetime as dt
from typing import Any

from django.db.models import Count, Sum

from linli.ledger.models import Entry, Transaction, TransactionKind

from .registry import figure, month_span, query


def _resident_points(community: Any, month: dt.date) -> Any:
    start, end = month_span(month)
    txns = Transaction.objects.filter(community=community, occurred_at__gte=start, occurred_at__lt=end)
    return Entry.objects.filter(transaction__in=txns, account__kind="resident", unit="points")


@query("points_earned_per_active_resident")
def points_earned_per_active_resident(community: Any, month: dt.date) -> float | None:
    """Points earned in the month per resident who earned or spent any (an active resident)."""
    entries = _resident_points(community, month)
    active = entries.values("account").distinct().count()
    earned = entries.filter(transaction__kind=TransactionKind.EARN).aggregate(s=Sum("amount"))["s"] or 0
    return earned / active if active else None


@figure("points")
def points(community: Any, month: dt.date) -> dict[str, int]:
    entries = _resident_points(community, month)
    by_kind = dict(
        entries.values_list("transaction__kind").annotate(s=Sum("amount")).values_list("transaction__kind", "s")
    )
    return {
        "earned": int(by_kind.get(TransactionKind.EARN, 0)),
        "spent": -int(by_kind.get(TransactionKind.ORDER, 0)) - int(by_kind.get(TransactionKind.REFUND, 0)),
        "expired": -int(by_kind.get(TransactionKind.EXPIRE, 0)),
        "active_residents": entries.values("account").distinct().aggregate(n=Count("account"))["n"],
    }
