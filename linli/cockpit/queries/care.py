import datetime as dt
from typing import Any

from linli.care.selectors import on_time_share

from .registry import query


@query("care_visited_on_time")
def care_visited_on_time(community: Any, month: dt.date) -> float | None:
    """Share of care-list residents (tags with a visit cadence) visited on time during the month."""
    return on_time_share(community=community, month=month)
