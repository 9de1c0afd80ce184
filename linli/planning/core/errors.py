"""Exceptions raised by the planning core. Every message names the offending item.

A message may be a :class:`Message`: English text that also keeps its template and
parameters, so that a caller with a translation catalogue (the pages, ``linli plan
--lang``) can show it in the user's language. The core itself stays free of Django.
"""

from __future__ import annotations

from typing import Any


class Message(str):
    """English text made from ``template % params``, keeping both for translation.

    Parameters that are themselves messages (e.g. the kind of a point, "building")
    are translated too.
    """

    template: str
    params: dict[str, Any]

    def __new__(cls, template: str, /, **params: Any) -> Message:
        self = super().__new__(cls, template % params if params else template)
        self.template = template
        self.params = params
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (self.template, self.params))

    def as_dict(self) -> dict[str, Any]:
        """JSON-serialisable form: the English text, the template and the parameters."""
        return {
            "text": str(self),
            "template": self.template,
            "params": {k: v.as_dict() if isinstance(v, Message) else v for k, v in self.params.items()},
        }


def _rebuild(template: str, params: dict[str, Any]) -> Message:
    return Message(template, **params)


class PlanningError(Exception):
    """Base class of every error raised by :mod:`linli.planning.core`."""

    @property
    def message(self) -> str:
        """The message (a :class:`Message` when it can be translated)."""
        return self.args[0] if self.args and isinstance(self.args[0], str) else str(self)


class InputError(PlanningError):
    """An input file or value is malformed (bad GeoJSON, missing property...)."""


class NetworkError(PlanningError):
    """The walking network cannot be built or used."""


class EmptyNetworkError(NetworkError):
    """No walkable way was found in the network input."""


class SnapError(PlanningError):
    """A point is farther from the walking network than the allowed snap distance."""


class RulesError(PlanningError):
    """The rules file is invalid."""


class SolverError(PlanningError):
    """The optimisation solver failed to produce an answer."""
