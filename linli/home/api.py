"""My own data across every service, for `GET /api/v1/me/data` (the page is `home:my_data`)."""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema

from linli.accounts.api_auth import AUTH
from linli.core.errors import NotAllowed
from linli.people import services as people_services
from linli.people.selectors import resident_of_user

from . import personal_data, workbench

router = Router(tags=["people"], auth=AUTH)


class PersonalDataSectionOut(Schema):
    key: str
    title: str
    rows: list[dict[str, Any]]


class PersonalDataOut(Schema):
    exported_at: str
    sections: list[PersonalDataSectionOut]


@router.get("/me/data", response=PersonalDataOut, summary="A copy of my personal data")
def my_data(request: HttpRequest) -> dict[str, Any]:
    """Everything the platform keeps about me (PIPL): account, register record, points, orders, meals, bookings,
    courses, volunteering, consultation, reports. Each download is recorded as a done export request."""
    sections = personal_data.personal_data(user=request.user)
    if resident_of_user(user=request.user) is not None:
        people_services.data_export_record(actor=request.user)
    return personal_data.as_json(sections)


class WorkItemOut(Schema):
    label: str
    url: str
    count: int | None
    urgent: bool


class WorkCommunityOut(Schema):
    name: str
    url: str
    open_reports: int
    overdue_reports: int


class WorkSectionOut(Schema):
    title: str
    subtitle: str
    items: list[WorkItemOut]
    communities: list[WorkCommunityOut]


@router.get("/me/workbench", response=list[WorkSectionOut], summary="My workbench (工作台)")
def my_workbench(request: HttpRequest) -> list[workbench.Section]:
    """What waits for each staff role I hold, as on the page `/workbench/`: counts true to the records, each item
    with the page where it is done. Refused (403) for accounts without a staff role."""
    if not workbench.has_workbench(request.user):
        raise NotAllowed(_("The workbench is for community, street and city staff. Residents start on the home page."))
    return workbench.workbench_for(request.user)
