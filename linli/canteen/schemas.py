import datetime as dt

from ninja import Field, Schema

from linli.core.api import LocalTime


class QuoteOut(Schema):
    resident_id: int
    name: str
    age: int
    resident_fen: int
    subsidy_fen: int
    payer: str
    rule: str | None
    ordered: bool = Field(False, description="This member already has an order for the meal")


class MenuOut(Schema):
    id: int
    canteen_id: int
    canteen: str
    day: dt.date
    meal: str
    dishes: list[str]
    price_fen: int
    capacity: int
    left: int
    order_until: LocalTime
    serve_from: LocalTime | None = None
    serve_until: LocalTime | None = None
    ordered: int = 0
    closed: bool = Field(False, description="Past the order cut-off: no more orders")
    withdrawn: bool = False
    quotes: list[QuoteOut] = Field(description="What each member of your household would pay.")


class MenuIn(Schema):
    canteen_id: int
    day: dt.date
    meal: str = "lunch"
    dishes: str = Field(min_length=1)
    price_fen: int
    capacity: int = Field(ge=1)
    order_until: LocalTime = dt.time(9, 30)
    serve_from: LocalTime | None = None
    serve_until: LocalTime | None = None


class MealOrderIn(Schema):
    resident_id: int | None = None


class ChargeOut(Schema):
    payer: str
    amount_fen: int
    key: str


class MealOrderOut(Schema):
    id: int
    menu_id: int
    day: dt.date
    meal: str
    resident_id: int
    resident: str
    age: int
    status: str
    price_fen: int
    resident_fen: int
    charges: list[ChargeOut]
    ordered_by: str | None = Field(
        None, description="Who ordered it for the diner (a family helper, 代办); null if they did"
    )


class StatementRowOut(Schema):
    day: dt.date
    order_id: int
    diner: str
    age: int
    rule: str | None
    amount_fen: int
    key: str


class MealStatementOut(Schema):
    payer: str
    month: str
    meals: int
    total_fen: int
    rows: list[StatementRowOut]


class MenuChangeIn(Schema):
    """Only the fields sent change. If residents already ordered and the change concerns them, the answer is 409
    `confirm_needed` with their number in `details`; send it back as `confirm_affected` to go on."""

    day: dt.date | None = None
    meal: str | None = None
    dishes: str | None = Field(None, min_length=1, max_length=2000)
    price_fen: int | None = Field(None, ge=0)
    capacity: int | None = Field(None, ge=1, le=100000)
    order_until: LocalTime | None = None
    serve_from: LocalTime | None = Field(None, description="Send both serving times, or null for both to clear them")
    serve_until: LocalTime | None = None
    reason: str = Field("", max_length=200)
    confirm_affected: int | None = None


class MenuWithdrawIn(Schema):
    reason: str = Field("", max_length=200)
    confirm_affected: int | None = None


class CanteenPriceRuleIn(Schema):
    label: str = Field(min_length=1, max_length=60)
    min_age: int = Field(0, ge=0, le=120)
    resident_fen: int = Field(ge=0)
    payer: str
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None


class CanteenPriceRuleOut(Schema):
    id: int
    canteen_id: int
    label: str
    min_age: int
    resident_fen: int
    payer: str
    starts_on: dt.date | None
    ends_on: dt.date | None
    active: bool
