"""Reading places, always through the acting user's rights."""

import re
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet
from django.utils.translation import gettext as _

from linli.accounts.models import Role, RoleAssignment, User
from linli.accounts.rules import access_for, can_view_community, can_view_street
from linli.accounts.types import Actor
from linli.core.errors import NotFound

from .models import Building, Community, Grid, GridStewardship, Household, Neighbourhood, Street


def community_list_public() -> QuerySet[Community]:
    """The public facts of every community: anyone may read them."""
    return Community.objects.select_related("street").only(
        "code", "name", "tier", "centre_lat", "centre_lng", "street__code", "street__name"
    )


def communities_visible_to(user: Actor) -> QuerySet[Community]:
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


def community_get(*, code: str, user: Actor) -> Community:
    """The community with this code, if the user may see it; otherwise the same 404 as for no community."""
    community = Community.objects.select_related("street").filter(code=code).first()
    if community is None or not can_view_community(user, community):
        raise NotFound(_("No community has the code “%(code)s”.") % {"code": code}, code="unknown_community")
    return community


def buildings_of(*, community: Community, grid: Grid | None = None) -> QuerySet[Building]:
    buildings = Building.objects.filter(community=community).select_related("neighbourhood", "grid")
    return buildings if grid is None else buildings.filter(grid=grid)


def buildings_by_name(*, community: Community) -> QuerySet[Building]:
    return buildings_of(community=community).order_by("name", "pk")


_DIGITS = re.compile(r"(\d+)")


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key that reads digit runs as numbers: 1幢, 2幢, … 10幢, 11幢 (not 1, 10, 11, 2)."""
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in _DIGITS.split(text or "") if part)


def building_choices(*, community: Community, limit: int = 2000) -> list[Building]:
    """The community's buildings in natural order of their names, with what a picker or a map needs."""
    rows = Building.objects.filter(community=community).only("pk", "name", "lat", "lng", "grid_id", "community_id")
    return sorted(rows[:limit], key=lambda b: (natural_key(b.name), b.pk))


def grids_of(*, community: Community) -> QuerySet[Grid]:
    return Grid.objects.filter(community=community).select_related("steward")


def grids_with_building_counts(*, community: Community) -> QuerySet[Grid]:
    """The community's grids, each with `n`, its number of buildings."""
    return grids_of(community=community).annotate(n=Count("buildings"))


def household_get(*, community: Community, pk: int) -> Household:
    household = Household.objects.filter(community=community, pk=pk).select_related("building").first()
    if household is None:
        raise NotFound(_("No such household in this community."))
    return household


# --- set-up ---------------------------------------------------------------------------------------------


def _streets_set_up_by(user: Actor) -> QuerySet[Street]:
    access = access_for(user)
    if access.superuser or access.city_admin:
        return Street.objects.all()
    return Street.objects.filter(pk__in=access.street_ids)


_N_ADMINS = Count("role_assignments", filter=Q(role_assignments__role=Role.STREET_ADMIN), distinct=True)


def streets_set_up_by(user: Actor) -> QuerySet[Street]:
    """The streets a user sets up: every street for city admins, their own for street admins; each with its number
    of communities and of street admins."""
    return (
        _streets_set_up_by(user)
        .annotate(n_communities=Count("communities", distinct=True), n_admins=_N_ADMINS)
        .order_by("code")  # a GROUP BY drops Meta.ordering
    )


@dataclass(frozen=True)
class StreetsToSetUp:
    """Of the streets a user sets up, how many still lack a street admin, and how many a community."""

    without_admin: int
    without_community: int


def streets_to_set_up(user: Actor) -> StreetsToSetUp:
    """A city admin's set-up still to do (a street admin's, for their own streets)."""
    counts = list(
        _streets_set_up_by(user)
        .annotate(n_communities=Count("communities", distinct=True), n_admins=_N_ADMINS)
        .values_list("n_admins", "n_communities")
    )
    return StreetsToSetUp(
        without_admin=sum(1 for admins, _n in counts if not admins),
        without_community=sum(1 for _n, communities in counts if not communities),
    )


def streets_of_admin(user: Actor) -> QuerySet[Street]:
    """The streets where the user holds the street admin role (their workbench and navigation)."""
    return Street.objects.filter(pk__in=access_for(user).street_ids).order_by("name")


