from django.db.models import Count
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router

from linli.accounts import rules
from linli.accounts.api_auth import AUTH
from linli.core.errors import NotAllowed

from . import selectors
from .schemas import BuildingOut, CommunityOut, CommunityPublicOut, GridOut

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
    if not rules.is_community_staff(request.user, community) and not rules.oversees(request.user, community):
        raise NotAllowed(_("Only this community's staff see its grids."))
    grids = selectors.grids_of(community=community).annotate(n=Count("buildings"))
    return [
        {
            "id": g.pk,
            "code": g.code,
            "name": g.name,
            "colour": g.colour,
            "steward": str(g.steward) if g.steward else None,
            "buildings": g.n,
        }
        for g in grids
    ]


@router.get("/communities/{code}/buildings", response=list[BuildingOut], auth=AUTH)
def building_list(request: HttpRequest, code: str) -> list[dict]:
    community = selectors.community_get(code=code, user=request.user)
    return [
        {
            "id": b.pk,
            "name": b.name,
            "neighbourhood": b.neighbourhood.name if b.neighbourhood else None,
            "grid": b.grid.name if b.grid else None,
            "lat": b.lat,
            "lng": b.lng,
            "residential": b.residential,
            "floors": b.floors,
        }
        for b in selectors.buildings_of(community=community)
    ]
