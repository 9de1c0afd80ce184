"""Who may do what with payments."""

from typing import Any

from linli.accounts.models import User
from linli.accounts.types import Actor
from linli.ledger.rules import can_manage_ledger
from linli.people.rules import can_act_for, runs_front_desk


def can_pay_for(user: Actor, resident: Any) -> bool:
    """Pay online for a resident's order: the resident, or whoever may act for them (household, 亲情账号)."""
    return bool(getattr(user, "is_authenticated", False)) and can_act_for(user, resident)


def can_take_at_counter(user: Actor, community: Any) -> bool:
    """Record a payment at the service counter (cash, card, scanned code): the front desk."""
    return bool(getattr(user, "is_authenticated", False)) and runs_front_desk(user, community)


def can_reconcile(user: Actor, community: Any) -> bool:
    """Import the provider's statement and read the differences: who keeps the community's books."""
    return bool(getattr(user, "is_authenticated", False)) and can_manage_ledger(user, community)


def can_see_payment(user: Actor, payment: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if payment.payer.user_id == user.pk or payment.created_by_id == user.pk:
        return True
    return can_act_for(user, payment.payer) or can_reconcile(user, payment.community)


def can_cancel_payment(user: Actor, payment: Any) -> bool:
    """Give up a payment not made yet: whoever may see it."""
    return can_see_payment(user, payment)


def can_see_cashup(user: Actor, community: Any, operator: User) -> bool:
    """An operator's day at the counter: the operator, and who keeps the books."""
    if not getattr(user, "is_authenticated", False):
        return False
    return (operator.pk == user.pk and can_take_at_counter(user, community)) or can_reconcile(user, community)


def can_set_stored_value(user: Actor, community: Any) -> bool:
    """Allow stored value (储值) and set its limit per resident: who keeps the community's books."""
    return can_reconcile(user, community)
