"""The monthly subsidy statement as an Excel workbook: one row per charged meal, a total that equals the charges."""

import io

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Font

from linli.core.exports import append_row

from .models import Payer
from .selectors import Statement

YUAN = "0.00"


def statement_xlsx(statement: Statement) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = pgettext("canteen settlement", "Statement")[:31]
    append_row(ws, [_("Monthly canteen subsidy statement")])
    ws["A1"].font = Font(bold=True, size=14)
    append_row(ws, [_("Community"), statement.community.name])
    append_row(ws, [_("Payer"), str(Payer(statement.payer).label), statement.payer])
    append_row(ws, [_("Month"), f"{statement.year}-{statement.month:02d}"])
    append_row(ws, [])
    header = [_("Date"), _("Meal"), _("Diner"), _("Age"), _("Rule"), _("Amount (yuan)"), _("Reference")]
    append_row(ws, header)
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    first_data = ws.max_row + 1
    for c in statement.charges:
        order = c.order
        append_row(
            ws,
            [
                c.day,
                str(order.menu.get_meal_display()),
                order.resident.name,
                order.age,
                order.rule.label if order.rule else _("List price"),
                c.amount_fen / 100,
                c.key,
            ],
        )
        ws.cell(ws.max_row, 1).number_format = "yyyy-mm-dd"
        ws.cell(ws.max_row, 6).number_format = YUAN
    last_data = ws.max_row
    append_row(ws, [])
    total_row = [_("Total"), "", "", "", _("%(n)s meals") % {"n": statement.meals}, statement.total_fen / 100]
    append_row(ws, total_row)
    ws.cell(ws.max_row, 6).number_format = YUAN
    ws.cell(ws.max_row, 1).font = Font(bold=True)
    if last_data >= first_data:
        ws.cell(ws.max_row, 8, f"=SUM(F{first_data}:F{last_data})").number_format = YUAN
    summary = wb.create_sheet(_("By rule")[:31])
    append_row(summary, [_("Rule"), _("Meals"), _("Amount (yuan)")])
    for label, (meals, fen) in statement.by_rule.items():
        append_row(summary, [label, meals, fen / 100])
    for sheet in (ws, summary):
        for col, width in zip("ABCDEFGH", (12, 10, 12, 6, 16, 14, 28, 12), strict=True):
            sheet.column_dimensions[col].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
