"""School pages: residents see classes by audience and enrol; staff take attendance session by session."""

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from linli.core.buttons import buttons_on, press, submit
from linli.core.confirm import confirm_step
from linli.core.errors import DomainError, NotAllowed
from linli.core.parsing import parse_date
from linli.facilities import rules as facility_rules
from linli.facilities.selectors import facilities_for, household_of, resident_posted_for_booking
from linli.payments.models import Purpose
from linli.places.models import Community
from linli.places.selectors import community_get

from . import rules, selectors, services
from .forms import CourseForm, SeriesForm, ShareForm, TermForm
from .models import Audience, Course, Enrolment, Term


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
            "can_manage": rules.can_manage_courses(request.user, community),
            "can_share": rules.can_share_course(request.user, community),
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
            learner = resident_posted_for_booking(
                user=request.user, community=community, posted=request.POST.get("resident", "")
            )
            enrolment = services.enrol(actor=request.user, course=course, resident=learner)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("courses:list", code=code)
    if enrolment.status == Enrolment.Status.UNPAID:
        messages.success(request, _("A seat is held: pay the class fee to take it."))
        return redirect("payments:pay_for", purpose=Purpose.COURSE, subject_id=enrolment.pk)
    if enrolment.status == Enrolment.Status.ENROLLED:
        messages.success(request, _("Enrolled in %(course)s.") % {"course": course.title})
    else:
        messages.success(request, _("The class is full: you are on the waiting list."))
    return redirect("facilities:mine")


def _enrolment(request: HttpRequest, code: str, pk: int) -> Enrolment:
    community = community_get(code=code, user=request.user)
    return selectors.enrolment_get(user=request.user, community=community, pk=pk)


withdraw = buttons_on(_enrolment, name="enrolment", back=lambda **_: reverse("facilities:mine"))(
    services.withdraw, gettext_lazy("Withdrawn from the class.")
)


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
    return press(
        request,
        lambda _data: services.attendance_check_in(actor=request.user, session=session, enrolment=enrolment),
        done=_("%(name)s: checked in") % {"name": enrolment.learner_name},
        back=reverse("courses:day", args=[code]) + f"?date={timezone.localtime(session.starts_at).date()}",
    )


# --- 课程设置: the staff set up terms, courses, sessions and street-wide courses -----------------------------------


def _managed(request: HttpRequest, code: str) -> Community:
    community = community_get(code=code, user=request.user)
    if not rules.can_manage_courses(request.user, community):
        raise NotAllowed(_("You may not manage this community's courses."))
    return community


def _form_page(request: HttpRequest, community: Community, form: Any, title: str, **extra: Any) -> HttpResponse:
    return render(request, "courses/form.html", {"community": community, "form": form, "title": title, **extra})


@login_required
def setup(request: HttpRequest, code: str) -> HttpResponse:
    community = _managed(request, code)
    return render(
        request,
        "courses/setup.html",
        {
            "community": community,
            "terms": selectors.terms_of(user=request.user, community=community),
            "courses": selectors.courses_to_manage(user=request.user, community=community),
            "can_share": rules.can_share_course(request.user, community),
        },
    )


@login_required
def term_edit(request: HttpRequest, code: str, pk: int | None = None) -> HttpResponse:
    community = _managed(request, code)
    term: Term | None = selectors.term_get(user=request.user, community=community, pk=pk) if pk else None
    form = TermForm.of(term, request.POST or None)

    def save(data: dict[str, Any]) -> Term:
        if term is None:
            return services.term_create(actor=request.user, community=community, **data)
        return services.term_update(actor=request.user, term=term, **data)

    saved = submit(request, form, save, done=_("Term saved."), then=reverse("courses:setup", args=[code]))
    if saved is not None:
        return saved
    return _form_page(request, community, form, _("Edit term") if term else _("New term"))


@login_required
def course_edit(request: HttpRequest, code: str, pk: int | None = None) -> HttpResponse:
    community = _managed(request, code)
    course: Course | None = selectors.course_to_manage(user=request.user, community=community, pk=pk) if pk else None
    form = CourseForm(
        request.POST or None,
        terms=selectors.terms_of(user=request.user, community=community),
        facilities=facilities_for(user=request.user, community=community, include_shared=False),
        course=course,
    )
    confirm = False
    if request.method == "POST" and form.is_valid():
        try:
            if course is None:
                course = services.course_create(
                    actor=request.user, term=form.cleaned_data["term"], **form.service_data()
                )
                messages.success(request, _("Course saved. Now add its sessions."))
                return redirect("courses:sessions", code=code, pk=course.pk)
            services.course_update(
                actor=request.user, course=course, confirm=form.cleaned_data["confirm"], **form.service_data()
            )
        except DomainError as exc:
            confirm = confirm_step(request, form, exc)
            if not confirm:
                exc.show_on(form)
        else:
            messages.success(request, _("Course saved."))
            return redirect("courses:setup", code=code)
    title = _("Edit course") if course else _("New course")
    return _form_page(request, community, form, title, course=course, confirm=confirm)


@login_required
def course_sessions(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = _managed(request, code)
    course = selectors.course_to_manage(user=request.user, community=community, pk=pk)
    today = timezone.localdate()
    form = SeriesForm.starting(request.POST or None, max(course.term.starts_on, today))
    saved = submit(
        request,
        form,
        lambda data: services.session_series_add(actor=request.user, course=course, **data),
        done=lambda made: _("%(n)s sessions added.") % {"n": len(made)},
        then=reverse("courses:sessions", args=[code, course.pk]),
    )
    if saved is not None:
        return saved
    return render(
        request,
        "courses/sessions.html",
        {
            "community": community,
            "course": course,
            "sessions": selectors.sessions_of_course(course=course),
            "learners": selectors.learners_count(course=course),
            "form": form,
            "now": timezone.now(),
        },
    )


@login_required
def session_cancel(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """Asks first, saying how many people will be told; cancels on POST."""
    community = _managed(request, code)
    session = selectors.session_to_manage(user=request.user, community=community, pk=pk)
    if request.method != "POST":
        learners = selectors.learners_count(course=session.course)
        return render(
            request,
            "courses/session_cancel.html",
            {"community": community, "session": session, "learners": learners},
        )
    return press(
        request,
        lambda _data: services.session_cancel(actor=request.user, session=session),
        done=_("Session cancelled; the people enrolled are told."),
        back=reverse("courses:sessions", args=[code, session.course_id]),
    )


@login_required
def course_share(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    course = selectors.course_to_share(user=request.user, community=community, pk=pk)
    form = ShareForm(
        request.POST or None,
        neighbours=selectors.street_neighbours(community=community),
        initial={"communities": list(course.shared_with.all())},
    )
    saved = submit(
        request,
        form,
        lambda data: services.course_share(actor=request.user, course=course, communities=list(data["communities"])),
        done=_("Saved: who may enrol in %(course)s.") % {"course": course.title},
        then=reverse(
            "courses:setup" if rules.can_manage_courses(request.user, community) else "courses:list", args=[code]
        ),
    )
    if saved is not None:
        return saved
    back = None if rules.can_manage_courses(request.user, community) else reverse("courses:list", args=[code])
    return _form_page(request, community, form, _("Open to other communities of the street"), course=course, back=back)
