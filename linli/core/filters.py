"""The filters of a list page come from a GET form. A filter that cannot be read is refused with its reason — a
`DomainError` (a 400 page or API error in the user's language) — never silently dropped or turned into a crash."""

from typing import Any

from django import forms
from django.utils.translation import gettext as _

from .errors import DomainError


def cleaned_filters(form: forms.Form) -> dict[str, Any]:
    """The form's cleaned values ({} for an unbound form: no filter chosen), or a `DomainError` naming the first
    invalid field. A NUL character anywhere gets the same message and code as everywhere else on the site."""
    if not form.is_bound:
        return {}
    if form.is_valid():
        return form.cleaned_data
    errors = form.errors.as_data()
    if any(e.code == "null_characters_not_allowed" for field_errors in errors.values() for e in field_errors):
        raise DomainError(_("Text may not contain the NUL character."), code="nul_character")
    field, field_errors = next(iter(errors.items()))
    message = field_errors[0].messages[0]
    label = form.fields[field].label if field in form.fields else None
    raise DomainError(f"{label}: {message}" if label else message, code="invalid_filter", field=field)
