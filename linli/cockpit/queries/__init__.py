"""Importing this package registers every domain's named queries and figures."""

from . import (  # noqa: F401
    care,
    community_life,
    consultation,
    facilities,
    ledger,
    people,
    planning,
    registry,
    reports,
    waste,
)
