"""Reading residents and households: only community staff, only their own community; ID numbers stay masked."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts import rules
from linli.accounts.models import User
from linli.accounts.types import Actor
from linli.core.errors import NotAllowed, NotFound
from linli.places.models import Building, Community, Household

from . import rules as people_rules
from .ages import TIER_BOUNDS, born_on_or_before_for_age
from .models import DataRequest, FamilyLink, RegisterExport, RegisterImport, Resident

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
    user: Actor,
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


def status_counts(*, user: Actor, community: Community) -> dict[str, int]:
    """How many residents live here now and how many moved out (one query)."""
    if not rules.can_view_residents(user, community):
        raise NotAllowed(_("You may not see this community's residents."))
    counts = Resident.objects.filter(community=community).aggregate(
        current=Count("pk", filter=people_rules.CURRENT), moved_out=Count("pk", filter=~people_rules.CURRENT)
    )
    return {STATUS_CURRENT: counts["current"], STATUS_MOVED_OUT: counts["moved_out"]}


def resident_get(*, user: Actor, community: Community, pk: int) -> Resident:
    resident = residents_for(user=user, community=community).filter(pk=pk).first()
    if resident is None:
        raise NotFound(_("No such resident in this community."))
    return resident


def resident_of_user(*, user: Actor) -> Resident | None:
    """The account's own resident record, moved out or not: their own pages keep showing their history. Rights to
    act in a community ask `linli.people.rules.resident_in` (current residents only)."""
    if not user.is_authenticated:
        return None
    return people_rules.own_profile(user)


# --- households --------------------------------------------------------------------------------------------------


def _staff_only(user: Actor, community: Community) -> None:
    if not rules.can_view_residents(user, community):
        raise NotAllowed(_("You may not see this community's households."))


def building_get(*, user: Actor, community: Community, pk: int) -> Building:
    _staff_only(user, community)
    building = Building.objects.filter(community=community, pk=pk).select_related("neighbourhood", "grid").first()
    if building is None:
        raise NotFound(_("No such building in this community."), field="building")
    return building


def buildings_with_households(*, user: Actor, community: Community) -> QuerySet[Building]:
    _staff_only(user, community)
    return (
        Building.objects.filter(community=community, residential=True)
        .select_related("neighbourhood", "grid")
        .annotate(household_count=Count("households", distinct=True))
        .order_by("neighbourhood__name", "name")
    )


def households_of(*, user: Actor, community: Community, building: Building) -> QuerySet[Household]:
    _staff_only(user, community)
    return (
        Household.objects.filter(community=community, building=building)
        .select_related("building")
        .annotate(member_count=Count("members", filter=people_rules.current("members__")))
        .order_by("unit")
    )


def household_get(*, user: Actor, community: Community, pk: int) -> Household:
    _staff_only(user, community)
    household = (
        Household.objects.filter(community=community, pk=pk)
        .select_related("building__neighbourhood", "building__grid")
        .first()
    )
    if household is None:
        raise NotFound(_("No such household in this community."), field="household")
    return household


def household_members(*, user: Actor, household: Household) -> QuerySet[Resident]:
    """Current members, the head first; those who moved out are on the resident list under 迁出."""
    _staff_only(user, household.community)
    members = Resident.objects.filter(people_rules.CURRENT, household=household).prefetch_related("tags")
    order = Case(
        *[When(relation_to_head=v, then=Value(i)) for i, v in enumerate(Resident.Relation.values)],
        default=Value(len(Resident.Relation.values)),
        output_field=IntegerField(),
    )
    return members.order_by(order, "birth_date", "pk")


def household_candidates(*, user: Actor, community: Community, household: Household, search: str) -> list[Resident]:
    """Up to 20 residents matching `search` who don't live in `household` yet, to add to it."""
    residents = residents_for(user=user, community=community, filters=ResidentFilters(search=search))
    return list(residents.exclude(household=household)[:20])


def households_for_choice(*, community: Community) -> QuerySet[Household]:
    return Household.objects.filter(community=community).select_related("building").order_by("building__name", "unit")


# --- personal data requests --------------------------------------------------------------------------------------


def data_requests_of(*, user: Actor) -> QuerySet[DataRequest]:
    if not user.is_authenticated:
        return DataRequest.objects.none()
    return DataRequest.objects.filter(requested_by=user).select_related("handled_by").order_by("-created_at", "-pk")


