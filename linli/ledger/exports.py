"""Merchant settlement statements as Excel workbooks."""

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from linli.core.exports import append_row

from .codes import FundingCode
from .models import Settlement


def settlement_workbook(settlement: Settlement) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("Settlement")[:31]
    bold = Font(bold=True)
    rows = [
        (_("Merchant"), settlement.merchant.name),
        (_("Community"), settlement.community.name),
        (_("Settled at"), timezone.localtime(settlement.created_at).strftime("%Y-%m-%d %H:%M")),
        (_("Points accepted"), settlement.points),
        (_("Value of one point (fen)"), settlement.fen_per_point),
        (_("Amount owed (yuan)"), settlement.fen / 100),
        (_("Paid by"), str(FundingCode(settlement.funding_code).label)),
        (_("Ledger transaction"), settlement.transaction_id),
    ]
    for label, value in rows:
        append_row(ws, [label, value])
        ws.cell(row=ws.max_row, column=1).font = bold
    append_row(ws, [])
    header = [
        _("Order"),
        _("Redeemed at"),
        _("Product"),
        _("Quantity"),
        _("Resident's community"),
        _("Points"),
        _("Yuan"),
    ]
    append_row(ws, header)
    for cell in ws[ws.max_row]:
        cell.font = bold
    for order in settlement.orders.select_related("product", "resident__community").order_by("redeemed_at", "pk"):
        append_row(
            ws,
            [
                order.pk,
                timezone.localtime(order.redeemed_at).strftime("%Y-%m-%d %H:%M") if order.redeemed_at else "",
                order.product.name,
                order.quantity,
                order.resident.community.name,
                order.points,
                order.fen / 100,
            ],
        )
    for column, width in zip("ABCDEFG", (10, 18, 28, 8, 16, 10, 10), strict=True):
        ws.column_dimensions[column].width = width
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
