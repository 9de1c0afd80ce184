"""Care visits over the API: cadences, the care list, a resident's visits, recording a visit, a need turned into a
report or a referral, and the referral queue. Reads of care records are audited like the pages'."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from linli.accounts.api_auth import AUTH
from linli.core.api import RowId
from linli.people.models import SensitiveTag
from linli.places.selectors import community_get

from . import selectors, services
from .models import Referral, Visit, VisitKind

router = Router(tags=["care"], auth=AUTH)
BASE = "/communities/{code}/care"


class CareCadenceIn(Schema):
    tag: str = Field(max_length=40, description="The tag's code, e.g. elderly_living_alone")
    every_days: int = Field(ge=1, le=366)


class CareCadenceOut(Schema):
    tag: str
    tag_name: str
    every_days: int


class CareEntryOut(Schema):
    resident_id: int
    name: str
    grid: str | None
    tags: list[str]
    every_days: int
    last_seen: dt.date | None
    due_on: dt.date | None
    days_overdue: int
    never_visited: bool


class CareVisitIn(Schema):
    visited_at: dt.datetime | None = None
    kind: str = VisitKind.HOME
    seen: bool = True
    condition: str = ""
    needs: list[str] = []
    note: str = Field("", max_length=1000)


class CareRoundVisitIn(CareVisitIn):
    resident_id: RowId


class CareRoundIn(Schema):
    visits: list[CareRoundVisitIn] = Field(min_length=1, max_length=100)


class CareVisitOut(Schema):
    id: int
    resident_id: int
    visited_by: str
    visited_at: dt.datetime
    kind: str
    seen: bool
    condition: str
    needs: list[str]
    note: str
    report_id: int | None


class CareReportIn(Schema):
    category: str = Field(max_length=40, description="The report category's service code")
    description: str = Field(max_length=4000)


class CareReferralIn(Schema):
    text: str = Field(max_length=1000)


class CareReferralCloseIn(Schema):
    outcome: str = Field(max_length=1000)


class CareReferralOut(Schema):
    id: int
    visit_id: int
    resident_id: int
    text: str
    status: str
    referred_at: dt.datetime
    done_at: dt.datetime | None
    outcome: str


def _visit_out(visit: Visit) -> dict[str, Any]:
    names = ("visited_at", "kind", "seen", "condition", "needs", "note", "report_id")
    return {
        "id": visit.pk,
        "resident_id": visit.resident_id,
        "visited_by": str(visit.visited_by),
        **{k: getattr(visit, k) for k in names},
    }


def _referral_out(referral: Referral) -> dict[str, Any]:
    names = ("visit_id", "resident_id", "text", "status", "referred_at", "done_at", "outcome")
    return {"id": referral.pk, **{k: getattr(referral, k) for k in names}}


def _tag(code: str) -> SensitiveTag:
    return selectors.tag_by_code(code=code)


@router.get(BASE + "/cadences", response=list[CareCadenceOut])
def cadence_list(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    community = community_get(code=code, user=request.user)
    return [
        {"tag": c.tag.code, "tag_name": c.tag.name_zh, "every_days": c.every_days}
        for c in selectors.cadence_list(user=request.user, community=community)
    ]


@router.put(BASE + "/cadences", response=CareCadenceOut)
def cadence_set(request: HttpRequest, code: str, payload: CareCadenceIn) -> dict[str, Any]:
    community = community_get(code=code, user=request.user)
    cadence = services.cadence_set(
        actor=request.user, community=community, tag=_tag(payload.tag), every_days=payload.every_days
    )
    return {"tag": cadence.tag.code, "tag_name": cadence.tag.name_zh, "every_days": cadence.every_days}


@router.delete(BASE + "/cadences/{tag}", response={204: None})
def cadence_remove(request: HttpRequest, code: str, tag: str) -> Status:
    community = community_get(code=code, user=request.user)
    services.cadence_remove(actor=request.user, community=community, tag=_tag(tag))
    return Status(204, None)


@router.get(BASE + "/list", response=list[CareEntryOut])
def care_list(
    request: HttpRequest, code: str, grid: str = "", tag: str = "", overdue: bool = False
) -> list[dict[str, Any]]:
    """The caller's care list: a steward their grids, social workers and admins the community (filters apply)."""
    community = community_get(code=code, user=request.user)
    grid_obj = selectors.grid_by_code(community=community, code=grid) if grid else None
    entries = selectors.care_list(
        user=request.user,
        community=community,
        grid=grid_obj,
        tag=_tag(tag) if tag else None,
        overdue_only=overdue,
    )
    return [
        {
            "resident_id": e.resident.pk,
            "name": e.resident.name,
            "grid": e.grid.code if e.grid else None,
            "tags": [t.code for t in e.tags],
            "every_days": e.every_days,
            "last_seen": e.last_seen,
            "due_on": e.due_on,
            "days_overdue": e.days_overdue,
            "never_visited": e.never_visited,
        }
        for e in entries
    ]


