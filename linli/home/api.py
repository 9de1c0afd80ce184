"""My own data across every service, for `GET /api/v1/me/data` (the page is `home:my_data`)."""

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from linli.accounts.api_auth import AUTH
from linli.people import services as people_services
from linli.people.selectors import resident_of_user

from . import personal_data

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
