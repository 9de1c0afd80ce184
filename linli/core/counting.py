"""Counting rows by the value of one column, in one grouped query."""

from typing import Any

from django.db.models import Count, QuerySet


def count_by(queryset: QuerySet[Any], field: str) -> dict[Any, int]:
    """How many rows of `queryset` have each value of `field` (values without a row are not keys)."""
    return dict(queryset.order_by().values(field).annotate(n=Count("pk")).values_list(field, "n"))
