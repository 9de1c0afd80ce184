"""Volunteering API: activities, sign-up, check-in with the code, hours."""

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from linli.core.api import AUTH
from linli.core.errors import NotFound
from linli.people.selectors import resident_of_user

from . import selectors, services
from .models import Activity, ServiceRecord, SignUp
from .schemas import ActivityOut, CheckInIn, ConfirmIn, RecordOut, SignUpOut, YearOut

router = Router(tags=["volunteering"], auth=AUTH)


def _resident(request: HttpRequest) -> Any:
    resident = resident_of_user(user=request.user)
    if resident is None:
        raise NotFound("Your account is not linked to a resident of a community yet.")
    return resident


def activity_out(a: Activity) -> dict[str, Any]:
    return {
        "id": a.pk,
        "title": a.title,
        "kind": a.kind,
        "starts_at": a.starts_at,
        "ends_at": a.ends_at,
        "place": a.place,
        "capacity": a.capacity,
        "signed_up": a.signed_up,
        "team": a.team.name if a.team else None,
    }


def record_out(r: ServiceRecord) -> dict[str, Any]:
    return {
        "id": r.pk,
        "activity": r.activity_id,
        "activity_title": r.activity.title,
        "served_on": r.served_on,
        "minutes": r.minutes,
        "status": r.status,
        "points": r.points,
    }


def signup_out(s: SignUp) -> dict[str, Any]:
    return {"id": s.pk, "activity": s.activity_id, "status": s.status}


@router.get("/volunteering/activities", response=list[ActivityOut])
def activities(request: HttpRequest) -> list[dict[str, Any]]:
    resident = _resident(request)
    return [activity_out(a) for a in selectors.activities_upcoming(community=resident.community)[:200]]


@router.post("/volunteering/activities/{pk}/signup", response={201: SignUpOut})
def signup(request: HttpRequest, pk: int) -> Status:
    activity = selectors.activity_for_user(user=request.user, pk=pk)
    made = services.signup_create(actor=request.user, activity=activity, resident=_resident(request))
    return Status(201, signup_out(made))


@router.post("/volunteering/activities/{pk}/check-in", response={201: RecordOut})
def check_in(request: HttpRequest, pk: int, payload: CheckInIn) -> Status:
    activity = selectors.activity_for_user(user=request.user, pk=pk)
    record = services.check_in(actor=request.user, activity=activity, resident=_resident(request), code=payload.code)
    return Status(201, record_out(record))


@router.post("/volunteering/records/{pk}/confirm", response=RecordOut)
def confirm(request: HttpRequest, pk: int, payload: ConfirmIn) -> dict[str, Any]:
    record = selectors.record_get(user=request.user, pk=pk)
    return record_out(services.record_confirm(actor=request.user, record=record, minutes=payload.minutes))


@router.get("/volunteering/my/records", response=list[RecordOut])
def my_records(request: HttpRequest) -> list[dict[str, Any]]:
    resident = _resident(request)
    return [record_out(r) for r in selectors.records_of(user=request.user, resident=resident)[:500]]


@router.get("/volunteering/my/years", response=list[YearOut])
def my_years(request: HttpRequest) -> list[dict[str, Any]]:
    resident = _resident(request)
    return [
        {"year": y.year, "minutes": y.minutes, "hours": y.hours, "activities": y.activities, "points": y.points}
        for y in selectors.years_of(resident=resident)
    ]
