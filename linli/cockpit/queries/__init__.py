"""Importing this package registers every domain's named queries and figures."""

from . import care, community_life, consultation, facilities, ledger, people, planning, registry, reports  # noqa: F401
