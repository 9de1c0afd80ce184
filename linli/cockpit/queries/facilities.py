import datetime as dt
from typing import Any

from django.db.models import Count, QuerySet

from linli.canteen.models import MealOrder
from linli.facilities.models import Booking, Facility, in_service_on
from linli.people.ages import born_on_or_before_for_age

from .people import last_day, living
from .registry import figure, month_bounds, query


def _in_service(community: Any, month: dt.date) -> QuerySet[Facility]:
    """Facilities in service at the end of the month (today for the month under way)."""
    return Facility.objects.filter(in_service_on(last_day(month)), community=community)


def _attended(community: Any, month: dt.date) -> int:
    start, end = month_bounds(month)
    return Booking.objects.filter(
        community=community,
        status=Booking.Status.ATTENDED,
        slot__starts_at__date__gte=start,
        slot__starts_at__date__lt=end,
    ).count()


def _meals(community: Any, month: dt.date) -> int:
    start, end = month_bounds(month)
    return MealOrder.objects.filter(
        community=community, status=MealOrder.Status.SERVED, menu__day__gte=start, menu__day__lt=end
    ).count()


@query("facilities_count")
def facilities_count(community: Any, month: dt.date, nature: str = "") -> float:
    qs = _in_service(community, month)
    return qs.filter(nature=nature).count() if nature else qs.count()


@query("bookings_attended_per_100")
def bookings_attended_per_100(community: Any, month: dt.date) -> float | None:
    total = living(community, month).count()
    return 100 * _attended(community, month) / total if total else None


@query("canteen_meals_per_elderly")
def canteen_meals_per_elderly(community: Any, month: dt.date) -> float | None:
    """Meals served in the month per resident aged 60+."""
    elderly = living(community, month).filter(birth_date__lte=born_on_or_before_for_age(60, last_day(month))).count()
    return _meals(community, month) / elderly if elderly else None


@figure("services_used")
def services_used(community: Any, month: dt.date) -> dict[str, int]:
    return {"bookings": _attended(community, month), "canteen_meals": _meals(community, month)}


@figure("facilities_by_nature")
def facilities_by_nature(community: Any, month: dt.date) -> dict[str, int]:
    rows = _in_service(community, month).values("nature").annotate(n=Count("id"))
    return {row["nature"]: row["n"] for row in rows}


@query("facilities_of_category")
def facilities_of_category(community: Any, month: dt.date, category: str = "") -> float:
    return _in_service(community, month).filter(category__code=category).count()
