"""When a visit is due, and whether a resident was visited on time over a period. Pure date arithmetic."""

import datetime as dt
from collections.abc import Iterable

DUE_SOON_DAYS = 3


def due_on(last_seen: dt.date | None, every_days: int) -> dt.date | None:
    """The day the next visit is due: the last visit that saw the resident plus the cadence. None: never visited."""
    return None if last_seen is None else last_seen + dt.timedelta(days=every_days)


def days_overdue(due: dt.date | None, today: dt.date) -> int:
    """Days past the due day (0 when not yet due). Never visited counts as due today."""
    return 0 if due is None else max(0, (today - due).days)


def visited_on_time(
    seen_days: Iterable[dt.date], every_days: int, start: dt.date, end: dt.date, *, before: dt.date | None = None
) -> bool:
    """Whether no gap from `start` to `end` (inclusive) went longer than the cadence.

    `before` is the last visit before `start`; without one the resident was already due on `start` (never
    visited counts as due, as on the work list). Gaps are counted from one visit to the next, and from the last
    visit to `end`.
    """
    previous = before if before is not None else start - dt.timedelta(days=every_days)
    for day in sorted(d for d in seen_days if start <= d <= end):
        if (day - previous).days > every_days:
            return False
        previous = day
    return (end - previous).days <= every_days
