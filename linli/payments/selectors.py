"""Reading payments: always for the acting user, `NotFound` for what they may not see."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from linli.accounts.models import User
from linli.accounts.types import Actor
from linli.core.errors import NotAllowed, NotFound
from linli.ledger.models import Account, AccountKind, Entry, Merchant, Product, Unit
from linli.ledger.reasons import reasons_for
from linli.ledger.selectors import resident_balances, statement
from linli.people.models import Resident
from linli.people.rules import CURRENT
from linli.places.models import Community

from . import rules
from .descriptions import describe
from .models import Difference, Method, Payment, Purpose, Reconciliation, Refund, StoredValuePolicy
from .providers import COUNTER
from .providers.statement import day_bounds


def payment_get(*, user: Actor, out_trade_no: str) -> Payment:
    payment = (
        Payment.objects.select_related("payer__community", "community", "product__merchant", "order")
        .filter(out_trade_no=out_trade_no)
        .first()
    )
    if payment is None or not rules.can_see_payment(user, payment):
        raise NotFound(_("No such payment."))
    describe([payment])
    return payment


def payments_of_payer(*, user: Actor, resident: Any) -> QuerySet[Payment]:
    if not rules.can_pay_for(user, resident):
        raise NotFound(_("No such resident."))
    return Payment.objects.filter(payer=resident).select_related("product", "order")


@dataclass
class Cashup:
    """An operator's day at the counter: what was taken, by method, what was handed back, and what is left."""

    day: dt.date
    payments: list[Payment]
    refunds: list[Refund]
    taken: dict[str, int] = field(default_factory=dict)
    returned: int = 0

    @property
    def total_taken(self) -> int:
        return sum(self.taken.values())

    @property
    def cash_in_drawer(self) -> int:
        """The cash to hand over: cash taken minus cash handed back (card and scanned payments go to the bank)."""
        return self.taken.get(Method.CASH, 0) - self.returned

    @property
    def by_method(self) -> list[tuple[str, int]]:
        labels = dict(Method.choices)
        return [(str(labels[m]), self.taken[m]) for m in (Method.CASH, Method.CARD, Method.SCANNED) if m in self.taken]


def cashup(*, user: Actor, community: Community, operator: User, day: dt.date) -> Cashup:
    if not rules.can_see_cashup(user, community, operator):
        raise NotAllowed(_("You may see only your own cash-up."))
    start, end = day_bounds(day)
    payments = list(
        Payment.objects.filter(
            community=community, provider=COUNTER, created_by=operator, paid_at__gte=start, paid_at__lt=end
        )
        .select_related("payer", "product")
        .order_by("paid_at", "pk")
    )
    refunds = list(
        Refund.objects.filter(
            payment__community=community,
            payment__provider=COUNTER,
            payment__created_by=operator,
            created_at__gte=start,
            created_at__lt=end,
        )
        .select_related("payment__payer")
        .order_by("created_at", "pk")
    )
    describe(payments)
    taken: dict[str, int] = defaultdict(int)
    for p in payments:
        taken[p.method] += p.amount_fen
    returned = sum(r.amount_fen for r in refunds if r.payment.method == Method.CASH)
    return Cashup(day=day, payments=payments, refunds=refunds, taken=dict(taken), returned=returned)


def reconciliations(*, user: Actor, community: Community) -> QuerySet[Reconciliation]:
    if not rules.can_reconcile(user, community):
        raise NotFound(_("No such page."))
    return Reconciliation.objects.filter(community=community).prefetch_related("differences")


def reconciliation_get(*, user: Actor, community: Community, pk: int) -> Reconciliation:
    recon = reconciliations(user=user, community=community).filter(pk=pk).first()
    if recon is None:
        raise NotFound(_("No such reconciliation."))
    return recon


def counter_products(*, user: Actor, community: Community) -> QuerySet[Product]:
    """What the counter sells with a yuan price: the community's products on sale."""
    if not rules.can_take_at_counter(user, community):
        raise NotAllowed(_("Only the service desk may take payments at the counter."))
    return (
        Product.objects.filter(
            community=community, active=True, price_fen__gt=0, merchant__status=Merchant.Status.APPROVED
        )
        .select_related("merchant")
        .order_by("merchant__name", "name")
    )


