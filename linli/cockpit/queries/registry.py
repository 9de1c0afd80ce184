"""Named queries: how a computed indicator or a cockpit figure is read from the platform's records.

A query takes the community and the first day of a month and returns a number (or None: no data).
Figures return a number or a small dict (e.g. residents by age band) for the cockpit screens.
"""

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

Query = Callable[..., float | None]
Figure = Callable[..., Any]

QUERIES: dict[str, Query] = {}
FIGURES: dict[str, Figure] = {}


def query(name: str) -> Callable[[Query], Query]:
    def register(fn: Query) -> Query:
        QUERIES[name] = fn
        return fn

    return register


def figure(name: str) -> Callable[[Figure], Figure]:
    def register(fn: Figure) -> Figure:
        FIGURES[name] = fn
        return fn

    return register


_FIRST_DAYS: ContextVar[int | None] = ContextVar("cockpit_first_days", default=None)


@contextmanager
def first_days(days: int) -> Iterator[None]:
    """Read every query over the month's first `days` days only: last month's figures for the same days as the
    month under way, so that a month to date is compared with like."""
    token = _FIRST_DAYS.set(days)
    try:
        yield
    finally:
        _FIRST_DAYS.reset(token)


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    start = month.replace(day=1)
    end = (start + dt.timedelta(days=32)).replace(day=1)
    days = _FIRST_DAYS.get()
    if days is not None:
        end = min(end, start + dt.timedelta(days=days))
    return start, end


def month_span(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The month as aware datetimes (local time), for indexed range filters on datetime columns."""
    from django.utils import timezone

    start, end = month_bounds(month)
    tz = timezone.get_current_timezone()
    return (dt.datetime.combine(start, dt.time.min, tzinfo=tz), dt.datetime.combine(end, dt.time.min, tzinfo=tz))


def run_query(spec: str, community: Any, month: dt.date) -> float | None:
    name, _, argument = spec.partition(":")
    fn = QUERIES[name]
    value = fn(community, month, argument) if argument else fn(community, month)
    return None if value is None else round(float(value), 4)
