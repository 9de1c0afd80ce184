"""Who may see and do what in care visits. Care records are seen by the resident's grid steward (the one named on
the grid of the resident's building), the community's social workers and admins, and superusers. Volunteers,
residents, street and city staff see none of them: the cockpit shows only the share visited on time.

Volunteers do not record visits in this version: a volunteer who visits tells the steward, who records it."""

from typing import Any

from linli.accounts import rules as base
from linli.accounts.models import Role
from linli.accounts.types import Actor
from linli.people.models import Resident


def is_caseworker(user: Actor, community: Any) -> bool:
    return base.access_for(user).superuser or base.has_role(user, community, *base.CASEWORK_ROLES)


def is_steward(user: Actor, community: Any) -> bool:
    return base.has_role(user, community, Role.GRID_STEWARD)


def can_view_care_list(user: Actor, community: Any) -> bool:
    """The work list: stewards see their own grids' residents, caseworkers the whole community."""
    return is_caseworker(user, community) or is_steward(user, community)


def stewards_resident(user: Actor, resident: Resident) -> bool:
    household = resident.household
    building = household.building if household is not None else None
    grid = building.grid if building is not None else None
    return grid is not None and grid.steward_id == user.pk and is_steward(user, resident.community)


def can_view_resident_care(user: Actor, resident: Resident) -> bool:
    return is_caseworker(user, resident.community) or stewards_resident(user, resident)


def can_record_visit(user: Actor, resident: Resident) -> bool:
    return can_view_resident_care(user, resident)


def can_follow_up_visit(user: Actor, visit: Any) -> bool:
    """Turn a visit's need into a report or a referral: whoever may record visits for the resident."""
    return can_record_visit(user, visit.resident)


def can_set_cadence(user: Actor, community: Any) -> bool:
    return base.can_manage_community(user, community)


def can_view_cadences(user: Actor, community: Any) -> bool:
    return can_view_care_list(user, community)


def can_handle_referrals(user: Actor, community: Any) -> bool:
    return is_caseworker(user, community)
