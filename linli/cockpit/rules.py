"""Who sees which cockpit. One predicate per verb, built on linli.accounts.rules."""

from typing import Any

from linli.accounts import rules as access
from linli.accounts.rules import CASEWORK_ROLES
from linli.accounts.types import Actor


def can_view_community(user: Actor, community: Any) -> bool:
    return access.can_view_community_dashboard(user, community)


def can_enter_values(user: Actor, community: Any) -> bool:
    return access.access_for(user).superuser or access.has_role(user, community, *CASEWORK_ROLES)


def can_view_street(user: Actor, street: Any) -> bool:
    return access.can_view_street(user, street)


def can_view_city(user: Actor) -> bool:
    return access.can_view_city(user)
