"""Why each line of a points statement moved, in the reader's language: the earning rule and what earned it
(an activity, a report…), the product bought or refunded, an expiry.

Domains above the ledger say what their own earnings were for by registering a describer for the prefix of
the idempotency keys they earn with (`volunteer-hours:12` → prefix `volunteer-hours`). A describer gets the
transactions of that prefix and returns, by transaction id, a short text in the active language."""

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .codes import RuleCode
from .models import EarningRule, Order, Transaction, TransactionKind

Describer = Callable[[list[Transaction]], dict[int, str]]
_describers: dict[str, Describer] = {}


def describer_register(prefix: str, describer: Describer) -> None:
    """Called from a domain's `AppConfig.ready()`; one describer per key prefix."""
    _describers[prefix] = describer


def key_part(txn: Transaction, index: int) -> int | None:
    """The `index`-th colon-separated part of the transaction's key as an id (None when it is not one)."""
    parts = txn.idempotency_key.split(":")
    try:
        return int(parts[index])
    except (IndexError, ValueError):
        return None


def _rule_labels(txns: list[Transaction]) -> dict[tuple[int, str], str]:
    wanted = {(t.community_id, t.rule_code) for t in txns if t.rule_code}
    if not wanted:
        return {}
    rules = EarningRule.objects.filter(
        community_id__in={c for c, _code in wanted}, code__in={code for _c, code in wanted}
    ).only("community_id", "code", "name")
    return {(r.community_id, r.code): r.label for r in rules}


def _rule_label(labels: dict[tuple[int, str], str], txn: Transaction) -> str:
    if (txn.community_id, txn.rule_code) in labels:
        return labels[(txn.community_id, txn.rule_code)]
    if txn.rule_code in RuleCode.values:
        return str(RuleCode(txn.rule_code).label)
    return pgettext("points statement", "Points earned")


def _orders(payments: list[Transaction], refunds: list[Transaction]) -> dict[int, Order]:
    """The orders behind these payments and refunds (one read for both), by transaction id."""
    paid, refunded = [t.pk for t in payments], [t.pk for t in refunds]
    if not paid and not refunded:
        return {}
    found = (
        Order.objects.filter(Q(payment_id__in=paid) | Q(refund_id__in=refunded))
        .select_related("product", "merchant")
        .only("payment", "refund", "quantity", "product__name", "merchant__name")  # what a statement line says
    )
    by_transaction: dict[int, Order] = {}
    for order in found:
        for pk in (order.payment_id, order.refund_id):
            if pk is not None:
                by_transaction[pk] = order
    return by_transaction


def reasons_for(txns: Iterable[Transaction]) -> dict[int, str]:
    """By transaction id, why it happened, in the active language. Never an id, a code or a stored memo (which is
    in whatever language its writer used). A reversal says what it cancelled: the originals are described in the
    same reads as the rest (and not read again when the caller joined them, as `selectors.statement` does)."""
    txns = list({t.pk: t for t in txns}.values())
    reversals = [t for t in txns if t.kind == TransactionKind.REVERSAL]
    originals = _originals(reversals)
    seen = {t.pk for t in txns}
    undone = [o for o in originals.values() if o.kind != TransactionKind.REVERSAL and o.pk not in seen]
    reasons = _reasons(txns + undone)
    for t in reversals:
        original = originals.get(t.reverses_id or 0)
        what = reasons.get(original.pk) if original is not None and original.kind != TransactionKind.REVERSAL else ""
        reasons[t.pk] = _("Cancelled: %(what)s") % {"what": what} if what else _("Correction of an earlier line")
    return {t.pk: reasons[t.pk] for t in txns}


def _originals(reversals: list[Transaction]) -> dict[int, Transaction]:
    """The transactions these reversals cancel, by id: those joined already, the others in one read."""
    found = {t.reverses_id: t.reverses for t in reversals if t.reverses_id and Transaction.reverses.is_cached(t)}
    missing = {t.reverses_id for t in reversals if t.reverses_id and t.reverses_id not in found}
    if missing:
        found.update({o.pk: o for o in Transaction.objects.filter(pk__in=missing)})
    return {pk: o for pk, o in found.items() if pk is not None and o is not None}


def _reasons(txns: list[Transaction]) -> dict[int, str]:
    """`reasons_for` of every transaction but the reversals, which it fills in after."""
    by_kind: dict[str, list[Transaction]] = defaultdict(list)
    for t in txns:
        by_kind[t.kind].append(t)
    reasons: dict[int, str] = {}

    earned = by_kind[TransactionKind.EARN]
    labels = _rule_labels(earned)
    by_prefix: dict[str, list[Transaction]] = defaultdict(list)
    for t in earned:
        by_prefix[t.idempotency_key.split(":", 1)[0]].append(t)
    details: dict[int, str] = {}
    for prefix, group in by_prefix.items():
        if prefix in _describers:
            details.update(_describers[prefix](group))
    for t in earned:
        label = _rule_label(labels, t)
        reasons[t.pk] = f"{label} · {details[t.pk]}" if details.get(t.pk) else label

    orders = _orders(by_kind[TransactionKind.ORDER], by_kind[TransactionKind.REFUND])
    for kind, text in (
        (TransactionKind.ORDER, _("Bought: %(product)s × %(n)s at %(merchant)s")),
        (TransactionKind.REFUND, _("Refund: %(product)s × %(n)s at %(merchant)s")),
    ):
        for t in by_kind[kind]:
            order = orders.get(t.pk)
            reasons[t.pk] = (
                text % {"product": order.product.name, "n": order.quantity, "merchant": order.merchant.name}
                if order
                else str(TransactionKind(kind).label)
            )

    for t in by_kind[TransactionKind.EXPIRE]:
        reasons[t.pk] = _("Points expired: they were not spent in time")
    for t in txns:
        reasons.setdefault(t.pk, str(TransactionKind(t.kind).label) if t.kind in TransactionKind.values else "")
    return reasons


def with_reasons(entries: Iterable[Any]) -> list[Any]:
    """The statement entries, each given a `reason` (see `reasons_for`)."""
    rows = list(entries)
    reasons = reasons_for(e.transaction for e in rows)
    for e in rows:
        e.reason = reasons.get(e.transaction_id, "")
    return rows
