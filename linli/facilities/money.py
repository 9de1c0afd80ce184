"""Money is integer fen. Yuan appear only at the edges: forms, spreadsheets, pages."""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from linli.core.errors import DomainError


def yuan_to_fen(value: object, *, field: str = "price") -> int:
    """'10', '10.5', 3 → fen. Refuses negatives, more than two decimals and non-numbers, with a clear message."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return 0
    try:
        amount = Decimal(str(value).strip().replace("¥", "").replace("元", ""))
    except InvalidOperation:
        raise DomainError(_("Enter a price in yuan, e.g. 10 or 12.50."), field=field, code="invalid_price") from None
    if not amount.is_finite():
        raise DomainError(_("Enter a price in yuan, e.g. 10 or 12.50."), field=field, code="invalid_price")
    if amount < 0:
        raise DomainError(_("A price cannot be negative."), field=field, code="negative_price")
    fen = amount * 100
    if fen != fen.to_integral_value():
        raise DomainError(_("A price has at most two decimals (fen)."), field=field, code="invalid_price")
    return int(fen)


def fen_to_yuan(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(int(fen)), 100)
    return f"{sign}{whole}" if cents == 0 else f"{sign}{whole}.{cents:02d}"
