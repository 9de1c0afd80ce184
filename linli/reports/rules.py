"""Who may do what with reports. One predicate per verb."""

from typing import Any

from django.utils.translation import gettext as _

from linli.accounts.models import Role, User
from linli.accounts.rules import CASEWORK_ROLES, STAFF_ROLES, access_for, has_role, is_community_staff, oversees
from linli.accounts.types import Actor

# Who may hold a report: the community's staff, and its operators (the fixers a category names as responsible).
ASSIGNEE_ROLES = frozenset({*STAFF_ROLES, Role.OPERATOR})


def can_view_queue(user: Actor, community: Any) -> bool:
    return is_community_staff(user, community) or oversees(user, community)


def can_handle_report(user: Actor, report: Any) -> bool:
    """The grid's steward, the handler, community caseworkers, and the street that oversees the community."""
    if user is None or not user.is_authenticated:
        return False
    community = report.community
    if access_for(user).superuser or oversees(user, community) or has_role(user, community, *CASEWORK_ROLES):
        return True
    if report.assignee_id == user.pk:
        return True
    return bool(has_role(user, community, Role.GRID_STEWARD) and report.grid_id and report.grid.steward_id == user.pk)


def why_not_handler(user: Actor, report: Any) -> str:
    """Why community staff who see a report may not act on it (shown instead of the missing buttons), or ""."""
    if can_handle_report(user, report) or not is_community_staff(user, report.community):
        return ""
    if has_role(user, report.community, Role.GRID_STEWARD):
        if report.grid_id is None:
            return _(
                "This report is in no grid yet: a social worker or the community admin routes it. "
                "A grid steward acts on the reports of their own grids."
            )
        steward = report.grid.steward
        return _(
            "This report is in %(grid)s, looked after by %(steward)s. A grid steward acts only on the reports "
            "of their own grids, or on those assigned to them."
        ) % {"grid": report.grid.name, "steward": steward or _("no steward yet")}
    return _("Only the grid's steward, the person it is assigned to and the community's caseworkers act on reports.")


def can_assign_reports(user: Actor, community: Any) -> bool:
    return access_for(user).superuser or oversees(user, community) or has_role(user, community, *CASEWORK_ROLES)


def can_be_assigned_report(user: User | None, community: Any) -> bool:
    """An assignee sees the reporter's name and number: only the community's staff and operators, the street
    over it, superusers; never a plain resident, nor another community's staff."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return access_for(user).superuser or oversees(user, community) or has_role(user, community, *ASSIGNEE_ROLES)


def can_configure_reports(user: Actor, community: Any) -> bool:
    """Categories, their fields and time limits, and Open311 API keys: community admins."""
    return access_for(user).superuser or has_role(user, community, Role.COMMUNITY_ADMIN)


def is_reporter(user: Actor, report: Any) -> bool:
    return bool(user is not None and user.is_authenticated and report.reporter_id == user.pk)


def can_reopen_report(user: Actor, report: Any) -> bool:
    return is_reporter(user, report)


def can_rate_report(user: Actor, report: Any) -> bool:
    return is_reporter(user, report)


def can_support_report(user: Actor, report: Any) -> bool:
    return bool(user is not None and user.is_authenticated and not is_reporter(user, report))


def can_see_reporter(user: Actor, report: Any) -> bool:
    """The reporter's name and number are for those who handle the report."""
    return is_reporter(user, report) or can_handle_report(user, report) or can_view_queue(user, report.community)
