"""Reading the register, slots and bookings: always scoped by community and the acting user's rights."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.models import Role, RoleAssignment, User
from linli.accounts.types import Actor
from linli.core.errors import DomainError, NotAllowed, NotFound
from linli.core.lookup import first_or_not_found
from linli.core.parsing import parse_id
from linli.people import selectors as people_selectors
from linli.people.models import Resident
from linli.places.geometry import haversine_m
from linli.places.models import Community

from . import rules
from .mine import day_labels, status_labels
from .models import Booking, Facility, FacilityCategory, Service, ServicePriceRule, Slot
from .walking import walking_distances

WALK_M_PER_MIN = 75  # a relaxed walk, elderly included (4.5 km/h)


def categories() -> QuerySet[FacilityCategory]:
    return FacilityCategory.objects.all()


def category_by_code(*, code: str) -> FacilityCategory | None:
    return FacilityCategory.objects.filter(code=code).first()


def category_get(*, code: str) -> FacilityCategory:
    category = category_by_code(code=code)
    if category is None:
        raise NotFound(_("No such facility type."))
    return category


def facilities_for(
    *,
    user: Actor,
    community: Community,
    scenario: str = "",
    category: str = "",
    search: str = "",
    include_inactive: bool = False,
    include_shared: bool = True,
    with_services: bool = False,
    with_shared_with: bool = False,
) -> QuerySet[Facility]:
    """The community's facilities, and those neighbours share with it (两社融合)."""
    if not rules.can_view_register(user, community):
        raise NotFound(_("No community has the code “%(code)s”.") % {"code": community.code}, code="unknown_community")
    where = Q(community=community)
    if include_shared:
        where |= Q(shared=True, shared_with=community)
    qs = Facility.objects.filter(where).select_related("category", "building", "community").distinct()
    if not include_inactive:
        qs = qs.filter(active=True)
    if scenario:
        qs = qs.filter(scenario=scenario)
    if category:
        qs = qs.filter(category__code=category)
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(services__name__icontains=search)).distinct()
    if with_services:
        qs = qs.prefetch_related("services")
    if with_shared_with:
        qs = qs.prefetch_related("shared_with")
    return qs.order_by("code")


def facility_get(*, user: Actor, community: Community, pk: int) -> Facility:
    staff = rules.can_run_front_desk(user, community)
    facility = (
        facilities_for(user=user, community=community, include_inactive=staff)
        .filter(pk=pk)
        .prefetch_related("photos")
        .first()
    )
    if facility is None:
        raise NotFound(_("No such facility in this community."))
    return facility


def home_point(*, user: Actor, community: Community) -> tuple[float, float]:
    """(lng, lat) of the user's home building, else of the community centre."""
    me = rules.own_resident(user)
    if me is not None and me.household_id is not None:
        building = me.household.building
        return building.lng, building.lat
    return community.centre_lng, community.centre_lat


@dataclass
class Nearby:
    facility: Facility
    metres: int
    walked: bool = True  # False: a straight line (no walking network loaded, or the facility is off it)

    @property
    def minutes(self) -> int:
        return max(1, round(self.metres / WALK_M_PER_MIN))


def facilities_by_distance(*, user: Actor, community: Community, scenario: str = "", search: str = "") -> list[Nearby]:
    """Facilities nearest first, by the walk from home over the health check's walking network; a straight line,
    marked so, where there is no network or a facility is off it."""
    home = home_point(user=user, community=community)
    facilities = list(facilities_for(user=user, community=community, scenario=scenario, search=search))
    walks = walking_distances(home, [(f.lng, f.lat) for f in facilities]) or [None] * len(facilities)
    rows = [
        Nearby(f, round(walk), True) if walk is not None else Nearby(f, round(haversine_m(*home, f.lng, f.lat)), False)
        for f, walk in zip(facilities, walks, strict=True)
    ]
    return sorted(rows, key=lambda n: (n.metres, n.facility.code))


def services_of(*, facility: Facility, include_inactive: bool = False) -> QuerySet[Service]:
    qs = Service.objects.filter(facility=facility).prefetch_related("price_rules")
    return qs if include_inactive else qs.filter(active=True)


def service_of_facility(*, facility: Facility, pk: int) -> Service | None:
    """One of the facility's services, inactive ones included (to edit them)."""
    return services_of(facility=facility, include_inactive=True).filter(pk=pk).first()


def service_get(*, user: Actor, community: Community, pk: int) -> Service:
    service = first_or_not_found(Service.objects.filter(pk=pk).select_related("facility"), _("No such service."))
    facility_get(user=user, community=community, pk=service.facility_id)
    return service


