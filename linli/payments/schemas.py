import datetime as dt

from ninja import Field, Schema

from linli.ledger.models import MAX_ORDER_QUANTITY

from .models import MAX_STORED_VALUE_LIMIT_FEN


class PaymentStartIn(Schema):
    product_id: int = Field(ge=1, le=2**31 - 1)
    quantity: int = Field(1, ge=1, le=MAX_ORDER_QUANTITY)


class CounterPaymentIn(Schema):
    resident: str = Field(max_length=40, description="The resident's mobile number, or full name when unique.")
    product_id: int = Field(ge=1, le=2**31 - 1)
    quantity: int = Field(1, ge=1, le=MAX_ORDER_QUANTITY)
    method: str = Field("cash", description="cash, card or scanned")


class SubjectPayIn(Schema):
    purpose: str = Field(description="booking (a booking with a fee); the other purposes as they are offered")
    subject_id: int = Field(ge=1, le=2**63 - 1, description="The booking's id (the enrolment's, the meal order's).")


class SubjectCounterIn(SubjectPayIn):
    method: str = Field("cash", description="cash, card or scanned")


class PaymentRefundOut(Schema):
    out_refund_no: str
    amount_fen: int
    status: str
    reason: str
    created_at: dt.datetime


class PaymentOut(Schema):
    out_trade_no: str
    status: str
    status_label: str
    purpose: str
    description: str
    amount_fen: int
    refunded_fen: int
    provider: str
    method: str
    code_url: str = Field(description="What the QR code holds: the wallet opens it (empty at the counter).")
    pay_page: str
    receipt_no: str
    payer_id: int
    order_id: int | None
    subject_id: int | None = Field(None, description="The booking, enrolment or meal order paid for (see purpose).")
    created_at: dt.datetime
    paid_at: dt.datetime | None
    refunds: list[PaymentRefundOut]


class PaymentNotifyOut(Schema):
    code: str
    message: str = ""


class CashupLineOut(Schema):
    receipt_no: str
    out_trade_no: str
    payer: str
    description: str
    method: str
    amount_fen: int
    at: dt.datetime | None


class CashupOut(Schema):
    day: dt.date
    operator_id: int
    taken_fen: dict[str, int]
    total_taken_fen: int
    returned_fen: int
    cash_to_hand_over_fen: int
    payments: list[CashupLineOut]


class PaymentDifferenceOut(Schema):
    kind: str
    kind_label: str
    trade_no: str
    ours_fen: int
    theirs_fen: int
    transaction_id: int


class ReconciliationOut(Schema):
    id: int
    provider: str
    day: dt.date
    lines: int
    matched: int
    differences: list[PaymentDifferenceOut]


class TopupIn(Schema):
    amount_fen: int = Field(ge=1, le=MAX_STORED_VALUE_LIMIT_FEN, description="How much to add to the balance (fen).")


class CounterTopupIn(Schema):
    resident: str = Field(max_length=40, description="The resident's mobile number, or full name when unique.")
    amount_fen: int = Field(ge=1, le=MAX_STORED_VALUE_LIMIT_FEN)
    method: str = Field("cash", description="cash, card or scanned")


class BalanceWithdrawIn(Schema):
    amount_fen: int | None = Field(
        None, ge=1, le=MAX_STORED_VALUE_LIMIT_FEN, description="How much to take off (fen); none: the whole balance."
    )


class CounterWithdrawIn(BalanceWithdrawIn):
    resident: str = Field(max_length=40, description="The resident's mobile number, or full name when unique.")


class WithdrawRefundOut(PaymentRefundOut):
    out_trade_no: str = Field(description="The top-up this refund sends back through its provider.")
    provider: str = Field(description="counter: hand it back at the desk; otherwise the gateway sends it back.")


class WithdrawOut(Schema):
    amount_fen: int
    balance_fen: int
    refunds: list[WithdrawRefundOut]


class BalanceLineOut(Schema):
    at: dt.datetime
    amount_fen: int
    balance_after_fen: int
    reason: str
    transaction_id: int


class BalanceOut(Schema):
    balance_fen: int
    enabled: bool = Field(description="Whether the community lets residents top up now.")
    limit_fen: int
    room_fen: int = Field(description="How much more can be topped up.")
    history: list[BalanceLineOut]


class StoredValuePolicyIn(Schema):
    enabled: bool
    limit_fen: int = Field(ge=0, le=MAX_STORED_VALUE_LIMIT_FEN, description="The most one resident may hold (fen).")


class StoredValuePolicyOut(Schema):
    enabled: bool
    limit_fen: int
    holders: int = Field(description="Residents holding a balance.")
    held_fen: int = Field(description="What they hold in all: the community owes it to them.")
    updated_at: dt.datetime | None
