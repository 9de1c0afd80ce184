from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Router, Status
from ninja.files import UploadedFile

from linli.accounts import rules
from linli.accounts import selectors as account_selectors
from linli.accounts import services as account_services
from linli.accounts.api_auth import AUTH
from linli.accounts.models import RoleAssignment, User
from linli.core.api import fields_sent
from linli.core.errors import NotAllowed
from linli.core.uploads import upload_read

from . import boundary as boundaries
from . import rules as place_rules
from . import selectors, services
from .models import Building, Community, Street
from .schemas import (
    BuildingImportOut,
    BuildingIn,
    BuildingOut,
    BuildingPatch,
    CommunityOut,
    CommunityPublicOut,
    CommunitySetupIn,
    CommunitySetupPatch,
    GridBuildingsIn,
    GridBuildingsOut,
    GridIn,
    GridOut,
    GridPatch,
    NeighbourhoodIn,
    NeighbourhoodOut,
    StaffIn,
    StaffOut,
    StewardshipOut,
    StreetSetupIn,
    StreetSetupOut,
    StreetSetupPatch,
)

router = Router(tags=["places"])


@router.get("/communities", response=list[CommunityPublicOut], auth=None, summary="List every community")
def community_list(request: HttpRequest) -> list[CommunityPublicOut]:
    """The public facts of each community: code (the Open311 jurisdiction), name, street, centre point."""
    return list(selectors.community_list_public())  # type: ignore[arg-type]


@router.get("/communities/{code}", response=CommunityOut, auth=AUTH)
def community_detail(request: HttpRequest, code: str) -> dict:
    community = selectors.community_get(code=code, user=request.user)
    return {
        **CommunityPublicOut.from_orm(community).dict(),
        "area_ha": float(community.area_ha) if community.area_ha is not None else None,
        "boundary": community.boundary,
        "neighbourhoods": community.neighbourhoods.count(),
        "buildings": community.buildings.count(),
        "households": community.households.count(),
        "residents": community.residents.count(),
    }


@router.get("/communities/{code}/grids", response=list[GridOut], auth=AUTH)
def grid_list(request: HttpRequest, code: str) -> list[dict]:
    community = selectors.community_get(code=code, user=request.user)
    if not (
        rules.is_community_staff(request.user, community)
        or rules.oversees(request.user, community)
        or place_rules.can_set_up_community(request.user, community)
    ):
        raise NotAllowed(_("Only this community's staff see its grids."))
    grids = selectors.grids_with_building_counts(community=community)
    return [grid_out(g, g.n) for g in grids]  # type: ignore[attr-defined]  # annotated


def grid_out(grid: Any, buildings: int) -> dict[str, Any]:
    return {
        "id": grid.pk,
        "code": grid.code,
        "name": grid.name,
        "colour": grid.colour,
        "steward": str(grid.steward) if grid.steward else None,
        "buildings": buildings,
    }


@router.get("/communities/{code}/grids/{grid_code}/stewardships", response=list[StewardshipOut], auth=AUTH)
def grid_stewardship_list(request: HttpRequest, code: str, grid_code: str) -> list[dict[str, Any]]:
    """Who stewarded the grid from when to when, latest first (`started_on` null: recorded before dates were kept,
    `ended_on` null: still). Changed by setting the grid's `steward_id`."""
    community = _set_up(request, code)
    grid = selectors.grid_get(community=community, code=grid_code)
    return [
        {"steward_id": s.steward_id, "steward": str(s.steward), "started_on": s.started_on, "ended_on": s.ended_on}
        for s in selectors.stewardships_of(grid=grid)
    ]


@router.get("/communities/{code}/buildings", response=list[BuildingOut], auth=AUTH)
def building_list(request: HttpRequest, code: str) -> list[dict]:
    community = selectors.community_get(code=code, user=request.user)
    return [building_out(b) for b in selectors.buildings_of(community=community)]


def building_out(b: Building) -> dict[str, Any]:
    return {
        "id": b.pk,
        "name": b.name,
        "neighbourhood": b.neighbourhood.name if b.neighbourhood else None,
        "grid": b.grid.name if b.grid else None,
        "lat": b.lat,
        "lng": b.lng,
        "residential": b.residential,
        "floors": b.floors,
    }


# --- set-up: streets ------------------------------------------------------------------------------------


def street_out(street: Street) -> dict[str, Any]:
    return {
        "code": street.code,
        "name": street.name,
        "district": street.district,
        "city": street.city,
        "communities": street.communities.count(),
    }


