"""Who may see and post the community company's books, close a month, and settle 共富 balances."""

from typing import Any

from linli.accounts.models import Role
from linli.accounts.rules import CASEWORK_ROLES, access_for, has_role, is_community_staff, oversees
from linli.accounts.types import Actor


def can_view_statement(user: Actor, community: Any) -> bool:
    """Staff, the street office overseeing the community, and the operator running its spaces."""
    return is_community_staff(user, community) or oversees(user, community) or has_role(user, community, Role.OPERATOR)


def can_post_company(user: Actor, community: Any) -> bool:
    """Post revenue, expenses and support, and reverse a posting: the community's caseworkers and the
    company's own staff (the operator running its spaces, whose accountant keeps the books)."""
    return access_for(user).superuser or has_role(user, community, *CASEWORK_ROLES, Role.OPERATOR)


def can_close_month(user: Actor, community: Any) -> bool:
    """Close a month of the books: the community admin and the company's operator, not every caseworker."""
    return access_for(user).superuser or has_role(user, community, Role.COMMUNITY_ADMIN, Role.OPERATOR)


def can_view_settlement(user: Actor, community: Any) -> bool:
    """A side of a 共富 settlement: its staff, its company's operator and the street office."""
    return can_view_statement(user, community)


def can_confirm_settlement(user: Actor, community: Any) -> bool:
    """Confirm or dispute a settlement for one side: that community's admin."""
    return access_for(user).superuser or has_role(user, community, Role.COMMUNITY_ADMIN)


def can_prepare_settlement(user: Actor, community: Any) -> bool:
    """Draw up a month's settlements of a community: the street office overseeing it, or its admin."""
    return oversees(user, community) or can_confirm_settlement(user, community)
