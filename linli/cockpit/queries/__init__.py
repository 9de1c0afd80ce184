"""Importing this package registers every domain's named queries and figures."""

from . import facilities, people, planning, registry  # noqa: F401
