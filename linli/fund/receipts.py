"""A donation's receipt as a PDF (WeasyPrint with the project's CJK font), from the same template as the page."""

from django.template.loader import render_to_string

from linli.core.pdf import pdf_from_html

from .models import Donation


def receipt_pdf(donation: Donation) -> bytes:
    html = render_to_string("fund/receipt_pdf.html", {"donation": donation, "community": donation.community})
    return pdf_from_html(html)
