"""Validators shared by models, forms, API schemas and services."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext, gettext_lazy

from .errors import DomainError

WEB_SCHEMES = ["http", "https"]
WEB_URL_MESSAGE = gettext_lazy("Enter a web address that starts with http:// or https://.")

# A stored link is shown to residents as a link: only web addresses, never `javascript:`, `data:` or `vbscript:`.
web_url_validator = URLValidator(schemes=WEB_SCHEMES, message=WEB_URL_MESSAGE)


def is_web_url(value: Any) -> bool:
    if not isinstance(value, str) or not value:
        return False
    try:
        web_url_validator(value)
    except ValidationError:
        return False
    return True


def web_url_clean(value: str, *, field: str) -> str:
    """The link without surrounding blanks, or a `DomainError` on `field` if it is not an http(s) address."""
    value = (value or "").strip()
    if value and not is_web_url(value):
        raise DomainError(WEB_URL_MESSAGE, code="invalid_url", field=field)
    return value


class WebURLFormField(forms.URLField):
    """A form's link field that accepts http(s) addresses only (Django's own also takes ftp)."""

    default_validators = [web_url_validator]
    default_error_messages = {"invalid": WEB_URL_MESSAGE}


def web_url_schema_check(value: str) -> str:
    """For a pydantic `field_validator`: the stripped link, or a `ValueError` with the translated message."""
    value = (value or "").strip()
    if value and not is_web_url(value):
        raise ValueError(str(WEB_URL_MESSAGE))
    return value


def text_clean(value: Any, field: str, max_length: int, *, required: bool = True) -> str:
    """A service's text argument without surrounding blanks (anything not a string counts as empty), or a
    `DomainError` on `field` when it is required and empty or longer than `max_length`."""
    text = value.strip() if isinstance(value, str) else ""
    if required and not text:
        raise DomainError(gettext("This field is required."), field=field, code="required")
    if len(text) > max_length:
        raise DomainError(gettext("Enter at most %(n)s characters.") % {"n": max_length}, field=field, code="too_long")
    return text
