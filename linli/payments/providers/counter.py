"""The service counter (服务台): cash, a bank card or the payer's payment code scanned by the operator. The operator
records the payment with a receipt number, so it is paid the moment it is recorded; a refund is cash handed back
at once. There is no notification, and the day's statement is the operators' cash-up of our own records."""

import datetime as dt
from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _

from ..models import Payment, Refund
from .base import BadNotification, Notice, PaymentProvider, Prepay, ProviderError, StatementLine, TradeState
from .statement import day_bounds, statement_at, statement_csv, statement_line, statement_rows, statement_time

HEADER = ["时间", "收据号", "商户订单号", "退款单号", "类型", "金额(分)"]


class CounterProvider(PaymentProvider):
    name = "counter"
    label = _("Service counter")
    online = False

    def prepay(
        self, *, mch_id: str, out_trade_no: str, amount_fen: int, description: str, notify_url: str, now: dt.datetime
    ) -> Prepay:
        return Prepay(code_url="")

    def parse_notification(self, *, body: bytes, headers: Mapping[str, str]) -> Notice:
        raise BadNotification("the counter sends no notifications")

    def query(self, *, out_trade_no: str) -> TradeState:
        payment = Payment.objects.filter(out_trade_no=out_trade_no, provider=self.name).first()
        if payment is None:
            raise ProviderError("ORDERNOTEXIST")
        state = {"paid": "SUCCESS", "created": "NOTPAY", "closed": "CLOSED"}.get(payment.status, "REFUND")
        return TradeState(state=state, amount_fen=payment.amount_fen, provider_trade_no=payment.receipt_no)

    def close(self, *, out_trade_no: str) -> None:
        return None

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
        return True  # handed back in cash at the counter, now

    def statement(self, *, mch_id: str, day: dt.date) -> bytes:
        start, end = day_bounds(day)
        payments = Payment.objects.filter(
            community__code=mch_id, provider=self.name, paid_at__gte=start, paid_at__lt=end
        ).order_by("paid_at", "pk")
        refunds = Refund.objects.filter(
            payment__community__code=mch_id, payment__provider=self.name, created_at__gte=start, created_at__lt=end
        ).select_related("payment")
        return statement_csv(
            HEADER,
            [
                *(
                    [statement_time(p.paid_at), p.receipt_no, p.out_trade_no, "", "SUCCESS", p.amount_fen]
                    for p in payments
                ),
                *(
                    [
                        statement_time(r.created_at),
                        r.payment.receipt_no,
                        r.payment.out_trade_no,
                        r.out_refund_no,
                        "REFUND",
                        r.amount_fen,
                    ]
                    for r in refunds
                ),
            ],
        )

    def parse_statement(self, content: bytes) -> list[StatementLine]:
        lines = []
        for n, row in statement_rows(content, HEADER, "counter"):
            try:
                at, _receipt, out_trade_no, out_refund_no, state, amount = row
                when = statement_at(at)
                fen = int(amount)
            except ValueError:
                raise ValueError(f"line {n}: unreadable line") from None
            lines.append(
                statement_line(
                    at=when, state=state, out_trade_no=out_trade_no, out_refund_no=out_refund_no, amount_fen=fen
                )
            )
        return lines
