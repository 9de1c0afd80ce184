"""Redemption codes as QR codes, drawn as inline SVG (no image files, nothing from a CDN)."""

import segno
from django.utils.safestring import SafeString, mark_safe


def qr_svg(code: str) -> SafeString:
    """The code as an SVG QR code; it holds only the code, which the merchant can also type."""
    svg = segno.make(code, error="m").svg_inline(scale=8, border=2, dark="#000", light="#fff", omitsize=True)
    return mark_safe(svg)
