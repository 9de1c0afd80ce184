"""The community school over HTTP: classes, enrolment with a waiting list, attendance."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from linli.accounts.api_auth import AUTH
from linli.core.api import LocalTime, fields_sent
from linli.core.errors import DomainError
from linli.facilities.selectors import facility_get, resident_for_booking
from linli.payments.models import Purpose
from linli.places.selectors import community_get

from . import selectors, services
from .models import Audience, Course, Enrolment, Session, Term

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
    status: str = Field(description="unpaid (a class fee to pay by `pay_by`), enrolled, waitlisted, withdrawn")
    price_fen: int = 0
    pay_by: dt.datetime | None = None
    pay_page: str = Field("", description="Where the fee is paid (POST /api/v1/payments/for, purpose course).")
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
        "price_fen": e.price_fen,
        "pay_by": e.pay_by,
        "pay_page": (
            reverse("payments:pay_for", args=[Purpose.COURSE, e.pk]) if e.status == Enrolment.Status.UNPAID else ""
        ),
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


# --- 课程设置: terms, courses, sessions and street-wide courses, for the community's staff ------------------------


class TermIn(Schema):
    name: str = Field(min_length=1, max_length=60)
    starts_on: dt.date
    ends_on: dt.date


class TermPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=60)
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None


class TermOut(Schema):
    id: int
    name: str
    starts_on: dt.date
    ends_on: dt.date


class CourseIn(Schema):
    term_id: int
    facility_id: int
    title: str = Field(min_length=1, max_length=80)
    audience: str
    seats: int = Field(ge=1, le=10000)
    teacher: str = Field("", max_length=40)
    schedule: str = Field("", max_length=80)
    description: str = Field("", max_length=2000)
    price_fen: int = Field(0, ge=0, le=10_000_000)
    min_age: int | None = Field(None, ge=0, le=130)
    max_age: int | None = Field(None, ge=0, le=130)
    open: bool = True


class CoursePatch(Schema):
    facility_id: int | None = None
    title: str | None = Field(None, min_length=1, max_length=80)
    audience: str | None = None
    seats: int | None = Field(None, ge=1, le=10000)
    teacher: str | None = Field(None, max_length=40)
    schedule: str | None = Field(None, max_length=80)
    description: str | None = Field(None, max_length=2000)
    price_fen: int | None = Field(None, ge=0, le=10_000_000)
    min_age: int | None = Field(None, ge=0, le=130)
    max_age: int | None = Field(None, ge=0, le=130)
    open: bool | None = None
    confirm: bool = Field(False, description="Needed when people are enrolled and the time or place changes.")


class CourseSetupOut(CourseOut):
    term_id: int
    facility_id: int
    description: str
    min_age: int | None
    max_age: int | None
    shared_with: list[str]


class SessionIn(Schema):
    starts_at: dt.datetime
    ends_at: dt.datetime
    topic: str = Field("", max_length=80)


class SeriesIn(Schema):
    weekday: int = Field(ge=0, le=6, description="0 = Monday")
    start: LocalTime
    end: LocalTime
    first_day: dt.date | None = None
    last_day: dt.date | None = None
    topic: str = Field("", max_length=80)


class SessionOut(Schema):
    id: int
    course_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    topic: str
    cancelled: bool


class SharedWithIn(Schema):
    communities: list[str] = Field(description="Codes of other communities of the same street")


def term_out(t: Term) -> dict[str, Any]:
    return {"id": t.pk, "name": t.name, "starts_on": t.starts_on, "ends_on": t.ends_on}


def course_setup_out(c: Course) -> dict[str, Any]:
    return {
        **course_out(c),
        "term_id": c.term_id,
        "facility_id": c.facility_id,
        "description": c.description,
        "min_age": c.min_age,
        "max_age": c.max_age,
        "shared_with": sorted(x.code for x in c.shared_with.all()),
    }


def session_out(s: Session) -> dict[str, Any]:
    return {
        "id": s.pk,
        "course_id": s.course_id,
        "starts_at": s.starts_at,
        "ends_at": s.ends_at,
        "topic": s.topic,
        "cancelled": s.cancelled_at is not None,
    }


@router.get("/communities/{code}/terms", response=list[TermOut])
def term_list(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    community = community_get(code=code, user=request.user)
    return [term_out(t) for t in selectors.terms_of(user=request.user, community=community)]


@router.post("/communities/{code}/terms", response={201: TermOut})
def term_create(request: HttpRequest, code: str, payload: TermIn) -> Status:
    community = community_get(code=code, user=request.user)
    return Status(201, term_out(services.term_create(actor=request.user, community=community, **payload.dict())))


@router.patch("/communities/{code}/terms/{term_id}", response=TermOut)
def term_update(request: HttpRequest, code: str, term_id: int, payload: TermPatch) -> dict[str, Any]:
    community = community_get(code=code, user=request.user)
    term = selectors.term_get(user=request.user, community=community, pk=term_id)
    data: dict[str, Any] = {"name": term.name, "starts_on": term.starts_on, "ends_on": term.ends_on}
    data.update(fields_sent(payload))
    return term_out(services.term_update(actor=request.user, term=term, **data))


@router.get("/communities/{code}/terms/{term_id}/courses", response=list[CourseSetupOut])
def term_courses(request: HttpRequest, code: str, term_id: int) -> list[dict[str, Any]]:
    community = community_get(code=code, user=request.user)
    term = selectors.term_get(user=request.user, community=community, pk=term_id)
    return [course_setup_out(c) for c in selectors.courses_to_manage(user=request.user, community=community, term=term)]


@router.post("/communities/{code}/courses", response={201: CourseSetupOut})
def course_create(request: HttpRequest, code: str, payload: CourseIn) -> Status:
    community = community_get(code=code, user=request.user)
    data = payload.dict()
    term = selectors.term_get(user=request.user, community=community, pk=data.pop("term_id"))
    facility = facility_get(user=request.user, community=community, pk=data.pop("facility_id"))
    course = services.course_create(actor=request.user, term=term, facility=facility, **data)
    return Status(201, course_setup_out(course))


@router.get("/communities/{code}/courses/{course_id}", response=CourseSetupOut)
def course_detail(request: HttpRequest, code: str, course_id: int) -> dict[str, Any]:
    community = community_get(code=code, user=request.user)
    return course_setup_out(selectors.course_to_manage(user=request.user, community=community, pk=course_id))


@router.patch("/communities/{code}/courses/{course_id}", response=CourseSetupOut)
def course_update(request: HttpRequest, code: str, course_id: int, payload: CoursePatch) -> dict[str, Any]:
    """A course's changes. Fewer seats than enrolled → 400; a new time or place while people are enrolled → 409
    `confirm_needed` saying how many, unless `confirm` is true (then they are told)."""
    community = community_get(code=code, user=request.user)
    course = selectors.course_to_manage(user=request.user, community=community, pk=course_id)
    changes = fields_sent(payload, clearable={"min_age", "max_age"})
    confirm = bool(changes.pop("confirm", False))
    if "facility_id" in changes:
        changes["facility"] = facility_get(user=request.user, community=community, pk=changes.pop("facility_id"))
    services.course_update(actor=request.user, course=course, confirm=confirm, **changes)
    return course_setup_out(selectors.course_to_manage(user=request.user, community=community, pk=course_id))


@router.get("/communities/{code}/courses/{course_id}/sessions", response=list[SessionOut])
def session_list(request: HttpRequest, code: str, course_id: int) -> list[dict[str, Any]]:
    community = community_get(code=code, user=request.user)
    course = selectors.course_to_manage(user=request.user, community=community, pk=course_id)
    return [session_out(s) for s in selectors.sessions_of_course(course=course)]


@router.post("/communities/{code}/courses/{course_id}/sessions", response={201: SessionOut})
def session_add(request: HttpRequest, code: str, course_id: int, payload: SessionIn) -> Status:
    community = community_get(code=code, user=request.user)
    course = selectors.course_to_manage(user=request.user, community=community, pk=course_id)
    return Status(201, session_out(services.session_add(actor=request.user, course=course, **payload.dict())))


@router.post("/communities/{code}/courses/{course_id}/session-series", response={201: list[SessionOut]})
def session_series_add(request: HttpRequest, code: str, course_id: int, payload: SeriesIn) -> Status:
    community = community_get(code=code, user=request.user)
    course = selectors.course_to_manage(user=request.user, community=community, pk=course_id)
    made = services.session_series_add(actor=request.user, course=course, **payload.dict())
    return Status(201, [session_out(s) for s in made])


@router.post("/communities/{code}/sessions/{session_id}/cancel", response=SessionOut)
def session_cancel(request: HttpRequest, code: str, session_id: int) -> dict[str, Any]:
    community = community_get(code=code, user=request.user)
    session = selectors.session_to_manage(user=request.user, community=community, pk=session_id)
    return session_out(services.session_cancel(actor=request.user, session=session))


@router.put("/communities/{code}/courses/{course_id}/shared-with", response=CourseSetupOut)
def course_share(request: HttpRequest, code: str, course_id: int, payload: SharedWithIn) -> dict[str, Any]:
    """Open a course to residents of other communities of the same street (the list replaces the previous one)."""
    community = community_get(code=code, user=request.user)
    course = selectors.course_to_share(user=request.user, community=community, pk=course_id)
    found = list(selectors.communities_by_code(codes=payload.communities))
    missing = sorted(set(payload.communities) - {c.code for c in found})
    if missing:
        raise DomainError(_("No community has the code “%(code)s”.") % {"code": missing[0]}, field="communities")
    services.course_share(actor=request.user, course=course, communities=found)
    return course_setup_out(selectors.course_to_share(user=request.user, community=community, pk=course_id))
