"""Who may do what in consultation. One predicate per verb, built on `linli.accounts.rules`.

The state of the thing (a matter still open, a vote still running) is asked of the model
(`matter.can_be_supported()`, `vote.is_open(now)`); these predicates say who the person must be.
"""

from typing import Any

from linli.accounts import rules as base
from linli.accounts.types import Actor
from linli.people.rules import resident_in

# --- reading -------------------------------------------------------------------------------------------


def can_view_consultation(user: Actor, community: Any) -> bool:
    """Matters, meetings, decisions, tasks and (visible) results are open to everyone with a place in the community,
    to the street that oversees it and to city viewers."""
    return base.can_view_community(user, community)


def can_view_staff_pages(user: Actor, community: Any) -> bool:
    """Registrations, attendance lists and exports: community staff, and the street (read only)."""
    return base.is_community_staff(user, community) or base.oversees(user, community)


def can_export(user: Actor, community: Any) -> bool:
    return can_manage_consultation(user, community) or base.oversees(user, community)


# --- residents -----------------------------------------------------------------------------------------


def can_raise_matter(user: Actor, community: Any) -> bool:
    return resident_in(user, community) is not None or base.is_community_staff(user, community)


def can_support_matter(user: Actor, matter: Any) -> bool:
    return resident_in(user, matter.community) is not None


def can_follow_matter(user: Actor, matter: Any) -> bool:
    return user.is_authenticated and can_view_consultation(user, matter.community)


def can_register_for_meeting(user: Actor, meeting: Any) -> bool:
    return resident_in(user, meeting.community) is not None


def can_vote(user: Actor, vote: Any) -> bool:
    resident = resident_in(user, vote.community)
    return resident is not None and vote.admits(resident)


def can_rate_matter(user: Actor, matter: Any) -> bool:
    return resident_in(user, matter.community) is not None


# --- staff ---------------------------------------------------------------------------------------------


def can_manage_consultation(user: Actor, community: Any) -> bool:
    """Agenda, meetings, minutes, decisions, tasks, votes: the community's social workers and admins."""
    return base.access_for(user).superuser or base.has_role(user, community, *base.CASEWORK_ROLES)


def can_lift_report(user: Actor, community: Any) -> bool:
    """Stewards receive reports, so they (and casework staff) may lift one into a matter."""
    return base.is_community_staff(user, community)


def can_follow_lifted_report(user: Actor, community: Any, report_ref: str) -> bool:
    """Whom a lifted report may name as its reporter (they follow the matter and are told of it): people of this
    community (a role or a resident profile here), or whoever filed that very report here. Never someone of
    another community picked by mobile number."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if base.access_for(user).roles_in(community) or resident_in(user, community) is not None:
        return True
    from linli.reports.models import Report

    ref = report_ref.strip().removeprefix("#")
    return ref.isdigit() and Report.objects.filter(pk=int(ref), community=community, reporter=user).exists()


def can_update_task(user: Actor, task: Any) -> bool:
    return can_manage_consultation(user, task.community) or (user.is_authenticated and task.owner_id == user.pk)


def can_configure_consultation(user: Actor, community: Any) -> bool:
    return base.can_manage_community(user, community)
