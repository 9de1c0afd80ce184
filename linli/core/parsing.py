"""Dates, months and years typed into a query string or a form, and JSON uploaded by users, parsed one way
everywhere: anything malformed or out of range is a `DomainError` (a 400 with a message), never a crash."""

import datetime as dt
import json
import math
from typing import Any

from django.utils.translation import gettext as _

from .errors import DomainError, NotFound

# The site deals in days of a community's life: nothing before 1900 or after 2100 is meaningful, and staying far
# from date.min/date.max means `day ± timedelta(...)` in selectors can never overflow.
MIN_YEAR = 1900
MAX_YEAR = 2100


def _out_of_range(field: str) -> DomainError:
    return DomainError(
        _("Choose a date between the years %(a)s and %(b)s.") % {"a": MIN_YEAR, "b": MAX_YEAR},
        code="date_out_of_range",
        field=field,
    )


def date_in_range(value: dt.date, *, field: str = "date") -> dt.date:
    """A date already parsed (by a form or an API schema), refused when outside MIN_YEAR..MAX_YEAR."""
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise _out_of_range(field)
    return value


def parse_date(raw: str | None, *, default: dt.date | None = None, field: str = "date") -> dt.date:
    """`YYYY-MM-DD`; blank gives `default` (a `DomainError` if there is none)."""
    raw = (raw or "").strip()
    if not raw and default is not None:
        return default
    try:
        value = dt.date.fromisoformat(raw)
    except ValueError:
        raise DomainError(_("Enter a date as YYYY-MM-DD."), code="bad_date", field=field) from None
    return date_in_range(value, field=field)


def parse_month(raw: str | None, *, default: tuple[int, int] | None = None, field: str = "month") -> tuple[int, int]:
    """`YYYY-MM` (or `YYYY-M`) as (year, month); blank gives `default`."""
    raw = (raw or "").strip()
    if not raw and default is not None:
        return default
    parts = raw.split("-")
    if len(parts) != 2 or not all(p.isascii() and p.isdigit() and len(p) <= 4 for p in parts):
        raise DomainError(_("Enter a month as YYYY-MM."), code="bad_month", field=field)
    year, month = int(parts[0]), int(parts[1])
    if not 1 <= month <= 12:
        raise DomainError(_("Enter a month as YYYY-MM."), code="bad_month", field=field)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise _out_of_range(field)
    return year, month


def parse_year(raw: str | None, *, default: int | None = None, field: str = "year") -> int:
    raw = (raw or "").strip()
    if not raw and default is not None:
        return default
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 4):
        raise DomainError(_("Enter a year such as 2026."), code="bad_year", field=field)
    year = int(raw)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise _out_of_range(field)
    return year


# --- JSON from users -------------------------------------------------------------------------------------


class JSONRefused(ValueError):
    """The document is not JSON a person would send: nested too deep, or with NaN/Infinity numbers."""


def _no_constant(name: str) -> Any:
    raise JSONRefused(_("Numbers must be finite (not %(name)s).") % {"name": name})


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise JSONRefused(_("Numbers must be finite (not %(name)s).") % {"name": text})
    return value


def json_loads_strict(content: bytes | str) -> Any:
    """`json.loads` that refuses `NaN`/`Infinity`, numbers too large to be finite, and a document nested deeper
    than Python's recursion limit (the C parser gives up with a RecursionError; a document nested 200,000 deep is
    refused in milliseconds). Raises `ValueError` (a `json.JSONDecodeError` or a `JSONRefused`) for what it refuses;
    the caller also limits the size of what it reads."""
    try:
        text = content.decode("utf-8-sig") if isinstance(content, bytes) else content
        return json.loads(text, parse_constant=_no_constant, parse_float=_finite)
    except RecursionError:
        raise JSONRefused(_("The document is nested too deeply.")) from None
    except UnicodeDecodeError:
        raise JSONRefused(_("The document is not UTF-8 text.")) from None


# --- row ids -----------------------------------------------------------------------------------------------

MAX_ID = 2**63 - 1  # the largest BigAutoField: a larger number would make the database itself fail


def parse_id(raw: Any, *, field: str | None = None) -> int:
    """A row id from a query string or a form: ASCII digits within the database's range, else `NotFound` (404)."""
    text = str(raw if raw is not None else "").strip()
    if not (text.isascii() and text.isdigit()) or int(text) > MAX_ID:
        raise NotFound(_("Not found."), field=field)
    return int(text)
