"""A simulated online gateway for the demo and the tests, following the flow of the Chinese gateways (WeChat Pay
Native, Alipay 当面付): a prepay order gives a `code_url` for the QR code; the payer's wallet (here a page of the
app, `payments:gateway_pay`) confirms; the gateway then posts an asynchronous notification, signed with
HMAC-SHA256, to the notify URL; trades can be queried and closed; refunds have their own notification; and the
day's statement is a CSV file. Its books are the `GatewayTrade` table, which nothing else touches."""

import datetime as dt
import hashlib
import hmac
import json
import secrets
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import GatewayTrade
from .base import (
    AlreadyPaid,
    BadNotification,
    Notice,
    PaymentProvider,
    Prepay,
    ProviderError,
    StatementLine,
    TradeState,
)
from .statement import day_bounds, statement_at, statement_csv, statement_line, statement_rows, statement_time

HEADER_TIMESTAMP = "Linli-Gateway-Timestamp"
HEADER_NONCE = "Linli-Gateway-Nonce"
HEADER_SIGNATURE = "Linli-Gateway-Signature"
STATEMENT_HEADER = ["交易时间", "商户号", "商户订单号", "商户退款单号", "网关交易号", "交易状态", "金额(元)"]

# How a signed notification reaches the notify URL: set by the app's `ready` to a background task that hands it to
# the same handler the notify view calls (tests run the task at once).
deliver: Callable[[str, dict[str, str]], None] | None = None


def sign(body: str, timestamp: str, nonce: str, secret: str | None = None) -> str:
    key = (secret if secret is not None else settings.PAYMENT_SIMULATED_SECRET).encode()
    message = f"{timestamp}\n{nonce}\n{body}\n".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def signed(payload: dict[str, object], now: dt.datetime | None = None) -> tuple[str, dict[str, str]]:
    """A notification as the gateway sends it: the JSON body and its signature headers."""
    body = json.dumps(payload, ensure_ascii=False, sort_keys=True)
    timestamp = str(int((now or timezone.now()).timestamp()))
    nonce = secrets.token_hex(8)
    return body, {HEADER_TIMESTAMP: timestamp, HEADER_NONCE: nonce, HEADER_SIGNATURE: sign(body, timestamp, nonce)}


def _yuan(fen: int) -> str:
    return f"{Decimal(fen) / 100:.2f}"


