import datetime as dt

from ninja import Field, Schema


class CategoryOut(Schema):
    code: str
    name_zh: str
    name_en: str
    default_scenario: str
    in_standard: bool
    active: bool


class FacilityOut(Schema):
    id: int
    community: str
    code: str
    name: str
    category: str
    scenario: str
    nature: str
    tier: str
    operator: str
    building: str | None
    floor: str
    lat: float
    lng: float
    floor_area_m2: int | None
    opening_hours: str
    capacity: int | None
    phone: str
    shared: bool
    shared_with: list[str]
    active: bool
    opened_on: dt.date | None = Field(None, description="Null: in service before the platform began")
    closed_on: dt.date | None = None
    distance_m: int | None = None
    distance_walked: bool | None = None  # False: a straight line (no walking network, or off it)


class FacilityIn(Schema):
    code: str = Field(min_length=2, max_length=40)
    name: str = Field(min_length=1, max_length=80)
    category: str
    scenario: str = ""
    nature: str = "affordable"
    tier: str = ""
    operator: str = ""
    building_id: int | None = None
    floor: str = ""
    lat: float | None = Field(None, ge=-90, le=90)
    lng: float | None = Field(None, ge=-180, le=180)
    floor_area_m2: int | None = Field(None, ge=0)
    opening_hours: str = ""
    capacity: int | None = Field(None, ge=0)
    phone: str = ""
    description: str = ""
    shared: bool = False
    shared_with: list[str] = []
    active: bool = True
    opened_on: dt.date | None = None


class FacilityPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=80)
    category: str | None = None
    scenario: str | None = None
    nature: str | None = None
    tier: str | None = None
    operator: str | None = None
    building_id: int | None = None
    floor: str | None = None
    lat: float | None = Field(None, ge=-90, le=90)
    lng: float | None = Field(None, ge=-180, le=180)
    floor_area_m2: int | None = Field(None, ge=0)
    opening_hours: str | None = None
    capacity: int | None = Field(None, ge=0)
    phone: str | None = None
    description: str | None = None
    shared: bool | None = None
    shared_with: list[str] | None = None
    active: bool | None = None
    opened_on: dt.date | None = None


class PriceRuleOut(Schema):
    id: int
    label: str
    min_age: int
    price_fen: int


class ServiceOut(Schema):
    id: int
    facility_id: int
    kind: str
    name: str
    provider: str
    description: str
    price_fen: int
    price_unit: str
    price_rules: list[PriceRuleOut]
    bookable: bool
    waitlist: bool
    cancel_hours: int
    active: bool


class ServiceIn(Schema):
    kind: str
    name: str = Field(min_length=1, max_length=80)
    provider: str = ""
    description: str = ""
    price_fen: int = Field(0, description="Price in fen (1 yuan = 100 fen); never negative.")
    price_unit: str = ""
    bookable: bool = True
    waitlist: bool = True
    cancel_hours: int = Field(2, ge=0, le=168)
    active: bool = True


class FacilitySlotOut(Schema):
    id: int
    service_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    capacity: int
    booked: int
    free: int
    cancelled: bool


class ServicePatch(Schema):
    kind: str | None = None
    name: str | None = Field(None, min_length=1, max_length=80)
    provider: str | None = Field(None, max_length=80)
    description: str | None = None
    price_fen: int | None = Field(None, description="Price in fen (1 yuan = 100 fen); never negative.")
    price_unit: str | None = Field(None, max_length=20)
    bookable: bool | None = None
    waitlist: bool | None = None
    cancel_hours: int | None = Field(None, ge=0, le=168)
    active: bool | None = None


class PriceRuleIn(Schema):
    label: str = Field(min_length=1, max_length=40)
    min_age: int = Field(ge=0, le=130)
    price_fen: int = Field(description="The price from that age on, in fen; never negative.")


class FacilityCategoryIn(Schema):
    code: str = Field(max_length=40, description="Lower-case letters, digits, dashes or underscores.")
    name_zh: str = Field(min_length=1, max_length=40)
    name_en: str = Field(min_length=1, max_length=80)
    default_scenario: str


class FacilityCategoryPatch(Schema):
    name_zh: str | None = Field(None, min_length=1, max_length=40)
    name_en: str | None = Field(None, min_length=1, max_length=80)
    default_scenario: str | None = None
    active: bool | None = Field(None, description="false retires the type: not offered for new facilities.")


class SlotCancelIn(Schema):
    reason: str = Field("", max_length=200, description="Sent to everyone booked.")
    confirm_affected: int | None = Field(
        None,
        description="Optional: the number of people booked the caller was shown. If it is no longer so, 409 "
        "`confirm_needed` with the number now in `details`, and nothing is cancelled.",
    )


class SlotCancelOut(Schema):
    slot: "FacilitySlotOut"
    bookings_cancelled: int


class SlotIn(Schema):
    starts_at: dt.datetime
    ends_at: dt.datetime
    capacity: int = Field(ge=1, le=10000)
    note: str = ""


class BookingIn(Schema):
    resident_id: int | None = Field(None, description="A member of your household; yourself when left out.")
    note: str = Field("", max_length=200)


class BookingOut(Schema):
    id: int
    slot_id: int
    service: str
    facility: str
    starts_at: dt.datetime
    resident_id: int
    resident: str
    status: str = Field(
        description="unpaid (a fee to pay by `pay_by`), confirmed, waitlisted, cancelled, attended, no_show"
    )
    price_fen: int
    pay_by: dt.datetime | None = Field(None, description="An unpaid booking holds its place until then.")
    pay_page: str = Field("", description="Where its fee is paid (POST /api/v1/payments/for with purpose booking).")
    checked_in_at: dt.datetime | None
    booked_by: str | None = Field(
        None, description="Who booked it for the resident (a family helper, 代办); null if they did"
    )


class DaySheetOut(Schema):
    slot: FacilitySlotOut
    service: str
    facility: str
    bookings: list[BookingOut]


class ImportOut(Schema):
    created: int
    updated: int
