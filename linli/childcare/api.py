"""Childcare 0–3 over HTTP: groups, applications, decisions."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from linli.accounts.api_auth import AUTH
from linli.core.api import fields_sent
from linli.facilities.selectors import resident_for_booking
from linli.places.selectors import community_get

from . import selectors, services
from .models import AgeGroup, Application

router = Router(tags=["childcare"], auth=AUTH)


class GroupOut(Schema):
    id: int
    facility_id: int
    facility: str
    name: str
    min_months: int
    max_months: int
    places: int
    admitted: int
    monthly_fee_fen: int
    open: bool


class GroupIn(Schema):
    facility_id: int
    name: str = Field(min_length=1, max_length=40)
    min_months: int = Field(ge=0, le=36)
    max_months: int = Field(ge=1, le=36)
    places: int = Field(ge=1, le=1000)
    monthly_fee_fen: int = Field(0, ge=0)
    open: bool = True


class GroupChangeIn(Schema):
    """Only the fields sent change; `places` never below the children admitted."""

    facility_id: int | None = None
    name: str | None = Field(None, min_length=1, max_length=40)
    min_months: int | None = Field(None, ge=0, le=36)
    max_months: int | None = Field(None, ge=1, le=36)
    places: int | None = Field(None, ge=1, le=1000)
    monthly_fee_fen: int | None = Field(None, ge=0)
    open: bool | None = None


class ChildcareApplicationIn(Schema):
    child_id: int
    start_on: dt.date
    note: str = Field("", max_length=200)


class ChildcareDecisionIn(Schema):
    decision: str = Field(pattern="^(admit|decline)$")
    reason: str = Field("", max_length=200)


class ChildcareApplicationOut(Schema):
    id: int
    group_id: int
    child: str
    start_on: dt.date
    status: str
    reason: str


def group_out(g: AgeGroup) -> dict[str, Any]:
    return {
        "id": g.pk,
        "facility_id": g.facility_id,
        "facility": g.facility.name,
        "name": g.name,
        "min_months": g.min_months,
        "max_months": g.max_months,
        "places": g.places,
        "admitted": g.admitted,
        "monthly_fee_fen": g.monthly_fee_fen,
        "open": g.open,
    }


def application_out(a: Application) -> dict[str, Any]:
    return {
        "id": a.pk,
        "group_id": a.group_id,
        "child": a.child.name,
        "start_on": a.start_on,
        "status": a.status,
        "reason": a.reason,
    }


@router.get("/communities/{code}/childcare/groups", response=list[GroupOut])
def group_list(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    community = community_get(code=code, user=request.user)
    return [group_out(g) for g in selectors.groups_for(user=request.user, community=community)]


@router.post("/communities/{code}/childcare/groups/{group_id}/applications", response={201: ChildcareApplicationOut})
def apply(request: HttpRequest, code: str, group_id: int, payload: ChildcareApplicationIn) -> Status:
    community = community_get(code=code, user=request.user)
    group = selectors.group_get(user=request.user, community=community, pk=group_id)
    child = resident_for_booking(user=request.user, community=community, pk=payload.child_id)
    application = services.application_submit(
        actor=request.user, group=group, child=child, start_on=payload.start_on, note=payload.note
    )
    return Status(201, application_out(application))


@router.get("/communities/{code}/childcare/applications", response=list[ChildcareApplicationOut])
def application_list(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    community = community_get(code=code, user=request.user)
    return [application_out(a) for a in selectors.applications_for_staff(user=request.user, community=community)]


@router.post("/communities/{code}/childcare/applications/{application_id}/decision", response=ChildcareApplicationOut)
def decide(request: HttpRequest, code: str, application_id: int, payload: ChildcareDecisionIn) -> dict[str, Any]:
    community = community_get(code=code, user=request.user)
    application = selectors.application_get(user=request.user, community=community, pk=application_id)
    if payload.decision == "admit":
        return application_out(services.application_admit(actor=request.user, application=application))
    return application_out(
        services.application_decline(actor=request.user, application=application, reason=payload.reason)
    )


@router.post("/communities/{code}/childcare/applications/{application_id}/withdraw", response=ChildcareApplicationOut)
def withdraw(request: HttpRequest, code: str, application_id: int) -> dict[str, Any]:
    """The family withdraws its application (an admitted child's place is freed)."""
    community = community_get(code=code, user=request.user)
    application = selectors.own_application_get(user=request.user, community=community, pk=application_id)
    return application_out(services.application_withdraw(actor=request.user, application=application))


# --- set-up: groups and places (register staff) ----------------------------------------------------------------


@router.get("/communities/{code}/childcare/setup/groups", response=list[GroupOut])
def setup_group_list(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    """Every group of the community, closed ones too."""
    community = community_get(code=code, user=request.user)
    return [group_out(g) for g in selectors.setup_groups(user=request.user, community=community)]


@router.post("/communities/{code}/childcare/groups", response={201: GroupOut})
def group_create(request: HttpRequest, code: str, payload: GroupIn) -> Status:
    community = community_get(code=code, user=request.user)
    data = payload.dict()
    facility = selectors.childcare_facility_get(user=request.user, community=community, pk=data.pop("facility_id"))
    return Status(201, group_out(services.group_create(actor=request.user, facility=facility, **data)))


@router.patch("/communities/{code}/childcare/groups/{group_id}", response=GroupOut)
def group_change(request: HttpRequest, code: str, group_id: int, payload: GroupChangeIn) -> dict[str, Any]:
    community = community_get(code=code, user=request.user)
    group = selectors.setup_group_get(user=request.user, community=community, pk=group_id)
    sent = fields_sent(payload)
    facility = (
        selectors.childcare_facility_get(user=request.user, community=community, pk=sent.pop("facility_id"))
        if "facility_id" in sent
        else group.facility
    )
    fields = ("name", "min_months", "max_months", "places", "monthly_fee_fen", "open")
    values = {f: sent.get(f, getattr(group, f)) for f in fields}
    return group_out(services.group_update(actor=request.user, group=group, facility=facility, **values))
