"""Who is a resident where: the base of the rules that let residents act in their own community."""

from typing import Any

from linli.accounts import rules as base

from .models import Resident


def resident_in(user: Any, community: Any) -> Resident | None:
    """The resident profile of this account in this community, if any (cached on the account)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    cache: dict[int, Resident | None] = user.__dict__.setdefault("_linli_resident_in", {})
    if community.pk not in cache:
        cache[community.pk] = (
            Resident.objects.filter(user=user, community=community)
            .select_related("household__building__neighbourhood")
            .first()
        )
    return cache[community.pk]


def can_invite_residents(user: Any, community: Any) -> bool:
    """Send sign-up invitations by SMS and see who has activated: the staff who keep the register."""
    return base.can_edit_residents(user, community)
