"""Who may do what in the community school, on top of the facility rules."""

from typing import Any

from linli.accounts.rules import STAFF_ROLES, access_for, has_role
from linli.facilities import rules as facility_rules


def can_manage_courses(user: Any, community: Any) -> bool:
    return facility_rules.can_manage_register(user, community)


def can_take_attendance(user: Any, community: Any) -> bool:
    return facility_rules.can_run_front_desk(user, community)


def can_join_staff_training(user: Any, community: Any) -> bool:
    """社工学院 is for the community's staff."""
    return access_for(user).superuser or has_role(user, community, *STAFF_ROLES)
