"""Deleting a place set up by mistake. The domains above places may own rows that a place gets when it is made
(the ledger's funding accounts of a new community): each registers, from its `AppConfig.ready`, a function that
removes those rows while they are still unused, so the deletion only counts what really refers to the place."""

from collections.abc import Callable
from typing import Any

_CLEARERS: dict[str, Callable[[Any], None]] = {}


def place_clearer_register(name: str, clear: Callable[[Any], None]) -> None:
    """`clear(place)` runs inside the deletion's transaction (rolled back with it when the deletion is refused)."""
    _CLEARERS[name] = clear


def place_clearers_run(place: Any) -> None:
    for name in sorted(_CLEARERS):
        _CLEARERS[name](place)
