"""The demo's shared state, here at the bottom so every domain's `demo.py` step can take it."""

from collections.abc import Callable
from dataclasses import dataclass, field
from random import Random
from typing import Any


@dataclass
class DemoContext:
    """What the steps share: the seed's random source, the places made so far, and the logins to print."""

    seed: int
    random: Random
    today: Any
    progress: Callable[[str], None]
    street: Any = None
    communities: list[Any] = field(default_factory=list)
    users: dict[str, Any] = field(default_factory=dict)
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # (role, mobile, where)
    password: str = "linli2026"
    password_hash: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
