"""The fund API's input and output shapes. Amounts are whole fen."""

import datetime as dt

from ninja import Field, Schema

from linli.core.api import RowId


class FundProjectOut(Schema):
    id: int
    title: str
    applicant: str
    category: str
    approved_fen: int
    paid_fen: int
    spent_fen: int


class SummaryOut(Schema):
    raised_fen: int
    donations: int
    granted_fen: int
    grants: int
    paid_fen: int
    spent_fen: int
    held_fen: int
    projects: list[FundProjectOut]


class DonationIn(Schema):
    donor_kind: str
    donor_name: str = Field(max_length=80)
    amount_fen: int
    received_on: dt.date
    anonymous: bool = False
    purpose: str = Field("", max_length=120)
    partner_id: int | None = None
    idempotency_key: str = Field("", max_length=100)


class DonationOut(Schema):
    id: int
    receipt_no: str
    donor_kind: str
    donor_name: str
    anonymous: bool
    amount_fen: int
    received_on: dt.date
    purpose: str
    transaction_id: int


class RoundIn(Schema):
    name: str = Field(max_length=80)
    categories: list[str] = []
    budget_fen: int
    opens_on: dt.date
    closes_on: dt.date
    min_reviews: int = 3
    reviewer_ids: list[RowId] = []


class RoundOut(Schema):
    id: int
    name: str
    categories: list[str]
    budget_fen: int
    opens_on: dt.date
    closes_on: dt.date
    status: str
    min_reviews: int


class FundApplicationIn(Schema):
    partner_id: int
    title: str = Field(max_length=100)
    category: str
    summary: str = Field(max_length=4000)
    requested_fen: int


class ReviewOut(Schema):
    id: int
    application: int
    score: int


class ScoreIn(Schema):
    score: int = Field(ge=0, le=100)
    comment: str = Field(default="", max_length=2000)


class ReviewDetailOut(Schema):
    reviewer: str
    score: int
    comment: str


class FundApplicationOut(Schema):
    id: int
    round_id: int
    applicant: str
    title: str
    category: str
    summary: str
    requested_fen: int
    approved_fen: int
    status: str
    submitted_at: dt.datetime
    decided_at: dt.datetime | None
    decision_note: str


class ScoredApplicationOut(FundApplicationOut):
    mean_score: float | None
    review_count: int
    reviews: list[ReviewDetailOut] | None


class FundDecisionIn(Schema):
    approve: bool
    approved_fen: int = 0
    note: str = Field("", max_length=300)


class TrancheIn(Schema):
    amount_fen: int
    idempotency_key: str = Field("", max_length=100)


class TrancheOut(Schema):
    id: int
    application: int
    number: int
    amount_fen: int
    transaction_id: int
    paid_at: dt.datetime


class FundReportIn(Schema):
    period: str = Field(max_length=40)
    body: str = Field(max_length=4000)
    spent_fen: int = 0


class FundReportOut(Schema):
    id: int
    application: int
    period: str
    spent_fen: int
    transaction_id: int | None
    submitted_at: dt.datetime


class ContributionMoneyOut(Schema):
    id: int
    partner: str
    project: str
    value_fen: int
    status: str
    donation_id: int | None
