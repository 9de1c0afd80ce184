"""Evidence shown on another domain's page without that domain importing the one that supplies it.

A higher domain registers a provider for a kind of object ("consultation.matter"); the lower domain's page asks
`evidence_for(user, kind, obj)` and shows what comes back (a title, lines of summary, a link if the user may open
it). The layers stay as they are: only this module is shared."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser


@dataclass(frozen=True)
class Evidence:
    title: str
    lines: list[str] = field(default_factory=list)
    url: str = ""
    source: str = ""


Provider = Callable[[Any, Any], list[Evidence]]
_providers: dict[str, list[Provider]] = {}


def evidence_register(kind: str, provider: Provider) -> None:
    found = _providers.setdefault(kind, [])
    if provider not in found:
        found.append(provider)


def evidence_for(user: "AbstractBaseUser | AnonymousUser", kind: str, obj: Any) -> list[Evidence]:
    out: list[Evidence] = []
    for provider in _providers.get(kind, []):
        out.extend(provider(user, obj))
    return out
