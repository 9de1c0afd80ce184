"""Who is a resident where, and whom an account may act for: the base of the rules that let residents act in their
own community (and family helpers, 亲情账号, for their elders).

A resident who has moved out (迁出) stays on the register but is no longer a resident: every right that comes from
living here asks `is_current` (or filters with `CURRENT`), here and nowhere else. Their own history stays theirs:
`own_profile` finds their record, moved out or not, for the pages that show what they did."""

import datetime as dt
from typing import Any

from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts import rules as base
from linli.accounts.models import Role
from linli.accounts.rules import CASEWORK_ROLES, STAFF_ROLES, access_for, has_role, is_community_staff
from linli.accounts.types import Actor, account_of
from linli.core.errors import NotAllowed

from .models import FamilyLink, Resident

FRONT_DESK_ROLES = (*STAFF_ROLES, Role.OPERATOR)
ADULT_AGE = 18

CURRENT = Q(moved_out_on__isnull=True)


def current(prefix: str = "") -> Q:
    """The filter for residents who still live here, through a relation (`current("resident__")`) if need be."""
    return Q(**{f"{prefix}moved_out_on__isnull": True})


def living_on(day: dt.date, prefix: str = "") -> Q:
    """The filter for residents who lived here at the end of `day`: moved in by then (or before records began) and
    not yet moved out. The cockpit reads past months with it."""
    moved_in = Q(**{f"{prefix}moved_in_on__isnull": True}) | Q(**{f"{prefix}moved_in_on__lte": day})
    return moved_in & (Q(**{f"{prefix}moved_out_on__isnull": True}) | Q(**{f"{prefix}moved_out_on__gt": day}))


def is_current(resident: Resident | None) -> bool:
    return resident is not None and resident.moved_out_on is None


def _active(user: Actor) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def resident_in(user: Actor, community: Any) -> Resident | None:
    """The current resident profile of this account in this community, if any (cached on the account)."""
    if not _active(user):
        return None
    cache: dict[int, Resident | None] = user.__dict__.setdefault("_linli_resident_in", {})
    if community.pk not in cache:
        cache[community.pk] = (
            Resident.objects.filter(CURRENT, user=account_of(user), community=community)
            .select_related("household__building__neighbourhood")
            .first()
        )
    return cache[community.pk]


def own_profile(user: Actor) -> Resident | None:
    """The account's resident record, a current one first, else the one they moved out of (for their history)."""
    if not _active(user):
        return None
    if "_linli_own_profile" not in user.__dict__:
        user.__dict__["_linli_own_profile"] = (
            Resident.objects.filter(user=account_of(user))
            .select_related("community", "household__building")
            .order_by(F("moved_out_on").desc(nulls_first=True), "pk")
            .first()
        )
    profile: Resident | None = user.__dict__["_linli_own_profile"]
    return profile


def forget(user: Actor) -> None:
    """Drop what the rules cached on this account (after a move out, a move back or an anonymisation)."""
    for key in ("_linli_resident_in", "_linli_own_profile", "_linli_resident"):
        user.__dict__.pop(key, None)


def ensure_current(resident: Resident) -> None:
    """Refuse an action for a resident who has moved out, saying so (services call it before acting for them)."""
    if resident.moved_out_on is not None:
        raise NotAllowed(
            _("%(name)s has moved out of the community and can no longer book, order or join here.")
            % {"name": resident.name},
            code="moved_out",
            field="resident",
        )


def can_invite_residents(user: Actor, community: Any) -> bool:
    """Send sign-up invitations by SMS and see who has activated: the staff who keep the register."""
    return base.can_edit_residents(user, community)


def own_resident(user: Actor) -> Resident | None:
    """The account's resident record (a current one first, else the one they moved out of)."""
    return own_profile(user)


def runs_front_desk(user: Actor, community: Any) -> bool:
    """Staff and operators take bookings by phone or at the counter for anyone in their community."""
    return access_for(user).superuser or has_role(user, community, *FRONT_DESK_ROLES)


def is_verified_adult(resident: Resident | None) -> bool:
    """A family helper: an account bound to a resident of the register, 18 or over, not moved out."""
    return (
        resident is not None
        and resident.user_id is not None
        and resident.moved_out_on is None
        and resident.age(timezone.localdate()) >= ADULT_AGE
    )


def active_links_of_helper(helper: Resident) -> Any:
    """The helper's links that let them act now: active, and neither side moved out."""
    return FamilyLink.objects.filter(
        helper=helper,
        status=FamilyLink.Status.ACTIVE,
        helper__moved_out_on__isnull=True,
        elder__moved_out_on__isnull=True,
    )


def can_act_for(user: Actor, resident: Any) -> bool:
    """Book, order, enrol or report for this resident: oneself, one's household, an elder one helps through an
    active family link; front-desk staff for anyone in their community."""
    if not is_current(resident):
        return False
    if runs_front_desk(user, resident.community):
        return True
    me = own_resident(user)
    if me is None or not is_current(me):
        return False
    if me.pk == resident.pk:
        return True
    if me.household_id is not None and me.household_id == resident.household_id:
        return True
    return active_links_of_helper(me).filter(elder_id=resident.pk).exists()


def can_view_points_of(user: Actor, resident: Any) -> bool:
    """A helper reads an elder's points balance and statement (never spends them); the resident themself too."""
    me = own_resident(user)
    if me is None:
        return False
    return me.pk == resident.pk or active_links_of_helper(me).filter(elder_id=resident.pk).exists()


# --- family links -----------------------------------------------------------------------------------------------


def can_request_family_link(user: Actor) -> bool:
    return is_verified_adult(own_resident(user))


def can_view_family_links(user: Actor, community: Any) -> bool:
    """Every link of the community: its staff."""
    return is_community_staff(user, community)


def can_confirm_family_link_in_person(user: Actor, community: Any) -> bool:
    """Witnessing an elder's consent face to face: social workers and community admins only."""
    return access_for(user).superuser or has_role(user, community, *CASEWORK_ROLES)


def can_see_family_link(user: Actor, link: FamilyLink) -> bool:
    me = own_resident(user)
    if me is not None and me.pk in (link.helper_id, link.elder_id):
        return True
    return can_view_family_links(user, link.community)


def can_consent_family_link(user: Actor, link: FamilyLink) -> bool:
    """The elder, from their own account."""
    me = own_resident(user)
    return me is not None and me.pk == link.elder_id


def can_end_family_link(user: Actor, link: FamilyLink) -> bool:
    """The elder, the helper, or a social worker / community admin."""
    me = own_resident(user)
    if me is not None and me.pk in (link.helper_id, link.elder_id):
        return True
    return can_confirm_family_link_in_person(user, link.community)
