import datetime as dt

from ninja import Field, Schema


class QuoteOut(Schema):
    resident_id: int
    name: str
    age: int
    resident_fen: int
    subsidy_fen: int
    payer: str
    rule: str | None


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
    order_until: dt.time
    quotes: list[QuoteOut] = Field(description="What each member of your household would pay.")


class MenuIn(Schema):
    canteen_id: int
    day: dt.date
    meal: str = "lunch"
    dishes: str = Field(min_length=1)
    price_fen: int
    capacity: int = Field(ge=1)
    order_until: dt.time = dt.time(9, 30)


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
