"""Demo: four weeks of waste-sorting checks in 市北, recorded by the steward through the service, so that the points
they earn follow the community's rule and its caps."""

import datetime as dt

from linli.core.demo import DemoContext
from linli.places.models import Building

from .models import SortingCheck
from .selectors import households_to_check
from .services import sorting_check_record

BUILDINGS = 3  # the steward's round: the first buildings of their grid
RESULTS = [(SortingCheck.Result.CORRECT, 0.84), (SortingCheck.Result.PARTLY, 0.11), (SortingCheck.Result.WRONG, 0.05)]


def _result(x: float) -> str:
    for value, share in RESULTS:
        if x < share:
            return value
        x -= share
    return RESULTS[-1][0]


def build(ctx: DemoContext) -> None:
    shibei = ctx.communities[0]
    steward = ctx.users["steward"]
    rnd = ctx.random
    buildings = list(Building.objects.filter(community=shibei, grid__steward=steward).order_by("pk")[:BUILDINGS])
    made = 0
    for weeks_ago in range(4, 0, -1):
        day = ctx.today - dt.timedelta(days=7 * weeks_ago - 1)
        for building in buildings:
            for row in households_to_check(user=steward, community=shibei, building=building, day=day):
                result = _result(rnd.random())
                sorting_check_record(actor=steward, household=row.household, result=result, on=day, today=day)
                made += 1
    ctx.progress(f"  waste sorting: {made} checks by the steward over four weeks")
