"""Who may do what. One predicate per verb; views, API functions and services ask here and nowhere else."""

from dataclasses import dataclass, field
from typing import Any

from .models import Role
from .types import Actor

STAFF_ROLES = frozenset({Role.GRID_STEWARD, Role.SOCIAL_WORKER, Role.COMMUNITY_ADMIN})
CASEWORK_ROLES = frozenset({Role.SOCIAL_WORKER, Role.COMMUNITY_ADMIN})


@dataclass(frozen=True)
class Access:
    """Everything an account holds, read once per request."""

    community_roles: dict[int, frozenset[str]] = field(default_factory=dict)
    street_ids: frozenset[int] = frozenset()
    city_viewer: bool = False
    city_admin: bool = False
    superuser: bool = False

    def roles_in(self, community: Any) -> frozenset[str]:
        return self.community_roles.get(community.pk, frozenset())


ANONYMOUS = Access()


def access_for(user: Actor) -> Access:
    if user is None or not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, "_linli_access", None)
    if cached is not None:
        return cached
    community_roles: dict[int, set[str]] = {}
    street_ids: set[int] = set()
    city_viewer = False
    city_admin = False
    for role, community_id, street_id in user.roles.values_list("role", "community_id", "street_id"):
        if community_id is not None:
            community_roles.setdefault(community_id, set()).add(role)
        elif street_id is not None:
            street_ids.add(street_id)
        elif role == Role.CITY_VIEWER:
            city_viewer = True
        elif role == Role.CITY_ADMIN:
            city_viewer = city_admin = True
    access = Access(
        community_roles={k: frozenset(v) for k, v in community_roles.items()},
        street_ids=frozenset(street_ids),
        city_viewer=city_viewer,
        city_admin=city_admin,
        superuser=user.is_superuser,
    )
    user.__dict__["_linli_access"] = access
    return access


def forget_access(user: Actor) -> None:
    if hasattr(user, "_linli_access"):
        del user._linli_access


def has_role(user: Actor, community: Any, *roles: str) -> bool:
    return bool(access_for(user).roles_in(community) & set(roles))


def oversees(user: Actor, community: Any) -> bool:
    """Street admins oversee their street's communities; superusers everything."""
    access = access_for(user)
    return access.superuser or community.street_id in access.street_ids


# --- reading -------------------------------------------------------------------------------------------


def can_view_community(user: Actor, community: Any) -> bool:
    access = access_for(user)
    return bool(access.city_viewer or oversees(user, community) or access.roles_in(community))


def can_view_community_dashboard(user: Actor, community: Any) -> bool:
    access = access_for(user)
    return access.city_viewer or oversees(user, community) or bool(access.roles_in(community) & STAFF_ROLES)


def can_view_street(user: Actor, street: Any) -> bool:
    """A street's own pages (comparisons, health checks): its street admins, city viewers, superusers."""
    access = access_for(user)
    return access.superuser or access.city_viewer or street.pk in access.street_ids


def can_view_city(user: Actor) -> bool:
    access = access_for(user)
    return access.superuser or access.city_viewer


def is_community_staff(user: Actor, community: Any) -> bool:
    return access_for(user).superuser or has_role(user, community, *STAFF_ROLES)


def can_view_residents(user: Actor, community: Any) -> bool:
    return is_community_staff(user, community)


def can_view_sensitive_tags(user: Actor, community: Any) -> bool:
    return is_community_staff(user, community)


def can_reveal_id_number(user: Actor, community: Any) -> bool:
    return access_for(user).superuser or has_role(user, community, *CASEWORK_ROLES)


def can_view_birth_date(user: Actor, community: Any) -> bool:
    """Birth dates and exact ages go with the right to reveal ID numbers: next to the last characters of a number,
    a birth date gives the number away. Others see an age by calendar year (docs/privacy.md)."""
    return can_reveal_id_number(user, community)


def can_view_audit(user: Actor, community: Any) -> bool:
    return access_for(user).superuser or has_role(user, community, Role.COMMUNITY_ADMIN) or oversees(user, community)


# --- writing -------------------------------------------------------------------------------------------


def can_edit_residents(user: Actor, community: Any) -> bool:
    return access_for(user).superuser or has_role(user, community, *CASEWORK_ROLES)


def can_handle_data_requests(user: Actor, community: Any) -> bool:
    """Residents' requests for their personal data or its deletion (PIPL): the caseworkers who keep the register."""
    return can_edit_residents(user, community)


def can_manage_community(user: Actor, community: Any) -> bool:
    """Configure the community: places, grids, roles, rules."""
    return access_for(user).superuser or has_role(user, community, Role.COMMUNITY_ADMIN)


def can_grant_role(user: Actor, community: Any, role: str) -> bool:
    if role in {Role.STREET_ADMIN, Role.CITY_VIEWER, Role.CITY_ADMIN}:
        access = access_for(user)
        return access.superuser or (access.city_admin and role != Role.CITY_ADMIN)
    if community is None:
        return False
    return can_manage_community(user, community) or oversees(user, community) or access_for(user).city_admin


def is_staff_anywhere(user: Actor) -> bool:
    access = access_for(user)
    return (
        access.superuser
        or access.city_viewer
        or bool(access.street_ids)
        or any(
            roles & (STAFF_ROLES | {Role.OPERATOR, Role.MERCHANT_STAFF}) for roles in access.community_roles.values()
        )
    )
