"""Who may do what with facilities, services and bookings. One predicate per verb, on `linli.accounts.rules`."""

from typing import Any

from django.utils.translation import gettext as _

from linli.accounts.models import Role
from linli.accounts.rules import STAFF_ROLES, access_for, can_view_community, has_role, oversees
from linli.accounts.types import Actor
from linli.core.errors import NotAllowed
from linli.people import rules as people_rules

REGISTER_ROLES = (Role.COMMUNITY_ADMIN, Role.SOCIAL_WORKER)
FRONT_DESK_ROLES = people_rules.FRONT_DESK_ROLES


def can_view_register(user: Actor, community: Any) -> bool:
    return can_view_community(user, community)


def can_manage_register(user: Actor, community: Any) -> bool:
    """Add and change facilities, services, photos, price rules; import the register."""
    return access_for(user).superuser or has_role(user, community, *REGISTER_ROLES)


def can_export_register(user: Actor, community: Any) -> bool:
    return can_manage_register(user, community) or oversees(user, community) or access_for(user).city_viewer


def can_run_front_desk(user: Actor, community: Any) -> bool:
    """Open time slots and menus, see day sheets, check people in: staff and the operators who run the spaces."""
    return people_rules.runs_front_desk(user, community)


def can_run_facility(user: Actor, facility: Any) -> bool:
    """Open and cancel time slots, change services of one space: the community's staff for every space; an
    operator only for the spaces the community admin assigned to them."""
    community = facility.community
    if access_for(user).superuser or has_role(user, community, *STAFF_ROLES):
        return True
    if not has_role(user, community, Role.OPERATOR):
        return False
    return facility.operators.filter(pk=user.pk).exists()


def can_be_facility_operator(user: Actor, community: Any) -> bool:
    """Who may be assigned to run a space: an active account with the operator role in the community."""
    return bool(user is not None and user.is_active and has_role(user, community, Role.OPERATOR))


def own_resident(user: Actor) -> Any:
    """The resident profile of this account, cached on the user object for the request."""
    return people_rules.own_resident(user)


def may_act_for(user: Actor, resident: Any) -> bool:
    """Oneself, one's household, an elder one helps as family (亲情账号); front-desk staff anyone in their
    community (a booking taken by phone for an elderly resident). One rule, in `linli.people.rules`."""
    return people_rules.can_act_for(user, resident)


def may_see_records_of(user: Actor, resident: Any) -> bool:
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


def ensure_acts_for(actor: Actor, resident: Any, refusal: str | None = None) -> None:
    """`NotAllowed` (saying `refusal`, by default that one books only for one's own) unless `may_act_for`."""
    if not may_act_for(actor, resident):
        raise NotAllowed(
            refusal or _("You can book only for yourself, your household and the elders you help as family."),
            code="not_household",
            field="resident",
        )


def ensure_may_use_facility(resident: Any, facility: Any) -> None:
    if not may_use_facility(resident, facility):
        raise NotAllowed(_("This facility is not open to residents of your community."), code="not_shared")