def data_request_queue(*, user: Actor, community: Community, open_only: bool = True) -> QuerySet[DataRequest]:
    if not rules.can_handle_data_requests(user, community):
        raise NotAllowed(_("You may not handle personal data requests in this community."))
    qs = DataRequest.objects.filter(community=community).select_related("resident", "handled_by", "requested_by")
    if open_only:
        qs = qs.filter(status=DataRequest.Status.PENDING)
    return qs.order_by("created_at", "pk")


def data_request_get(*, user: Actor, community: Community, pk: int) -> DataRequest:
    found = data_request_queue(user=user, community=community, open_only=False).filter(pk=pk).first()
    if found is None:
        raise NotFound(_("No such request."))
    return found
    return Resident.objects.filter(user=user).select_related("community", "household__building").first()


# --- whom an account acts for ---------------------------------------------------------------------------------


def acted_by(actor: User | None, resident: Resident) -> str | None:
    """Who made a record for `resident` when it was someone else (a family helper, a household member, the front
    desk): their resident name, else their display name or masked mobile. None when the resident made it."""
    if actor is None or actor.pk == resident.user_id:
        return None
    try:
        return str(actor.resident.name)
    except (ObjectDoesNotExist, AttributeError):
        return str(actor)


def household_of(*, user: Actor) -> list[Resident]:
    """The account's resident and their household's members (as the register groups them)."""
    me = people_rules.own_resident(user)
    if me is None:
        return []
    if me.household_id is None or me.has_moved_out:
        return [me]
    return list(
        Resident.objects.filter(people_rules.CURRENT, household_id=me.household_id).order_by("birth_date", "pk")
    )


def family_elder_choices(*, user: Actor) -> list[Resident]:
    """Members of my household I could ask to help: not me, and not one I already have an open link with."""
    me = people_rules.own_resident(user)
    taken = {link.elder_id for link in FamilyLink.objects.filter(helper=me, status__in=FamilyLink.OPEN)}
    return [m for m in household_of(user=user) if me and m.pk != me.pk and m.pk not in taken]


def elders_helped_by(*, user: Actor) -> list[Resident]:
    """The elders this account helps through an active family link (亲情账号), neither side moved out."""
    me = people_rules.own_resident(user)
    if me is None:
        return []
    return [
        link.elder
        for link in people_rules.active_links_of_helper(me)
        .select_related("elder__household", "elder__community")
        .order_by("elder__name", "elder_id")
    ]


def acting_for(*, user: Actor) -> list[Resident]:
    """Whom this account may pick in "为谁预订": themself and their household, then the elders they help.
    (Front-desk staff may act for anyone in their community, but choose them at the counter, not from here.)"""
    people = household_of(user=user)
    seen = {r.pk for r in people}
    return people + [elder for elder in elders_helped_by(user=user) if elder.pk not in seen]


def resident_to_act_for(*, user: Actor, pk: int | None) -> Resident:
    """The resident a booking, order or report is for: oneself by default; else someone `can_act_for` allows.
    Anyone else is refused with the same answer whether or not they exist."""
    me = people_rules.own_resident(user)
    if pk is None:
        if me is None:
            raise NotAllowed(_("Only registered residents can book. Please ask your community to register you."))
        people_rules.ensure_current(me)
        return me
    resident = Resident.objects.filter(pk=pk).select_related("community", "household").first()
    if resident is None or not people_rules.can_act_for(user, resident):
        raise NotAllowed(
            _("You can book only for yourself, your household and the elders you help as family."),
            code="not_household",
            field="resident",
        )
    return resident


def resident_whose_points(*, user: Actor, pk: int) -> Resident:
    """Oneself, or an elder one helps as family: their points balance and statement, to read (never to spend)."""
    resident = Resident.objects.filter(pk=pk).select_related("community").first()
    if resident is None or not people_rules.can_view_points_of(user, resident):
        raise NotFound(_("No such resident."))
    return resident


# --- family links -----------------------------------------------------------------------------------------------


def _links() -> QuerySet[FamilyLink]:
    return FamilyLink.objects.select_related(
        "helper__household__building", "elder__household__building", "community", "confirmed_by", "ended_by"
    )


