import datetime as dt
from typing import Any

from django.db.models import Count

from linli.canteen.models import MealOrder
from linli.facilities.models import Booking, Facility
from linli.people.ages import born_on_or_before_for_age
from linli.people.models import Resident
from linli.people.rules import current

from .registry import figure, month_bounds, query


def _residents(community: Any) -> int:
    return Resident.objects.filter(current(), community=community).count()


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
    qs = Facility.objects.filter(community=community, active=True)
    return qs.filter(nature=nature).count() if nature else qs.count()


@query("bookings_attended_per_100")
def bookings_attended_per_100(community: Any, month: dt.date) -> float | None:
    total = _residents(community)
    return 100 * _attended(community, month) / total if total else None


@query("canteen_meals_per_elderly")
def canteen_meals_per_elderly(community: Any, month: dt.date) -> float | None:
    """Meals served in the month per resident aged 60+."""
    end = month_bounds(month)[1] - dt.timedelta(days=1)
    elderly = Resident.objects.filter(
        current(), community=community, birth_date__lte=born_on_or_before_for_age(60, end)
    ).count()
    return _meals(community, month) / elderly if elderly else None


@figure("services_used")
def services_used(community: Any, month: dt.date) -> dict[str, int]:
    return {"bookings": _attended(community, month), "canteen_meals": _meals(community, month)}


@figure("facilities_by_nature")
def facilities_by_nature(community: Any, month: dt.date) -> dict[str, int]:
    rows = Facility.objects.filter(community=community, active=True).values("nature").annotate(n=Count("id"))
    return {row["nature"]: row["n"] for row in rows}


@query("facilities_of_category")
def facilities_of_category(community: Any, month: dt.date, category: str = "") -> float:
    return Facility.objects.filter(community=community, active=True, category__code=category).count()
