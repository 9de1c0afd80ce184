"""Reads for volunteering: scoped to the community and the acting user."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.errors import NotFound
from linli.people.models import Resident
from linli.places.models import Community

from . import rules
from .models import Activity, Club, ServiceRecord, SignUp, Team


@dataclass(frozen=True)
class YearTotal:
    year: int
    minutes: int
    activities: int
    points: int

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)


def activities_upcoming(*, community: Community, now: dt.datetime | None = None) -> QuerySet[Activity]:
    now = now or timezone.now()
    return (
        Activity.objects.filter(community=community, status=Activity.Status.PUBLISHED, ends_at__gte=now)
        .select_related("team", "facility")
        .order_by("starts_at", "pk")
    )


def activity_get(*, user: Any, community: Community, pk: int) -> Activity:
    if not rules.can_view_volunteering(user, community):
        raise NotFound(_("No such activity."))
    activity = (
        Activity.objects.filter(community=community, pk=pk).select_related("team", "facility", "organiser").first()
    )
    if activity is None:
        raise NotFound(_("No such activity."))
    return activity


def activity_for_user(*, user: Any, pk: int) -> Activity:
    activity = Activity.objects.filter(pk=pk).select_related("community", "team", "facility").first()
    if activity is None or not rules.can_view_volunteering(user, activity.community):
        raise NotFound(_("No such activity."))
    return activity


def signup_of(*, activity: Activity, resident: Resident | None) -> SignUp | None:
    if resident is None:
        return None
    return (
        SignUp.objects.filter(activity=activity, resident=resident, status__in=SignUp.ACTIVE)
        .select_related("record")
        .first()
    )


def roster(*, user: Any, activity: Activity) -> QuerySet[SignUp]:
    if not rules.can_run_activity(user, activity):
        raise NotFound(_("No such activity."))
    return (
        SignUp.objects.filter(activity=activity)
        .exclude(status=SignUp.Status.CANCELLED)
        .select_related("resident", "record")
        .order_by("status", "created_at", "pk")
    )


def record_get(*, user: Any, pk: int) -> ServiceRecord:
    record = ServiceRecord.objects.filter(pk=pk).select_related("activity__community", "resident").first()
    if record is None or not rules.can_run_activity(user, record.activity):
        raise NotFound(_("No such service record."))
    return record


def records_of(*, user: Any, resident: Resident) -> QuerySet[ServiceRecord]:
    if not rules.can_view_hours_of(user, resident):
        raise NotFound(_("No such volunteer."))
    return ServiceRecord.objects.filter(resident=resident).select_related("activity").order_by("-served_on", "-pk")


def year_totals(*, resident: Resident, year: int) -> YearTotal:
    row = ServiceRecord.objects.filter(
        resident=resident, status=ServiceRecord.Status.CONFIRMED, served_on__year=year
    ).aggregate(minutes=Sum("minutes"), n=Count("pk"), points=Sum("points"))
    return YearTotal(
        year=year, minutes=int(row["minutes"] or 0), activities=int(row["n"] or 0), points=int(row["points"] or 0)
    )


def years_of(*, resident: Resident) -> list[YearTotal]:
    years = ServiceRecord.objects.filter(resident=resident, status=ServiceRecord.Status.CONFIRMED).dates(
        "served_on", "year", order="DESC"
    )
    return [year_totals(resident=resident, year=d.year) for d in years]


def teams(*, community: Community) -> QuerySet[Team]:
    return Team.objects.filter(community=community, active=True).annotate(
        members=Count("memberships", distinct=True),
        party_members=Count("memberships", filter=Q(memberships__resident__is_party_member=True), distinct=True),
    )


def clubs(*, community: Community) -> QuerySet[Club]:
    return Club.objects.filter(community=community).select_related("venue").annotate(members=Count("memberships"))


def club_get(*, user: Any, community: Community, pk: int) -> Club:
    club = Club.objects.filter(community=community, pk=pk).select_related("venue").first()
    if club is None or not rules.can_view_volunteering(user, community):
        raise NotFound(_("No such club."))
    return club


def hours_by_team(*, community: Community, year: int) -> list[dict[str, Any]]:
    """The street office's view: confirmed hours per team in a year."""
    return list(
        ServiceRecord.objects.filter(community=community, status=ServiceRecord.Status.CONFIRMED, served_on__year=year)
        .values("activity__team__name")
        .annotate(minutes=Sum("minutes"), volunteers=Count("resident", distinct=True), records=Count("pk"))
        .order_by("-minutes")
    )
