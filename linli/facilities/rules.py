"""Who may do what with facilities, services and bookings. One predicate per verb, on `linli.accounts.rules`."""

from typing import Any

from linli.accounts.models import Role
from linli.accounts.rules import STAFF_ROLES, access_for, can_view_community, has_role, oversees

REGISTER_ROLES = (Role.COMMUNITY_ADMIN, Role.SOCIAL_WORKER)
FRONT_DESK_ROLES = (*STAFF_ROLES, Role.OPERATOR)


def can_view_register(user: Any, community: Any) -> bool:
    return can_view_community(user, community)


def can_manage_register(user: Any, community: Any) -> bool:
    """Add and change facilities, services, photos, price rules; import the register."""
    return access_for(user).superuser or has_role(user, community, *REGISTER_ROLES)


def can_export_register(user: Any, community: Any) -> bool:
    return can_manage_register(user, community) or oversees(user, community) or access_for(user).city_viewer


def can_run_front_desk(user: Any, community: Any) -> bool:
    """Open time slots and menus, see day sheets, check people in: staff and the operators who run the spaces."""
    return access_for(user).superuser or has_role(user, community, *FRONT_DESK_ROLES)


def own_resident(user: Any) -> Any:
    """The resident profile of this account, cached on the user object for the request."""
    if user is None or not user.is_authenticated:
        return None
    if not hasattr(user, "_linli_resident"):
        from linli.people.models import Resident

        user._linli_resident = Resident.objects.filter(user=user).select_related("household").first()
    return user._linli_resident


def may_act_for(user: Any, resident: Any) -> bool:
    """A resident acts for themself and the members of their own household; front-desk staff for anyone in
    their community (a booking taken by phone for an elderly resident)."""
    if can_run_front_desk(user, resident.community):
        return True
    me = own_resident(user)
    if me is None:
        return False
    if me.pk == resident.pk:
        return True
    return me.household_id is not None and me.household_id == resident.household_id


def may_use_facility(resident: Any, facility: Any) -> bool:
    """Residents use their own community's facilities, and those a neighbour shares with them (两社融合)."""
    if resident.community_id == facility.community_id:
        return True
    return facility.shared and facility.shared_with.filter(pk=resident.community_id).exists()
