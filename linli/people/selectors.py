"""Reading residents and households: only community staff, only their own community; ID numbers stay masked."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts import rules
from linli.core.errors import NotAllowed, NotFound
from linli.places.models import Building, Community, Household

from . import rules as people_rules
from .ages import TIER_BOUNDS, born_on_or_before_for_age
from .models import DataRequest, Resident

STATUS_CURRENT = "current"
STATUS_MOVED_OUT = "moved_out"
STATUS_ALL = "all"
STATUSES = (STATUS_CURRENT, STATUS_MOVED_OUT, STATUS_ALL)


def tier_ages(tier: str) -> tuple[int, int | None]:
    """The ages (lowest, highest or None) of an age tier."""
    bounds = sorted((lower, t.value) for lower, t in TIER_BOUNDS)
    for i, (lower, value) in enumerate(bounds):
        if value == tier:
            upper = bounds[i + 1][0] - 1 if i + 1 < len(bounds) else None
            return lower, upper
    raise NotFound(_("No such age group."), field="age_tier")


@dataclass(frozen=True)
class ResidentFilters:
    """What a resident list is filtered by; empty values filter nothing. Every filter combines with the others."""

    search: str = ""
    neighbourhood: int | None = None
    building: int | None = None
    grid: int | None = None
    household: int | None = None
    age_tier: str = ""
    min_age: int | None = None
    max_age: int | None = None
    tag: str = ""
    party_member: bool | None = None
    residence: str = ""
    status: str = STATUS_CURRENT


def _search(qs: QuerySet[Resident], search: str) -> QuerySet[Resident]:
    search = search.strip()
    if not search:
        return qs
    if search.isdigit() and len(search) == 4:  # the last four digits of a mobile number, or part of a name
        return qs.filter(Q(mobile__endswith=search) | Q(name__icontains=search))
    return qs.filter(name__icontains=search)


def residents_for(
    *,
    user: Any,
    community: Community,
    filters: ResidentFilters | None = None,
    day: dt.date | None = None,
    **legacy: Any,
) -> QuerySet[Resident]:
    """The residents this staff member may see, filtered. `legacy` keyword filters (search=, tag=…) still work."""
    if not rules.can_view_residents(user, community):
        raise NotAllowed(_("You may not see this community's residents."))
    f = filters or ResidentFilters(**{"status": STATUS_ALL, **legacy})
    day = day or timezone.localdate()
    qs = Resident.objects.filter(community=community).select_related("community", "household__building")
    if f.status == STATUS_CURRENT:
        qs = qs.filter(people_rules.CURRENT)
    elif f.status == STATUS_MOVED_OUT:
        qs = qs.exclude(people_rules.CURRENT)
    elif f.status != STATUS_ALL:
        raise NotFound(_("No such resident status."), field="status")
    qs = _search(qs, f.search)
    if f.neighbourhood:
        qs = qs.filter(household__building__neighbourhood_id=f.neighbourhood)
    if f.building:
        qs = qs.filter(household__building_id=f.building)
    if f.grid:
        qs = qs.filter(household__building__grid_id=f.grid)
    if f.household:
        qs = qs.filter(household_id=f.household)
    min_age, max_age = f.min_age, f.max_age
    if f.age_tier:
        lower, upper = tier_ages(f.age_tier)
        min_age, max_age = lower, upper
    if rules.can_view_birth_date(user, community):
        if min_age is not None:
            qs = qs.filter(birth_date__lte=born_on_or_before_for_age(min_age, day))
        if max_age is not None:
            qs = qs.filter(birth_date__gt=born_on_or_before_for_age(max_age + 1, day))
    else:  # by calendar year, like the ages these users see: asked daily, exact ages would tell birthdays
        if min_age is not None:
            qs = qs.filter(birth_date__year__lte=day.year - min_age)
        if max_age is not None:
            qs = qs.filter(birth_date__year__gte=day.year - max_age)
    if f.tag:
        if not rules.can_view_sensitive_tags(user, community):
            raise NotAllowed(_("You may not filter by sensitive tags."))
        qs = qs.filter(tags__code=f.tag)
    if f.party_member is not None:
        qs = qs.filter(is_party_member=f.party_member)
    if f.residence:
        if f.residence not in Resident.Residence.values:
            raise NotFound(_("No such residence status."), field="residence")
        qs = qs.filter(residence=f.residence)
    return qs.prefetch_related("tags")


def status_counts(*, user: Any, community: Community) -> dict[str, int]:
    """How many residents live here now and how many moved out (one query)."""
    if not rules.can_view_residents(user, community):
        raise NotAllowed(_("You may not see this community's residents."))
    counts = Resident.objects.filter(community=community).aggregate(
        current=Count("pk", filter=people_rules.CURRENT), moved_out=Count("pk", filter=~people_rules.CURRENT)
    )
    return {STATUS_CURRENT: counts["current"], STATUS_MOVED_OUT: counts["moved_out"]}


def resident_get(*, user: Any, community: Community, pk: int) -> Resident:
    resident = residents_for(user=user, community=community).filter(pk=pk).first()
    if resident is None:
        raise NotFound(_("No such resident in this community."))
    return resident


def resident_of_user(*, user: Any) -> Resident | None:
    """The account's own resident record, moved out or not: their own pages keep showing their history. Rights to
    act in a community ask `linli.people.rules.resident_in` (current residents only)."""
    if not user.is_authenticated:
        return None
    return people_rules.own_profile(user)


# --- households --------------------------------------------------------------------------------------------------


def _staff_only(user: Any, community: Community) -> None:
    if not rules.can_view_residents(user, community):
        raise NotAllowed(_("You may not see this community's households."))


def building_get(*, user: Any, community: Community, pk: int) -> Building:
    _staff_only(user, community)
    building = Building.objects.filter(community=community, pk=pk).select_related("neighbourhood", "grid").first()
    if building is None:
        raise NotFound(_("No such building in this community."), field="building")
    return building


def buildings_with_households(*, user: Any, community: Community) -> QuerySet[Building]:
    _staff_only(user, community)
    return (
        Building.objects.filter(community=community, residential=True)
        .select_related("neighbourhood", "grid")
        .annotate(household_count=Count("households", distinct=True))
        .order_by("neighbourhood__name", "name")
    )


def households_of(*, user: Any, community: Community, building: Building) -> QuerySet[Household]:
    _staff_only(user, community)
    return (
        Household.objects.filter(community=community, building=building)
        .select_related("building")
        .annotate(member_count=Count("members", filter=people_rules.current("members__")))
        .order_by("unit")
    )


def household_get(*, user: Any, community: Community, pk: int) -> Household:
    _staff_only(user, community)
    household = (
        Household.objects.filter(community=community, pk=pk)
        .select_related("building__neighbourhood", "building__grid")
        .first()
    )
    if household is None:
        raise NotFound(_("No such household in this community."), field="household")
    return household


def household_members(*, user: Any, household: Household) -> QuerySet[Resident]:
    """Current members, the head first; those who moved out are on the resident list under 迁出."""
    _staff_only(user, household.community)
    members = Resident.objects.filter(people_rules.CURRENT, household=household).prefetch_related("tags")
    order = Case(
        *[When(relation_to_head=v, then=Value(i)) for i, v in enumerate(Resident.Relation.values)],
        default=Value(len(Resident.Relation.values)),
        output_field=IntegerField(),
    )
    return members.order_by(order, "birth_date", "pk")


def households_for_choice(*, community: Community) -> QuerySet[Household]:
    return Household.objects.filter(community=community).select_related("building").order_by("building__name", "unit")


# --- personal data requests --------------------------------------------------------------------------------------


def data_requests_of(*, user: Any) -> QuerySet[DataRequest]:
    if not user.is_authenticated:
        return DataRequest.objects.none()
    return DataRequest.objects.filter(requested_by=user).select_related("handled_by").order_by("-created_at", "-pk")


def data_request_queue(*, user: Any, community: Community, open_only: bool = True) -> QuerySet[DataRequest]:
    if not rules.can_handle_data_requests(user, community):
        raise NotAllowed(_("You may not handle personal data requests in this community."))
    qs = DataRequest.objects.filter(community=community).select_related("resident", "handled_by", "requested_by")
    if open_only:
        qs = qs.filter(status=DataRequest.Status.PENDING)
    return qs.order_by("created_at", "pk")


def data_request_get(*, user: Any, community: Community, pk: int) -> DataRequest:
    found = data_request_queue(user=user, community=community, open_only=False).filter(pk=pk).first()
    if found is None:
        raise NotFound(_("No such request."))
    return found
