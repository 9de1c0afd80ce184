"""Who lived here, read as of the last day of the month from dated records (moving in and out), so that a past
month shows the community as it was then, not as it is today."""

import datetime as dt
from typing import Any

from django.db.models import Count, Exists, OuterRef, QuerySet

from linli.people.ages import born_on_or_before_for_age, tier_of
from linli.people.models import Resident
from linli.people.rules import living_on
from linli.places.models import Household

from .registry import figure, month_bounds, query


def last_day(month: dt.date) -> dt.date:
    """The day a month's standing figures are read on: its last day, or today for the month under way."""
    from django.utils import timezone

    return min(month_bounds(month)[1] - dt.timedelta(days=1), timezone.localdate())


def living(community: Any, month: dt.date) -> QuerySet[Resident]:
    return Resident.objects.filter(living_on(last_day(month)), community=community)


def _households(community: Any, month: dt.date) -> QuerySet[Household]:
    members = Resident.objects.filter(living_on(last_day(month)), household=OuterRef("pk"))
    return Household.objects.filter(Exists(members), community=community)


@query("residents")
def residents(community: Any, month: dt.date) -> float:
    return living(community, month).count()


@query("households")
def households(community: Any, month: dt.date) -> float:
    return _households(community, month).count()


@query("share_aged")
def share_aged(community: Any, month: dt.date, min_age: str = "60") -> float | None:
    """Percent of residents at least `min_age` years old at the end of the month."""
    people = living(community, month)
    total = people.count()
    if not total:
        return None
    older = people.filter(birth_date__lte=born_on_or_before_for_age(int(min_age), last_day(month))).count()
    return 100 * older / total


@query("party_members_per_100")
def party_members_per_100(community: Any, month: dt.date) -> float | None:
    people = living(community, month)
    total = people.count()
    members = people.filter(is_party_member=True).count()
    return 100 * members / total if total else None


@figure("residents_by_age")
def residents_by_age(community: Any, month: dt.date) -> dict[str, int]:
    day = last_day(month)
    counts: dict[str, int] = {}
    for (birth,) in living(community, month).values_list("birth_date").iterator(chunk_size=5000):
        years = day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
        if years >= 0:
            tier = tier_of(years).value
            counts[tier] = counts.get(tier, 0) + 1
    return counts


@figure("households_by_size")
def households_by_size(community: Any, month: dt.date) -> dict[str, int]:
    day = last_day(month)
    sizes = _households(community, month).annotate(n=Count("members", filter=living_on(day, "members__")))
    out: dict[str, int] = {}
    for n in sizes.values_list("n", flat=True):
        key = str(min(n, 5)) + ("+" if n >= 5 else "")
        out[key] = out.get(key, 0) + 1
    return dict(sorted(out.items()))


@query("grid_coverage")
def grid_coverage(community: Any, month: dt.date) -> float | None:
    """Percent of the community's buildings that belong to a grid with a steward (七彩网格全覆盖) on the month's last
    day, read from the buildings' dated grid memberships and the grids' dated stewardships."""
    from linli.places.models import Building, Grid, in_grids_on, stewarded_on

    buildings = Building.objects.filter(community=community)
    total = buildings.count()
    if not total:
        return None
    day = last_day(month)
    stewarded = Grid.objects.filter(stewarded_on(day), community=community)
    return 100 * buildings.filter(in_grids_on(day, stewarded)).count() / total


@figure("residents_total")
def residents_total(community: Any, month: dt.date) -> int:
    return living(community, month).count()


@figure("households_total")
def households_total(community: Any, month: dt.date) -> int:
    return _households(community, month).count()
