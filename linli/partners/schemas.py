import datetime as dt

from ninja import Field, Schema

from linli.core.api import RowId


class PartnerOut(Schema):
    id: int
    name: str
    kind: str
    entity: str
    description: str
    contact_name: str
    contact_mobile: str = Field(description="In full for the community's staff, masked (138****5678) for others.")
    resident_id: int | None = Field(description="The linked resident (individual partners); staff only, else null.")
    members: list[int] = Field(description="Accounts acting for the partner; staff only, else empty.")
    joined_on: dt.date
    active: bool
    ended_on: dt.date | None = Field(description="The day the partnership ended; null while active or if not known.")


class PartnerIn(Schema):
    name: str = Field(min_length=1, max_length=80)
    kind: str = Field(max_length=12, description="resources, charity, co_building or project")
    entity: str = Field("enterprise", max_length=12, description="enterprise, social_org, public_body or individual")
    joined_on: dt.date
    description: str = Field("", max_length=2000)
    contact_name: str = Field("", max_length=40)
    contact_mobile: str = Field("", max_length=11)
    resident_id: int | None = None
    member_ids: list[RowId] = []


class PartnerPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=80)
    kind: str | None = Field(None, max_length=12)
    entity: str | None = Field(None, max_length=12)
    description: str | None = Field(None, max_length=2000)
    contact_name: str | None = Field(None, max_length=40)
    contact_mobile: str | None = Field(None, max_length=11)
    resident_id: int | None = Field(None, description="null unlinks the resident; leave out to keep it.")
    member_ids: list[RowId] | None = None


class PairingOut(Schema):
    id: int
    partner: int
    partner_name: str
    areas: str
    since: dt.date
    until: dt.date | None


class PairingIn(Schema):
    partner_id: int
    areas: str = Field(min_length=1, max_length=200)
    since: dt.date


class PairingPatch(Schema):
    areas: str | None = Field(None, min_length=1, max_length=200)
    until: dt.date | None = Field(None, description="Ends the pairing.")


class ContributionOut(Schema):
    id: int
    project: int
    partner: int | None = Field(description="null: the community itself.")
    kind: str
    description: str
    value_fen: int
    quantity: int
    status: str = Field(description="pledged, delivered or withdrawn")
    delivered_on: dt.date | None
    withdrawn_reason: str


class ContributionIn(Schema):
    kind: str = Field(max_length=10, description="money, goods, services, space or volunteers")
    description: str = Field(min_length=1, max_length=200)
    partner_id: int | None = Field(None, description="null: the community itself.")
    value_fen: int = Field(0, le=10**15, description="Integer fen; money needs more than 0.")
    quantity: int = Field(0, le=2_147_483_647)
    delivered_on: dt.date | None = Field(None, description="null: pledged, not yet delivered.")


class ContributionPatch(Schema):
    reason: str = Field(
        min_length=1, max_length=200, description="Why the record is corrected (kept in the audit log)."
    )
    description: str | None = Field(None, min_length=1, max_length=200)
    value_fen: int | None = Field(None, ge=0, le=10**15)
    quantity: int | None = Field(None, ge=0, le=2_147_483_647)


class DeliverIn(Schema):
    on: dt.date = Field(description="The day it was delivered: not in the future, not before the project started.")


class WithdrawIn(Schema):
    reason: str = Field(min_length=1, max_length=200)


class KindTotalOut(Schema):
    """Pledged and delivered contributions (withdrawn pledges left out), and of those what was delivered."""

    kind: str
    count: int
    value_fen: int
    quantity: int
    delivered_fen: int
    delivered_quantity: int


class PartnerProjectOut(Schema):
    id: int
    title: str
    lead: int
    lead_name: str
    co_partners: list[int]
    scenario: str
    status: str
    starts_on: dt.date
    ends_on: dt.date | None
    outcomes: str
    beneficiaries: int
    by_kind: list[KindTotalOut]


class ProjectIn(Schema):
    title: str = Field(min_length=1, max_length=100)
    lead_id: int
    co_partner_ids: list[RowId] = []
    scenario: str = Field(max_length=20)
    status: str = Field("planned", max_length=8, description="planned or running")
    starts_on: dt.date
    ends_on: dt.date | None = Field(None, description="Planned end.")
    contributions: list[ContributionIn] = Field([], description="Planned contributions, recorded with the project.")


class ProjectPatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=100)
    co_partner_ids: list[RowId] | None = None
    scenario: str | None = Field(None, max_length=20)
    status: str | None = Field(None, max_length=8, description="planned or running; closing has its own endpoint")
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    beneficiaries: int | None = Field(None, ge=0, le=2_147_483_647, description="people served so far")


class CloseIn(Schema):
    outcomes: str = Field(min_length=1, max_length=4000)
    beneficiaries: int = Field(ge=0, le=2_147_483_647)
    ends_on: dt.date


class StreetCommunityOut(Schema):
    code: str
    name: str
    partners: int
    pairings: int
    projects: int
    projects_done: int
    beneficiaries: int
    by_kind: list[KindTotalOut]
