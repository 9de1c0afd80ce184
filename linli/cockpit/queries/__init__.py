"""Importing this package registers every domain's named queries and figures."""

from . import consultation, facilities, ledger, people, planning, registry, reports  # noqa: F401
