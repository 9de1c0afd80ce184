import datetime as dt

from ninja import Schema
from pydantic import Field


class ActivityOut(Schema):
    id: int
    title: str
    kind: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str
    capacity: int
    signed_up: int
    team: str | None


class SignUpOut(Schema):
    id: int
    activity: int
    status: str


class CheckInIn(Schema):
    code: str = Field(min_length=6, max_length=6, pattern=r"^[0-9]{6}$")


class RecordOut(Schema):
    id: int
    activity: int
    activity_title: str
    served_on: dt.date
    minutes: int
    status: str
    points: int


class ConfirmIn(Schema):
    minutes: int | None = Field(default=None, ge=1, le=1440)


class YearOut(Schema):
    year: int
    minutes: int
    hours: float
    activities: int
    points: int
