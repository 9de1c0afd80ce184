"""School pages: residents see classes by audience and enrol; staff take attendance session by session."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core.errors import DomainError
from linli.core.parsing import parse_date, parse_id
from linli.facilities import rules as facility_rules
from linli.facilities.selectors import household_of, resident_for_booking
from linli.places.selectors import community_get

from . import rules, selectors, services
from .models import Audience, Enrolment


@login_required
def course_list(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    audience = request.GET.get("audience", "")
    audience = audience if audience in Audience.values else ""
    courses = selectors.courses_for(user=request.user, community=community, audience=audience)
    mine = selectors.courses_enrolled_in(user=request.user)
    audiences = [
        a for a in Audience.choices if a[0] != Audience.STAFF or rules.can_join_staff_training(request.user, community)
    ]
    return render(
        request,
        "courses/list.html",
        {
            "community": community,
            "courses": courses,
            "audiences": audiences,
            "audience": audience,
            "members": household_of(user=request.user),
            "mine": mine,
            "is_staff": facility_rules.can_run_front_desk(request.user, community),
        },
    )


@login_required
@require_POST
def enrol(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    course = selectors.course_get(user=request.user, community=community, pk=pk)
    try:
        if course.audience == Audience.STAFF:
            enrolment = services.enrol(actor=request.user, course=course)
        else:
            who = parse_id(request.POST["resident"]) if request.POST.get("resident") else None
            learner = resident_for_booking(user=request.user, community=community, pk=who)
            enrolment = services.enrol(actor=request.user, course=course, resident=learner)
    except (DomainError, ValueError) as exc:
        messages.error(request, str(getattr(exc, "message", _("Choose who the booking is for."))))
        return redirect("courses:list", code=code)
    if enrolment.status == Enrolment.Status.ENROLLED:
        messages.success(request, _("Enrolled in %(course)s.") % {"course": course.title})
    else:
        messages.success(request, _("The class is full: you are on the waiting list."))
    return redirect("facilities:mine")


@login_required
@require_POST
def withdraw(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    enrolment = selectors.enrolment_get(user=request.user, community=community, pk=pk)
    try:
        services.withdraw(actor=request.user, enrolment=enrolment)
        messages.success(request, _("Withdrawn from the class."))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("facilities:mine")


@login_required
def day(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    the_day = parse_date(request.GET.get("date"), default=timezone.localdate())
    sessions = list(selectors.sessions_of_day(user=request.user, community=community, day=the_day))
    for s in sessions:
        s.present = {a.enrolment_id for a in s.attendance.all()}  # type: ignore[attr-defined]
    return render(
        request,
        "courses/day.html",
        {
            "community": community,
            "day": the_day,
            "sessions": sessions,
            "is_today": the_day == timezone.localdate(),
            "prev": the_day - dt.timedelta(days=1),
            "next": the_day + dt.timedelta(days=1),
        },
    )


@login_required
@require_POST
def check_in(request: HttpRequest, code: str, pk: int, enrolment_pk: int) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    session = selectors.session_get(user=request.user, community=community, pk=pk)
    enrolment = selectors.enrolment_get(user=request.user, community=community, pk=enrolment_pk)
    try:
        services.attendance_check_in(actor=request.user, session=session, enrolment=enrolment)
        messages.success(request, _("%(name)s: checked in") % {"name": enrolment.learner_name})
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect(reverse("courses:day", args=[code]) + f"?date={timezone.localtime(session.starts_at).date()}")
