"""The interface a payment provider implements. A WeChat Pay or Alipay adapter is one subclass of
`PaymentProvider`: it turns these calls into the gateway's requests and the gateway's answers into these records."""

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Literal


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