class SimulatedGateway(PaymentProvider):
    name = "simulated"
    label = _("Online gateway (simulated)")
    online = True

    # --- the merchant's side (what the platform calls) ---------------------------------------------------------

    def prepay(
        self, *, mch_id: str, out_trade_no: str, amount_fen: int, description: str, notify_url: str, now: dt.datetime
    ) -> Prepay:
        trade, _created = GatewayTrade.objects.get_or_create(
            out_trade_no=out_trade_no,
            out_refund_no="",
            defaults={
                "mch_id": mch_id,
                "transaction_id": f"SIM{now:%Y%m%d}{secrets.token_hex(10).upper()}",
                "amount_fen": amount_fen,
                "description": description[:120],
                "notify_url": notify_url,
                "created_at": now,
            },
        )
        if trade.amount_fen != amount_fen:
            raise ProviderError("out_trade_no reused with another amount")
        return Prepay(code_url=reverse("payments:gateway_pay", args=[out_trade_no]), provider_trade_no="")

    def parse_notification(self, *, body: bytes, headers: Mapping[str, str]) -> Notice:
        timestamp = headers.get(HEADER_TIMESTAMP, "")
        nonce = headers.get(HEADER_NONCE, "")
        signature = headers.get(HEADER_SIGNATURE, "")
        try:
            text = body.decode()
        except UnicodeDecodeError:
            raise BadNotification("the body is not UTF-8") from None
        if not (timestamp and nonce and signature):
            raise BadNotification("the signature headers are missing")
        if not hmac.compare_digest(sign(text, timestamp, nonce), signature):
            raise BadNotification("the signature does not verify")
        try:
            age = abs(timezone.now().timestamp() - int(timestamp))
        except ValueError:
            raise BadNotification("the timestamp is not a number") from None
        if age > settings.PAYMENT_NOTIFY_MAX_AGE:
            raise BadNotification("the timestamp is too old (a replay?)")
        try:
            data = json.loads(text)
            event = data["event_type"]
            notice = Notice(
                kind="refund" if event.startswith("REFUND.") else "payment",
                out_trade_no=str(data["out_trade_no"]),
                out_refund_no=str(data.get("out_refund_no", "")),
                provider_trade_no=str(data["transaction_id"]),
                state=str(data["trade_state"]),
                amount_fen=int(data["amount"]["total"]),
                at=dt.datetime.fromisoformat(data["success_time"]) if data.get("success_time") else None,
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise BadNotification(f"the body cannot be read: {exc}") from None
        return notice

    def query(self, *, out_trade_no: str) -> TradeState:
        trade = GatewayTrade.objects.filter(out_trade_no=out_trade_no, out_refund_no="").first()
        if trade is None:
            raise ProviderError("ORDERNOTEXIST")
        refunded = GatewayTrade.objects.filter(out_trade_no=out_trade_no).exclude(out_refund_no="").exists()
        state = GatewayTrade.State.REFUND if trade.state == GatewayTrade.State.SUCCESS and refunded else trade.state
        return TradeState(
            state=state, amount_fen=trade.amount_fen, provider_trade_no=trade.transaction_id, paid_at=trade.finished_at
        )

    def close(self, *, out_trade_no: str) -> None:
        with transaction.atomic():
            trade = GatewayTrade.objects.select_for_update().filter(out_trade_no=out_trade_no, out_refund_no="").first()
            if trade is None:
                return
            if trade.state == GatewayTrade.State.SUCCESS:
                raise AlreadyPaid("ORDERPAID")
            trade.state = GatewayTrade.State.CLOSED
            trade.save(update_fields=["state"])

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
        with transaction.atomic():
            trade = GatewayTrade.objects.select_for_update().filter(out_trade_no=out_trade_no, out_refund_no="").first()
            if trade is None or trade.state != GatewayTrade.State.SUCCESS:
                raise ProviderError("TRADE_NOT_PAID")
            refund, created = GatewayTrade.objects.get_or_create(
                out_refund_no=out_refund_no,
                defaults={
                    "mch_id": mch_id,
                    "out_trade_no": out_trade_no,
                    "transaction_id": f"SIMR{now:%Y%m%d}{secrets.token_hex(10).upper()}",
                    "amount_fen": amount_fen,
                    "notify_url": notify_url,
                    "state": GatewayTrade.State.SUCCESS,
                    "created_at": now,
                    "finished_at": now,
                },
            )
            if created:
                self._notify_on_commit(refund, "REFUND.SUCCESS")
        return False

    def statement(self, *, mch_id: str, day: dt.date) -> bytes:
        start, end = day_bounds(day)
        trades = GatewayTrade.objects.filter(
            mch_id=mch_id, state=GatewayTrade.State.SUCCESS, finished_at__gte=start, finished_at__lt=end
        ).order_by("finished_at", "pk")
        return statement_csv(
            STATEMENT_HEADER,
            (
                [
                    statement_time(t.finished_at),
                    t.mch_id,
                    t.out_trade_no,
                    t.out_refund_no,
                    t.transaction_id,
                    "REFUND" if t.out_refund_no else "SUCCESS",
                    _yuan(t.amount_fen),
                ]
                for t in trades
            ),
        )

    def parse_statement(self, content: bytes) -> list[StatementLine]:
        lines = []
        for n, row in statement_rows(content, STATEMENT_HEADER, "gateway"):
            if len(row) != len(STATEMENT_HEADER):
                raise ValueError(f"line {n}: {len(row)} columns, expected {len(STATEMENT_HEADER)}")
            at, _mch, out_trade_no, out_refund_no, transaction_id, state, amount = row
            try:
                when = statement_at(at)
                fen = Decimal(amount) * 100
            except (ValueError, InvalidOperation):
                raise ValueError(f"line {n}: unreadable time or amount") from None
            if fen != fen.to_integral_value() or fen <= 0 or state not in ("SUCCESS", "REFUND") or not out_trade_no:
                raise ValueError(f"line {n}: unreadable line")
            lines.append(
                statement_line(
                    at=when,
                    state=state,
                    out_trade_no=out_trade_no,
                    out_refund_no=out_refund_no,
                    provider_trade_no=transaction_id,
                    amount_fen=int(fen),
                )
            )
        return lines

    # --- the payer's side (the phone's wallet, simulated) --------------------------------------------------------

    def trade(self, out_trade_no: str) -> GatewayTrade | None:
        return GatewayTrade.objects.filter(out_trade_no=out_trade_no, out_refund_no="").first()

    def payer_confirm(self, *, out_trade_no: str, now: dt.datetime | None = None) -> GatewayTrade:
        """The payer confirms in their wallet: the trade is paid and the notification goes out after commit.
        Refused (`ProviderError`) when the trade was closed meanwhile."""
        now = now or timezone.now()
        with transaction.atomic():
            trade = GatewayTrade.objects.select_for_update().filter(out_trade_no=out_trade_no, out_refund_no="").first()
            if trade is None:
                raise ProviderError("ORDERNOTEXIST")
            if trade.state == GatewayTrade.State.SUCCESS:
                return trade
            if trade.state != GatewayTrade.State.NOTPAY:
                raise ProviderError("ORDERCLOSED")
            trade.state = GatewayTrade.State.SUCCESS
            trade.finished_at = now
            trade.save(update_fields=["state", "finished_at"])
            self._notify_on_commit(trade, "TRANSACTION.SUCCESS")
        return trade

    def notification_of(
        self, trade: GatewayTrade, event: str, now: dt.datetime | None = None
    ) -> tuple[str, dict[str, str]]:
        payload: dict[str, object] = {
            "event_type": event,
            "mch_id": trade.mch_id,
            "out_trade_no": trade.out_trade_no,
            "transaction_id": trade.transaction_id,
            "trade_state": "SUCCESS",
            "amount": {"total": trade.amount_fen, "currency": "CNY"},
            "success_time": trade.finished_at.isoformat() if trade.finished_at else "",
        }
        if trade.out_refund_no:
            payload["out_refund_no"] = trade.out_refund_no
        return signed(payload, now)

    def _notify_on_commit(self, trade: GatewayTrade, event: str) -> None:
        def send() -> None:
            if deliver is not None:
                body, headers = self.notification_of(trade, event)
                deliver(body, headers)

        transaction.on_commit(send)
