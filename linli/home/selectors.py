"""What the home and profile pages read about the signed-in user."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.models import RoleAssignment
from linli.accounts.types import Actor
from linli.canteen.selectors import orders_of_user
from linli.courses.models import Enrolment, Session
from linli.courses.selectors import enrolments_of_user
from linli.facilities.models import Booking
from linli.facilities.selectors import bookings_of_user, household_of
from linli.reports.models import Report
from linli.reports.selectors import reports_of_user


def roles_of(*, user: Actor) -> QuerySet[RoleAssignment]:
    """The user's own roles, with the community or street each is held in."""
    if not user.is_authenticated:
        return RoleAssignment.objects.none()
    return RoleAssignment.objects.filter(user=user).select_related("community", "street")


@dataclass(frozen=True)
class DueItem:
    """One thing on the resident's day: what it is, when, and where to see it."""

    kind: str  # meal, class, booking, rating: picks the icon and the test id
    title: str
    when: str
    url: str


def _day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return start, start + dt.timedelta(days=1)


def due_today(
    *, user: Actor, today: dt.date | None = None, limit: int = 6, members: list[Any] | None = None
) -> list[DueItem]:
    """Today's meals booked, classes, bookings for the user's household, and their resolved reports awaiting
    a rating. Empty for anonymous visitors. `members`: whom the user acts for, if the caller has them already."""
    if not user.is_authenticated:
        return []
    today = today or timezone.localdate()
    start, end = _day_bounds(today)
    mine = reverse("facilities:mine")
    items: list[DueItem] = []
    if members is None:
        members = household_of(user=user)  # looked up once for the three lists below
    # Each list joins only what its line shows: every table less in a join is planning time PostgreSQL saves.
    meals = (
        orders_of_user(user=user, members=members, with_paid=False)
        .filter(menu__day=today, status="ordered")
        .select_related(None)
        .select_related("menu__canteen", "resident")
    )
    for meal in meals[:limit]:
        items.append(
            DueItem(
                "meal",
                _("%(meal)s at %(canteen)s for %(name)s")
                % {"meal": meal.menu.get_meal_display(), "canteen": meal.menu.canteen.name, "name": meal.resident.name},
                _("Today"),
                mine,
            )
        )
    sessions_today = Session.objects.filter(starts_at__gte=start, starts_at__lt=end)
    first_today = sessions_today.filter(course=OuterRef("course_id")).order_by("starts_at").values("starts_at")[:1]
    enrolled = (
        enrolments_of_user(user=user, members=members)
        .filter(status=Enrolment.Status.ENROLLED, course__in=sessions_today.values("course_id"))
        .select_related(None)
        .select_related("course")
        .annotate(starts_today=Subquery(first_today))  # the class's first session today, in the same query
    )
    for enrolment in enrolled[:limit]:
        starts = enrolment.starts_today
        items.append(
            DueItem(
                "class",
                enrolment.course.title,
                timezone.localtime(starts).strftime("%H:%M") if starts else _("Today"),
                mine,
            )
        )
    bookings = (
        bookings_of_user(user=user, members=members)
        .filter(status=Booking.Status.CONFIRMED, slot__starts_at__gte=start, slot__starts_at__lt=end)
        .select_related(None)
        .select_related("slot__service__facility")
    )
    for booking in bookings[:limit]:
        items.append(
            DueItem(
                "booking",
                f"{booking.slot.service.name} · {booking.slot.service.facility.name}",
                timezone.localtime(booking.slot.starts_at).strftime("%H:%M"),
                mine,
            )
        )
    to_rate = (
        reports_of_user(user=user)
        .filter(reporter=user, status__in=(Report.Status.RESOLVED, Report.Status.CLOSED), rating__isnull=True)
        .select_related(None)
        .select_related("category", "community")
    )
    for report in to_rate[:limit]:
        items.append(
            DueItem(
                "rating",
                _("Rate how your report “%(category)s” was solved") % {"category": report.category.name},
                _("Waiting for you"),
                reverse("reports:detail", args=[report.community.code, report.pk]),
            )
        )
    return items[: limit * 2]
