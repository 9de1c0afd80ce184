"""Waste-sorting checks over the API: a day's checks, and recording one (points follow the community's rule)."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from linli.accounts.api_auth import AUTH
from linli.core.api import RowId
from linli.places.selectors import community_get

from . import selectors, services
from .models import SortingCheck

router = Router(tags=["waste"], auth=AUTH)
BASE = "/communities/{code}/waste-checks"


class SortingCheckIn(Schema):
    household_id: RowId
    result: str = Field(description="correct, partly or wrong")
    checked_on: dt.date | None = Field(None, description="Default today; at most a week back")
    note: str = Field("", max_length=200)


class SortingCheckOut(Schema):
    id: int
    household_id: int
    household: str
    checked_on: dt.date
    result: str
    result_label: str
    points: int
    awarded_to: str | None
    checked_by: str


def _out(check: SortingCheck) -> dict[str, Any]:
    return {
        "id": check.pk,
        "household_id": check.household_id,
        "household": str(check.household),
        "checked_on": check.checked_on,
        "result": check.result,
        "result_label": str(check.get_result_display()),
        "points": check.points,
        "awarded_to": check.awarded_to.name if check.awarded_to else None,
        "checked_by": check.inspector.display_name,
    }


@router.get(BASE, response=list[SortingCheckOut])
def sorting_check_list(request: HttpRequest, code: str, day: dt.date | None = None) -> list[dict[str, Any]]:
    community = community_get(code=code, user=request.user)
    checks = selectors.checks_of(user=request.user, community=community, day=day or timezone.localdate())
    return [_out(c) for c in checks[:500]]


@router.post(BASE, response={201: SortingCheckOut})
def sorting_check_create(request: HttpRequest, code: str, payload: SortingCheckIn) -> Status:
    community = community_get(code=code, user=request.user)
    household = selectors.household_for_check(user=request.user, community=community, pk=payload.household_id)
    check = services.sorting_check_record(
        actor=request.user, household=household, result=payload.result, on=payload.checked_on, note=payload.note
    )
    return Status(201, _out(check))
