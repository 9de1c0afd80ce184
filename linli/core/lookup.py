"""Finding the one row a page or request names."""

from typing import TypeVar

from django.db.models import Model, QuerySet
from django.utils.functional import Promise

from .errors import NotFound

M = TypeVar("M", bound=Model)


def first_or_not_found(qs: QuerySet[M], message: str | Promise, *, field: str | None = None) -> M:
    """The first row of `qs`; none is a `NotFound` saying `message` (about the request's `field`, if given)."""
    found = qs.first()
    if found is None:
        raise NotFound(message, field=field)
    return found
