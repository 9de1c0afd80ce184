from django import template

from linli.facilities.money import fen_to_yuan

register = template.Library()


@register.filter
def yuan(fen: int | None) -> str:
    """Integer fen as yuan: 1000 → 10, 1050 → 10.50."""
    return "—" if fen is None else f"¥{fen_to_yuan(fen)}"
