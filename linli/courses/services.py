"""The community school's writes: terms, courses, sessions, enrolment with a waiting list, attendance."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.audit.services import audit_record, snapshot
from linli.core.errors import Conflict, DomainError, NotAllowed
from linli.facilities import rules as facility_rules
from linli.facilities.models import Facility
from linli.notifications.services import notify
from linli.people.models import Resident
from linli.people.rules import ensure_current
from linli.places.models import Community

from . import rules
from .models import Attendance, Audience, Course, Enrolment, Session, Term


def term_create(*, actor: Any, community: Community, name: str, starts_on: dt.date, ends_on: dt.date) -> Term:
    if not rules.can_manage_courses(actor, community):
        raise NotAllowed(_("You may not manage this community's courses."))
    if ends_on < starts_on:
        raise DomainError(_("The end date comes before the start date."), field="ends_on")
    if Term.objects.filter(community=community, name=name.strip()).exists():
        raise Conflict(_("A term with this name exists."), field="name")
    with transaction.atomic():
        term = Term.objects.create(community=community, name=name.strip(), starts_on=starts_on, ends_on=ends_on)
        audit_record(actor=actor, action="course.term_create", instance=term, after=snapshot(term))
    return term


def course_create(
    *,
    actor: Any,
    term: Term,
    facility: Facility,
    title: str,
    audience: str,
    seats: int,
    teacher: str = "",
    schedule: str = "",
    description: str = "",
    price_fen: int = 0,
    min_age: int | None = None,
    max_age: int | None = None,
) -> Course:
    community = term.community
    if not rules.can_manage_courses(actor, community):
        raise NotAllowed(_("You may not manage this community's courses."))
    if facility.community_id != community.pk:
        raise DomainError(_("Choose a facility of this community."), field="facility")
    if audience not in Audience.values:
        raise DomainError(_("Choose an audience."), field="audience")
    if seats < 1:
        raise DomainError(_("A course needs at least one seat."), field="seats")
    if price_fen < 0:
        raise DomainError(_("A price cannot be negative."), field="price_fen", code="negative_price")
    if min_age is not None and max_age is not None and max_age < min_age:
        raise DomainError(_("The upper age is below the lower age."), field="max_age")
    with transaction.atomic():
        course = Course.objects.create(
            community=community,
            term=term,
            facility=facility,
            title=title.strip(),
            audience=audience,
            seats=seats,
            teacher=teacher,
            schedule=schedule,
            description=description,
            price_fen=price_fen,
            min_age=min_age,
            max_age=max_age,
        )
        audit_record(actor=actor, action="course.create", instance=course, after=snapshot(course))
    return course


def session_add(
    *,
    actor: Any,
    course: Course,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    topic: str = "",
    now: dt.datetime | None = None,
) -> Session:
    now = now or timezone.now()
    if not rules.can_manage_courses(actor, course.community):
        raise NotAllowed(_("You may not manage this community's courses."))
    if starts_at <= now:
        raise DomainError(_("A session cannot start in the past."), field="starts_at", code="session_in_past")
    if ends_at <= starts_at:
        raise DomainError(_("A session must end after it starts."), field="ends_at")
    with transaction.atomic():
        session = Session.objects.create(course=course, starts_at=starts_at, ends_at=ends_at, topic=topic)
        audit_record(
            actor=actor,
            action="course.session_add",
            instance=session,
            community=course.community,
            after=snapshot(session),
        )
    return session


def enrol(
    *, actor: Any, course: Course, resident: Resident | None = None, staff: Any = None, now: dt.datetime | None = None
) -> Enrolment:
    """Take a seat, or a place on the waiting list when the course is full. The course row is locked."""
    now = now or timezone.now()
    if course.audience == Audience.STAFF:
        staff = staff or actor
        if resident is not None or not rules.can_join_staff_training(staff, course.community):
            raise NotAllowed(_("Staff training is for community staff."), code="staff_only")
        if staff.pk != actor.pk and not rules.can_manage_courses(actor, course.community):
            raise NotAllowed(_("You may not enrol someone else."))
    else:
        if resident is None:
            raise DomainError(_("Choose who will attend."), field="resident")
        ensure_current(resident)
        if not facility_rules.may_act_for(actor, resident):
            raise NotAllowed(
                _("You can book only for yourself, your household and the elders you help as family."),
                code="not_household",
                field="resident",
            )
        if resident.community_id != course.community_id:
            raise NotAllowed(_("This course is for residents of its community."), code="not_shared")
        age = resident.age(course.term.starts_on if course.term.starts_on > now.date() else now.date())
        if (course.min_age is not None and age < course.min_age) or (
            course.max_age is not None and age > course.max_age
        ):
            raise DomainError(
                _("This course is for ages %(lo)s–%(hi)s; %(name)s is %(age)s.")
                % {"lo": course.min_age or 0, "hi": course.max_age or "", "name": resident.name, "age": age},
                code="wrong_age",
            )
    with transaction.atomic():
        course = Course.objects.select_for_update(of=("self",)).select_related("term").get(pk=course.pk)
        if not course.open or course.term.ends_on < timezone.localdate(now):
            raise DomainError(_("This course is not open for enrolment."), code="course_closed")
        active = Enrolment.objects.filter(course=course, status__in=Enrolment.ACTIVE)
        if (resident and active.filter(resident=resident).exists()) or (staff and active.filter(staff=staff).exists()):
            raise Conflict(_("Already enrolled in this course."), code="already_enrolled")
        if course.enrolled < course.seats:
            status = Enrolment.Status.ENROLLED
            Course.objects.filter(pk=course.pk).update(enrolled=F("enrolled") + 1)
        else:
            status = Enrolment.Status.WAITLISTED
        enrolment = Enrolment.objects.create(
            community=course.community,
            course=course,
            resident=resident,
            staff=staff,
            enrolled_by=actor,
            status=status,
            created_at=now,
        )
        audit_record(actor=actor, action="course.enrol", instance=enrolment, after=snapshot(enrolment))
        who = (resident.user if resident else staff) or actor
        title = (
            _("Enrolled: %(course)s") if status == Enrolment.Status.ENROLLED else _("On the waiting list: %(course)s")
        ) % {"course": course.title}
        notify(user=who, title=title, community=course.community, url="/services/my/")
    return enrolment


def withdraw(*, actor: Any, enrolment: Enrolment, now: dt.datetime | None = None) -> Enrolment:
    """Leave a course; the seat goes to the first on the waiting list."""
    now = now or timezone.now()
    mine = (enrolment.resident and facility_rules.may_act_for(actor, enrolment.resident)) or (
        enrolment.staff_id is not None and enrolment.staff_id == getattr(actor, "pk", None)
    )
    if not (mine or rules.can_manage_courses(actor, enrolment.community)):
        raise NotAllowed(_("You may not change this enrolment."))
    with transaction.atomic():
        course = Course.objects.select_for_update(of=("self",)).get(pk=enrolment.course_id)
        enrolment = Enrolment.objects.select_for_update(of=("self",)).get(pk=enrolment.pk)
        if enrolment.status not in Enrolment.ACTIVE:
            raise DomainError(_("This enrolment has already ended."), code="not_active")
        before = snapshot(enrolment)
        was_enrolled = enrolment.status == Enrolment.Status.ENROLLED
        enrolment.status = Enrolment.Status.WITHDRAWN
        enrolment.withdrawn_at = now
        enrolment.save(update_fields=["status", "withdrawn_at"])
        if was_enrolled:
            nxt = (
                Enrolment.objects.select_for_update(of=("self",))
                .filter(course=course, status=Enrolment.Status.WAITLISTED)
                .select_related("resident__user", "staff")
                .order_by("created_at", "pk")
                .first()
            )
            if nxt is None:
                Course.objects.filter(pk=course.pk).update(enrolled=F("enrolled") - 1)
            else:
                nxt.status = Enrolment.Status.ENROLLED
                nxt.save(update_fields=["status"])
                who = (nxt.resident.user if nxt.resident else nxt.staff) or nxt.enrolled_by
                if who is not None:
                    notify(
                        user=who,
                        title=_("A seat came free: %(course)s") % {"course": course.title},
                        community=course.community,
                        url="/services/my/",
                    )
        audit_record(
            actor=actor, action="course.withdraw", instance=enrolment, before=before, after=snapshot(enrolment)
        )
    return enrolment


def attendance_check_in(
    *, actor: Any, session: Session, enrolment: Enrolment, now: dt.datetime | None = None
) -> Attendance:
    now = now or timezone.now()
    if not rules.can_take_attendance(actor, session.course.community):
        raise NotAllowed(_("Only front-desk staff check people in."))
    if enrolment.course_id != session.course_id or enrolment.status != Enrolment.Status.ENROLLED:
        raise DomainError(_("This learner is not enrolled in the course."), code="not_enrolled")
    if timezone.localtime(now).date() != timezone.localtime(session.starts_at).date():
        raise DomainError(_("Check-in is possible only on the day of the booking."), code="wrong_day")
    with transaction.atomic():
        # decided again on the locked row: the learner may have withdrawn since the day sheet was read
        enrolment = Enrolment.objects.select_for_update(of=("self",)).get(pk=enrolment.pk)
        if enrolment.status != Enrolment.Status.ENROLLED:
            raise Conflict(_("This learner is no longer enrolled in the course."), code="not_enrolled")
        attendance, created = Attendance.objects.get_or_create(
            session=session, enrolment=enrolment, defaults={"checked_in_at": now, "checked_in_by": actor}
        )
        if created:
            audit_record(
                actor=actor,
                action="course.check_in",
                instance=attendance,
                community=session.course.community,
                after=snapshot(attendance),
            )
    return attendance


def enrolments_withdraw_at_move_out(*, actor: Any, resident: Resident, now: dt.datetime) -> list[str]:
    """迁出: the resident leaves the courses they are enrolled or waiting in (seats go to the waiting list)."""
    lines = []
    for enrolment in (
        Enrolment.objects.filter(resident=resident, status__in=Enrolment.ACTIVE)
        .select_related("course")
        .order_by("course__title", "pk")
    ):
        withdraw(actor=actor, enrolment=enrolment, now=now)
        lines.append(_("Course: %(course)s") % {"course": enrolment.course.title})
    return lines
