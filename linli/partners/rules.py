"""Who may do what with community partners.

Everyone with a place in the community (residents, its staff), its street's admins and city viewers read the
partners, pairings and projects; the community's caseworkers (social workers, community admins) change them;
contact numbers are shown in full only to the community's staff."""

from typing import Any

from linli.accounts.rules import (
    CASEWORK_ROLES,
    access_for,
    can_view_community,
    can_view_street,
    has_role,
    is_community_staff,
)
from linli.accounts.types import Actor


def can_view_partners(user: Actor, community: Any) -> bool:
    return can_view_community(user, community)


def can_manage_partners(user: Actor, community: Any) -> bool:
    return access_for(user).superuser or has_role(user, community, *CASEWORK_ROLES)


def can_see_contacts(user: Actor, community: Any) -> bool:
    return is_community_staff(user, community)


def can_view_street_partners(user: Actor, street: Any) -> bool:
    return can_view_street(user, street)
