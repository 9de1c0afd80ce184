"""Importing this package registers every domain's named queries and figures."""

from . import community_life, consultation, facilities, ledger, people, planning, registry, reports  # noqa: F401
