"""The yearly volunteer certificate as a PDF (WeasyPrint, with the system's CJK font), and QR codes as SVG."""

from typing import Any

import segno
from django.template.loader import render_to_string
from django.utils import translation

from linli.core.pdf import pdf_from_html

from .models import Certificate


def qr_svg(data: str) -> str:
    """An inline SVG QR code (no XML declaration, scalable)."""
    return str(segno.make(data, error="m").svg_inline(scale=6, border=2, dark="#1d2b3a"))


def certificate_pdf(certificate: Certificate, *, verify_url: str = "") -> bytes:
    context: dict[str, Any] = {
        "cert": certificate,
        "hours": round(certificate.minutes / 60, 1),
        "qr": qr_svg(verify_url) if verify_url else "",
        "verify_url": verify_url,
    }
    with translation.override(translation.get_language() or "zh-hans"):
        html = render_to_string("volunteering/certificate.html", context)
    return pdf_from_html(html)
