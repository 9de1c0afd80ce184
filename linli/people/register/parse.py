"""Reading a resident register workbook (.xlsx or .csv) into checked rows. Pure: reads the file, never the database.

Design (issue #17):
- Row numbers are the spreadsheet's own (what the clerk sees at the left of Excel; for a CSV the line's record
  number). Column names in refusals are the file's own header text.
- The header is the row among the first 15 with the most recognised column names (title rows above it are
  skipped); a second header row under it (a grouped "居住地址" over 小区/楼栋/单元/室号) is merged in. Unknown
  columns are ignored; of two columns meaning the same thing the first wins.
- Merged cells take the value of their top-left cell in every row they span (一户一档 merges the address of a
  household's members). Rows with every cell empty are skipped.
- The register is keyed by ID number: a row without one is refused (matching a person by name and birth date would
  silently merge namesakes). The same ID number twice in a file refuses every row that carries it.
- Reasons are translated in the active language when the file is read.
"""

import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from linli.core.errors import DomainError
from linli.core.exports import unquote_cell

from .. import idnumber
from . import layout

HEADER_SCAN_ROWS = 15
MAX_ROWS = 100_000
MOBILE = re.compile(r"^1[3-9]\d{9}$")
SCIENTIFIC = re.compile(r"^\d+(\.\d+)?E\+?\d+$", re.IGNORECASE)
DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
DATE_DIGITS = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
BUILDING_NUMBER = re.compile(r"^0*(\d+)\s*(幢|栋|号楼|号|座|楼|栋楼|幢楼)?$")
UNIT_NUMBER = re.compile(r"^0*(\d+)\s*(单元)?$")
CATEGORY_SPLIT = re.compile(r"[、，,;；/\s]+")
EXCEL_EPOCH = dt.date(1899, 12, 30)
MERGE_CELL = re.compile(r'<(?:\w+:)?mergeCell\s+ref="([A-Z]+\d+:[A-Z]+\d+)"')


class RegisterFileError(DomainError):
    """The file as a whole cannot be read as a register (not a workbook, no header row…)."""

    code = "bad_register_file"


@dataclass
class Row:
    number: int
    values: dict[str, Any] = field(default_factory=dict)
    problems: list[tuple[str, str]] = field(default_factory=list)

    def refuse(self, key: str, reason: str) -> None:
        self.problems.append((key, reason))

    def day(self, cells: Mapping[str, Any], key: str, not_a_date: str) -> dt.date | None:
        """The date in the cell `key`; None when it is empty, or not a date (then refused, saying `not_a_date`)."""
        try:
            return parse_day(cells[key])
        except ValueError:
            self.refuse(key, not_a_date)
            return None

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class Parsed:
    headers: dict[str, str]  # column key → the file's header text
    rows: list[Row]

    def header(self, key: str) -> str:
        return self.headers.get(key) or layout.BY_KEY[key].header


# --- reading the grid -------------------------------------------------------------------------------------


def read_grid(content: bytes, filename: str) -> list[tuple[int, list[Any]]]:
    """(row number, cell values) of the first sheet, merged cells filled in."""
    name = filename.lower()
    if name.endswith(".csv"):
        return _read_csv(content)
    if name.endswith((".xlsx", ".xlsm")):
        return _read_xlsx(content)
    raise RegisterFileError(_("Upload an Excel workbook (.xlsx) or a CSV file."), field="file")


def _read_csv(content: bytes) -> list[tuple[int, list[Any]]]:
    for encoding in ("utf-8-sig", "gb18030"):  # Excel in China saves CSV as GBK
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise RegisterFileError(_("This CSV file is neither UTF-8 nor GBK text."), field="file")
    return [(n, list(cells)) for n, cells in enumerate(csv.reader(io.StringIO(text)), start=1)]


