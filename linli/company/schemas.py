"""The company API's input and output shapes. Amounts are whole fen."""

import datetime as dt

from ninja import Field, Schema


class PostingIn(Schema):
    direction: str  # "revenue" or "expense"
    source: str
    amount_fen: int
    day: dt.date
    counterparty: str = Field(max_length=80)
    facility_id: int | None = None
    note: str = Field("", max_length=200)
    idempotency_key: str = Field("", max_length=100)


class SupportIn(Schema):
    facility_id: int
    amount_fen: int
    day: dt.date
    memo: str = Field(max_length=200)
    idempotency_key: str = Field("", max_length=100)


class PostingReverseIn(Schema):
    reason: str = Field(max_length=200)
    day: dt.date | None = None


class PostingOut(Schema):
    id: int
    day: dt.date
    source: str
    source_label: str
    facility_id: int | None
    facility: str
    nature: str
    counterparty: str
    note: str
    amount_fen: int  # signed: into the company's account (+) or out of it (-)
    transaction_id: int
    reverses_id: int | None
    reversed: bool
    evidence: str


class MonthCloseIn(Schema):
    month: str  # YYYY-MM


class CloseOut(Schema):
    month: str
    closed_at: dt.datetime
    revenue_fen: int
    expense_fen: int


class LineOut(Schema):
    facility_id: int | None
    space: str
    nature: str
    nature_label: str
    revenue_fen: int
    expense_fen: int
    net_fen: int
    entries: int


class ItemOut(Schema):
    source: str
    label: str
    revenue_fen: int
    expense_fen: int
    entries: int


class StatementOut(Schema):
    period: str
    closed: bool
    revenue_fen: int
    expense_fen: int
    net_fen: int
    ledger_total_fen: int
    traced: bool
    by_space: list[LineOut]
    by_nature: list[LineOut]
    by_item: list[ItemOut]


class PrepareIn(Schema):
    month: str  # YYYY-MM
    other: str | None = None  # a community code; empty: every community traded with


class DisputeIn(Schema):
    reason: str = Field(max_length=200)


class SideOut(Schema):
    community: str
    name: str
    fen: int
    points: int
    points_fen: int
    uses: int
    uses_fen: int
    owes_fen: int
    confirmed_at: dt.datetime | None


class CommunitySettlementOut(Schema):
    id: int
    month: str
    status: str
    status_label: str
    first: SideOut
    second: SideOut
    net_fen: int  # positive: the first community pays the second
    disputed_by: str | None
    dispute_reason: str
    transaction_id: int | None
