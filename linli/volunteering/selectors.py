"""Reads for volunteering: scoped to the community and the acting user."""

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.types import Actor, account_of
from linli.core.errors import DomainError, NotFound
from linli.facilities.models import Booking, Facility, Service, Slot
from linli.ledger.reasons import key_part
from linli.people.models import Resident
from linli.people.rules import current
from linli.places.models import Community

from . import rules
from .catalogue import seed_activity_types
from .models import (
    Activity,
    ActivityType,
    Certificate,
    Club,
    ClubBooking,
    ClubMember,
    ServiceRecord,
    SignUp,
    Team,
    TeamMember,
)


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
        .select_related("team", "facility", "type")
        .order_by("starts_at", "pk")
    )


def activity_get(*, user: Actor, community: Community, pk: int) -> Activity:
    if not rules.can_view_volunteering(user, community):
        raise NotFound(_("No such activity."))
    activity = (
        Activity.objects.filter(community=community, pk=pk)
        .select_related("team", "facility", "organiser", "type")
        .first()
    )
    if activity is None:
        raise NotFound(_("No such activity."))
    return activity


def activity_for_user(*, user: Actor, pk: int) -> Activity:
    activity = Activity.objects.filter(pk=pk).select_related("community", "team", "facility", "type").first()
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


def roster(*, user: Actor, activity: Activity) -> QuerySet[SignUp]:
    if not rules.can_run_activity(user, activity):
        raise NotFound(_("No such activity."))
    return (
        SignUp.objects.filter(activity=activity)
        .exclude(status=SignUp.Status.CANCELLED)
        .select_related("resident", "record")
        .order_by("status", "created_at", "pk")
    )


def roll_call(*, user: Actor, activity: Activity, resident_ids: list[int]) -> list[Resident]:
    """The volunteers the organiser ticked off as present: each on the activity's list (signed up, not waiting)."""
    if not rules.can_run_activity(user, activity):
        raise NotFound(_("No such activity."))
    found = {
        s.resident_id: s.resident
        for s in SignUp.objects.filter(
            activity=activity, resident_id__in=resident_ids, status=SignUp.Status.CONFIRMED
        ).select_related("resident")
    }
    if not resident_ids or set(resident_ids) - set(found):
        raise DomainError(_("Tick the volunteers on this activity's list who came."), field="resident")
    return [found[pk] for pk in dict.fromkeys(resident_ids)]


SIGNUP_CANDIDATES = 30


def activity_to_sign_up_for(*, user: Actor, pk: int) -> Activity:
    """An activity whose organiser or community staff the user is, to sign residents up for; else 404."""
    activity = activity_for_user(user=user, pk=pk)
    if not rules.can_sign_up_others(user, activity):
        raise NotFound(_("No such activity."))
    return activity


def _not_on_the_list(activity: Activity) -> QuerySet[Resident]:
    on_the_list = SignUp.objects.filter(activity=activity, status__in=SignUp.ACTIVE).values("resident_id")
    return Resident.objects.filter(current(), community=activity.community_id).exclude(pk__in=on_the_list)


def signup_candidates(*, user: Actor, activity: Activity, search: str, chosen: Collection[int] = ()) -> list[Resident]:
    """Residents of the activity's community who could be signed up for it, not on its list yet nor `chosen`
    already: those whose name has `search` in it or whose mobile ends in it (four digits); with no search, the
    members of the activity's team. At most `SIGNUP_CANDIDATES`, by name."""
    if not rules.can_sign_up_others(user, activity):
        raise NotFound(_("No such activity."))
    residents = _not_on_the_list(activity).exclude(pk__in=chosen)
    search = search.strip()
    if search.isdigit() and len(search) == 4:
        residents = residents.filter(Q(mobile__endswith=search) | Q(name__icontains=search))
    elif search:
        residents = residents.filter(name__icontains=search)
    elif activity.team_id:
        residents = residents.filter(volunteer_teams__team_id=activity.team_id)
    else:
        return []
    return list(residents.select_related("household__building").order_by("name", "pk")[:SIGNUP_CANDIDATES])


def signup_chosen(*, user: Actor, activity: Activity, resident_ids: list[int]) -> list[Resident]:
    """The residents the organiser ticked before searching again, in the order ticked: those of the activity's
    community not on its list yet (the others are left out)."""
    if not rules.can_sign_up_others(user, activity):
        raise NotFound(_("No such activity."))
    if not resident_ids:
        return []
    residents = _not_on_the_list(activity).filter(pk__in=resident_ids).select_related("household__building")
    found = {r.pk: r for r in residents}
    return [found[pk] for pk in dict.fromkeys(resident_ids) if pk in found]


def residents_to_sign_up(*, user: Actor, activity: Activity, resident_ids: list[int]) -> list[Resident]:
    """The residents the organiser ticked to sign up, in the order ticked: each a resident of the activity's
    community, else 404."""
    if not rules.can_sign_up_others(user, activity):
        raise NotFound(_("No such activity."))
    if not resident_ids:
        raise DomainError(_("Tick the residents to sign up."), field="resident")
    found = {r.pk: r for r in Resident.objects.filter(community=activity.community_id, pk__in=resident_ids)}
    if set(resident_ids) - set(found):
        raise NotFound(_("No such resident in this community."), field="resident")
    return [found[pk] for pk in dict.fromkeys(resident_ids)]


