"""The ledger API's input and output. Amounts are whole numbers (points, or yuan in fen): the inputs are strict,
so `10.5`, `"10"` and `true` are refused rather than rounded or coerced."""

import datetime as dt
from typing import Any

from ninja import Field, Schema
from pydantic import StrictBool, StrictInt

from linli.core.api import RowId

from .models import (
    MAX_CAP,
    MAX_ORDER_QUANTITY,
    MAX_POLICY_NUMBER,
    MAX_PRICE_FEN,
    MAX_PRICE_POINTS,
    MAX_RULE_POINTS,
    MAX_STOCK,
)


def _range(low: int, high: int) -> dict[str, Any]:
    """The range a number must be in, for the API's documentation. The service refuses a number outside it with
    a 400 naming the field, in the user's language (as it refuses a negative one)."""
    return {"minimum": low, "maximum": high}


# --- output ---------------------------------------------------------------------------------------------------


class BalancesOut(Schema):
    points: int
    fen: int


class ExpiringOut(Schema):
    enabled: bool
    points: int = Field(description="Points that expire at the end of `year` unless spent.")
    year: int
    expires_on: dt.date | None
    notice_days: int


class LedgerMeOut(Schema):
    resident_id: int
    community: str
    balances: BalancesOut
    expiring: ExpiringOut


class StatementLineOut(Schema):
    entry_id: int
    transaction_id: int
    occurred_at: dt.datetime
    kind: str
    kind_label: str
    memo: str
    reason: str = Field(description="Why this line moved, in the reader's language (rule and activity, product…).")
    amount: int
    balance_after: int = Field(description="The running balance after this line.")
    reversed: bool


class LedgerStatementOut(Schema):
    unit: str
    balance: int
    count: int
    limit: int
    offset: int
    items: list[StatementLineOut]


class ProductOut(Schema):
    id: int
    name: str
    kind: str
    description: str
    price_points: int
    price_fen: int
    stock: int
    active: bool
    merchant_id: int
    merchant: str
    merchant_kind: str
    community: str
    open_to_all_communities: bool


class MarketOrderOut(Schema):
    id: int
    product_id: int
    product: str
    merchant_id: int
    merchant: str
    community: str
    quantity: int
    points: int
    fen: int
    status: str
    status_label: str
    code: str | None = Field(description="The redemption code: shown to the resident only.")
    resident: str | None = Field(description="For the merchant: the resident's masked name.")
    resident_community: str | None
    created_at: dt.datetime
    redeemed_at: dt.datetime | None
    refunded_at: dt.datetime | None
    can_cancel: bool


class MerchantOut(Schema):
    id: int
    community: str
    name: str
    kind: str
    description: str
    address: str
    contact_mobile: str
    status: str
    status_label: str
    open_to_all_communities: bool
    settles_with: str
    applied_at: dt.datetime
    decided_at: dt.datetime | None


class MerchantDetailOut(MerchantOut):
    points_balance: int
    fen_balance: int
    unsettled_points: int
    can_sell: bool


class SettlementOut(Schema):
    id: int
    merchant_id: int
    merchant: str
    points: int
    fen_per_point: int
    fen: int
    funding_code: str
    period_end: dt.datetime
    created_at: dt.datetime
    transaction_id: int


class SettlementLineOut(Schema):
    order_id: int
    product: str
    quantity: int
    points: int
    redeemed_at: dt.datetime | None
    resident_community: str


class SettlementDetailOut(SettlementOut):
    orders: list[SettlementLineOut]


class EarningRuleOut(Schema):
    code: str
    label: str
    name: str
    points: int
    daily_cap: int | None
    monthly_cap: int | None
    yearly_cap: int | None
    funding_code: str
    enabled: bool


class LedgerSettingsOut(Schema):
    fen_per_point: int
    expiry_enabled: bool
    expiry_years: int
    expiry_notice_days: int


class AccountOut(Schema):
    id: int
    kind: str
    code: str
    label: str
    unit: str
    balance: int
    floor: int | None


class EntryOut(Schema):
    account_id: int
    account: str
    unit: str
    amount: int
    balance_after: int


class TransactionOut(Schema):
    id: int
    kind: str
    kind_label: str
    occurred_at: dt.datetime
    memo: str = Field(description="What its writer noted: a name, a number or staff's words, in no set language.")
    reason: str = Field(description="Why it happened, in the reader's language (rule and activity, product…).")
    rule_code: str
    reverses_id: int | None
    reversed_by_id: int | None
    entries: list[EntryOut]


class LedgerReportOut(Schema):
    year: int
    earned: int
    spent: int
    refunded: int
    expired: int
    reversed: int
    outstanding: int
    holders: int
    products: int
    by_rule: list[dict]
    by_funder: list[dict]
    cross_in: list[dict]
    cross_out: list[dict]
    settled: dict
    merchants: list[dict]


