"""The interface a payment provider implements. A WeChat Pay or Alipay adapter is one subclass of
`PaymentProvider`: it turns these calls into the gateway's requests and the gateway's answers into these records."""

import csv
import datetime as dt
import io
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from django.utils import timezone

from linli.core.exports import csv_writer


class ProviderError(Exception):
    """The provider could not do what was asked (unreachable, refused): nothing was changed on our side."""


class BadNotification(ProviderError):
    """A notification that does not verify (signature, timestamp, format): refused and logged, never believed."""


class AlreadyPaid(ProviderError):
    """`close` found the trade already paid: the payment notification is on its way (or late)."""


@dataclass(frozen=True)
class Prepay:
    """What the payer needs: the content of the QR code their wallet scans (`code_url`), or a page to go to."""

    code_url: str
    redirect_url: str = ""
    provider_trade_no: str = ""


@dataclass(frozen=True)
class Notice:
    """A verified notification, parsed. `kind` is "payment" or "refund"; `state` is "SUCCESS" (the only one
    that moves money here), "CLOSED" or "FAILED". `amount_fen` is the provider's amount, compared with ours."""

    kind: Literal["payment", "refund"]
    out_trade_no: str
    state: str
    amount_fen: int
    provider_trade_no: str = ""
    out_refund_no: str = ""
    at: dt.datetime | None = None


@dataclass(frozen=True)
class TradeState:
    """What `query` answers: NOTPAY, SUCCESS, CLOSED or REFUND (paid, then refunded in part or whole)."""

    state: str
    amount_fen: int
    provider_trade_no: str = ""
    paid_at: dt.datetime | None = None


@dataclass(frozen=True)
class StatementLine:
    """One line of the provider's daily statement (对账单): a payment or a refund, amounts in fen."""

    at: dt.datetime
    kind: Literal["payment", "refund"]
    out_trade_no: str
    out_refund_no: str
    provider_trade_no: str
    amount_fen: int

    @property
    def key(self) -> str:
        return self.out_refund_no if self.kind == "refund" else self.out_trade_no


class PaymentProvider(ABC):
    name: ClassVar[str]  # stored on each payment; also the last part of its notify URL
    label: ClassVar[Any]  # what the pages call it (translated)
    # whether the payer pays on their own device (QR code, notification) or an operator records the payment
    online: ClassVar[bool] = True

    @abstractmethod
    def prepay(
        self, *, mch_id: str, out_trade_no: str, amount_fen: int, description: str, notify_url: str, now: dt.datetime
    ) -> Prepay:
        """Open an order at the provider (统一下单 / 预下单) for exactly `amount_fen`, our own amount."""

    @abstractmethod
    def parse_notification(self, *, body: bytes, headers: Mapping[str, str]) -> Notice:
        """Verify the signature of a notification posted to our notify URL and parse it; raise `BadNotification`
        when it does not verify. Never trust anything in it before this returns."""

    @abstractmethod
    def query(self, *, out_trade_no: str) -> TradeState:
        """Ask the provider where a trade stands (for a notification that never came)."""

    @abstractmethod
    def close(self, *, out_trade_no: str) -> None:
        """Close an unpaid trade so that it can no longer be paid; raise `AlreadyPaid` if it was paid first."""

    @abstractmethod
    def refund(
        self,
        *,
        mch_id: str,
        out_trade_no: str,
        out_refund_no: str,
        amount_fen: int,
        notify_url: str,
        now: dt.datetime,
    ) -> bool:
        """Ask for (part of) a paid trade back. True when the refund is done at once (cash handed back at the
        counter), False when it is confirmed later by a refund notification."""

    @abstractmethod
    def statement(self, *, mch_id: str, day: dt.date) -> bytes:
        """The day's statement file (对账单) as the provider publishes it."""

    @abstractmethod
    def parse_statement(self, content: bytes) -> list[StatementLine]:
        """Read a statement file; raise `ValueError` (with the line number) when it cannot be read."""


# --- the statement file, as both providers here publish it ------------------------------------------------------

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
