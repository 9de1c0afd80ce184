"""Who may do what with community partners."""

from typing import Any

from linli.accounts.rules import CASEWORK_ROLES, access_for, can_view_community, has_role


def can_view_partners(user: Any, community: Any) -> bool:
    return can_view_community(user, community)


def can_manage_partners(user: Any, community: Any) -> bool:
    return access_for(user).superuser or has_role(user, community, *CASEWORK_ROLES)
