"""Every CSV and Excel export writes its cells through here, so text a user typed never runs as a formula.

A spreadsheet treats text that starts with `=`, `+`, `-` or `@` (or a tab or carriage return before one) as a
formula: a matter titled `=HYPERLINK("http://x","y")` would become a live link in the street office's copy.
Such text gets a leading single quote (the OWASP recommendation) and, in a workbook, is stored as a text cell.
Numbers, dates and empty cells are written as they are; only text is neutralised.
"""

import csv
from collections.abc import Iterable
from typing import Any

from django.utils.functional import Promise
from openpyxl.cell import Cell

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe_cell(value: Any) -> Any:
    """The value to write in a cell: text that a spreadsheet would evaluate gets a leading `'`; the rest as is."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(v) for v in values]


def unquote_cell(value: Any) -> Any:
    """Undo `safe_cell` when a workbook this project wrote is read back (the register's round trip)."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def append_row(ws: Any, values: Iterable[Any]) -> None:
    """`ws.append(values)` for an openpyxl worksheet, with every text cell written as text, never as a formula."""
    ws.append([_text_cell(ws, v) if isinstance(v, str) else v for v in safe_row(values)])


def _text_cell(ws: Any, value: str) -> Cell:
    cell = Cell(ws, value=value)
    cell.data_type = "s"
    return cell


def append_rows(ws: Any, rows: Iterable[Iterable[Any]]) -> None:
    for row in rows:
        append_row(ws, row)


class SafeWriter:
    """A `csv.writer` whose rows go through `safe_cell`."""

    def __init__(self, stream: Any, **kwargs: Any) -> None:
        self._writer = csv.writer(stream, **kwargs)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow(safe_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(stream: Any, **kwargs: Any) -> SafeWriter:
    return SafeWriter(stream, **kwargs)
