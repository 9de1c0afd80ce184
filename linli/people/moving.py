"""What else ends when a resident moves out (迁出). The domains above people (facility bookings, canteen orders,
course enrolments…) register a hook from their `AppConfig.ready`; `resident_move_out` runs them in its transaction,
before the resident stops being current, so each domain cancels through its own service and rules."""

import datetime as dt
from collections.abc import Callable

from linli.accounts.types import Actor

from .models import Resident

# hook(actor=, resident=, now=) -> one line per thing it cancelled, in the user's language
MoveOutHook = Callable[..., list[str]]

_HOOKS: dict[str, MoveOutHook] = {}


def move_out_hook_register(name: str, hook: MoveOutHook) -> None:
    _HOOKS[name] = hook


def move_out_hooks_run(*, actor: Actor, resident: Resident, now: dt.datetime) -> list[str]:
    lines: list[str] = []
    for name in sorted(_HOOKS):
        lines += _HOOKS[name](actor=actor, resident=resident, now=now)
    return lines
