from typing import Any

from django.http import HttpRequest
from ninja import Query, Status

from linli.accounts import rules
from linli.accounts.types import Actor
from linli.core.api import Page, RowId, page_of
from linli.places.models import Household
from linli.places.selectors import community_get

from .. import selectors, services
from ..schemas import HouseholdIn, HouseholdOut, HouseholdPatch
from .common import router


def household_out(household: Household, *, user: Actor, members: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": household.pk,
        "building_id": household.building_id,
        "building": household.building.name,
        "unit": household.unit,
        "member_count": getattr(household, "member_count", 0),
    }
    if members:
        community = household.community
        show_tags = rules.can_view_sensitive_tags(user, community)
        exact = rules.can_view_birth_date(user, community)
        rows = list(selectors.household_members(user=user, household=household))
        out["member_count"] = len(rows)
        out["members"] = [
            {
                "id": m.pk,
                "name": m.name,
                "relation_to_head": m.relation_to_head,
                "age_tier": (m.age_tier() if exact else m.age_tier_by_year()).value,
                "tags": [t.code for t in m.tags.all()] if show_tags else [],
            }
            for m in rows
        ]
    return out


class HouseholdFilter(Page):
    building_id: RowId


@router.get("/communities/{code}/households", response=list[HouseholdOut])
def household_list(request: HttpRequest, code: str, filters: Query[HouseholdFilter]) -> list[dict[str, Any]]:
    """A building's households with the number of people living in each."""
    community = community_get(code=code, user=request.user)
    building = selectors.building_get(user=request.user, community=community, pk=filters.building_id)
    qs = selectors.households_of(user=request.user, community=community, building=building)
    return [household_out(h, user=request.user) for h in page_of(qs, filters)]


@router.post("/communities/{code}/households", response={201: HouseholdOut})
def household_create(request: HttpRequest, code: str, payload: HouseholdIn) -> Status[Any]:
    community = community_get(code=code, user=request.user)
    building = selectors.building_get(user=request.user, community=community, pk=payload.building_id)
    household = services.household_create(actor=request.user, community=community, building=building, unit=payload.unit)
    return Status(201, household_out(household, user=request.user, members=True))


@router.get("/communities/{code}/households/{household_id}", response=HouseholdOut)
def household_detail(request: HttpRequest, code: str, household_id: RowId) -> dict[str, Any]:
    community = community_get(code=code, user=request.user)
    household = selectors.household_get(user=request.user, community=community, pk=household_id)
    return household_out(household, user=request.user, members=True)


@router.patch("/communities/{code}/households/{household_id}", response=HouseholdOut)
def household_update(request: HttpRequest, code: str, household_id: RowId, payload: HouseholdPatch) -> dict[str, Any]:
    community = community_get(code=code, user=request.user)
    household = selectors.household_get(user=request.user, community=community, pk=household_id)
    household = services.household_update(actor=request.user, household=household, unit=payload.unit)
    return household_out(household, user=request.user, members=True)
