import datetime as dt
from typing import Annotated

from django.utils import timezone
from ninja import Schema
from pydantic import AfterValidator, Field

from linli.core.scenarios import Scenario


class ActivityTypeIn(Schema):
    name: str = Field(min_length=1, max_length=40)
    scenario: Scenario = Scenario.NEIGHBOURHOOD
    earning_rule: str = Field(default="volunteer_hour", max_length=40, description="An earning rule's code.")
    attendance_rule: str = Field(
        default="", max_length=40, description="An earning rule's code paid on checking in; empty: none."
    )


class ActivityTypePatch(Schema):
    name: str | None = Field(default=None, min_length=1, max_length=40)
    scenario: Scenario | None = None
    earning_rule: str | None = Field(default=None, max_length=40)
    attendance_rule: str | None = Field(default=None, max_length=40, description="Empty: taking part earns nothing.")
    active: bool | None = Field(default=None, description="false retires the type: not offered for new activities.")
    confirm: bool = Field(
        default=False, description="Needed to change the earning rule while volunteers are signed up (409 otherwise)."
    )


class ActivityTypeOut(Schema):
    id: int
    name: str
    scenario: str
    earning_rule: str
    attendance_rule: str
    active: bool
    activities: int


class ActivityOut(Schema):
    id: int
    title: str
    type_id: int
    type: str
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


class VolunteeringCheckInIn(Schema):
    code: str = Field(min_length=6, max_length=6, pattern=r"^[0-9]{6}$")


class RecordOut(Schema):
    id: int
    activity: int
    activity_title: str
    served_on: dt.date
    minutes: int
    status: str
    points: int


class RollCallIn(Schema):
    resident_ids: list[int] = Field(min_length=1, max_length=500)


class SignUpsIn(Schema):
    resident_ids: list[int] = Field(min_length=1, max_length=500)


class ConfirmIn(Schema):
    minutes: int | None = Field(default=None, ge=1, le=1440)


class YearOut(Schema):
    year: int
    minutes: int
    hours: float
    activities: int
    points: int


def _local(value: dt.datetime) -> dt.datetime:
    """A date and time sent without an offset is read in the site's time zone (Asia/Shanghai)."""
    return timezone.make_aware(value) if timezone.is_naive(value) else value


LocalDatetime = Annotated[dt.datetime, AfterValidator(_local)]


# --- teams ----------------------------------------------------------------------------------------------


class TeamIn(Schema):
    name: str = Field(max_length=60)
    description: str = Field(default="", max_length=2000)
    scenario: Scenario = Scenario.NEIGHBOURHOOD
    party_vanguard: bool = False


class TeamOut(Schema):
    id: int
    name: str
    description: str
    scenario: str
    party_vanguard: bool
    members: int
    party_members: int


class TeamMemberOut(Schema):
    id: int
    resident_id: int
    name: str
    leader: bool
    party_member: bool
    joined_on: dt.date


class TeamDetailOut(TeamOut):
    member_list: list[TeamMemberOut] | None
    activities: list[ActivityOut]


# --- activities -----------------------------------------------------------------------------------------


class ActivityIn(Schema):
    title: str = Field(max_length=100)
    type_id: int
    team_id: int | None = None
    facility_id: int | None = None
    place: str = Field(default="", max_length=100)
    starts_at: LocalDatetime
    ends_at: LocalDatetime
    capacity: int = Field(ge=1, le=10_000)
    description: str = Field(default="", max_length=4000)
    party_members_only: bool = False


class OrganisedActivityOut(ActivityOut):
    status: str
    confirmed: int
    waitlisted: int
    pending_records: int
    pending_minutes: int


class RosterEntryOut(Schema):
    signup_id: int
    resident_id: int
    name: str
    party_member: bool
    status: str
    checked_in_at: dt.datetime | None
    record: RecordOut | None


class VolunteeringReasonIn(Schema):
    reason: str = Field(min_length=1, max_length=200)


# --- clubs ----------------------------------------------------------------------------------------------


class ClubIn(Schema):
    name: str = Field(max_length=60)
    description: str = Field(default="", max_length=2000)
    scenario: Scenario = Scenario.HEALTH
    schedule: str = Field(default="", max_length=80)
    venue_id: int | None = None


class ClubOut(Schema):
    id: int
    name: str
    description: str
    scenario: str
    schedule: str
    venue: str | None
    open: bool
    members: int


class ClubMemberOut(Schema):
    id: int
    resident_id: int
    name: str
    leader: bool
    joined_on: dt.date


class ClubBookingOut(Schema):
    id: int
    booking_id: int
    slot_id: int
    facility: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    status: str


class ClubDetailOut(ClubOut):
    member_list: list[ClubMemberOut]
    bookings: list[ClubBookingOut]


class LeaderIn(Schema):
    leader: bool


class ClubSlotOut(Schema):
    id: int
    facility: str
    service: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    free: int


class BookVenueIn(Schema):
    slot_id: int
