"""Carrying out a deletion request (PIPL 第四十七条) beyond the register: the domains above people that keep
copies of a person's name or mobile number in their own records (a report's reporter name, a mediation case's
notes) register a hook from their `AppConfig.ready`. `data_request_approve` runs them in its transaction, before
the register record is anonymised; each keeps its records and clears only the copies."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from linli.accounts.models import User

from .models import Resident

MASK = "***"
# What an anonymised person is called, on the register and in the texts that named them (stored as data).
ANONYMISED = "已注销居民"


@dataclass(frozen=True)
class Person:
    """Who is being erased, as their records may spell them: the register name, every mobile number known."""

    resident: Resident
    account: User | None
    name: str
    mobiles: tuple[str, ...]

    def scrub(self, text: str, *, name_as: str) -> str:
        """The text with the person's name and mobile numbers replaced (a one-character name is left alone)."""
        if len(self.name) >= 2:
            text = text.replace(self.name, name_as)
        for mobile in self.mobiles:
            text = text.replace(mobile, MASK)
        return text


# hook(person=) -> how many records it cleared
ErasureHook = Callable[..., int]

_HOOKS: dict[str, ErasureHook] = {}


def erasure_hook_register(name: str, hook: ErasureHook) -> None:
    _HOOKS[name] = hook


def erasure_hooks_run(*, resident: Resident, account: User | None, mobiles: Iterable[str]) -> dict[str, int]:
    person = Person(
        resident=resident,
        account=account,
        name=resident.name.strip(),
        mobiles=tuple(sorted({m for m in mobiles if m and len(m) >= 7})),
    )
    return {name: _HOOKS[name](person=person) for name in sorted(_HOOKS)}