@router.get("/streets", response=list[StreetSetupOut], auth=AUTH)
def street_list(request: HttpRequest) -> list[dict[str, Any]]:
    """The streets you set up: every street for city admins, your own for street admins."""
    return [street_out(s) for s in selectors.streets_set_up_by(request.user)]


@router.post("/streets", response={201: StreetSetupOut}, auth=AUTH)
def street_create(request: HttpRequest, payload: StreetSetupIn) -> Status[Any]:
    """City admins only."""
    street = services.street_create(actor=request.user, **payload.dict())
    return Status(201, street_out(street))


@router.patch("/streets/{code}", response=StreetSetupOut, auth=AUTH)
def street_update(request: HttpRequest, code: str, payload: StreetSetupPatch) -> dict[str, Any]:
    street = selectors.street_get(code=code, user=request.user)
    changes = fields_sent(payload)
    return street_out(services.street_update(actor=request.user, street=street, **changes))


@router.get("/streets/{code}/communities", response=list[CommunityPublicOut], auth=AUTH)
def street_community_list(request: HttpRequest, code: str) -> list[Community]:
    street = selectors.street_get(code=code, user=request.user)
    return list(selectors.communities_of_street(street=street))


@router.post("/streets/{code}/communities", response={201: CommunityOut}, auth=AUTH)
def street_community_create(request: HttpRequest, code: str, payload: CommunitySetupIn) -> Status[Any]:
    """`boundary` is the content of a GeoJSON file: a Polygon, MultiPolygon, Feature or a FeatureCollection of
    one area, in longitude, latitude (WGS84). The centre and area are computed from it."""
    street = selectors.street_get(code=code, user=request.user)
    if not place_rules.can_set_up_street(request.user, street):
        raise NotAllowed(_("You may not set up communities in this street."))
    data = payload.dict()
    shape = boundaries.boundary_check(boundaries.geometry_of(data.pop("boundary")))
    community = services.community_create(actor=request.user, street=street, boundary=shape, **data)
    return Status(201, community_detail(request, community.code))


