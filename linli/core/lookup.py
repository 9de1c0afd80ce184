"""Looking up the one object a request names."""

from typing import TypeVar

from django.db import models
from django.utils.functional import Promise

from .errors import NotFound

M = TypeVar("M", bound=models.Model)


def first_or_not_found(queryset: models.QuerySet[M], message: str | Promise, *, code: str | None = None) -> M:
    """The queryset's first row; if it has none, `NotFound` with `message` (a 404 in views and the API)."""
    found = queryset.first()
    if found is None:
        raise NotFound(message, code=code)
    return found
