"""Prices as residents read them: yuan with two decimals and thousands separators, then points."""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def yuan(fen: int | None) -> str:
    """Integer fen as yuan: 500 → ¥5.00, 123456 → ¥1,234.56, -50 → -¥0.50."""
    fen = int(fen or 0)
    whole, cents = divmod(abs(fen), 100)
    return f"{'-' if fen < 0 else ''}¥{whole:,}.{cents:02d}"


def points_text(points: int) -> str:
    return ngettext("%(n)s point", "%(n)s points", points) % {"n": f"{points:,}"}


def price_text(points: int, fen: int) -> str:
    """What a product costs: ¥5.00 + 5 积分, ¥5.00, or 5 积分; "free" when both are 0."""
    parts = ([yuan(fen)] if fen else []) + ([points_text(points)] if points else [])
    return " + ".join(parts) if parts else _("free")


def price_of(thing: Any) -> str:
    """A product's price (price_points, price_fen) or an order's (points, fen)."""
    if hasattr(thing, "price_points"):
        return price_text(thing.price_points, thing.price_fen)
    return price_text(thing.points, thing.fen)
