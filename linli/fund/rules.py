"""Who may do what with the community fund. One predicate per verb."""

from typing import Any

from linli.accounts.rules import CASEWORK_ROLES, access_for, can_view_community_dashboard, has_role


def can_manage_fund(user: Any, community: Any) -> bool:
    """Record donations, open rounds, decide applications, pay tranches: the community's caseworkers."""
    return access_for(user).superuser or has_role(user, community, *CASEWORK_ROLES)


def can_view_fund_books(user: Any, community: Any) -> bool:
    """Donations with their donors, every application and its scores: the community's staff, and (read-only)
    the street that oversees it and the city's viewers."""
    return can_view_community_dashboard(user, community)


def is_partner_member(user: Any, partner: Any) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if partner.resident_id is not None and partner.resident.user_id == user.pk:
        return True
    return partner.members.filter(pk=user.pk).exists()


def can_apply_for(user: Any, partner: Any) -> bool:
    return is_partner_member(user, partner) or can_manage_fund(user, partner.community)


def is_reviewer(user: Any, grant_round: Any) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return grant_round.reviewers.filter(pk=user.pk).exists()


def reviews_in(user: Any, community: Any) -> bool:
    """Whether the user is a reviewer of any of the community's rounds (and so has applications to score)."""
    if user is None or not user.is_authenticated:
        return False
    return user.fund_review_rounds.filter(community=community).exists()


def can_view_round_applications(user: Any, grant_round: Any) -> bool:
    return can_view_fund_books(user, grant_round.community) or is_reviewer(user, grant_round)
