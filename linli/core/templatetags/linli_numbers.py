"""Numbers as people read them: `{{ n|grouped }}` writes 3015382 as 3,015,382 (Chinese and English pages alike)."""

from typing import Any

from django import template

register = template.Library()


@register.filter
def grouped(value: Any) -> str:
    """An integer (or a number with decimals) with thousands separators; anything else (None, "—") as it is."""
    if isinstance(value, bool) or value is None or value == "":
        return "" if value is None else str(value)
    try:
        number = float(value) if not isinstance(value, int) else value
    except (TypeError, ValueError):
        return str(value)
    if isinstance(number, int) or (number.is_integer() and "." not in str(value)):
        return f"{int(number):,}"
    decimals = len(str(value).split(".", 1)[1]) if "." in str(value) else 0
    return f"{number:,.{decimals}f}"
