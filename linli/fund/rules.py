"""Who may do what with the community fund. One predicate per verb."""

import datetime as dt
from typing import Any

from linli.accounts.rules import CASEWORK_ROLES, access_for, can_view_community_dashboard, has_role
from linli.accounts.types import Actor

from .models import GrantRound

OPEN, REVIEWING, CLOSED = GrantRound.Status.OPEN, GrantRound.Status.REVIEWING, GrantRound.Status.CLOSED


def can_manage_fund(user: Actor, community: Any) -> bool:
    """Record donations, open rounds, decide applications, pay tranches: the community's caseworkers."""
    return access_for(user).superuser or has_role(user, community, *CASEWORK_ROLES)


def can_view_fund_books(user: Actor, community: Any) -> bool:
    """Donations with their donors, every application and its scores: the community's staff, and (read-only)
    the street that oversees it and the city's viewers."""
    return can_view_community_dashboard(user, community)


def is_partner_member(user: Actor, partner: Any) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if partner.resident_id is not None and partner.resident.user_id == user.pk:
        return True
    return partner.members.filter(pk=user.pk).exists()


def can_apply_for(user: Actor, partner: Any) -> bool:
    return is_partner_member(user, partner) or can_manage_fund(user, partner.community)


def is_reviewer(user: Actor, grant_round: Any) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return grant_round.reviewers.filter(pk=user.pk).exists()


def reviews_in(user: Actor, community: Any) -> bool:
    """Whether the user is a reviewer of any of the community's rounds (and so has applications to score)."""
    if user is None or not user.is_authenticated:
        return False
    return user.fund_review_rounds.filter(community=community).exists()


def can_view_round_applications(user: Actor, grant_round: Any) -> bool:
    return can_view_fund_books(user, grant_round.community) or is_reviewer(user, grant_round)


# --- a round's phases: what each status lets happen --------------------------------------------------------
#
#   OPEN       applications are accepted (between opens_on and closes_on); reviewers may already score and the
#              staff may already decide the applications that have all their reviews (early scoring has always
#              been allowed, and the staff rely on it to decide long rounds as they go).
#   REVIEWING  no more applications; reviewers score, the staff decide.
#   CLOSED     every application is decided; no more scores or decisions. Approved grants are still paid in
#              tranches and their projects still report (`tranche_pay`, `report_submit`), whatever the phase.
#
# Moves: OPEN -> REVIEWING (start the review), REVIEWING -> CLOSED (close, once nothing is undecided),
# REVIEWING -> OPEN (reopen, while closes_on has not passed: the staff extend a round that closed early).


def round_takes_applications(grant_round: GrantRound, today: dt.date) -> bool:
    return grant_round.status == OPEN and grant_round.opens_on <= today <= grant_round.closes_on


def round_takes_scores(grant_round: GrantRound) -> bool:
    """Reviewers may score while the round is open or under review."""
    return grant_round.status in (OPEN, REVIEWING)


def round_takes_decisions(grant_round: GrantRound) -> bool:
    """The staff may approve or reject while the round is open or under review."""
    return grant_round.status in (OPEN, REVIEWING)


def round_can_start_review(grant_round: GrantRound) -> bool:
    return grant_round.status == OPEN


def round_can_close(grant_round: GrantRound, undecided: int) -> bool:
    """A round under review closes once none of its applications is still waiting for a decision."""
    return grant_round.status == REVIEWING and undecided == 0


def round_can_reopen(grant_round: GrantRound, today: dt.date) -> bool:
    return grant_round.status == REVIEWING and today <= grant_round.closes_on
