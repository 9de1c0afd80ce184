"""The demo's shared state, here at the bottom so every domain's `demo.py` step can take it."""

import datetime as dt
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
    # The demo's "now": the start of `today` (local time), not the wall clock, so that two builds of the same seed on
    # the same day give the same rows whatever the hour, and nothing the demo writes lies in the future of a build.
    now: Any = None
    street: Any = None
    communities: list[Any] = field(default_factory=list)
    users: dict[str, Any] = field(default_factory=dict)
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # (role, mobile, where)
    password: str = "linli2026"
    password_hash: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.now is None:
            from django.utils import timezone

            self.now = timezone.make_aware(dt.datetime.combine(self.today, dt.time.min))
