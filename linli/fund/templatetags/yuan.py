from django import template

from linli.facilities.money import fen_to_yuan

register = template.Library()


@register.filter
def yuan(fen: int | None) -> str:
    """Fen as yuan with thousands separators: 123456 → 1,234.56."""
    text = fen_to_yuan(int(fen or 0))
    whole, _sep, cents = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    digits = whole.lstrip("-")
    grouped = f"{int(digits):,}"
    return f"{sign}{grouped}" + (f".{cents}" if cents else "")
