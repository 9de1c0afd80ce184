"""The statement file (对账单), as both providers here publish it: UTF-8 CSV with a byte-order mark, one row per
payment or refund of a local day, times to the second."""

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence

from django.utils import timezone

from linli.core.exports import csv_writer

from .base import StatementLine

STATEMENT_TIME = "%Y-%m-%d %H:%M:%S"


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The local day as [start, end) in aware datetimes: a statement covers one."""
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return start, start + dt.timedelta(days=1)


def statement_time(at: dt.datetime | None) -> str:
    return timezone.localtime(at).strftime(STATEMENT_TIME) if at else ""


def statement_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """A statement file: the header, then one row per payment or refund, as UTF-8 CSV with a byte-order mark (the
    way the Chinese gateways publish theirs, which Excel opens as Chinese). Cells are written formula-safe."""
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow(row)
    return out.getvalue().encode("utf-8-sig")


def statement_rows(content: bytes, header: Sequence[str], whose: str) -> list[tuple[int, list[str]]]:
    """The rows of a statement file after its header, each with its line number (blank lines skipped), cells
    stripped. `ValueError` naming line 1 when it is not UTF-8 or its header is not `header`."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError("line 1: not UTF-8") from None
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or [c.strip() for c in rows[0]] != list(header):
        raise ValueError(f"line 1: not the {whose}'s statement header")
    return [(n, [c.strip() for c in row]) for n, row in enumerate(rows[1:], start=2) if any(c.strip() for c in row)]


def statement_at(value: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.strptime(value, STATEMENT_TIME))


def statement_line(
    *, at: dt.datetime, state: str, out_trade_no: str, out_refund_no: str, amount_fen: int, provider_trade_no: str = ""
) -> StatementLine:
    """One line read from a statement: a refund where the file's state says REFUND, else a payment."""
    return StatementLine(
        at=at,
        kind="refund" if state == "REFUND" else "payment",
        out_trade_no=out_trade_no,
        out_refund_no=out_refund_no,
        provider_trade_no=provider_trade_no,
        amount_fen=amount_fen,
    )
