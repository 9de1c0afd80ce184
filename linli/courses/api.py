"""The community school over HTTP: classes, enrolment with a waiting list, attendance."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from linli.accounts.api_auth import AUTH
from linli.facilities.selectors import resident_for_booking
from linli.places.selectors import community_get

from . import selectors, services
from .models import Audience, Course, Enrolment

router = Router(tags=["courses"], auth=AUTH)


class CourseOut(Schema):
    id: int
    term: str
    title: str
    audience: str
    facility: str
    teacher: str
    schedule: str
    seats: int
    enrolled: int
    price_fen: int
    open: bool


class EnrolIn(Schema):
    resident_id: int | None = None


class EnrolmentOut(Schema):
    id: int
    course_id: int
    course: str
    learner: str
    status: str
    created_at: dt.datetime


class CourseCheckInIn(Schema):
    enrolment_id: int


def course_out(c: Course) -> dict[str, Any]:
    return {
        "id": c.pk,
        "term": c.term.name,
        "title": c.title,
        "audience": c.audience,
        "facility": c.facility.name,
        "teacher": c.teacher,
        "schedule": c.schedule,
        "seats": c.seats,
        "enrolled": c.enrolled,
        "price_fen": c.price_fen,
        "open": c.open,
    }


def enrolment_out(e: Enrolment) -> dict[str, Any]:
    return {
        "id": e.pk,
        "course_id": e.course_id,
        "course": e.course.title,
        "learner": e.learner_name,
        "status": e.status,
        "created_at": e.created_at,
    }


@router.get("/communities/{code}/courses", response=list[CourseOut])
def course_list(request: HttpRequest, code: str, audience: str = "") -> list[dict[str, Any]]:
    community = community_get(code=code, user=request.user)
    return [course_out(c) for c in selectors.courses_for(user=request.user, community=community, audience=audience)]


@router.post("/communities/{code}/courses/{course_id}/enrolments", response={201: EnrolmentOut})
def enrol(request: HttpRequest, code: str, course_id: int, payload: EnrolIn) -> Status:
    community = community_get(code=code, user=request.user)
    course = selectors.course_get(user=request.user, community=community, pk=course_id)
    if course.audience == Audience.STAFF:
        return Status(201, enrolment_out(services.enrol(actor=request.user, course=course)))
    learner = resident_for_booking(user=request.user, community=community, pk=payload.resident_id)
    return Status(201, enrolment_out(services.enrol(actor=request.user, course=course, resident=learner)))


@router.get("/me/enrolments", response=list[EnrolmentOut])
def my_enrolments(request: HttpRequest) -> list[dict[str, Any]]:
    return [enrolment_out(e) for e in selectors.enrolments_of_user(user=request.user)[:200]]


@router.post("/communities/{code}/enrolments/{enrolment_id}/withdraw", response=EnrolmentOut)
def withdraw(request: HttpRequest, code: str, enrolment_id: int) -> dict[str, Any]:
    community = community_get(code=code, user=request.user)
    enrolment = selectors.enrolment_get(user=request.user, community=community, pk=enrolment_id)
    return enrolment_out(services.withdraw(actor=request.user, enrolment=enrolment))


@router.post("/communities/{code}/sessions/{session_id}/attendance", response={201: EnrolmentOut})
def check_in(request: HttpRequest, code: str, session_id: int, payload: CourseCheckInIn) -> Status:
    community = community_get(code=code, user=request.user)
    session = selectors.session_get(user=request.user, community=community, pk=session_id)
    enrolment = selectors.enrolment_get(user=request.user, community=community, pk=payload.enrolment_id)
    services.attendance_check_in(actor=request.user, session=session, enrolment=enrolment)
    return Status(201, enrolment_out(enrolment))
