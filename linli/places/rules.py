"""Who may set up places. One predicate per verb; the role facts come from `linli.accounts.rules`."""

from typing import Any

from linli.accounts.models import Role
from linli.accounts.rules import access_for, has_role, oversees
from linli.accounts.types import Actor


def can_manage_streets(user: Actor) -> bool:
    """Create and edit streets: city admins (and superusers)."""
    access = access_for(user)
    return access.superuser or access.city_admin


def can_set_up_street(user: Actor, street: Any) -> bool:
    """Create and edit a street's communities, name its street admins' staff: the street's admins, city admins."""
    access = access_for(user)
    return access.superuser or access.city_admin or street.pk in access.street_ids


def can_edit_community(user: Actor, community: Any) -> bool:
    """Name, code, tier and boundary of a community: those who set up its street."""
    access = access_for(user)
    return access.superuser or access.city_admin or community.street_id in access.street_ids


def can_set_up_community(user: Actor, community: Any) -> bool:
    """Neighbourhoods, buildings, grids and staff of a community: its community admins, the street admins
    overseeing it, city admins."""
    access = access_for(user)
    return access.city_admin or oversees(user, community) or has_role(user, community, Role.COMMUNITY_ADMIN)


def can_set_up_any_street(user: Actor) -> bool:
    """The streets page: city admins, and street admins for their own streets."""
    access = access_for(user)
    return access.superuser or access.city_admin or bool(access.street_ids)
