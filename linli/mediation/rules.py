"""Who may see and do what in mediation. The rule is narrow on purpose: a case is seen only by its parties and
its assigned mediators. Community admins assign mediators, so they see each case's metadata (number, kind, status,
dates, mediators) but never its subject, parties, notes or agreement. Everyone else, community staff included,
sees aggregate counts only."""

from typing import Any

from linli.accounts import rules as base
from linli.accounts.types import Actor
from linli.people.rules import resident_in

from .models import Case, CaseMediator, CaseParty, Mediator


def mediator_of(user: Actor, community: Any) -> Mediator | None:
    if not user.is_authenticated:
        return None
    return Mediator.objects.filter(user=user, community=community, active=True).first()


def is_party(user: Actor, case: Case) -> bool:
    return user.is_authenticated and CaseParty.objects.filter(case=case, resident__user=user).exists()


def is_assigned_mediator(user: Actor, case: Case) -> bool:
    return (
        user.is_authenticated
        and CaseMediator.objects.filter(case=case, mediator__user=user, mediator__active=True).exists()
    )


def can_view_case(user: Actor, case: Case) -> bool:
    return is_party(user, case) or is_assigned_mediator(user, case)


def can_add_note(user: Actor, case: Case) -> bool:
    return can_view_case(user, case)


def can_handle_case(user: Actor, case: Case) -> bool:
    """Sessions, parties, agreement, follow-up, closing: the assigned mediators."""
    return is_assigned_mediator(user, case)


def can_view_case_metadata(user: Actor, community: Any) -> bool:
    return base.access_for(user).superuser or base.has_role(user, community, "community_admin")


def can_assign_mediator(user: Actor, community: Any) -> bool:
    return can_view_case_metadata(user, community)


def can_manage_team(user: Actor, community: Any) -> bool:
    return base.can_manage_community(user, community)


def can_open_case(user: Actor, community: Any) -> bool:
    """A resident asks for mediation; mediators and casework staff open cases brought to them in person."""
    return (
        resident_in(user, community) is not None
        or mediator_of(user, community) is not None
        or base.has_role(user, community, *base.CASEWORK_ROLES)
    )


def can_view_statistics(user: Actor, community: Any) -> bool:
    return base.can_view_community(user, community)
