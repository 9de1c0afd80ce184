import datetime as dt

from ninja import Field, Schema


class ResidentOut(Schema):
    id: int
    name: str
    mobile: str
    sex: str
    birth_date: dt.date | None = Field(description="Only for roles that may reveal ID numbers; null for others")
    age: int = Field(description="Exact age when `age_exact`; else the age reached this calendar year")
    age_exact: bool
    age_tier: str
    id_number: str = Field(description="Masked to its last 4 characters, e.g. **************1234")
    household: str | None
    household_id: int | None = None
    relation_to_head: str = ""
    residence: str = ""
    hukou_address: str = ""
    note: str = ""
    moved_in_on: dt.date | None = Field(None, description="Null: lived here before the register began")
    moved_out_on: dt.date | None = None
    is_owner: bool
    is_party_member: bool
    tags: list[str]


class ResidentIn(Schema):
    name: str = Field(min_length=1, max_length=40)
    mobile: str = Field("", max_length=11)
    sex: str = Field("", max_length=1)
    birth_date: dt.date | None = None
    id_number: str = Field("", max_length=18)
    household_id: int | None = None
    is_owner: bool = False
    is_party_member: bool = False
    tags: list[str] = []
    relation_to_head: str = Field("", max_length=20)
    residence: str = Field("consistent", max_length=24)
    hukou_address: str = Field("", max_length=200)
    note: str = Field("", max_length=500)
    moved_in_on: dt.date | None = None


class ResidentPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=40)
    mobile: str | None = Field(None, max_length=11)
    sex: str | None = Field(None, max_length=1)
    birth_date: dt.date | None = None
    id_number: str | None = Field(None, max_length=18)
    household_id: int | None = None
    is_owner: bool | None = None
    is_party_member: bool | None = None
    tags: list[str] | None = None
    relation_to_head: str | None = Field(None, max_length=20)
    residence: str | None = Field(None, max_length=24)
    hukou_address: str | None = Field(None, max_length=200)
    note: str | None = Field(None, max_length=500)
    moved_in_on: dt.date | None = Field(None, description="Send null to clear it")


class RevealIn(Schema):
    reason: str = Field(max_length=200)


class RevealOut(Schema):
    id_number: str


class MoveOutIn(Schema):
    moved_out_on: dt.date
    reason: str = Field(min_length=1, max_length=200)


class MovedOutOut(ResidentOut):
    cancelled: list[str] = Field(description="What the move out cancelled or ended, one line each")


class MoveBackIn(Schema):
    reason: str = Field("", max_length=200)


class HouseholdIn(Schema):
    building_id: int
    unit: str = Field(min_length=1, max_length=30)


class HouseholdPatch(Schema):
    unit: str = Field(min_length=1, max_length=30)


class HouseholdMemberOut(Schema):
    id: int
    name: str
    relation_to_head: str
    age_tier: str
    tags: list[str]


class HouseholdOut(Schema):
    id: int
    building_id: int
    building: str
    unit: str
    member_count: int
    members: list[HouseholdMemberOut] | None = Field(None, description="Only on a single household")


class DataRequestIn(Schema):
    reason: str = Field("", max_length=500)


class DataRequestOut(Schema):
    id: int
    kind: str
    status: str
    resident_id: int
    resident: str = Field(description="The resident's name on the register (staff lists only; else empty)")
    reason: str
    answer: str
    created_at: dt.datetime
    handled_at: dt.datetime | None


class DataRequestDecisionIn(Schema):
    answer: str = Field("", max_length=500)


class FamilyPersonOut(Schema):
    id: int
    name: str


class FamilyLinkOut(Schema):
    id: int
    community: str = Field(description="The community's code")
    helper: FamilyPersonOut
    elder: FamilyPersonOut
    relation: str
    status: str = Field(description="requested, active or ended")
    consent: str = Field(description="sms_code, elder_account, in_person; empty until confirmed")
    requested_at: dt.datetime
    code_sent_at: dt.datetime | None
    confirmed_at: dt.datetime | None
    confirmed_by: str | None = Field(description="Who confirmed (a masked mobile or a display name)")
    ended_at: dt.datetime | None
    ended_by: str | None


class FamilyLinksMineOut(Schema):
    helping: list[FamilyLinkOut] = Field(description="Links where you are the family helper")
    helped: list[FamilyLinkOut] = Field(description="Links where you are the elder")


class FamilyLinkIn(Schema):
    """Either `elder_id` (someone of your household), or name + building + room + last 4 of their mobile."""

    elder_id: int | None = Field(None, ge=1, le=2**63 - 1)
    name: str = Field("", max_length=40)
    building_id: int | None = Field(None, ge=1, le=2**63 - 1)
    room: str = Field("", max_length=30)
    mobile_last4: str = Field("", max_length=4)
    relation: str = Field("", max_length=20)


class FamilyCodeIn(Schema):
    code: str = Field(min_length=6, max_length=8)


class ActingForOut(Schema):
    id: int
    name: str
    why: str = Field(description="self, household or family_link")


class RegisterProblemOut(Schema):
    column: str
    reason: str


class RegisterRowOut(Schema):
    row: int
    outcome: str = Field(description="created, updated, unchanged or refused (in a preview: what would happen)")
    name: str
    id_number: str = Field(description="masked")
    changes: list[str]
    problems: list[RegisterProblemOut]


class RegisterImportOut(Schema):
    id: int
    file_name: str
    status: str = Field(description="previewed, queued, running, done or failed")
    counts: dict[str, int]
    percent: int
    error: str
    rows: list[RegisterRowOut] | None = None


class RegisterExportOut(Schema):
    id: int
    status: str = Field(description="queued, running, done or failed")
    percent: int
    residents: int | None = Field(None, description="Rows in the file, once written.")
    full_id_numbers: bool
    error: str
    expires_at: dt.datetime = Field(description="The file is deleted then.")
    status_url: str
    download_url: str | None = None
