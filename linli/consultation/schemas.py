import datetime as dt

from ninja import Field, Schema
from pydantic import field_validator

from linli.core.api import RowId
from linli.core.validators import web_url_schema_check

from .models import AGENDA_THRESHOLD_MAX


class MatterIn(Schema):
    kind: str
    title: str = Field(max_length=120)
    body: str = Field(max_length=4000)
    neighbourhood_id: int | None = None


class LiftIn(MatterIn):
    report_ref: str = Field(max_length=60)
    reporter_mobile: str = ""


class AnswerIn(Schema):
    response: str = Field(max_length=4000)


class RatingIn(Schema):
    score: int = Field(ge=1, le=5)
    comment: str = Field("", max_length=500)


class MatterOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    status: str
    origin_kind: str
    support_count: int
    neighbourhood: str | None
    raised_at: dt.datetime
    agenda_at: dt.datetime | None
    decided_at: dt.datetime | None
    done_at: dt.datetime | None
    response: str


class TaskUpdateOut(Schema):
    text: str
    progress: int
    created_at: dt.datetime


class TaskOut(Schema):
    id: int
    title: str
    owner_party: str
    owner_name: str
    due_date: dt.date
    status: str
    progress: int
    overdue: bool
    updates: list[TaskUpdateOut]


class DecisionOut(Schema):
    id: int
    text: str
    meeting_id: int | None
    responsible_party: str
    responsible_name: str
    due_date: dt.date
    tasks: list[TaskOut]


class MatterDetailOut(MatterOut):
    decisions: list[DecisionOut]
    meetings: list[int]
    votes: list[int]
    rating_avg: float | None
    rating_count: int
    supported: bool
    following: bool


class SupportOut(Schema):
    matter_id: int
    support_count: int
    status: str


class MeetingIn(Schema):
    title: str = Field(max_length=120)
    mode: str
    starts_at: dt.datetime
    capacity: int = Field(ge=1)
    parties: list[str]
    place: str = Field("", max_length=120)
    online_url: str = Field("", max_length=200)
    matter_ids: list[RowId] = []

    @field_validator("online_url")
    @classmethod
    def _web_url(cls, value: str) -> str:
        return web_url_schema_check(value)


class MeetingOut(Schema):
    id: int
    title: str
    mode: str
    starts_at: dt.datetime
    place: str
    online_url: str
    capacity: int
    registered: int
    parties: list[str]
    status: str
    minutes: str
    agenda: list[RowId]


class AttendanceIn(Schema):
    resident_ids: list[RowId]


class MinutesIn(Schema):
    minutes: str = Field(max_length=20000)


class AgendaIn(Schema):
    matter_id: int


class ConsultationDecisionIn(Schema):
    matter_id: int
    text: str = Field(max_length=4000)
    responsible_party: str
    responsible_name: str = Field(max_length=60)
    due_date: dt.date


class TaskIn(Schema):
    title: str = Field(max_length=120)
    owner_party: str
    owner_name: str = Field(max_length=60)
    due_date: dt.date


class TaskUpdateIn(Schema):
    text: str = Field(max_length=2000)
    progress: int = Field(ge=0, le=100)


class VoteIn(Schema):
    question: str = Field(max_length=200)
    options: list[str]
    eligibility: str
    opens_at: dt.datetime
    closes_at: dt.datetime
    secret: bool = False
    hide_results: bool = True
    neighbourhood_id: int | None = None
    matter_id: int | None = None


class OptionOut(Schema):
    id: int
    label: str


class ResultOut(Schema):
    id: int
    label: str
    count: int
    share: int


class VoteOut(Schema):
    id: int
    question: str
    matter_id: int | None
    eligibility: str
    neighbourhood: str | None
    secret: bool
    hide_results: bool
    opens_at: dt.datetime
    closes_at: dt.datetime
    phase: str
    options: list[OptionOut]
    has_voted: bool
    eligible: bool
    results: list[ResultOut] | None = Field(description="null while the results are hidden")
    total: int | None
    turnout_of: int | None


class BallotIn(Schema):
    option_id: int


class BallotOut(Schema):
    vote_id: int
    counted: bool


class SettingsIO(Schema):
    supports_per_resident: int = Field(ge=1, le=100)
    agenda_threshold: int = Field(ge=1, le=AGENDA_THRESHOLD_MAX)
    one_support_per_household: bool