def communities_with_roles_of(user: Actor) -> QuerySet[Community]:
    """The communities where the user holds a role of their own (not the ones they oversee)."""
    return (
        Community.objects.filter(pk__in=access_for(user).community_roles.keys())
        .select_related("street")
        .order_by("name")
    )


def street_get(*, code: str, user: Actor) -> Street:
    """The street with this code, if the user may see it; otherwise the same 404 as for no street."""
    street = Street.objects.filter(code=code).first()
    if street is None or not can_view_street(user, street):
        raise NotFound(_("No street has the code “%(code)s”.") % {"code": code}, code="unknown_street")
    return street


def communities_of_street(*, street: Street) -> QuerySet[Community]:
    return (
        Community.objects.filter(street=street)
        .select_related("street")
        .annotate(n_buildings=Count("buildings", distinct=True), n_grids=Count("grids", distinct=True))
    )


def neighbourhoods_of(*, community: Community) -> QuerySet[Neighbourhood]:
    return Neighbourhood.objects.filter(community=community).annotate(n_buildings=Count("buildings"))


def neighbourhood_get(*, community: Community, pk: int) -> Neighbourhood:
    hood = Neighbourhood.objects.filter(community=community, pk=pk).select_related("community").first()
    if hood is None:
        raise NotFound(_("No such neighbourhood in this community."))
    return hood


def building_get(*, community: Community, pk: int, field: str | None = None) -> Building:
    building = Building.objects.filter(community=community, pk=pk).select_related("community").first()
    if building is None:
        raise NotFound(_("No such building in this community."), field=field)
    return building


def grid_get(*, community: Community, code: str) -> Grid:
    grid = Grid.objects.filter(community=community, code=code).select_related("community", "steward").first()
    if grid is None:
        raise NotFound(_("No grid has the code “%(code)s” in this community.") % {"code": code})
    return grid


def buildings_filtered(
    *, community: Community, neighbourhood_id: int | None = None, grid: str = "", search: str = ""
) -> QuerySet[Building]:
    """Buildings for the set-up list: by neighbourhood, by grid code (`-` for none), by name."""
    qs = buildings_of(community=community).order_by("neighbourhood__name", "pk")
    if neighbourhood_id:
        qs = qs.filter(neighbourhood_id=neighbourhood_id)
    if grid == "-":
        qs = qs.filter(grid__isnull=True)
    elif grid:
        qs = qs.filter(grid__code=grid)
    if search:
        qs = qs.filter(name__icontains=search)
    return qs


def stewards_of(*, community: Community) -> QuerySet[User]:
    """Accounts holding the grid steward role in this community."""
    return User.objects.filter(roles__community=community, roles__role=Role.GRID_STEWARD, is_active=True).order_by(
        "display_name", "mobile"
    )


def staff_of(*, community: Community) -> QuerySet[RoleAssignment]:
    """Staff roles held in this community (not residents, volunteers), for the set-up page."""
    return (
        RoleAssignment.objects.filter(community=community)
        .exclude(role__in=[Role.RESIDENT, Role.VOLUNTEER])
        .select_related("user")
        .order_by("role", "user__display_name")
    )


def _role_get(assignments: QuerySet[RoleAssignment], pk: int) -> RoleAssignment:
    assignment = assignments.filter(pk=pk).first()
    if assignment is None:
        raise NotFound(_("No such role here."))
    return assignment


def staff_role_get(*, community: Community, pk: int) -> RoleAssignment:
    return _role_get(staff_of(community=community), pk)


def street_admins_of(*, street: Street) -> QuerySet[RoleAssignment]:
    return RoleAssignment.objects.filter(street=street, role=Role.STREET_ADMIN).select_related("user")


def street_admin_get(*, street: Street, pk: int) -> RoleAssignment:
    return _role_get(street_admins_of(street=street), pk)


def stewardships_of(*, grid: Grid) -> QuerySet[GridStewardship]:
    """Who stewarded the grid from when to when, the latest first."""
    return (
        GridStewardship.objects.filter(grid=grid)
        .select_related("steward")
        .order_by(F("started_on").desc(nulls_last=True), "-pk")
    )
