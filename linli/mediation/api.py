import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from linli.accounts.api_auth import AUTH
from linli.core.api import RowId
from linli.places.selectors import community_get

from . import selectors, services
from .models import Case

router = Router(tags=["mediation"], auth=AUTH)
BASE = "/communities/{code}/mediation"


class CaseIn(Schema):
    kind: str
    title: str = Field(max_length=120)
    summary: str = Field(max_length=4000)
    applicant_ids: list[RowId] = []
    respondent_ids: list[RowId] = []


class CaseOut(Schema):
    id: int
    kind: str
    title: str
    summary: str
    status: str
    opened_at: dt.datetime
    closed_at: dt.datetime | None


class NoteIn(Schema):
    text: str = Field(max_length=4000)


class NoteOut(Schema):
    author: str
    text: str
    created_at: dt.datetime


class CaseDetailOut(CaseOut):
    parties: list[dict[str, str]]
    mediators: list[str]
    sessions: list[dict[str, Any]]
    notes: list[NoteOut]
    agreement: str | None
    follow_ups: list[dict[str, Any]]


class MetadataOut(Schema):
    id: int
    kind: str
    status: str
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    mediators: list[str]


def case_out(case: Case) -> dict[str, Any]:
    names = ("kind", "title", "summary", "status", "opened_at", "closed_at")
    return {"id": case.pk, **{k: getattr(case, k) for k in names}}


@router.get(BASE + "/cases", response=list[CaseOut])
def case_list(request: HttpRequest, code: str, q: str = "") -> list[dict[str, Any]]:
    """Only the cases the caller is a party to or mediates."""
    community = community_get(code=code, user=request.user)
    return [case_out(c) for c in selectors.cases_for(user=request.user, community=community, q=q)[:200]]


@router.post(BASE + "/cases", response={201: CaseOut})
def case_open(request: HttpRequest, code: str, payload: CaseIn) -> Status:
    community = community_get(code=code, user=request.user)
    case = services.case_open(actor=request.user, community=community, **payload.dict())
    return Status(201, case_out(case))


@router.get(BASE + "/cases/{case_id}", response=CaseDetailOut)
def case_detail(request: HttpRequest, code: str, case_id: int) -> dict[str, Any]:
    community = community_get(code=code, user=request.user)
    case = selectors.case_get(user=request.user, community=community, pk=case_id)
    d = selectors.case_detail(case=case)
    return {
        **case_out(case),
        "parties": [{"name": p.resident.name, "side": p.side} for p in d["parties"]],
        "mediators": [str(m.mediator.user) for m in d["mediators"]],
        "sessions": [{"starts_at": s.starts_at.isoformat(), "place": s.place} for s in d["sessions"]],
        "notes": [{"author": str(n.author), "text": n.text, "created_at": n.created_at} for n in d["notes"]],
        "agreement": d["agreement"].text if d["agreement"] else None,
        "follow_ups": [{"outcome": f.outcome, "text": f.text} for f in d["follow_ups"]],
    }


@router.post(BASE + "/cases/{case_id}/notes", response={201: NoteOut})
def note_add(request: HttpRequest, code: str, case_id: int, payload: NoteIn) -> Status:
    community = community_get(code=code, user=request.user)
    case = selectors.case_get(user=request.user, community=community, pk=case_id)
    note = services.note_add(actor=request.user, case=case, text=payload.text)
    return Status(201, {"author": str(note.author), "text": note.text, "created_at": note.created_at})


@router.get(BASE + "/metadata", response=list[MetadataOut])
def case_metadata(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    """For the community admin: case numbers, kinds, statuses, dates and mediators, nothing private."""
    community = community_get(code=code, user=request.user)
    return selectors.case_metadata(user=request.user, community=community)


@router.get(BASE + "/statistics", response=dict)
def statistics(request: HttpRequest, code: str) -> dict[str, Any]:
    community = community_get(code=code, user=request.user)
    return selectors.statistics(user=request.user, community=community)
