"""Reads of waste-sorting checks, scoped to the community and the acting user."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from linli.accounts.types import Actor, account_of
from linli.core.errors import NotAllowed
from linli.places.models import Building, Community, Household
from linli.places.selectors import natural_key

from . import rules
from .models import SortingCheck


def _ensure_checker(user: Actor, community: Community) -> None:
    if not rules.can_check(user, community):
        raise NotAllowed(_("You may not record waste-sorting checks in this community."))


@dataclass(frozen=True)
class HouseholdRow:
    household: Household
    check: SortingCheck | None


def households_to_check(*, user: Actor, community: Community, building: Building, day: dt.date) -> list[HouseholdRow]:
    """A building's households in room order, each with the check recorded for it on `day` (or None)."""
    _ensure_checker(user, community)
    households = (
        Household.objects.filter(community=community, building=building, members__moved_out_on__isnull=True)
        .order_by()
        .distinct()
    )
    checks = {
        c.household_id: c
        for c in SortingCheck.objects.filter(community=community, household__building=building, checked_on=day)
    }
    ordered = sorted(households, key=lambda h: (natural_key(h.unit), h.pk))
    return [HouseholdRow(h, checks.get(h.pk)) for h in ordered]


def household_for_check(*, user: Actor, community: Community, pk: int) -> Household:
    from linli.places.selectors import household_get

    _ensure_checker(user, community)
    return household_get(community=community, pk=pk)


def checks_of(*, user: Actor, community: Community, day: dt.date | None = None) -> QuerySet[SortingCheck]:
    """Checks of the community (of one day if given), newest first. Staff and stewards see every check; a volunteer
    sees the ones they recorded."""
    _ensure_checker(user, community)
    qs = SortingCheck.objects.filter(community=community).select_related(
        "household__building", "inspector", "awarded_to"
    )
    if not rules.can_view_checks(user, community):
        qs = qs.filter(inspector=account_of(user))
    return qs.filter(checked_on=day) if day is not None else qs


@dataclass(frozen=True)
class Summary:
    checks: int
    correct: int

    @property
    def correct_share(self) -> float | None:
        return round(100 * self.correct / self.checks, 1) if self.checks else None


def summary(*, community: Community, start: dt.date, end: dt.date) -> Summary:
    """Checks from `start` up to (not including) `end`, and how many were sorted correctly."""
    row = SortingCheck.objects.filter(community=community, checked_on__gte=start, checked_on__lt=end).aggregate(
        n=Count("id"), correct=Count("id", filter=Q(result=SortingCheck.Result.CORRECT))
    )
    return Summary(checks=row["n"], correct=row["correct"])