def _read_xlsx(content: bytes) -> list[tuple[int, list[Any]]]:
    """openpyxl's read-only mode (several times faster on 20,000 rows), which does not report merged cells: their
    ranges are read from the sheet's XML."""
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.cell import range_boundaries

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        grid: list[list[Any]] = []
        for cells in sheet.iter_rows(values_only=True):
            grid.append(list(cells))
            if len(grid) > MAX_ROWS + HEADER_SCAN_ROWS:
                raise RegisterFileError(
                    _("At most %(n)s rows can be imported at once.") % {"n": MAX_ROWS}, field="file"
                )
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            # openpyxl names the sheet's part only privately; the path is inside the workbook the user sent
            xml = archive.read(sheet._worksheet_path).decode("utf-8", "replace")
        workbook.close()
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, IndexError):
        raise RegisterFileError(_("This file cannot be opened as an Excel workbook (.xlsx)."), field="file") from None
    for ref in MERGE_CELL.findall(xml):
        min_col, min_row, max_col, max_row = range_boundaries(ref)
        if min_row > len(grid):
            continue
        top = grid[min_row - 1][min_col - 1] if min_col <= len(grid[min_row - 1]) else None
        for r in range(min_row - 1, min(max_row, len(grid))):
            row = grid[r]
            if len(row) < max_col:
                row.extend([None] * (max_col - len(row)))
            for c in range(min_col - 1, max_col):
                row[c] = top
    return list(enumerate(grid, start=1))


# --- cells ------------------------------------------------------------------------------------------------


def text(value: Any) -> str:
    """A cell as tidy text: full-width letters and digits folded, surrounding spaces gone."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    return unicodedata.normalize("NFKC", str(unquote_cell(value))).strip()


def parse_day(value: Any) -> dt.date | None:
    """A date cell: an Excel date, or text as 1949-03-05, 1949/3/5, 1949.03.05, 1949年3月5日 or 19490305.
    None when empty; ValueError when it is not a date."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = int(value)
        if 10_000_000 <= number <= 99_991_231:
            value = str(number)
        elif 1 <= number < 80_000:  # an Excel serial day that lost its date format
            return EXCEL_EPOCH + dt.timedelta(days=number)
        else:
            raise ValueError(value)
    raw = text(value)
    if not raw:
        return None
    raw = re.split(r"[ T]", raw, maxsplit=1)[0]  # "1949-03-05 00:00:00" from a CSV
    match = DATE_TEXT.match(raw) or DATE_DIGITS.match(raw)
    if not match:
        raise ValueError(raw)
    return dt.date(int(match[1]), int(match[2]), int(match[3]))


def _clean_id(row: Row, value: Any) -> None:
    if isinstance(value, float) or (isinstance(value, int) and len(str(value)) != 18):
        row.refuse(
            "id_number",
            _(
                "Excel stored this ID number as a number and lost its last digits: format the column as text "
                "and type the number again."
            ),
        )
        return
    raw = re.sub(r"[\s\-]", "", text(value))
    if not raw:
        row.refuse("id_number", _("The ID number is missing: the register is kept by ID number."))
        return
    if SCIENTIFIC.match(raw):
        row.refuse(
            "id_number",
            _(
                "Excel shows this ID number in scientific notation (%(value)s) and has lost its last digits: "
                "format the column as text and type the number again."
            )
            % {"value": raw},
        )
        return
    number = idnumber.normalise(raw)
    try:
        idnumber.validate_id_number(number)
    except ValidationError as exc:
        row.refuse("id_number", str(exc.messages[0]))
        return
    row.values["id_number"] = number


