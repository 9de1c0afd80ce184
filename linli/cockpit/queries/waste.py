import datetime as dt
from typing import Any

from linli.waste.selectors import summary

from .registry import month_bounds, query


@query("waste_sorted_correctly")
def waste_sorted_correctly(community: Any, month: dt.date) -> float | None:
    """Percent of the month's waste-sorting checks that found the household's waste sorted correctly."""
    start, end = month_bounds(month)
    return summary(community=community, start=start, end=end).correct_share
