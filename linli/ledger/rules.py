"""Who may do what with points, money and the marketplace. One predicate per verb."""

from typing import Any

from linli.accounts.models import Role
from linli.accounts.rules import CASEWORK_ROLES, access_for, has_role, is_community_staff, oversees
from linli.accounts.types import Actor

from .hooks import payment_hooks


def can_view_ledger(user: Actor, community: Any) -> bool:
    """Pools, funding sources, rules and reports of a community."""
    return is_community_staff(user, community) or oversees(user, community)


def can_manage_ledger(user: Actor, community: Any) -> bool:
    """Configure earning rules and the points policy, reverse transactions, settle merchants, post money."""
    return access_for(user).superuser or has_role(user, community, *CASEWORK_ROLES)


def can_decide_merchant(user: Actor, community: Any) -> bool:
    return can_manage_ledger(user, community)


def can_apply_as_merchant(user: Actor, community: Any) -> bool:
    """Residents of the community apply to sell there (registered as its resident, or holding its resident or
    merchant role); not the city's read-only viewers, nor users of other communities."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if access_for(user).superuser or has_role(user, community, Role.RESIDENT, Role.MERCHANT_STAFF):
        return True
    from linli.people.rules import resident_in

    return resident_in(user, community) is not None


def is_merchant_staff(user: Actor, merchant: Any) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if access_for(user).superuser:
        return True
    return merchant.staff.filter(pk=user.pk).exists()


def staff_to_find(user: Actor) -> int | None:
    """For a statement that checks `is_merchant_staff` on the merchant's row: the account to find on its staff, or
    None when any merchant's staff would do (a superuser)."""
    return None if access_for(user).superuser else user.pk


def can_sell(user: Actor, merchant: Any) -> bool:
    """List products and redeem orders: the merchant's staff, once the community has approved the merchant."""
    return merchant.is_open and is_merchant_staff(user, merchant)


def can_view_merchant(user: Actor, merchant: Any) -> bool:
    return is_merchant_staff(user, merchant) or can_view_ledger(user, merchant.community)


def can_refund_order(user: Actor, order: Any) -> bool:
    """The resident before redemption; the merchant's staff and the community's caseworkers at any time."""
    if user is None or not user.is_authenticated:
        return False
    if order.resident.user_id == user.pk and order.status == order.Status.PAID:
        return True
    return is_merchant_staff(user, order.merchant) or can_manage_ledger(user, order.community)


def refund_right(user: Actor, order: Any) -> str:
    """Why `user` may refund `order` as read, for a statement that decides the rest on the locked order (no query:
    the staff of the merchant are checked there): "resident" (their own order before redemption: not if it was
    redeemed since), "any" (the community's caseworkers, in any state), "staff" (if on the merchant's staff, in any
    state), "" (not at all: refused as `can_refund_order` says)."""
    if user is None or not user.is_authenticated:
        return ""
    if order.resident.user_id == user.pk and order.status == order.Status.PAID:
        return "resident"
    if can_manage_ledger(user, order.community):
        return "any"
    return "staff"


def can_order_online(product: Any) -> bool:
    """Points alone, or yuan too when a payment provider is registered (`linli.ledger.hooks`); without one a
    price in yuan is paid at the shop."""
    return not product.price_fen or payment_hooks.checkout_url is not None