def _clean(row: Row, cells: Mapping[str, Any], tags: Mapping[str, str], today: dt.date) -> None:
    name = text(cells.get("name"))
    if not name:
        row.refuse("name", _("The name is missing."))
    elif len(name) > 40:
        row.refuse("name", _("A name has at most 40 characters."))
    row.values["name"] = name
    _clean_id(row, cells.get("id_number"))
    number = row.values.get("id_number")

    sex_text = text(cells.get("sex")).lower()
    sex = {"男": "M", "男性": "M", "m": "M", "male": "M", "女": "F", "女性": "F", "f": "F", "female": "F"}.get(sex_text)
    if sex_text and sex is None:
        row.refuse("sex", _("Write the sex as 男 or 女."))
    if number:
        id_sex = "M" if int(number[16]) % 2 else "F"
        if sex and sex != id_sex:
            row.refuse("sex", _("The sex does not agree with the ID number."))
        row.values["sex"] = id_sex

    if "birth_date" in cells:
        birth = row.day(cells, "birth_date", _("This is not a date: write it as 1950-03-08."))
        if birth and number and birth != idnumber.birth_date_of(number):
            row.refuse("birth_date", _("The birth date does not agree with the ID number."))
    if number:
        birth = idnumber.birth_date_of(number)
        if birth > today or birth.year < 1900:
            row.refuse("id_number", _("The birth date inside this ID number is not possible."))
        row.values["birth_date"] = birth

    if "mobile" in cells:
        mobile = re.sub(r"[\s\-()（）.]", "", text(cells["mobile"]))
        for prefix in ("+86", "0086", "86"):
            if mobile.startswith(prefix) and len(mobile) == len(prefix) + 11:
                mobile = mobile[len(prefix) :]
        if mobile and not MOBILE.match(mobile):
            row.refuse("mobile", _("This is not a mainland China mobile number (11 digits starting with 1)."))
        row.values["mobile"] = mobile

    for key in ("neighbourhood", "building", "unit", "room"):
        if key in cells:
            row.values[key] = text(cells[key])

    if "relation" in cells:
        word = text(cells["relation"])
        relation = layout.RELATION_WORDS.get(word, "") if word else ""
        if word and not relation:
            row.refuse(
                "relation", _("Unknown relation “%(value)s”: use 户主, 配偶, 子女, 父母… or 其他.") % {"value": word}
            )
        row.values["relation"] = relation

    if "is_owner" in cells:
        word = text(cells["is_owner"]).lower()
        if word not in layout.YES_WORDS | layout.NO_WORDS:
            row.refuse("is_owner", _("Write 是 or 否."))
        row.values["is_owner"] = word in layout.YES_WORDS

    if "residence" in cells:
        word = text(cells["residence"])
        residence = layout.RESIDENCE_WORDS.get(word, "consistent" if not word else "")
        if not residence:
            row.refuse("residence", _("Write 人户一致, 人在户不在 or 户在人不在."))
        row.values["residence"] = residence

    for key, limit in (("hukou_address", 200), ("note", 500)):
        if key in cells:
            value = text(cells[key])
            if len(value) > limit:
                row.refuse(key, _("At most %(n)s characters.") % {"n": limit})
            row.values[key] = value

    if "categories" in cells:
        party = False
        codes: set[str] = set()
        for word in CATEGORY_SPLIT.split(text(cells["categories"])):
            if not word:
                continue
            if word in layout.PARTY_WORDS:
                party = True
            elif word in tags:
                codes.add(tags[word])
            else:
                row.refuse("categories", _("Unknown category “%(value)s”.") % {"value": word})
        row.values["is_party_member"] = party
        row.values["tags"] = sorted(codes)

    if "status" in cells:
        word = text(cells["status"])
        if word in layout.STATUS_MOVED_OUT:
            row.values["moved_out"] = True
        elif word in layout.STATUS_PRESENT:
            row.values["moved_out"] = False
        else:
            row.refuse("status", _("Write 在册, or 迁出 for a person who has moved out."))
    moved_in = None
    if "moved_in_on" in cells:
        moved_in = row.day(cells, "moved_in_on", _("This is not a date: write it as 2026-03-08."))
        if moved_in and moved_in > today:
            row.refuse("moved_in_on", _("A moving-in date cannot be in the future."))
        birth = row.values.get("birth_date")
        if moved_in and birth and moved_in < birth:
            row.refuse("moved_in_on", _("The moving-in date is before the birth date."))
        row.values["moved_in_on"] = moved_in
    if "moved_out_on" in cells:
        moved = row.day(cells, "moved_out_on", _("This is not a date: write it as 2026-03-08."))
        if moved and moved > today:
            row.refuse("moved_out_on", _("A moving-out date cannot be in the future."))
        if moved and moved_in and moved < moved_in:
            row.refuse("moved_out_on", _("The moving-out date is before the moving-in date."))
        row.values["moved_out_on"] = moved
        row.values.setdefault("moved_out", moved is not None)
        if moved is not None:
            row.values["moved_out"] = True