def slots_open(*, service: Service, now: dt.datetime | None = None, days: int = 14) -> QuerySet[Slot]:
    now = now or timezone.now()
    return Slot.objects.filter(
        service=service, cancelled=False, starts_at__gt=now, starts_at__lt=now + dt.timedelta(days=days)
    ).order_by("starts_at")


def slot_days(*, service: Service, now: dt.datetime | None = None, days: int = 14) -> list[tuple[dt.date, int]]:
    """The days with open slots in the coming `days`, each with how many, earliest first."""
    counts: dict[dt.date, int] = {}
    for starts_at in slots_open(service=service, now=now, days=days).values_list("starts_at", flat=True):
        day = timezone.localtime(starts_at).date()
        counts[day] = counts.get(day, 0) + 1
    return sorted(counts.items())


def slots_on(*, service: Service, day: dt.date, now: dt.datetime | None = None) -> QuerySet[Slot]:
    """The open slots of one day (those still to come)."""
    now = now or timezone.now()
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return Slot.objects.filter(
        service=service,
        cancelled=False,
        starts_at__gt=now,
        starts_at__gte=start,
        starts_at__lt=start + dt.timedelta(days=1),
    ).order_by("starts_at")


@dataclass(frozen=True)
class Offer:
    """What a facility's page shows of one bookable service: the days with open slots (each with how many), the
    day shown and its open slots."""

    days: list[tuple[dt.date, int]]
    day: dt.date
    slots: list[Slot]


def offers_of(
    *, services: list[Service], chosen: dt.date | None = None, now: dt.datetime | None = None, days: int = 14
) -> dict[int, Offer]:
    """`slot_days` and `slots_on` for several services at once (by service id), in two queries however many there
    are: the day shown is `chosen`, else each service's first day with open slots, else today."""
    now = now or timezone.now()
    ids = [service.pk for service in services]
    if not ids:
        return {}
    counts: dict[int, dict[dt.date, int]] = {pk: {} for pk in ids}
    upcoming = Slot.objects.filter(
        service_id__in=ids, cancelled=False, starts_at__gt=now, starts_at__lt=now + dt.timedelta(days=days)
    )
    for service_id, starts_at in upcoming.values_list("service_id", "starts_at"):
        day = timezone.localtime(starts_at).date()
        counts[service_id][day] = counts[service_id].get(day, 0) + 1
    shown = {pk: chosen or min(counts[pk], default=timezone.localdate()) for pk in ids}
    on_their_day = Q()
    for pk, day in shown.items():
        start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
        on_their_day |= Q(service_id=pk, starts_at__gte=start, starts_at__lt=start + dt.timedelta(days=1))
    slots: dict[int, list[Slot]] = {pk: [] for pk in ids}
    for slot in Slot.objects.filter(on_their_day, cancelled=False, starts_at__gt=now).order_by("starts_at"):
        slots[slot.service_id].append(slot)
    return {pk: Offer(sorted(counts[pk].items()), shown[pk], slots[pk]) for pk in ids}


def slot_people_to_tell(*, slot: Slot) -> int:
    """How many bookings (confirmed or waiting) cancelling this slot would cancel."""
    return Booking.objects.filter(
        slot=slot, status__in=[Booking.Status.UNPAID, Booking.Status.CONFIRMED, Booking.Status.WAITLISTED]
    ).count()


def price_rules_of(*, service: Service) -> QuerySet[ServicePriceRule]:
    return ServicePriceRule.objects.filter(service=service).order_by("min_age", "pk")


def price_rule_get(*, service: Service, pk: int) -> ServicePriceRule:
    return first_or_not_found(ServicePriceRule.objects.filter(service=service, pk=pk), _("No such price rule."))


def slot_get(*, user: Actor, community: Community, pk: int) -> Slot:
    slot = first_or_not_found(Slot.objects.filter(pk=pk).select_related("service__facility"), _("No such time slot."))
    facility_get(user=user, community=community, pk=slot.service.facility_id)
    return slot


def household_of(*, user: Actor) -> list[Resident]:
    """Whom the user may book for, and whose bookings they see: themself, their household's members and the
    elders they help as family (亲情账号). One answer for every service: `linli.people.selectors.acting_for`."""
    return people_selectors.acting_for(user=user)


def resident_for_booking(*, user: Actor, community: Community, pk: int | None) -> Resident:
    """The resident a booking is for: oneself by default; a household member or an elder one helps; or, for
    front-desk staff, anyone in the community. Anyone else is refused with a clear message."""
    return people_selectors.resident_to_act_for(user=user, pk=pk)


def resident_posted_for_booking(*, user: Actor, community: Community, posted: str) -> Resident:
    """The resident a booking form's `resident` field names (empty: oneself), as `resident_for_booking` allows;
    anything that is not a row id is `NotFound`."""
    return resident_for_booking(user=user, community=community, pk=parse_id(posted) if posted else None)


