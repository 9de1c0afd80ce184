"""Exported cells: text a spreadsheet would evaluate is written as inert text; numbers stay numbers."""

import csv
import io

import pytest
from openpyxl import Workbook, load_workbook

from linli.core.exports import append_row, csv_writer, safe_cell, unquote_cell

PAYLOAD = '=HYPERLINK("http://x","y")'


@pytest.mark.parametrize("text", [PAYLOAD, "+1+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1", "=1"])
def test_text_that_a_spreadsheet_would_evaluate_gets_a_leading_quote(text):
    assert safe_cell(text) == "'" + text
    assert unquote_cell(safe_cell(text)) == text


@pytest.mark.parametrize("value", [-1, -1.5, 0, 12, None, "", "市北社区", "a=b", "'quoted", "1-1"])
def test_numbers_and_harmless_text_stay_as_they_are(value):
    assert safe_cell(value) == value
    assert unquote_cell(value) == value


def test_workbook_rows_are_text_cells_and_numbers_stay_numbers():
    wb = Workbook()
    append_row(wb.active, [PAYLOAD, -3, 2.5, "-1+1", "plain"])
    buffer = io.BytesIO()
    wb.save(buffer)
    cells = next(load_workbook(io.BytesIO(buffer.getvalue())).active.iter_rows())
    assert [c.data_type for c in cells] == ["s", "n", "n", "s", "s"]
    assert [c.value for c in cells] == ["'" + PAYLOAD, -3, 2.5, "'-1+1", "plain"]


def test_csv_rows_are_neutralised():
    out = io.StringIO()
    csv_writer(out).writerows([[PAYLOAD, -3, "ok"]])
    assert next(csv.reader(io.StringIO(out.getvalue()))) == ["'" + PAYLOAD, "-3", "ok"]


def test_every_export_in_the_project_writes_through_the_helper():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    offenders = []
    for path in root.rglob("*.py"):
        if (
            "tests" in path.parts
            or "migrations" in path.parts
            or (path.name == "exports.py" and path.parent.name == "core")
        ):
            continue
        text = path.read_text()
        if "csv.writer(" in text or "csv.DictWriter(" in text:
            offenders.append(f"{path.relative_to(root)}: csv.writer instead of linli.core.exports.csv_writer")
        if "Workbook(" in text and "append_row" not in text and "sheet_added(" not in text:
            offenders.append(f"{path.relative_to(root)}: a workbook written without linli.core.exports.append_row")
    assert offenders == []