# --- the file ---------------------------------------------------------------------------------------------


def _recognise(cells: Iterable[Any]) -> dict[int, str]:
    found: dict[int, str] = {}
    for i, cell in enumerate(cells):
        key = layout.SYNONYMS.get(layout.header_key(text(cell))) if cell is not None else None
        if key and key not in found.values():
            found[i] = key
    return found


def _find_header(grid: list[tuple[int, list[Any]]]) -> tuple[int, dict[int, str], dict[int, str]]:
    """(index in grid of the first data row, column index → key, column index → header text)."""
    best: dict[int, str] = {}
    best_at = -1
    for i, (_number, cells) in enumerate(grid[:HEADER_SCAN_ROWS]):
        found = _recognise(cells)
        if len(found) > len(best) and set(layout.REQUIRED) & set(found.values()):
            best, best_at = found, i
    if best_at < 0:
        raise RegisterFileError(
            _("No header row found: the first rows should name the columns, such as 姓名 and 公民身份号码."),
            field="file",
        )
    texts = {i: text(grid[best_at][1][i]) for i in best}
    start = best_at + 1
    if start < len(grid):
        below = _recognise(grid[start][1])
        extra = {i: k for i, k in below.items() if i not in best and k not in best.values()}
        if extra:
            best.update(extra)
            texts.update({i: text(grid[start][1][i]) for i in extra})
            start += 1
    missing = [layout.BY_KEY[k].header for k in layout.REQUIRED if k not in best.values()]
    if missing:
        raise RegisterFileError(
            _("The file has no column %(columns)s.") % {"columns": "、".join(missing)},
            field="file",
        )
    return start, best, texts


def tag_lookup(tags: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Words for each sensitive tag (its code, its Chinese name, the aliases registers use) → its code."""
    lookup: dict[str, str] = {}
    for code, name_zh in tags:
        lookup[code] = code
        lookup[name_zh] = code
    for alias, code in layout.TAG_ALIASES.items():
        if code in lookup:
            lookup.setdefault(alias, code)
    return lookup


def parse_register(content: bytes, filename: str, *, tags: Mapping[str, str], today: dt.date) -> Parsed:
    grid = read_grid(content, filename)
    start, columns, texts = _find_header(grid)
    headers = {key: texts[i] for i, key in columns.items()}
    rows: list[Row] = []
    for number, cells in grid[start:]:
        if all(text(c) == "" for c in cells):
            continue
        values = {key: cells[i] if i < len(cells) else None for i, key in columns.items()}
        row = Row(number=number)
        _clean(row, values, tags, today)
        rows.append(row)
    if len(rows) > MAX_ROWS:
        raise RegisterFileError(_("At most %(n)s rows can be imported at once.") % {"n": MAX_ROWS}, field="file")
    seen: dict[str, list[Row]] = {}
    for row in rows:
        if "id_number" in row.values:
            seen.setdefault(row.values["id_number"], []).append(row)
    for same in seen.values():
        if len(same) > 1:
            for row in same:
                others = ", ".join(str(r.number) for r in same if r is not row)
                row.refuse("id_number", _("The same ID number is also on row %(rows)s.") % {"rows": others})
    return Parsed(headers=headers, rows=rows)


def building_number(value: str) -> str | None:
    """32, 32幢, 32号楼, 32栋 → "32"; a name that is not a number → None."""
    match = BUILDING_NUMBER.match(value.replace(" ", ""))
    return match[1] if match else None


def household_unit(unit: str, room: str) -> str:
    """The household's `unit` as the site writes it: 2单元301 (or just 301 without an entrance)."""
    room = re.sub(r"[室号]$", "", room.replace(" ", ""))
    if not room:
        return ""  # an entrance without a room is not a home: the caller refuses the row
    if "单元" in room or not unit:
        return room
    match = UNIT_NUMBER.match(unit.replace(" ", ""))
    entrance = match[1] if match else unit
    return f"{entrance}单元{room}"
