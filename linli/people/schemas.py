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


class RevealIn(Schema):
    reason: str = Field(max_length=200)


class RevealOut(Schema):
    id_number: str


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
