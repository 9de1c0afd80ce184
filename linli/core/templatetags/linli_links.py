"""`{{ value|web_url }}`: a stored link, or "" when it is not an http(s) address, so it is never rendered as a link."""

from typing import Any

from django import template

from linli.core.validators import is_web_url

register = template.Library()


@register.filter
def web_url(value: Any) -> str:
    return value if is_web_url(value) else ""