# --- input ----------------------------------------------------------------------------------------------------

KEY_HELP = "Or the `Idempotency-Key` header: a retry with the same key returns the first result and moves nothing."


class MarketOrderIn(Schema):
    product_id: RowId
    quantity: StrictInt = Field(1, json_schema_extra=_range(1, MAX_ORDER_QUANTITY))
    idempotency_key: str = Field("", max_length=80, description=KEY_HELP)


class RefundReasonIn(Schema):
    reason: str = Field("", max_length=200)


class MerchantApplyIn(Schema):
    community: str = Field(max_length=40, description="The code of the community the merchant trades in.")
    name: str = Field(min_length=1, max_length=60)
    kind: str = "shop"
    description: str = Field("", max_length=1000)
    address: str = Field("", max_length=120)
    contact_mobile: str = Field("", max_length=11, pattern=r"^(1[3-9]\d{9})?$")
    open_to_all_communities: StrictBool = False


class ProductIn(Schema):
    name: str = Field(min_length=1, max_length=60)
    kind: str = "goods"
    description: str = Field("", max_length=1000)
    price_points: StrictInt = Field(0, json_schema_extra=_range(0, MAX_PRICE_POINTS))
    price_fen: StrictInt = Field(0, json_schema_extra=_range(0, MAX_PRICE_FEN))
    stock: StrictInt = Field(0, json_schema_extra=_range(0, MAX_STOCK))
    active: StrictBool = True


class ProductPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=60)
    kind: str | None = None
    description: str | None = Field(None, max_length=1000)
    price_points: StrictInt | None = Field(None, json_schema_extra=_range(0, MAX_PRICE_POINTS))
    price_fen: StrictInt | None = Field(None, json_schema_extra=_range(0, MAX_PRICE_FEN))
    stock: StrictInt | None = Field(None, json_schema_extra=_range(0, MAX_STOCK))
    active: StrictBool | None = None


class RedeemIn(Schema):
    code: str = Field(min_length=1, max_length=20)


class EarningRuleIn(Schema):
    name: str = Field(min_length=1, max_length=60)
    code: str = Field("", max_length=40, description="Empty: one is made up (rule_8…).")
    points: StrictInt = Field(json_schema_extra=_range(1, MAX_RULE_POINTS))
    daily_cap: StrictInt | None = Field(None, description="null: no cap.", json_schema_extra=_range(1, MAX_CAP))
    monthly_cap: StrictInt | None = Field(None, description="null: no cap.", json_schema_extra=_range(1, MAX_CAP))
    yearly_cap: StrictInt | None = Field(None, description="null: no cap.", json_schema_extra=_range(1, MAX_CAP))
    funding_code: str = "community_fund"
    enabled: StrictBool = True


class EarningRulePatch(Schema):
    name: str | None = Field(None, max_length=60)
    points: StrictInt | None = Field(None, json_schema_extra=_range(1, MAX_RULE_POINTS))
    daily_cap: StrictInt | None = Field(None, description="null: no cap.", json_schema_extra=_range(1, MAX_CAP))
    monthly_cap: StrictInt | None = Field(None, description="null: no cap.", json_schema_extra=_range(1, MAX_CAP))
    yearly_cap: StrictInt | None = Field(None, description="null: no cap.", json_schema_extra=_range(1, MAX_CAP))
    funding_code: str | None = None
    enabled: StrictBool | None = None


class LedgerSettingsPatch(Schema):
    fen_per_point: StrictInt | None = Field(None, json_schema_extra=_range(1, MAX_POLICY_NUMBER))
    expiry_enabled: StrictBool | None = None
    expiry_years: StrictInt | None = Field(None, json_schema_extra=_range(1, MAX_POLICY_NUMBER))
    expiry_notice_days: StrictInt | None = Field(None, json_schema_extra=_range(1, MAX_POLICY_NUMBER))


class DepositIn(Schema):
    account_id: RowId | None = Field(None, description="A funding account of the community (or `funding_code`).")
    funding_code: str = Field("", max_length=40)
    amount_fen: StrictInt
    memo: str = Field(min_length=1, max_length=200)
    idempotency_key: str = Field("", max_length=80, description=KEY_HELP)


class ReverseIn(Schema):
    reason: str = Field(min_length=1, max_length=200)
    idempotency_key: str = Field("", max_length=80, description=KEY_HELP)


class DecideIn(Schema):
    approve: StrictBool
    settles_with: str = Field("", max_length=40)


class SettleIn(Schema):
    idempotency_key: str = Field("", max_length=80, description=KEY_HELP)
