"""Row locks taken on a batch of objects a service was handed."""

from collections.abc import Sequence
from typing import TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)


def locked_in_order(queryset: models.QuerySet[M], objects: Sequence[M]) -> list[M]:
    """`objects` read again from `queryset` with their rows locked (only the queryset's own table), in the given
    order. Call inside a transaction."""
    locked = {o.pk: o for o in queryset.select_for_update(of=("self",)).filter(pk__in=[o.pk for o in objects])}
    return [locked[o.pk] for o in objects]
