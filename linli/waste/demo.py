"""Demo: a year of waste-sorting checks in both communities, recorded through the service by each grid's steward
(and in 市北 by the volunteer login, a 垃圾分类督导员), so that the points they earn follow the community's rule and
its caps. Each month the inspectors take a round of a few buildings of their grid every fortnight; the buildings
change from month to month. 市北, the model community, sorts a little better than 利民."""

import datetime as dt
from typing import Any

from linli.core.demo import DemoContext
from linli.places.models import Building

from .models import SortingCheck
from .selectors import households_to_check
from .services import sorting_check_record

# per community: buildings of each round, and the share of (correct, partly sorted) results; the rest wrong
ROUNDS = {"shibei": (1, (0.92, 0.06)), "limin": (4, (0.87, 0.09))}
ROUND_DAYS = (3, 17)  # the days of the month of the two rounds


def _result(x: float, correct: float, partly: float) -> str:
    if x < correct:
        return SortingCheck.Result.CORRECT
    if x < correct + partly:
        return SortingCheck.Result.PARTLY
    return SortingCheck.Result.WRONG


def _inspectors(ctx: DemoContext, community: Any) -> list[tuple[Any, list[Building]]]:
    """Each grid's steward with the buildings of their grid."""
    rounds: dict[int, tuple[Any, list[Building]]] = {}
    grouped = Building.objects.filter(community=community, grid__steward__isnull=False).select_related("grid__steward")
    for building in grouped.order_by("grid_id", "pk"):
        if building.grid is not None:
            rounds.setdefault(building.grid.pk, (building.grid.steward, []))[1].append(building)
    return list(rounds.values())


def build(ctx: DemoContext) -> None:
    rnd = ctx.random
    volunteer = ctx.users.get("volunteer")
    made: dict[str, int] = {}
    for community in ctx.communities[:2]:
        per_round, (correct, partly) = ROUNDS[community.code]
        inspectors = _inspectors(ctx, community)
        made[community.name] = 0
        month = ctx.today.replace(year=ctx.today.year - 1, day=1)
        index = 0
        while month <= ctx.today:
            steward, buildings = inspectors[index % len(inspectors)]
            start = (index // len(inspectors)) * per_round % max(1, len(buildings))
            chosen = buildings[start : start + per_round]
            # in 市北 the volunteer login takes one building of every other month's round
            by = [volunteer if community is ctx.communities[0] and volunteer and index % 2 else steward] + [steward] * (
                len(chosen) - 1
            )
            for day in (month.replace(day=d) for d in ROUND_DAYS):
                if day >= ctx.today:
                    continue
                for inspector, building in zip(by, chosen, strict=True):
                    for row in households_to_check(user=inspector, community=community, building=building, day=day):
                        result = _result(rnd.random(), correct, partly)
                        sorting_check_record(actor=inspector, household=row.household, result=result, on=day, today=day)
                        made[community.name] += 1
            month = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
            index += 1
    ctx.progress("  waste sorting: " + ", ".join(f"{name} {n} checks" for name, n in made.items()))
