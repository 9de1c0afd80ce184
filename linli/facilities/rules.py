"""Who may do what with facilities, services and bookings. One predicate per verb, on `linli.accounts.rules`."""

from typing import Any

from linli.accounts.models import Role
from linli.accounts.rules import STAFF_ROLES, access_for, can_view_community, has_role, oversees
from linli.people.rules import is_current, own_profile

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
    """The resident record of this account, moved out or not (their past bookings stay theirs to see)."""
    return own_profile(user)


def may_act_for(user: Any, resident: Any) -> bool:
    """A resident acts for themself and the members of their own household; front-desk staff for anyone in
    their community (a booking taken by phone for an elderly resident). Nobody acts for someone who has moved
    out (迁出), nor does a moved-out resident act for anyone."""
    if not is_current(resident):
        return False
    if can_run_front_desk(user, resident.community):
        return True
    me = own_resident(user)
    if not is_current(me):
        return False
    if me.pk == resident.pk:
        return True
    return me.household_id is not None and me.household_id == resident.household_id


def may_see_records_of(user: Any, resident: Any) -> bool:
    """Bookings and orders already made: whoever may act for the resident, and always the resident themself,
    moved out or not."""
    if can_run_front_desk(user, resident.community) or may_act_for(user, resident):
        return True
    me = own_resident(user)
    return me is not None and me.pk == resident.pk


def may_use_facility(resident: Any, facility: Any) -> bool:
    """Residents use their own community's facilities, and those a neighbour shares with them (两社融合)."""
    if resident.community_id == facility.community_id:
        return True
    return facility.shared and facility.shared_with.filter(pk=resident.community_id).exists()
