"""Who may do what in the community school, on top of the facility rules."""

from typing import Any

from linli.accounts.rules import STAFF_ROLES, access_for, can_manage_community, has_role, oversees
from linli.accounts.types import Actor
from linli.facilities import rules as facility_rules


def can_manage_courses(user: Actor, community: Any) -> bool:
    return facility_rules.can_manage_register(user, community)


def can_take_attendance(user: Actor, community: Any) -> bool:
    return facility_rules.can_run_front_desk(user, community)


def can_join_staff_training(user: Actor, community: Any) -> bool:
    """社工学院 is for the community's staff."""
    return access_for(user).superuser or has_role(user, community, *STAFF_ROLES)


def can_share_course(user: Actor, community: Any) -> bool:
    """A course is opened to the street's other communities by the owning community's admin or the street admin."""
    return can_manage_community(user, community) or oversees(user, community)


def may_join_course(resident: Any, course: Any) -> bool:
    """Residents join their own community's courses and those another community of the street opens to them."""
    if resident.community_id == course.community_id:
        return True
    return course.shared_with.filter(pk=resident.community_id).exists()
