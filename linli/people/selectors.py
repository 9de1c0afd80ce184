"""Reading residents: only community staff, only their own community; ID numbers stay masked."""

import datetime as dt
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from linli.accounts import rules
from linli.core.errors import NotAllowed, NotFound
from linli.places.models import Community

from . import rules as people_rules
from .ages import born_on_or_before_for_age
from .models import FamilyLink, Resident


def residents_for(
    *,
    user: Any,
    community: Community,
    search: str = "",
    min_age: int | None = None,
    max_age: int | None = None,
    tag: str = "",
    day: dt.date | None = None,
) -> QuerySet[Resident]:
    if not rules.can_view_residents(user, community):
        raise NotAllowed(_("You may not see this community's residents."))
    qs = Resident.objects.filter(community=community).select_related("household__building")
    if search:
        qs = qs.filter(name__icontains=search)
    if day is None:
        from django.utils import timezone

        day = timezone.localdate()
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
    if tag:
        if not rules.can_view_sensitive_tags(user, community):
            raise NotAllowed(_("You may not filter by sensitive tags."))
        qs = qs.filter(tags__code=tag)
    return qs.prefetch_related("tags")


def resident_get(*, user: Any, community: Community, pk: int) -> Resident:
    resident = residents_for(user=user, community=community).filter(pk=pk).first()
    if resident is None:
        raise NotFound(_("No such resident in this community."))
    return resident


def resident_of_user(*, user: Any) -> Resident | None:
    if not user.is_authenticated:
        return None
    return Resident.objects.filter(user=user).select_related("community", "household__building").first()


# --- whom an account acts for ---------------------------------------------------------------------------------


def acted_by(actor: Any, resident: Resident) -> str | None:
    """Who made a record for `resident` when it was someone else (a family helper, a household member, the front
    desk): their resident name, else their display name or masked mobile. None when the resident made it."""
    if actor is None or actor.pk == resident.user_id:
        return None
    try:
        return str(actor.resident.name)
    except (ObjectDoesNotExist, AttributeError):
        return str(actor)


def household_of(*, user: Any) -> list[Resident]:
    """The account's resident and their household's members (as the register groups them)."""
    me = people_rules.own_resident(user)
    if me is None:
        return []
    if me.household_id is None:
        return [me]
    return list(Resident.objects.filter(household_id=me.household_id).order_by("birth_date", "pk"))


def elders_helped_by(*, user: Any) -> list[Resident]:
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


def acting_for(*, user: Any) -> list[Resident]:
    """Whom this account may pick in "为谁预订": themself and their household, then the elders they help.
    (Front-desk staff may act for anyone in their community, but choose them at the counter, not from here.)"""
    people = household_of(user=user)
    seen = {r.pk for r in people}
    return people + [elder for elder in elders_helped_by(user=user) if elder.pk not in seen]


def resident_to_act_for(*, user: Any, pk: int | None) -> Resident:
    """The resident a booking, order or report is for: oneself by default; else someone `can_act_for` allows.
    Anyone else is refused with the same answer whether or not they exist."""
    me = people_rules.own_resident(user)
    if pk is None:
        if me is None:
            raise NotAllowed(_("Only registered residents can book. Please ask your community to register you."))
        return me
    resident = Resident.objects.filter(pk=pk).select_related("community", "household").first()
    if resident is None or not people_rules.can_act_for(user, resident):
        raise NotAllowed(
            _("You can book only for yourself, your household and the elders you help as family."),
            code="not_household",
            field="resident",
        )
    return resident


def resident_whose_points(*, user: Any, pk: int) -> Resident:
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


def family_links_of_user(*, user: Any) -> tuple[list[FamilyLink], list[FamilyLink]]:
    """(links where I help, links where someone helps me), open ones first, then the last ended ones."""
    me = people_rules.own_resident(user)
    if me is None:
        return [], []
    order = ("status", "-requested_at", "-pk")  # "active" < "ended" < "requested": open first below
    helping = sorted(_links().filter(helper=me).order_by(*order)[:50], key=lambda link: not link.is_open)
    helped = sorted(_links().filter(elder=me).order_by(*order)[:50], key=lambda link: not link.is_open)
    return helping, helped


def family_links_of_community(*, user: Any, community: Community, status: str = "") -> QuerySet[FamilyLink]:
    if not people_rules.can_view_family_links(user, community):
        raise NotAllowed(_("You may not see this community's family links."))
    qs = _links().filter(community=community)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-requested_at", "-pk")


def family_link_get(*, user: Any, pk: int) -> FamilyLink:
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
