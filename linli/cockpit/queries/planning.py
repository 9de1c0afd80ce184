import datetime as dt
from typing import Any

from django.db.models import Q

from linli.planning.models import PlanRun

from .registry import figure, month_bounds, query


def latest_run(community: Any, month: dt.date) -> PlanRun | None:
    """The latest finished health check covering the community (its own or its street's) by the month's end."""
    end = month_bounds(month)[1]
    return (
        PlanRun.objects.filter(
            Q(community=community) | Q(street_id=community.street_id),
            status=PlanRun.Status.DONE,
            finished_at__date__lt=end,
        )
        .order_by("-finished_at")
        .only("result", "finished_at")
        .first()
    )


@query("planning_covered_share")
def planning_covered_share(community: Any, month: dt.date, category: str = "") -> float | None:
    """Percent of the residents a category serves (e.g. 60+) who live within its radius."""
    run = latest_run(community, month)
    if run is None:
        return None
    for row in (run.result or {}).get("coverage", []):
        if row["category"] == category:
            for per in row["per_community"]:
                if per["community"] == community.code and per["served_residents"]:
                    return 100 * per["covered_residents"] / per["served_residents"]
    return None


@query("supply_index")
def supply_index(community: Any, month: dt.date) -> float | None:
    run = latest_run(community, month)
    if run is None:
        return None
    for row in (run.result or {}).get("index", []):
        if row["community"] == community.code:
            return row["index"]
    return None


@figure("coverage")
def coverage(community: Any, month: dt.date) -> dict[str, float]:
    """Covered share (%) per facility category, from the latest health check."""
    run = latest_run(community, month)
    out: dict[str, float] = {}
    for row in (run.result or {}).get("coverage", []) if run else []:
        for per in row["per_community"]:
            if per["community"] == community.code and per["served_residents"]:
                out[row["category"]] = round(100 * per["covered_residents"] / per["served_residents"], 1)
    return out