def bookings_of_user(
    *, user: Actor, upcoming_only: bool = False, members: list[Resident] | None = None
) -> QuerySet[Booking]:
    """Bookings of the user's household and the elders they help (`members`: that list, if the caller has it)."""
    ids = [r.pk for r in (household_of(user=user) if members is None else members)]
    qs = Booking.objects.filter(resident_id__in=ids).select_related(
        "slot__service__facility", "resident", "booked_by__resident", "community"
    )
    if upcoming_only:
        qs = qs.filter(slot__ends_at__gte=timezone.now())
    return qs.order_by("-slot__starts_at", "pk")


def bookings_listed(*, user: Actor, members: list[Resident], limit: int) -> list[Booking]:
    """The first `limit` of `bookings_of_user`, reading only what "my bookings" shows of them: no resident nor
    maker joined (`linli.facilities.mine.People` sets them from `members`)."""
    rows = list(
        Booking.objects.filter(resident_id__in=[r.pk for r in members])
        .select_related("slot__service__facility", "community")
        .only(
            "status",
            "price_fen",
            "pay_by",
            "resident_id",
            "booked_by_id",
            "community__code",
            "slot__starts_at",
            "slot__service__name",
            "slot__service__facility__name",
        )
        .order_by("-slot__starts_at", "pk")[:limit]
    )
    status_labels(rows, Booking.Status.choices)
    day_labels(rows, lambda b: b.slot.starts_at, with_time=True)
    return rows


def booking_get(*, user: Actor, community: Community, pk: int) -> Booking:
    booking = Booking.objects.filter(pk=pk).select_related("slot__service__facility", "resident__user").first()
    if booking is None or not (
        rules.can_run_front_desk(user, booking.community) or rules.may_see_records_of(user, booking.resident)
    ):
        raise NotFound(_("No such booking."))
    if booking.community_id != community.pk and booking.resident.community_id != community.pk:
        raise NotFound(_("No such booking."))
    return booking


@dataclass
class DaySheetRow:
    slot: Slot
    bookings: list[Booking]


def day_sheet(
    *, user: Actor, community: Community, day: dt.date, facility: Facility | None = None
) -> list[DaySheetRow]:
    """Every slot of the day with its bookings, for the front desk."""
    if not rules.can_run_front_desk(user, community):
        raise NotAllowed(_("Only front-desk staff see day sheets."))
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    slots = Slot.objects.filter(community=community, starts_at__gte=start, starts_at__lt=start + dt.timedelta(days=1))
    if facility is not None:
        slots = slots.filter(service__facility=facility)
    slots = slots.select_related("service__facility").order_by("starts_at", "service__facility__code")
    bookings: dict[int, list[Booking]] = {}
    for b in (
        Booking.objects.filter(slot__in=slots)
        .exclude(status=Booking.Status.CANCELLED)
        .select_related("resident__household__building", "booked_by__resident")
        .order_by("status", "created_at")
    ):
        bookings.setdefault(b.slot_id, []).append(b)
    return [DaySheetRow(s, bookings.get(s.pk, [])) for s in slots]


def facilities_run_by(*, user: Actor, community: Community) -> QuerySet[Facility]:
    """The spaces of the community this account is assigned to run (an operator's “my spaces”)."""
    if user is None or not user.is_authenticated:
        return Facility.objects.none()
    return Facility.objects.filter(community=community, operators=user, active=True).order_by("code")


def my_spaces_today(*, user: Actor, community: Community, day: dt.date) -> list[tuple[Facility, list[DaySheetRow]]]:
    """Each space the account runs, with the day's slots and their bookings."""
    return [
        (facility, day_sheet(user=user, community=community, day=day, facility=facility))
        for facility in facilities_run_by(user=user, community=community)
    ]


def operators_of(*, community: Community) -> QuerySet[Any]:
    """The accounts with the operator role in the community: who may be assigned a space."""
    ids = RoleAssignment.objects.filter(community=community, role=Role.OPERATOR).values("user_id")
    return User.objects.filter(pk__in=ids, is_active=True).order_by("display_name", "pk")


def operator_accounts(*, community: Community, ids: list[int]) -> list[Any]:
    """These accounts, each an operator of the community; any other id is refused (nothing changes)."""
    found = list(operators_of(community=community).filter(pk__in=ids))
    if len(found) != len(set(ids)):
        unknown = sorted(set(ids) - {u.pk for u in found})
        raise DomainError(
            _("Not operators of this community: %(ids)s.") % {"ids": ", ".join(map(str, unknown))},
            field="operator_ids",
            code="not_an_operator",
        )
    return found


def operators_of_facility(*, facility: Facility) -> QuerySet[Any]:
    return facility.operators.order_by("pk")