def family_links_of_user(*, user: Actor) -> tuple[list[FamilyLink], list[FamilyLink]]:
    """(links where I help, links where someone helps me), open ones first, then the last ended ones."""
    me = people_rules.own_resident(user)
    if me is None:
        return [], []
    order = ("status", "-requested_at", "-pk")  # "active" < "ended" < "requested": open first below
    helping = sorted(_links().filter(helper=me).order_by(*order)[:50], key=lambda link: not link.is_open)
    helped = sorted(_links().filter(elder=me).order_by(*order)[:50], key=lambda link: not link.is_open)
    return helping, helped


def family_links_of_community(
    *, user: Actor, community: Community, status: str = "", elder_id: int | None = None
) -> QuerySet[FamilyLink]:
    if not people_rules.can_view_family_links(user, community):
        raise NotAllowed(_("You may not see this community's family links."))
    qs = _links().filter(community=community)
    if status:
        qs = qs.filter(status=status)
    if elder_id is not None:
        qs = qs.filter(elder_id=elder_id)
    return qs.order_by("-requested_at", "-pk")


def family_link_of_community(*, user: Actor, community: Community, pk: int) -> FamilyLink:
    """One of the community's links, for its staff."""
    link = family_links_of_community(user=user, community=community).filter(pk=pk).first()
    if link is None:
        raise NotFound(_("No such family link."))
    return link


def family_link_reloaded(*, user: Actor, link: FamilyLink) -> FamilyLink:
    """`link` read again after a service changed it (the caller was already allowed to see it)."""
    return FamilyLink.objects.select_related("community", "helper", "elder").get(pk=link.pk)


def family_link_get(*, user: Actor, pk: int) -> FamilyLink:
    """One link, for its helper, its elder and the community's staff; anyone else gets "no such link"."""
    link = _links().filter(pk=pk).first()
    if link is None or not people_rules.can_see_family_link(user, link):
        raise NotFound(_("No such family link."))
    return link


def elder_find(*, community: Community, name: str, building_id: int, room: str, mobile_last4: str) -> Resident | None:
    """An elder named exactly so, living at that building and room, whose register mobile ends in those 4 digits;
    None otherwise. All four must match, so nobody can browse the register this way."""
    name, room, mobile_last4 = name.strip(), room.strip(), mobile_last4.strip()
    if not (name and building_id and room and len(mobile_last4) == 4 and mobile_last4.isdigit()):
        return None
    candidates = Resident.objects.filter(
        community=community,
        name=name,
        moved_out_on__isnull=True,
        mobile__endswith=mobile_last4,
        household__building_id=building_id,
        household__unit=room,
    ).select_related("household__building")
    found = list(candidates[:2])
    return found[0] if len(found) == 1 else None


def register_imports_for(*, user: Actor, community: Community) -> QuerySet[RegisterImport]:
    """The register uploads of a community, for those who may import (they hold names and masked ID numbers)."""
    if not rules.can_edit_residents(user, community):
        raise NotAllowed(_("You may not import the register of this community."))
    return RegisterImport.objects.filter(community=community).select_related("uploaded_by")


def register_import_get(*, user: Actor, pk: int, community: Community | None = None) -> RegisterImport:
    job = RegisterImport.objects.select_related("community").filter(pk=pk).first()
    if job is None or (community is not None and job.community_id != community.pk):
        raise NotFound(_("No such register import."))
    if not rules.can_edit_residents(user, job.community):
        raise NotAllowed(_("You may not import the register of this community."))
    return job


def register_exports_for(*, user: Actor, community: Community) -> QuerySet[RegisterExport]:
    """The community's register exports of the last day, for those who may import."""
    if not rules.can_edit_residents(user, community):
        raise NotAllowed(_("You may not import the register of this community."))
    return RegisterExport.objects.filter(community=community).select_related("requested_by")


def register_export_get(*, user: Actor, pk: int, community: Community | None = None) -> RegisterExport:
    export = RegisterExport.objects.select_related("community").filter(pk=pk).first()
    if export is None or (community is not None and export.community_id != community.pk):
        raise NotFound(_("No such register export."))
    if not rules.can_edit_residents(user, export.community):
        raise NotAllowed(_("You may not import the register of this community."))
    return export