def resident_at_counter(*, user: Actor, community: Community, who: str) -> Resident:
    """The resident standing at the counter, by mobile number or by full name (when only one has it)."""
    if not rules.can_take_at_counter(user, community):
        raise NotAllowed(_("Only the service desk may take payments at the counter."))
    who = who.strip()
    field_ = "mobile" if who.isdigit() else "name"
    matches = list(
        Resident.objects.filter(CURRENT, community=community, **{field_: who}).select_related("community")[:2]
    )
    if not who or not matches:
        raise NotFound(_("No current resident of this community has this mobile number or name."), field="resident")
    if len(matches) > 1:
        raise NotFound(_("Several residents have this name: give the mobile number."), field="resident")
    return matches[0]


def operator_get(*, user: Actor, community: Community, pk: int | None) -> Any:
    """Whose cash-up to show: one's own, or (for who keeps the books) an operator's of this community."""
    if pk is None or pk == user.pk:
        return user
    if not rules.can_reconcile(user, community):
        raise NotFound(_("No such operator."))
    operator = get_user_model().objects.filter(pk=pk).first()
    if operator is None:
        raise NotFound(_("No such operator."))
    return operator


def counter_product_get(*, user: Actor, community: Community, pk: int) -> Product:
    product = counter_products(user=user, community=community).filter(pk=pk).first()
    if product is None:
        raise NotFound(_("This product is not sold at the counter."), field="product")
    return product


def differences_of(reconciliation: Reconciliation) -> QuerySet[Difference]:
    return reconciliation.differences.select_related("transaction")


# --- stored value ---------------------------------------------------------------------------------------------


def stored_value_policy(community: Community) -> StoredValuePolicy:
    """The community's stored value policy; off (an unsaved row) when its staff never set one."""
    policy = StoredValuePolicy.objects.filter(community=community).first()
    return policy if policy is not None else StoredValuePolicy(community=community, enabled=False, limit_fen=0)


def stored_value_policy_get(*, user: Actor, community: Community) -> StoredValuePolicy:
    if not rules.can_set_stored_value(user, community):
        raise NotFound(_("No such page."))
    return stored_value_policy(community)


def stored_balance(resident: Resident) -> int:
    """The resident's yuan balance (fen): what they topped up, less what they spent and withdrew."""
    return resident_balances(resident)[Unit.FEN]


@dataclass
class StoredValueTotals:
    """What a community's residents hold in stored value: the company owes it to them."""

    holders: int
    total_fen: int


def stored_value_totals(*, user: Actor, community: Community) -> StoredValueTotals:
    if not rules.can_set_stored_value(user, community):
        raise NotFound(_("No such page."))
    rows = Account.objects.filter(
        kind=AccountKind.RESIDENT, unit=Unit.FEN, resident__community=community, balance__gt=0
    ).values_list("balance", flat=True)
    balances = list(rows)
    return StoredValueTotals(holders=len(balances), total_fen=sum(balances))


def _stored_reasons(entries: list[Entry]) -> dict[int, str]:
    """Why each line of a yuan balance moved, in the reader's language: a top-up (online or at the counter), a
    payment for something passing through, a withdrawal or a refund; orders as the ledger says them."""
    txn_ids = [e.transaction_id for e in entries]
    reasons = reasons_for(e.transaction for e in entries)
    paid = Payment.objects.filter(transaction_id__in=txn_ids).values_list("transaction_id", "purpose", "method")
    for txn, purpose, method in paid:
        if purpose == Purpose.TOPUP:
            reasons[txn] = _("Top-up online") if method == Method.ONLINE else _("Top-up at the service counter")
        else:
            reasons[txn] = _("Payment received for: %(what)s") % {"what": Purpose(purpose).label}
    for txn, purpose in Refund.objects.filter(transaction_id__in=txn_ids).values_list(
        "transaction_id", "payment__purpose"
    ):
        reasons[txn] = (
            _("Withdrawn: sent back the way it was paid")
            if purpose == Purpose.TOPUP
            else _("Refunded the way it was paid: %(what)s") % {"what": Purpose(purpose).label}
        )
    return reasons


@dataclass(frozen=True)
class BalanceLine:
    """One line of a resident's yuan balance, with why it moved in the reader's language."""

    occurred_at: dt.datetime
    amount: int
    balance_after: int
    reason: str
    transaction_id: int


def stored_value_history(*, user: Actor, resident: Resident) -> list[BalanceLine]:
    """The lines of the resident's yuan balance, newest first (at most 200)."""
    if not rules.can_pay_for(user, resident):
        raise NotFound(_("No such resident."))
    account = Account.objects.filter(resident=resident, unit=Unit.FEN).first()
    entries = list(statement(account)[:200])
    reasons = _stored_reasons(entries)
    return [
        BalanceLine(e.occurred_at, e.amount, e.balance_after, reasons.get(e.transaction_id, ""), e.transaction_id)
        for e in entries
    ]
