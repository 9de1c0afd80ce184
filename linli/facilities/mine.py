"""The lists on "my bookings" besides the facility bookings. Each service run in a facility (canteen, courses,
childcare) registers its own list from its `AppConfig.ready`, so facilities, below them, never imports them."""

from collections.abc import Callable
from typing import Any

_LISTS: dict[str, tuple[Callable[..., Any], int]] = {}


def mine_list_register(name: str, rows_of_user: Callable[..., Any], *, limit: int) -> None:
    """`rows_of_user(user=, members=)` gives the rows of the user's household and the elders they help (`members`,
    looked up once by the page), newest first; the page shows the first `limit`."""
    _LISTS[name] = (rows_of_user, limit)


def mine_lists(*, user: Any, members: list[Any]) -> dict[str, Any]:
    return {name: rows_of_user(user=user, members=members)[:limit] for name, (rows_of_user, limit) in _LISTS.items()}
