"""The community school's writes: terms, courses, sessions, enrolment with a waiting list, attendance."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.accounts.models import User
from linli.accounts.types import Actor, account_of
from linli.audit.services import audit_record, create_audited, save_audited, snapshot
from linli.core.confirm import require_confirmation
from linli.core.errors import Conflict, DomainError, NotAllowed
from linli.core.waiting_list import first_waiting, place_give_back, place_take
from linli.facilities import rules as facility_rules
from linli.facilities.models import Facility
from linli.notifications.services import in_language_of, notify, told_no_one
from linli.payments import services as payment_services
from linli.payments.models import Purpose
from linli.people.models import Resident
from linli.people.rules import ensure_current
from linli.places.models import Community

from . import rules
from .models import Attendance, Audience, Course, Enrolment, Session, Term


def term_create(*, actor: Actor, community: Community, name: str, starts_on: dt.date, ends_on: dt.date) -> Term:
    if not rules.can_manage_courses(actor, community):
        raise NotAllowed(_("You may not manage this community's courses."))
    if ends_on < starts_on:
        raise DomainError(_("The end date comes before the start date."), field="ends_on")
    duplicate = Conflict(_("A term with this name exists."), field="name")
    if Term.objects.filter(community=community, name=name.strip()).exists():
        raise duplicate
    term = create_audited(
        actor=actor,
        action="course.term_create",
        model=Term,
        on_duplicate=duplicate,
        community=community,
        name=name.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
    )
    return term


def course_create(
    *,
    actor: Actor,
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
    open: bool = True,
) -> Course:
    community = term.community
    if not rules.can_manage_courses(actor, community):
        raise NotAllowed(_("You may not manage this community's courses."))
    _check_course(
        community=community,
        facility=facility,
        title=title,
        audience=audience,
        seats=seats,
        price_fen=price_fen,
        min_age=min_age,
        max_age=max_age,
    )
    course = create_audited(
        actor=actor,
        action="course.create",
        model=Course,
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
        open=open,
    )
    return course


def session_add(
    *,
    actor: Actor,
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
    _check_in_term(course.term, [starts_at])
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
    *,
    actor: Actor,
    course: Course,
    resident: Resident | None = None,
    staff: User | None = None,
    now: dt.datetime | None = None,
) -> Enrolment:
    """Take a seat, or a place on the waiting list when the course is full. The course row is locked."""
    now = now or timezone.now()
    if course.audience == Audience.STAFF:
        staff = staff or account_of(actor)
        if resident is not None or not rules.can_join_staff_training(staff, course.community):
            raise NotAllowed(_("Staff training is for community staff."), code="staff_only")
        if staff.pk != actor.pk and not rules.can_manage_courses(actor, course.community):
            raise NotAllowed(_("You may not enrol someone else."))
    else:
        if resident is None:
            raise DomainError(_("Choose who will attend."), field="resident")
        ensure_current(resident)
        facility_rules.ensure_acts_for(actor, resident)
        if not rules.may_join_course(resident, course):
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
        price = course.price_fen if resident is not None else 0
        pay_by = None
        if place_take(course, taken="enrolled", capacity=course.seats):
            status = Enrolment.Status.ENROLLED
            if price:
                status, pay_by = Enrolment.Status.UNPAID, now + FEE_HOLD
        else:
            status = Enrolment.Status.WAITLISTED
        enrolment = create_audited(
            actor=actor,
            action="course.enrol",
            model=Enrolment,
            community=course.community,
            course=course,
            resident=resident,
            staff=staff,
            enrolled_by=account_of(actor),
            status=status,
            price_fen=price,
            pay_by=pay_by,
            created_at=now,
        )
        if not told_no_one():
            who = (resident.user if resident else staff) or actor
            with in_language_of(who):
                title = {
                    Enrolment.Status.ENROLLED: _("Enrolled: %(course)s"),
                    Enrolment.Status.UNPAID: _("Pay the class fee to take the seat: %(course)s"),
                }.get(status, _("On the waiting list: %(course)s")) % {"course": course.title}
            notify(user=who, title=title, community=course.community, url=_where(enrolment))
    return enrolment


FEE_HOLD = dt.timedelta(hours=24)  # how long a seat with a fee is held unpaid


def _where(enrolment: Enrolment) -> str:
    if enrolment.status == Enrolment.Status.UNPAID:
        return reverse("payments:pay_for", args=[Purpose.COURSE, enrolment.pk])
    return "/services/my/"


def fee_refund_fen(enrolment: Enrolment, now: dt.datetime) -> int:
    """The class fee's cancellation rule: all of it back before the first session starts; after that, the share
    of the sessions still to come (cancelled ones left out), rounded down to the fen."""
    sessions = list(
        Session.objects.filter(course_id=enrolment.course_id, cancelled_at__isnull=True).values_list(
            "starts_at", flat=True
        )
    )
    if not sessions or min(sessions) > now:
        return enrolment.price_fen
    to_come = sum(1 for starts in sessions if starts > now)
    return enrolment.price_fen * to_come // len(sessions)


def withdraw(*, actor: Actor, enrolment: Enrolment, now: dt.datetime | None = None) -> Enrolment:
    """Leave a course; the seat goes to the first on the waiting list. A fee paid comes back by the cancellation
    rule (`fee_refund_fen`); one not paid yet is given up first (refused if it went through meanwhile)."""
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
        _withdraw_locked(enrolment, course, actor=actor, now=now)
    return enrolment


def _withdraw_locked(enrolment: Enrolment, course: Course, *, actor: "Actor | None", now: dt.datetime) -> None:
    if enrolment.price_fen:
        payment_services.subject_cancelled(
            purpose=Purpose.COURSE,
            subject_id=enrolment.pk,
            actor=actor,
            now=now,
            reason=_("Withdrawn from %(course)s") % {"course": course.title},
            refund_fen=fee_refund_fen(enrolment, now),
        )
    before = snapshot(enrolment)
    was_enrolled = enrolment.status in (Enrolment.Status.ENROLLED, Enrolment.Status.UNPAID)
    enrolment.status = Enrolment.Status.WITHDRAWN
    enrolment.withdrawn_at = now
    enrolment.save(update_fields=["status", "withdrawn_at"])
    if was_enrolled:
        nxt = first_waiting(
            Enrolment.objects.filter(course=course, status=Enrolment.Status.WAITLISTED).select_related(
                "resident__user", "staff"
            )
        )
        if nxt is None:
            place_give_back(course, taken="enrolled")
        else:
            nxt.status = Enrolment.Status.ENROLLED
            if nxt.price_fen:
                nxt.status, nxt.pay_by = Enrolment.Status.UNPAID, now + FEE_HOLD
            nxt.save(update_fields=["status", "pay_by"])
            who = (nxt.resident.user if nxt.resident else nxt.staff) or nxt.enrolled_by
            if who is not None:
                with in_language_of(who):
                    title = _("A seat came free: %(course)s") % {"course": course.title}
                notify(
                    user=who,
                    title=title,
                    community=course.community,
                    url=_where(nxt),
                )
    audit_record(actor=actor, action="course.withdraw", instance=enrolment, before=before, after=snapshot(enrolment))


def enrolment_paid(*, enrolment_id: int, now: dt.datetime) -> str:
    """The payments handler, inside the payment's transaction: the class fee arrived. Returns why the seat cannot
    be taken (the money then goes straight back), or "" when it is."""
    enrolment_lock(enrolment_id=enrolment_id)
    enrolment = Enrolment.objects.select_related("course", "resident__user").filter(pk=enrolment_id).first()
    if enrolment is None:
        return _("The enrolment no longer exists.")
    if enrolment.status == Enrolment.Status.ENROLLED:
        return ""
    if enrolment.status != Enrolment.Status.UNPAID:
        return _("The enrolment ended before the payment arrived.")
    before = snapshot(enrolment)
    enrolment.status = Enrolment.Status.ENROLLED
    enrolment.pay_by = None
    enrolment.save(update_fields=["status", "pay_by"])
    audit_record(actor=None, action="course.paid", instance=enrolment, before=before, after=snapshot(enrolment))
    who = enrolment.resident.user if enrolment.resident else None
    if who is not None:
        with in_language_of(who):
            title = _("Paid and enrolled: %(course)s") % {"course": enrolment.course.title}
        notify(
            user=who,
            title=title,
            community=enrolment.community,
            url="/services/my/",
        )
    return ""


def enrolment_lock(*, enrolment_id: int) -> None:
    """The course, then the enrolment: the order `enrol` and `withdraw` take them."""
    course_id = Enrolment.objects.filter(pk=enrolment_id).values_list("course_id", flat=True).first()
    if course_id is not None:
        Course.objects.select_for_update(of=("self",)).filter(pk=course_id).values_list("pk").first()
        Enrolment.objects.select_for_update(of=("self",)).filter(pk=enrolment_id).values_list("pk").first()


def enrolments_expire_unpaid(*, now: dt.datetime | None = None) -> int:
    """Periodic: seats not paid for by their time are given up (their payment closed) and go to the waiting list.
    One whose payment went through meanwhile stays, and is confirmed by its notification."""
    now = now or timezone.now()
    count = 0
    for pk in Enrolment.objects.filter(status=Enrolment.Status.UNPAID, pay_by__lt=now).values_list("pk", flat=True):
        try:
            with transaction.atomic():
                enrolment_lock(enrolment_id=pk)
                enrolment = Enrolment.objects.select_related("course").get(pk=pk)
                if enrolment.status != Enrolment.Status.UNPAID:
                    continue
                _withdraw_locked(enrolment, enrolment.course, actor=None, now=now)
        except Conflict:
            continue
        count += 1
    return count


def attendance_check_in(
    *, actor: Actor, session: Session, enrolment: Enrolment, now: dt.datetime | None = None
) -> Attendance:
    now = now or timezone.now()
    if not rules.can_take_attendance(actor, session.course.community):
        raise NotAllowed(_("Only front-desk staff check people in."))
    if session.cancelled_at is not None:
        raise DomainError(_("This session is cancelled."), code="session_cancelled")
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


# --- setting up the school: terms, courses, sessions, street-wide courses ------------------------------------


COURSE_FIELDS = frozenset(
    {
        "title",
        "audience",
        "teacher",
        "description",
        "facility",
        "schedule",
        "seats",
        "min_age",
        "max_age",
        "price_fen",
        "open",
    }
)
# what enrolled people must hear about: when and where the course meets
TOLD_FIELDS = ("facility", "schedule")


def _manager(actor: Actor, community: Community) -> None:
    if not rules.can_manage_courses(actor, community):
        raise NotAllowed(_("You may not manage this community's courses."))


def _check_course(
    *,
    community: Community,
    facility: Facility,
    title: str,
    audience: str,
    seats: int,
    price_fen: int,
    min_age: int | None,
    max_age: int | None,
) -> None:
    if not title.strip():
        raise DomainError(_("Give the course a title."), field="title")
    if facility.community_id != community.pk:
        raise DomainError(_("Choose a facility of this community."), field="facility")
    if audience not in Audience.values:
        raise DomainError(_("Choose an audience."), field="audience")
    if seats < 1:
        raise DomainError(_("A course needs at least one seat."), field="seats")
    if price_fen < 0:
        raise DomainError(_("A price cannot be negative."), field="price_fen", code="negative_price")
    if (min_age is not None and min_age < 0) or (max_age is not None and max_age < 0):
        raise DomainError(_("An age cannot be negative."), field="min_age")
    if min_age is not None and max_age is not None and max_age < min_age:
        raise DomainError(_("The upper age is below the lower age."), field="max_age")


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def _check_in_term(term: Term, starts: list[dt.datetime]) -> None:
    first, after = _day_start(term.starts_on), _day_start(term.ends_on + dt.timedelta(days=1))
    if any(not first <= s < after for s in starts):
        raise DomainError(
            _("Sessions must fall within the term (%(start)s to %(end)s).")
            % {"start": term.starts_on, "end": term.ends_on},
            field="starts_at",
            code="outside_term",
        )


def _tell_learners(course: Course, title: Any, **params: Any) -> int:
    """Notify everyone enrolled or waiting, each in their own language (`title` lazy, filled with `params` and
    the course's title); returns how many were told."""
    told: set[int] = set()
    active = Enrolment.objects.filter(course=course, status__in=Enrolment.ACTIVE).select_related(
        "resident__user", "staff", "enrolled_by"
    )
    for enrolment in active:
        who = (enrolment.resident.user if enrolment.resident else enrolment.staff) or enrolment.enrolled_by
        if who is None or who.pk in told:
            continue
        told.add(who.pk)
        with in_language_of(who):
            text = str(title) % {"course": course.title, **params}
        notify(user=who, title=text, community=course.community, url="/services/my/")
    return len(told)


def term_update(*, actor: Actor, term: Term, name: str, starts_on: dt.date, ends_on: dt.date) -> Term:
    """Rename a term or move its dates; the sessions already planned must still fall within it."""
    _manager(actor, term.community)
    name = name.strip()
    if not name:
        raise DomainError(_("Give the term a name."), field="name")
    if ends_on < starts_on:
        raise DomainError(_("The end date comes before the start date."), field="ends_on")
    if Term.objects.filter(community=term.community, name=name).exclude(pk=term.pk).exists():
        raise Conflict(_("A term with this name exists."), field="name")
    with transaction.atomic():
        term = Term.objects.select_for_update().get(pk=term.pk)
        outside = (
            Session.objects.filter(course__term=term, cancelled_at__isnull=True)
            .exclude(starts_at__gte=_day_start(starts_on), starts_at__lt=_day_start(ends_on + dt.timedelta(days=1)))
            .count()
        )
        if outside:
            raise DomainError(
                _("%(n)s planned sessions would fall outside the new dates: move or cancel them first.")
                % {"n": outside},
                field="starts_on",
                code="sessions_outside_term",
            )
        before = snapshot(term)
        term.name, term.starts_on, term.ends_on = name, starts_on, ends_on
        term.save(update_fields=["name", "starts_on", "ends_on"])
        audit_record(actor=actor, action="course.term_update", instance=term, before=before, after=snapshot(term))
    return term


def course_update(*, actor: Actor, course: Course, confirm: bool = False, **changes: Any) -> Course:
    """Change a course. Fewer seats than people enrolled is refused; a new time or place for people already
    enrolled needs `confirm`, and then they are told."""
    _manager(actor, course.community)
    unknown = set(changes) - COURSE_FIELDS
    if unknown:
        raise DomainError(_("Unknown field: %(name)s") % {"name": sorted(unknown)[0]}, field=sorted(unknown)[0])
    with transaction.atomic():
        course = Course.objects.select_for_update(of=("self",)).select_related("facility").get(pk=course.pk)
        before = snapshot(course)
        for key, value in changes.items():
            setattr(course, key, value.strip() if isinstance(value, str) else value)
        _check_course(
            community=course.community,
            facility=course.facility,
            title=course.title,
            audience=course.audience,
            seats=course.seats,
            price_fen=course.price_fen,
            min_age=course.min_age,
            max_age=course.max_age,
        )
        if course.seats < course.enrolled:
            raise DomainError(
                _("%(n)s people are enrolled: the course cannot have fewer seats.") % {"n": course.enrolled},
                field="seats",
                code="seats_below_enrolled",
            )
        moved = [f for f in TOLD_FIELDS if _plain_of(before, f) != _plain_of(snapshot(course), f)]
        affected = Enrolment.objects.filter(course=course, status__in=Enrolment.ACTIVE).count()
        if moved:
            require_confirmation(
                affected=affected,
                confirmed=confirm,
                message=_("%(n)s people are enrolled or waiting: confirm the new time or place and they will be told.")
                % {"n": affected},
                field="confirm",
            )
        save_audited(actor=actor, action="course.update", instance=course, before=before)
        if moved and affected:
            _tell_learners(
                course,
                gettext_lazy("%(course)s now meets %(when)s at %(where)s"),
                when=course.schedule or "—",
                where=course.facility.name,
            )
    return course


def _plain_of(data: dict[str, Any], field: str) -> Any:
    return data.get(f"{field}_id", data.get(field))


def session_series_add(
    *,
    actor: Actor,
    course: Course,
    weekday: int,
    start: dt.time,
    end: dt.time,
    first_day: dt.date | None = None,
    last_day: dt.date | None = None,
    topic: str = "",
    now: dt.datetime | None = None,
) -> list[Session]:
    """A session every week on `weekday` (0 = Monday) from `first_day` to `last_day` (by default the rest of the
    term). All or nothing."""
    now = now or timezone.now()
    _manager(actor, course.community)
    term = course.term
    if weekday not in range(7):
        raise DomainError(_("Choose a day of the week."), field="weekday")
    if end <= start:
        raise DomainError(_("A session must end after it starts."), field="end")
    today = timezone.localdate(now)
    first_day = first_day or max(term.starts_on, today)
    last_day = last_day or term.ends_on
    if last_day < first_day:
        raise DomainError(_("The end date comes before the start date."), field="last_day")
    if first_day < term.starts_on or last_day > term.ends_on:
        raise DomainError(
            _("Sessions must fall within the term (%(start)s to %(end)s).")
            % {"start": term.starts_on, "end": term.ends_on},
            field="first_day",
            code="outside_term",
        )
    tz = timezone.get_current_timezone()
    day = first_day + dt.timedelta(days=(weekday - first_day.weekday()) % 7)
    planned: list[tuple[dt.datetime, dt.datetime]] = []
    while day <= last_day:
        starts_at = dt.datetime.combine(day, start, tzinfo=tz)
        if starts_at > now:
            planned.append((starts_at, dt.datetime.combine(day, end, tzinfo=tz)))
        day += dt.timedelta(days=7)
    if not planned:
        raise DomainError(_("No date of this weekday lies ahead in this period."), field="first_day", code="no_dates")
    if len(planned) > 60:
        raise DomainError(_("At most 60 sessions at once."), field="last_day", code="too_many")
    with transaction.atomic():
        sessions = [
            Session.objects.create(course=course, starts_at=s, ends_at=e, topic=topic.strip()) for s, e in planned
        ]
        audit_record(
            actor=actor,
            action="course.session_series_add",
            instance=course,
            after={"sessions": [_session_key(s) for s in sessions]},
        )
    return sessions


def _session_key(session: Session) -> str:
    return f"{session.pk}:{session.starts_at.isoformat()}"


def session_cancel(*, actor: Actor, session: Session, now: dt.datetime | None = None) -> Session:
    """Cancel one session that has not started; everyone enrolled is told."""
    now = now or timezone.now()
    course = session.course
    _manager(actor, course.community)
    with transaction.atomic():
        session = Session.objects.select_for_update().get(pk=session.pk)
        if session.cancelled_at is not None:
            raise DomainError(_("This session is already cancelled."), code="already_cancelled")
        if session.starts_at <= now:
            raise DomainError(_("A session that has started cannot be cancelled."), code="session_started")
        before = snapshot(session)
        session.cancelled_at = now
        save_audited(
            actor=actor,
            action="course.session_cancel",
            instance=session,
            before=before,
            update_fields=["cancelled_at"],
            community=course.community,
        )
        when = timezone.localtime(session.starts_at)
        _tell_learners(course, gettext_lazy("Cancelled: %(course)s on %(when)s"), when=f"{when:%m-%d %H:%M}")
    return session


def course_share(*, actor: Actor, course: Course, communities: list[Community]) -> Course:
    """Open a course to residents of other communities of the same street (or close it to them again)."""
    community = course.community
    if not rules.can_share_course(actor, community):
        raise NotAllowed(_("Only the community admin or the street admin opens a course to other communities."))
    for other in communities:
        if other.pk == community.pk:
            raise DomainError(_("The course is already open to its own community."), field="communities")
        if other.street_id != community.street_id:
            raise DomainError(
                _("%(name)s is not in the same street.") % {"name": other.name},
                field="communities",
                code="other_street",
            )
    with transaction.atomic():
        course = Course.objects.select_for_update(of=("self",)).get(pk=course.pk)
        before = sorted(course.shared_with.values_list("code", flat=True))
        course.shared_with.set(communities)
        audit_record(
            actor=actor,
            action="course.share",
            instance=course,
            before={"shared_with": before},
            after={"shared_with": sorted(c.code for c in communities)},
        )
    return course


def enrolments_withdraw_at_move_out(*, actor: Actor, resident: Resident, now: dt.datetime) -> list[str]:
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
