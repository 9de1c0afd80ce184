"""Reading courses: the school's offer for residents, enrolments, attendance sheets for staff."""

import datetime as dt
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.rules import can_view_community
from linli.core.errors import NotAllowed, NotFound
from linli.facilities.selectors import household_of
from linli.places.models import Community

from . import rules
from .models import Audience, Course, Enrolment, Session


def courses_for(*, user: Any, community: Community, audience: str = "", current_only: bool = True) -> QuerySet[Course]:
    if not can_view_community(user, community):
        raise NotFound(_("No community has the code “%(code)s”.") % {"code": community.code}, code="unknown_community")
    qs = Course.objects.filter(community=community).select_related("term", "facility")
    if not rules.can_join_staff_training(user, community):
        qs = qs.exclude(audience=Audience.STAFF)
    if audience:
        qs = qs.filter(audience=audience)
    if current_only:
        qs = qs.filter(term__ends_on__gte=timezone.localdate())
    return qs.order_by("audience", "title")


def course_get(*, user: Any, community: Community, pk: int) -> Course:
    course = courses_for(user=user, community=community, current_only=False).filter(pk=pk).first()
    if course is None:
        raise NotFound(_("No such course."))
    return course


def enrolments_of_user(*, user: Any) -> QuerySet[Enrolment]:
    members = [r.pk for r in household_of(user=user)]
    from django.db.models import Q

    return (
        Enrolment.objects.filter(Q(resident_id__in=members) | Q(staff=user) if user.is_authenticated else Q(pk=None))
        .select_related("course__facility", "resident", "course__term", "enrolled_by__resident")
        .order_by("-created_at")
    )


def courses_enrolled_in(*, user: Any) -> set[int]:
    """Ids of the courses the user's household (or the user as staff) is enrolled in now."""
    return set(enrolments_of_user(user=user).filter(status__in=Enrolment.ACTIVE).values_list("course_id", flat=True))


def enrolment_get(*, user: Any, community: Community, pk: int) -> Enrolment:
    mine = enrolments_of_user(user=user).filter(pk=pk).first()
    if mine is not None:
        return mine
    if rules.can_take_attendance(user, community):
        found = Enrolment.objects.filter(pk=pk, community=community).first()
        if found is not None:
            return found
    raise NotFound(_("No such enrolment."))


def sessions_of_day(*, user: Any, community: Community, day: dt.date) -> QuerySet[Session]:
    if not rules.can_take_attendance(user, community):
        raise NotAllowed(_("Only front-desk staff see day sheets."))
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    return (
        Session.objects.filter(
            course__community=community, starts_at__gte=start, starts_at__lt=start + dt.timedelta(days=1)
        )
        .select_related("course__facility")
        .prefetch_related(
            Prefetch(
                "course__enrolments",
                queryset=Enrolment.objects.filter(status=Enrolment.Status.ENROLLED).select_related("resident", "staff"),
                to_attr="roster",
            ),
            "attendance",
        )
        .order_by("starts_at")
    )


def session_get(*, user: Any, community: Community, pk: int) -> Session:
    if not rules.can_take_attendance(user, community):
        raise NotAllowed(_("Only front-desk staff see day sheets."))
    session = Session.objects.filter(pk=pk, course__community=community).select_related("course").first()
    if session is None:
        raise NotFound(_("No such session."))
    return session
