"""Exceptions raised by the planning core. Every message names the offending item."""

from __future__ import annotations


class PlanningError(Exception):
    """Base class of every error raised by :mod:`linli.planning.core`."""


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