def hours_to_confirm(*, user: Actor, activity: Activity) -> list[ServiceRecord]:
    """The activity's recorded hours still waiting for the organiser, in the roster's order."""
    if not rules.can_decide_hours(user, activity):
        raise NotFound(_("No such activity."))
    records = list(ServiceRecord.objects.filter(activity=activity, status=ServiceRecord.Status.PENDING).order_by("pk"))
    if not records:
        raise DomainError(_("No hours of this activity are waiting for confirmation."), code="nothing_to_confirm")
    return records


def record_get(*, user: Actor, pk: int) -> ServiceRecord:
    record = ServiceRecord.objects.filter(pk=pk).select_related("activity__community", "resident").first()
    if record is None or not rules.can_run_activity(user, record.activity):
        raise NotFound(_("No such service record."))
    return record


def records_of(*, user: Actor, resident: Resident) -> QuerySet[ServiceRecord]:
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
    return (
        Club.objects.filter(community=community)
        .select_related("venue")
        .annotate(
            members=Count("memberships", distinct=True),
            leaders=Count("memberships", filter=Q(memberships__leader=True), distinct=True),
        )
    )


def club_get(*, user: Actor, community: Community, pk: int) -> Club:
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


# --- teams ----------------------------------------------------------------------------------------------


def team_get(*, user: Actor, community: Community, pk: int) -> Team:
    if not rules.can_view_volunteering(user, community):
        raise NotFound(_("No such team."))
    team = teams(community=community).filter(pk=pk).first()
    if team is None:
        raise NotFound(_("No such team."))
    return team


def team_members(*, user: Actor, team: Team) -> QuerySet[TeamMember]:
    if not rules.can_view_team_members(user, team):
        return TeamMember.objects.none()
    return TeamMember.objects.filter(team=team).select_related("resident").order_by("-leader", "joined_on", "pk")


def team_membership_of(*, team: Team, resident: Resident | None) -> TeamMember | None:
    if resident is None:
        return None
    return TeamMember.objects.filter(team=team, resident=resident).first()


def team_activities(*, team: Team, now: dt.datetime | None = None) -> dict[str, list[Activity]]:
    now = now or timezone.now()
    published = Activity.objects.filter(team=team, status=Activity.Status.PUBLISHED).select_related("type")
    return {
        "upcoming": list(published.filter(ends_at__gte=now).order_by("starts_at", "pk")[:50]),
        "past": list(published.filter(ends_at__lt=now).order_by("-starts_at", "-pk")[:20]),
    }


# --- activity types -------------------------------------------------------------------------------------


def activity_types(*, community: Community, active: bool | None = None) -> QuerySet[ActivityType]:
    """The community's kinds of activity (the seven defaults are stored on first use), with how many activities
    each has; `active=True` gives those offered for new activities."""
    seed_activity_types(ActivityType, community.pk)
    qs = ActivityType.objects.filter(community=community).annotate(activity_count=Count("activities"))
    return qs if active is None else qs.filter(active=active)


def activity_type_get(*, user: Actor, community: Community, pk: int, field: str | None = None) -> ActivityType:
    """A type of this community, for its staff to change, or named as a new activity's type."""
    kind = ActivityType.objects.filter(community=community, pk=pk).select_related("community").first()
    if kind is None or not rules.can_organise(user, community):
        raise NotFound(_("No such type of activity."), field=field)
    return kind


# --- the organiser's activities ---------------------------------------------------------------------------


def _count_of(model: Any, field: str, **filters: Any) -> Coalesce:
    """A correlated count (or sum) per activity: separate subqueries keep sign-ups and records from multiplying."""
    rows = model.objects.filter(activity=OuterRef("pk"), **filters).order_by().values("activity")
    value = rows.annotate(n=Count("pk") if field == "pk" else Sum(field)).values("n")
    return Coalesce(Subquery(value, output_field=IntegerField()), Value(0))


def activities_organised(
    *, user: Actor, community: Community, past: bool | None = False, now: dt.datetime | None = None
) -> QuerySet[Activity]:
    """The activities the user runs (the staff: all of the community's), coming (or `past`, or with None both),
    with their sign-up and waiting-list counts and the hours still to confirm."""
    if not rules.can_list_organised(user, community):
        raise NotFound(_("No such activity."))
    now = now or timezone.now()
    qs = Activity.objects.filter(community=community)
    if not rules.can_organise(user, community):
        qs = qs.filter(organiser=account_of(user))
    if past is not None:
        qs = qs.filter(ends_at__lt=now) if past else qs.filter(ends_at__gte=now)
    return (
        qs.select_related("team", "organiser", "type")
        .annotate(
            confirmed=_count_of(SignUp, "pk", status=SignUp.Status.CONFIRMED),
            waitlisted=_count_of(SignUp, "pk", status=SignUp.Status.WAITLISTED),
            pending=_count_of(ServiceRecord, "pk", status=ServiceRecord.Status.PENDING),
            pending_minutes=_count_of(ServiceRecord, "minutes", status=ServiceRecord.Status.PENDING),
        )
        .order_by(*(["-starts_at", "-pk"] if past else ["starts_at", "pk"]))
    )


