"""Reading places, always through the acting user's rights."""

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from linli.accounts.rules import access_for, can_view_community
from linli.core.errors import NotFound

from .models import Building, Community, Grid, Household


def community_list_public() -> QuerySet[Community]:
    """The public facts of every community: anyone may read them."""
    return Community.objects.select_related("street").only(
        "code", "name", "tier", "centre_lat", "centre_lng", "street__code", "street__name"
    )


def communities_visible_to(user: Any) -> QuerySet[Community]:
    access = access_for(user)
    qs = Community.objects.select_related("street")
    if access.superuser or access.city_viewer:
        return qs
    return qs.filter(Q(pk__in=access.community_roles.keys()) | Q(street_id__in=access.street_ids))


def community_get_public(*, code: str) -> Community:
    community = community_list_public().filter(code=code).first()
    if community is None:
        raise NotFound(_("No community has the code “%(code)s”.") % {"code": code}, code="unknown_community")
    return community


def community_get(*, code: str, user: Any) -> Community:
    """The community with this code, if the user may see it; otherwise the same 404 as for no community."""
    community = Community.objects.select_related("street").filter(code=code).first()
    if community is None or not can_view_community(user, community):
        raise NotFound(_("No community has the code “%(code)s”.") % {"code": code}, code="unknown_community")
    return community


def buildings_of(*, community: Community) -> QuerySet[Building]:
    return Building.objects.filter(community=community).select_related("neighbourhood", "grid")


def grids_of(*, community: Community) -> QuerySet[Grid]:
    return Grid.objects.filter(community=community).select_related("steward")


def household_get(*, community: Community, pk: int) -> Household:
    household = Household.objects.filter(community=community, pk=pk).select_related("building").first()
    if household is None:
        raise NotFound(_("No such household in this community."))
    return household
