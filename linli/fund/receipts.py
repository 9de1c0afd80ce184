"""A donation's receipt as a PDF (WeasyPrint with the system's CJK font), from the same template as the page."""

from django.template.loader import render_to_string

from .models import Donation


def receipt_pdf(donation: Donation) -> bytes:
    from weasyprint import HTML

    html = render_to_string("fund/receipt_pdf.html", {"donation": donation, "community": donation.community})
    return bytes(HTML(string=html).write_pdf())