def activity_to_run(*, user: Actor, community: Community, pk: int) -> Activity:
    """An activity of this community that the user organises or, as staff, runs; else 404."""
    activity = (
        Activity.objects.filter(community=community, pk=pk)
        .select_related("community", "team", "organiser", "type")
        .first()
    )
    if activity is None or not rules.can_run_activity(user, activity):
        raise NotFound(_("No such activity."))
    return activity


# --- clubs ----------------------------------------------------------------------------------------------


def club_members(*, user: Actor, club: Club) -> QuerySet[ClubMember]:
    """All members for those who may see them; everyone else sees the leaders only."""
    qs = ClubMember.objects.filter(club=club).select_related("resident", "club").order_by("-leader", "joined_on", "pk")
    return qs if rules.can_view_club_members(user, club) else qs.filter(leader=True)


def club_member_get(*, user: Actor, club: Club, pk: int) -> ClubMember:
    member = ClubMember.objects.filter(club=club, pk=pk).select_related("resident", "club__community").first()
    if member is None or not (rules.can_view_club_members(user, club) or rules.is_self(user, member.resident)):
        raise NotFound(_("No such member."))
    return member


def club_membership_of(*, club: Club, resident: Resident | None) -> ClubMember | None:
    if resident is None:
        return None
    return ClubMember.objects.filter(club=club, resident=resident).select_related("resident", "club").first()


def club_bookings_upcoming(*, club: Club, now: dt.datetime | None = None) -> QuerySet[ClubBooking]:
    now = now or timezone.now()
    return (
        ClubBooking.objects.filter(club=club, booking__slot__ends_at__gte=now, booking__status__in=Booking.ACTIVE)
        .select_related("booking__slot__service__facility", "booking__resident")
        .order_by("booking__slot__starts_at", "pk")
    )


def venue_slots(*, community: Community, now: dt.datetime | None = None, days: int = 14) -> QuerySet[Slot]:
    """The community's room-booking slots with a free place in the coming days: what a club can book."""
    now = now or timezone.now()
    return (
        Slot.objects.filter(
            community=community,
            cancelled=False,
            starts_at__gt=now,
            starts_at__lt=now + dt.timedelta(days=days),
            booked__lt=F("capacity"),
            service__kind=Service.Kind.VENUE,
            service__active=True,
            service__bookable=True,
            service__facility__community=community,
            service__facility__active=True,
        )
        .select_related("service__facility")
        .order_by("starts_at", "pk")
    )


def venue_slot_get(*, club: Club, pk: int, now: dt.datetime | None = None) -> Slot:
    slot = venue_slots(community=club.community, now=now).filter(pk=pk).first()
    if slot is None:
        raise NotFound(_("No such time slot, or it is no longer free."), field="slot")
    return slot


def venue_get(*, community: Community, pk: int, field: str | None = None) -> Facility:
    """A facility of this community named as an activity's place or a club's venue."""
    facility = Facility.objects.filter(community=community, pk=pk).first()
    if facility is None:
        raise NotFound(_("No such facility."), field=field)
    return facility


def active_team_get(*, community: Community, pk: int, field: str | None = None) -> Team:
    """An active team of this community named as an activity's organiser."""
    team = Team.objects.filter(community=community, active=True, pk=pk).first()
    if team is None:
        raise NotFound(_("No such team."), field=field)
    return team


def certificate_verify(*, serial: str) -> Certificate:
    """A certificate by its serial number, for anyone holding it (the page masks the name)."""
    cert = Certificate.objects.filter(serial=serial.upper()[:32]).select_related("resident", "community").first()
    if cert is None:
        raise NotFound(_("No certificate with this serial number."))
    return cert


def my_club_ids(*, resident: Resident | None) -> set[int]:
    """The clubs this resident belongs to."""
    return set(resident.clubs.values_list("club_id", flat=True)) if resident is not None else set()


def earnings_described(txns: list[Any]) -> dict[int, str]:
    """For the points statement: the activity each `volunteer-hours:<record>` earning was for."""
    ids = {t.pk: key_part(t, 1) for t in txns}
    titles = dict(
        ServiceRecord.objects.filter(pk__in=[i for i in ids.values() if i]).values_list("pk", "activity__title")
    )
    return {pk: titles[i] for pk, i in ids.items() if i in titles}


def attendance_described(txns: list[Any]) -> dict[int, str]:
    """For the points statement: the activity each `activity-attendance:<sign-up>` earning was for."""
    ids = {t.pk: key_part(t, 1) for t in txns}
    titles = dict(SignUp.objects.filter(pk__in=[i for i in ids.values() if i]).values_list("pk", "activity__title"))
    return {pk: titles[i] for pk, i in ids.items() if i in titles}
