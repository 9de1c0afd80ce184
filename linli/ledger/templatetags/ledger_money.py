from typing import Any

from django import template

from linli.ledger import money

register = template.Library()


@register.filter
def yuan(fen: int | None) -> str:
    """{{ fen|yuan }} → ¥1,234.50"""
    return money.yuan(fen)


@register.filter
def price(thing: Any) -> str:
    """{{ product|price }} or {{ order|price }} → ¥5.00 + 5 积分"""
    return money.price_of(thing)
