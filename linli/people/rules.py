"""Who is a resident where: the base of the rules that let residents act in their own community.

A resident who has moved out (迁出) stays on the register but is no longer a resident: every right that comes from
living here asks `is_current` (or filters with `CURRENT`), here and nowhere else. Their own history stays theirs:
`own_profile` finds their record, moved out or not, for the pages that show what they did."""

from typing import Any

from django.db.models import F, Q
from django.utils.translation import gettext as _

from linli.accounts import rules as base
from linli.core.errors import NotAllowed

from .models import Resident

CURRENT = Q(moved_out_on__isnull=True)


def current(prefix: str = "") -> Q:
    """The filter for residents who still live here, through a relation (`current("resident__")`) if need be."""
    return Q(**{f"{prefix}moved_out_on__isnull": True})


def is_current(resident: Resident | None) -> bool:
    return resident is not None and resident.moved_out_on is None


def _active(user: Any) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def resident_in(user: Any, community: Any) -> Resident | None:
    """The current resident profile of this account in this community, if any (cached on the account)."""
    if not _active(user):
        return None
    cache: dict[int, Resident | None] = user.__dict__.setdefault("_linli_resident_in", {})
    if community.pk not in cache:
        cache[community.pk] = (
            Resident.objects.filter(CURRENT, user=user, community=community)
            .select_related("household__building__neighbourhood")
            .first()
        )
    return cache[community.pk]


def own_profile(user: Any) -> Resident | None:
    """The account's resident record, a current one first, else the one they moved out of (for their history)."""
    if not _active(user):
        return None
    if "_linli_own_profile" not in user.__dict__:
        user.__dict__["_linli_own_profile"] = (
            Resident.objects.filter(user=user)
            .select_related("community", "household__building")
            .order_by(F("moved_out_on").desc(nulls_first=True), "pk")
            .first()
        )
    profile: Resident | None = user.__dict__["_linli_own_profile"]
    return profile


def forget(user: Any) -> None:
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


def can_invite_residents(user: Any, community: Any) -> bool:
    """Send sign-up invitations by SMS and see who has activated: the staff who keep the register."""
    return base.can_edit_residents(user, community)
