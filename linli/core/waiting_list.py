"""Places counted against a capacity, and the waiting list some keep behind them: course seats, time-slot
bookings, volunteer sign-ups, canteen meals and childcare places. The caller has locked the row that counts the
places taken (`holder`), so two requests never take the last place together; the count changes in the database and
on the instance alike."""

from typing import TypeVar

from django.db.models import F, Model, QuerySet

M = TypeVar("M", bound=Model)


def place_take(holder: Model, *, taken: str, capacity: int) -> bool:
    """Take one place when one is free (the count `taken` goes up by one); False when all are taken."""
    if getattr(holder, taken) >= capacity:
        return False
    type(holder)._default_manager.filter(pk=holder.pk).update(**{taken: F(taken) + 1})
    setattr(holder, taken, getattr(holder, taken) + 1)
    return True


def places_take(holder: Model, *, taken: str, capacity: int, count: int) -> int:
    """Take up to `count` places at once, as many as are free (one update for a whole list); returns how many."""
    free = max(0, min(count, capacity - getattr(holder, taken)))
    if free:
        type(holder)._default_manager.filter(pk=holder.pk).update(**{taken: F(taken) + free})
        setattr(holder, taken, getattr(holder, taken) + free)
    return free


def place_give_back(holder: Model, *, taken: str) -> None:
    """Give one place back (the count `taken` goes down by one)."""
    type(holder)._default_manager.filter(pk=holder.pk).update(**{taken: F(taken) - 1})
    setattr(holder, taken, getattr(holder, taken) - 1)


def first_waiting(waiting: QuerySet[M]) -> M | None:
    """The first in line of a waiting list (the earliest entry), locked for the caller to move up."""
    return waiting.select_for_update(of=("self",)).order_by("created_at", "pk").first()