@router.get("/streets/{code}/admins", response=list[StaffOut], auth=AUTH)
def street_admin_list(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    street = selectors.street_get(code=code, user=request.user)
    return [staff_out(a) for a in selectors.street_admins_of(street=street)]


def _staff_added(request: HttpRequest, payload: StaffIn, **place: Any) -> Status[Any]:
    """The role asked for, in the street or community `place` names, given to the account with the mobile number
    (made if there is none)."""
    assignment = account_services.staff_add(
        actor=request.user, mobile=payload.mobile, display_name=payload.display_name, role=payload.role, **place
    )
    return Status(201, staff_out(assignment))


@router.post("/streets/{code}/admins", response={201: StaffOut}, auth=AUTH)
def street_admin_add(request: HttpRequest, code: str, payload: StaffIn) -> Status[Any]:
    """A street admin for the street (city admins only): the account is made if there is none. `role` must be
    `street_admin`."""
    return _staff_added(request, payload, street=selectors.street_get(code=code, user=request.user))


@router.delete("/streets/{code}/admins/{int:assignment_id}", response={204: None}, auth=AUTH)
def street_admin_revoke(request: HttpRequest, code: str, assignment_id: int) -> Status[None]:
    street = selectors.street_get(code=code, user=request.user)
    assignment = selectors.street_admin_get(street=street, pk=assignment_id)
    account_services.role_revoke(actor=request.user, assignment=assignment)
    return Status(204, None)


# --- set-up: a community --------------------------------------------------------------------------------


@router.patch("/communities/{code}", response=CommunityOut, auth=AUTH)
def community_update(request: HttpRequest, code: str, payload: CommunitySetupPatch) -> dict[str, Any]:
    """Name, tier, and the boundary as a GeoJSON object (the code stays)."""
    community = selectors.community_get(code=code, user=request.user)
    changes = fields_sent(payload)
    if "boundary" in changes:
        changes["boundary"] = boundaries.boundary_check(boundaries.geometry_of(changes["boundary"]))
    services.community_update(actor=request.user, community=community, **changes)
    return community_detail(request, code)


def _set_up(request: HttpRequest, code: str) -> Community:
    community = selectors.community_get(code=code, user=request.user)
    if not place_rules.can_set_up_community(request.user, community):
        raise NotAllowed(_("You may not set up this community."))
    return community


@router.get("/communities/{code}/neighbourhoods", response=list[NeighbourhoodOut], auth=AUTH)
def neighbourhood_list(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    community = selectors.community_get(code=code, user=request.user)
    return [
        {"id": n.pk, "name": n.name, "buildings": n.n_buildings}  # type: ignore[attr-defined]  # annotated
        for n in selectors.neighbourhoods_of(community=community)
    ]


@router.post("/communities/{code}/neighbourhoods", response={201: NeighbourhoodOut}, auth=AUTH)
def neighbourhood_create(request: HttpRequest, code: str, payload: NeighbourhoodIn) -> Status[Any]:
    community = selectors.community_get(code=code, user=request.user)
    hood = services.neighbourhood_create(actor=request.user, community=community, name=payload.name)
    return Status(201, {"id": hood.pk, "name": hood.name, "buildings": 0})


@router.patch("/communities/{code}/neighbourhoods/{int:neighbourhood_id}", response=NeighbourhoodOut, auth=AUTH)
def neighbourhood_update(request: HttpRequest, code: str, neighbourhood_id: int, payload: NeighbourhoodIn) -> dict:
    community = selectors.community_get(code=code, user=request.user)
    hood = selectors.neighbourhood_get(community=community, pk=neighbourhood_id)
    hood = services.neighbourhood_update(actor=request.user, neighbourhood=hood, name=payload.name)
    return {"id": hood.pk, "name": hood.name, "buildings": hood.buildings.count()}


def _neighbourhood(community: Community, data: dict[str, Any]) -> dict[str, Any]:
    if "neighbourhood_id" in data:
        hood_id = data.pop("neighbourhood_id")
        data["neighbourhood"] = selectors.neighbourhood_get(community=community, pk=hood_id) if hood_id else None
    return data


@router.post("/communities/{code}/buildings", response={201: BuildingOut}, auth=AUTH)
def building_create(request: HttpRequest, code: str, payload: BuildingIn) -> Status[Any]:
    community = selectors.community_get(code=code, user=request.user)
    data = _neighbourhood(community, payload.dict())
    building = services.building_create(actor=request.user, community=community, **data)
    return Status(201, building_out(building))


@router.patch("/communities/{code}/buildings/{int:building_id}", response=BuildingOut, auth=AUTH)
def building_update(request: HttpRequest, code: str, building_id: int, payload: BuildingPatch) -> dict[str, Any]:
    community = selectors.community_get(code=code, user=request.user)
    building = selectors.building_get(community=community, pk=building_id)
    # null leaves a field as is, except the neighbourhood and floors, where it clears them
    data = fields_sent(payload, clearable={"neighbourhood_id", "floors"})
    building = services.building_update(actor=request.user, building=building, **_neighbourhood(community, data))
    return building_out(selectors.building_get(community=community, pk=building.pk))


def import_out(result: services.ImportResult) -> dict[str, int]:
    return {
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "neighbourhoods_created": result.neighbourhoods_created,
    }


@router.post("/communities/{code}/buildings/import-osm", response=BuildingImportOut, auth=AUTH)
def building_import_osm(request: HttpRequest, code: str) -> dict[str, int]:
    """Buildings of the OpenStreetMap extract inside the community's boundary; again adds only new ones."""
    community = selectors.community_get(code=code, user=request.user)
    return import_out(services.buildings_import_osm(actor=request.user, community=community))


@router.post("/communities/{code}/buildings/import-excel", response=BuildingImportOut, auth=AUTH)
def building_import_excel(request: HttpRequest, code: str, file: File[UploadedFile]) -> dict[str, int]:
    """An .xlsx with the columns 小区, 楼栋 (or 楼幢), 层数, 纬度, 经度. Any wrong row: 400 naming every wrong row,
    and nothing imported. A building of the same name is updated."""
    community = _set_up(request, code)
    content = upload_read(file, max_bytes=services.EXCEL_MAX_BYTES, field="file")
    return import_out(services.buildings_import_excel(actor=request.user, community=community, content=content))


def _steward(community: Community, steward_id: int | None) -> User | None:
    if steward_id is None:
        return None
    return account_selectors.account_get(pk=steward_id, field="steward_id")


@router.post("/communities/{code}/grids", response={201: GridOut}, auth=AUTH)
def grid_create(request: HttpRequest, code: str, payload: GridIn) -> Status[Any]:
    community = _set_up(request, code)
    grid = services.grid_create(
        actor=request.user,
        community=community,
        code=payload.code,
        name=payload.name,
        colour=payload.colour,
        steward=_steward(community, payload.steward_id),
    )
    return Status(201, grid_out(grid, 0))


@router.patch("/communities/{code}/grids/{grid_code}", response=GridOut, auth=AUTH)
def grid_update(request: HttpRequest, code: str, grid_code: str, payload: GridPatch) -> dict[str, Any]:
    """`steward_id: null` takes the steward off the grid; `on` dates a change of steward (default today)."""
    community = _set_up(request, code)
    grid = selectors.grid_get(community=community, code=grid_code)
    data = payload.dict(exclude_unset=True)
    changes: dict[str, Any] = {k: v for k, v in data.items() if k != "steward_id" and v is not None}
    if "steward_id" in data:
        changes["steward"] = _steward(community, data["steward_id"])
    grid = services.grid_update(actor=request.user, grid=grid, **changes)
    return grid_out(grid, grid.buildings.count())


@router.get("/communities/{code}/grids/{grid_code}/buildings", response=list[BuildingOut], auth=AUTH)
def grid_building_list(request: HttpRequest, code: str, grid_code: str) -> list[dict[str, Any]]:
    community = _set_up(request, code)
    grid = selectors.grid_get(community=community, code=grid_code)
    return [building_out(b) for b in selectors.buildings_of(community=community, grid=grid)]


@router.post("/communities/{code}/grids/{grid_code}/buildings", response=GridBuildingsOut, auth=AUTH)
def grid_buildings_assign(request: HttpRequest, code: str, grid_code: str, payload: GridBuildingsIn) -> dict:
    """Move these buildings of the community into the grid. Any id not a building of this community: 404 and
    nothing moves."""
    community = _set_up(request, code)
    grid = selectors.grid_get(community=community, code=grid_code)
    moved = services.buildings_assign_grid(
        actor=request.user, community=community, grid=grid, building_ids=payload.building_ids, on=payload.on
    )
    return {"moved": moved}


def staff_out(assignment: RoleAssignment) -> dict[str, Any]:
    return {
        "id": assignment.pk,
        "user_id": assignment.user_id,
        "name": str(assignment.user),
        "mobile": assignment.user.masked_mobile,
        "role": assignment.role,
    }


@router.get("/communities/{code}/staff", response=list[StaffOut], auth=AUTH)
def staff_list(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    community = _set_up(request, code)
    return [staff_out(a) for a in selectors.staff_of(community=community)]


@router.post("/communities/{code}/staff", response={201: StaffOut}, auth=AUTH)
def staff_add(request: HttpRequest, code: str, payload: StaffIn) -> Status[Any]:
    """Give a role in this community to the account with this mobile number, making the account if there is
    none (it logs in with an SMS code)."""
    return _staff_added(request, payload, community=_set_up(request, code))


@router.delete("/communities/{code}/staff/{int:assignment_id}", response={204: None}, auth=AUTH)
def staff_revoke(request: HttpRequest, code: str, assignment_id: int) -> Status[None]:
    community = _set_up(request, code)
    assignment = selectors.staff_role_get(community=community, pk=assignment_id)
    services.staff_revoke(actor=request.user, community=community, assignment=assignment)
    return Status(204, None)


# --- deleting a place set up by mistake: refused (409 `still_referred_to`, saying what) while anything refers to it


@router.delete("/streets/{code}", response={204: None}, auth=AUTH, summary="Delete a street (city admins)")
def street_delete(request: HttpRequest, code: str) -> Status[None]:
    street = selectors.street_get(code=code, user=request.user)
    services.street_delete(actor=request.user, street=street)
    return Status(204, None)


@router.delete("/communities/{code}", response={204: None}, auth=AUTH, summary="Delete a community")
def community_delete(request: HttpRequest, code: str) -> Status[None]:
    community = selectors.community_get(code=code, user=request.user)
    services.community_delete(actor=request.user, community=community)
    return Status(204, None)


@router.delete(
    "/communities/{code}/buildings/{int:building_id}", response={204: None}, auth=AUTH, summary="Delete a building"
)
def building_delete(request: HttpRequest, code: str, building_id: int) -> Status[None]:
    community = selectors.community_get(code=code, user=request.user)
    building = selectors.building_get(community=community, pk=building_id)
    services.building_delete(actor=request.user, building=building)
    return Status(204, None)


@router.delete("/communities/{code}/grids/{grid_code}", response={204: None}, auth=AUTH, summary="Delete a grid")
def grid_delete(request: HttpRequest, code: str, grid_code: str) -> Status[None]:
    community = selectors.community_get(code=code, user=request.user)
    grid = selectors.grid_get(community=community, code=grid_code)
    services.grid_delete(actor=request.user, grid=grid)
    return Status(204, None)
