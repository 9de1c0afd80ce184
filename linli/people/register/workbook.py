"""Writing the register's workbooks: the template (header, one example row, a sheet explaining each column) and
the export, in the same layout so that an exported file imports back unchanged. Cells go through
`linli.core.exports`, so nothing a user typed runs as a formula."""

import datetime as dt
import io
import re
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from linli.core import crypto
from linli.core.exports import append_row

from .. import idnumber
from . import layout

ROOM = re.compile(r"^(\d+)单元(.+)$")
WIDTHS = {"name": 10, "id_number": 22, "birth_date": 12, "mobile": 14, "hukou_address": 30, "note": 30}


def example_row() -> list[Any]:
    values: dict[str, Any] = {c.key: c.example for c in layout.COLUMNS}
    values["id_number"] = idnumber.make_id_number("330109", dt.date(1950, 3, 8), 2)
    values["birth_date"] = dt.date(1950, 3, 8)
    return [values[c.key] for c in layout.COLUMNS]


def register_workbook(rows: Iterable[list[Any]], *, example: bool = False) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "人口信息"
    append_row(sheet, [c.header for c in layout.COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for i, column in enumerate(layout.COLUMNS, start=1):
        letter = sheet.cell(row=1, column=i).column_letter
        sheet.column_dimensions[letter].width = WIDTHS.get(column.key, 10)
    if example:
        append_row(sheet, example_row())
    for row in rows:
        append_row(sheet, row)
    for i, column in enumerate(layout.COLUMNS, start=1):
        if column.key in ("birth_date", "moved_in_on", "moved_out_on"):
            for (cell,) in sheet.iter_rows(min_row=2, min_col=i, max_col=i):
                cell.number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"
    notes = book.create_sheet("填写说明")
    append_row(notes, [_("Column"), _("Other headers accepted"), _("What to write")])
    for column in layout.COLUMNS:
        others = "、".join(s for s in column.synonyms if s != column.header)
        append_row(notes, [column.header, others, str(column.help)])
    notes.column_dimensions["A"].width = 14
    notes.column_dimensions["B"].width = 36
    notes.column_dimensions["C"].width = 80
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def template_workbook() -> bytes:
    return register_workbook([], example=True)


def export_row(resident: Any, *, reveal: bool, birth_date: bool) -> list[Any]:
    household = resident.household
    building = household.building if household else None
    unit, room = "", ""
    if household:
        match = ROOM.match(household.unit)
        unit, room = (match[1], match[2]) if match else ("", household.unit)
    tags = [t.name_zh for t in resident.tags.all()]
    categories = (["党员"] if resident.is_party_member else []) + sorted(tags)
    number = (
        crypto.decrypt(resident.id_number_encrypted)
        if reveal and resident.id_number_encrypted
        else resident.id_number_masked
    )
    values = {
        "name": resident.name,
        "id_number": number,
        "sex": {"M": "男", "F": "女"}.get(resident.sex, ""),
        "birth_date": resident.birth_date if birth_date else None,
        "mobile": resident.mobile,
        "neighbourhood": building.neighbourhood.name if building and building.neighbourhood else "",
        "building": building.name if building else "",
        "unit": unit,
        "room": room,
        "is_owner": "是" if resident.is_owner else "否",
        "relation": layout.RELATION_EXPORT.get(resident.relation_to_head, ""),
        "residence": layout.RESIDENCE_EXPORT.get(resident.residence, ""),
        "hukou_address": resident.hukou_address,
        "categories": "、".join(categories),
        "status": "迁出" if resident.moved_out_on else "在册",
        "moved_in_on": resident.moved_in_on,
        "moved_out_on": resident.moved_out_on,
        "note": resident.note,
    }
    return [values[c.key] for c in layout.COLUMNS]
