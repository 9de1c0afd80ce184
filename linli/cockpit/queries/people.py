import datetime as dt
from typing import Any

from django.db.models import Count

from linli.people.ages import born_on_or_before_for_age, tier_of
from linli.people.models import Resident
from linli.people.rules import current
from linli.places.models import Household

from .registry import figure, month_bounds, query


def _last_day(month: dt.date) -> dt.date:
    return month_bounds(month)[1] - dt.timedelta(days=1)


@query("residents")
def residents(community: Any, month: dt.date) -> float:
    return Resident.objects.filter(current(), community=community).count()


@query("households")
def households(community: Any, month: dt.date) -> float:
    return Household.objects.filter(community=community).count()


@query("share_aged")
def share_aged(community: Any, month: dt.date, min_age: str = "60") -> float | None:
    """Percent of residents at least `min_age` years old at the end of the month."""
    total = Resident.objects.filter(current(), community=community).count()
    if not total:
        return None
    older = Resident.objects.filter(
        community=community, birth_date__lte=born_on_or_before_for_age(int(min_age), _last_day(month))
    ).count()
    return 100 * older / total


@query("party_members_per_100")
def party_members_per_100(community: Any, month: dt.date) -> float | None:
    total = Resident.objects.filter(current(), community=community).count()
    members = Resident.objects.filter(current(), community=community, is_party_member=True).count()
    return 100 * members / total if total else None


@figure("residents_by_age")
def residents_by_age(community: Any, month: dt.date) -> dict[str, int]:
    day = _last_day(month)
    counts: dict[str, int] = {}
    for (birth,) in (
        Resident.objects.filter(current(), community=community).values_list("birth_date").iterator(chunk_size=5000)
    ):
        years = day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
        if years >= 0:
            tier = tier_of(years).value
            counts[tier] = counts.get(tier, 0) + 1
    return counts


@figure("households_by_size")
def households_by_size(community: Any, month: dt.date) -> dict[str, int]:
    sizes = Household.objects.filter(community=community).annotate(n=Count("members")).values_list("n", flat=True)
    out: dict[str, int] = {}
    for n in sizes:
        key = str(min(n, 5)) + ("+" if n >= 5 else "")
        out[key] = out.get(key, 0) + 1
    return dict(sorted(out.items()))


@query("grid_coverage")
def grid_coverage(community: Any, month: dt.date) -> float | None:
    """Percent of the community's buildings that belong to a grid with a steward (七彩网格全覆盖)."""
    from linli.places.models import Building

    buildings = Building.objects.filter(community=community)
    total = buildings.count()
    return 100 * buildings.filter(grid__steward__isnull=False).count() / total if total else None


@figure("residents_total")
def residents_total(community: Any, month: dt.date) -> int:
    return Resident.objects.filter(current(), community=community).count()


@figure("households_total")
def households_total(community: Any, month: dt.date) -> int:
    return Household.objects.filter(community=community).count()