@router.get(BASE + "/residents/{resident_id}/visits", response=list[CareVisitOut])
def resident_visits(request: HttpRequest, code: str, resident_id: int) -> list[dict[str, Any]]:
    community = community_get(code=code, user=request.user)
    resident = selectors.care_resident_get(user=request.user, community=community, pk=resident_id)
    services.care_record_viewed(actor=request.user, resident=resident, via="api")
    return [_visit_out(v) for v in selectors.visits_of(resident=resident)[:500]]


@router.post(BASE + "/residents/{resident_id}/visits", response={201: CareVisitOut})
def visit_record(request: HttpRequest, code: str, resident_id: RowId, payload: CareVisitIn) -> Status:
    community = community_get(code=code, user=request.user)
    resident = selectors.care_resident_get(user=request.user, community=community, pk=resident_id)
    data = payload.dict()
    visit = services.visit_record(
        actor=request.user, resident=resident, **{**data, "visited_at": data["visited_at"] or timezone.now()}
    )
    return Status(201, _visit_out(visit))


@router.post(BASE + "/visits", response={201: dict[str, int]})
def visits_round(request: HttpRequest, code: str, payload: CareRoundIn) -> Status:
    """A round: several visits at once, all saved or none (at most 100; each resident once)."""
    community = community_get(code=code, user=request.user)
    now = timezone.now()
    visits = []
    for item in payload.visits:
        data = item.dict()
        resident = selectors.care_resident_get(user=request.user, community=community, pk=data.pop("resident_id"))
        visits.append({**data, "resident": resident, "visited_at": data["visited_at"] or now})
    return Status(201, {"recorded": services.visits_record_many(actor=request.user, visits=visits, now=now)})


@router.get(BASE + "/visits/{visit_id}", response=CareVisitOut)
def visit_detail(request: HttpRequest, code: str, visit_id: int) -> dict[str, Any]:
    community = community_get(code=code, user=request.user)
    visit = selectors.visit_get(user=request.user, community=community, pk=visit_id)
    services.care_record_viewed(actor=request.user, resident=visit.resident, visit=visit, via="api")
    return _visit_out(visit)


@router.post(BASE + "/visits/{visit_id}/report", response={201: dict[str, int]})
def visit_report(request: HttpRequest, code: str, visit_id: int, payload: CareReportIn) -> Status:
    community = community_get(code=code, user=request.user)
    visit = selectors.visit_get(user=request.user, community=community, pk=visit_id)
    category = selectors.report_category_get(community=community, code=payload.category)
    report = services.visit_report(actor=request.user, visit=visit, category=category, description=payload.description)
    return Status(201, {"report_id": report.pk})


@router.post(BASE + "/visits/{visit_id}/referrals", response={201: CareReferralOut})
def referral_create(request: HttpRequest, code: str, visit_id: int, payload: CareReferralIn) -> Status:
    community = community_get(code=code, user=request.user)
    visit = selectors.visit_get(user=request.user, community=community, pk=visit_id)
    return Status(201, _referral_out(services.referral_create(actor=request.user, visit=visit, text=payload.text)))


@router.get(BASE + "/referrals", response=list[CareReferralOut])
def referral_list(request: HttpRequest, code: str, status: str = "") -> list[dict[str, Any]]:
    community = community_get(code=code, user=request.user)
    return [
        _referral_out(r) for r in selectors.referrals_for(user=request.user, community=community, status=status)[:500]
    ]


@router.post(BASE + "/referrals/{referral_id}/done", response=CareReferralOut)
def referral_close(request: HttpRequest, code: str, referral_id: int, payload: CareReferralCloseIn) -> dict[str, Any]:
    community = community_get(code=code, user=request.user)
    referral = selectors.referral_get(user=request.user, community=community, pk=referral_id)
    return _referral_out(services.referral_close(actor=request.user, referral=referral, outcome=payload.outcome))
