from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Status

from linli.accounts import rules
from linli.accounts.types import Actor
from linli.core.api import Page, fields_sent, page_of
from linli.places.selectors import community_get, household_get

from .. import selectors, services
from ..ages import tier_of
from ..models import Resident
from ..schemas import MoveBackIn, MovedOutOut, MoveOutIn, ResidentIn, ResidentOut, ResidentPatch, RevealIn, RevealOut
from .common import router


def resident_out(resident: Resident, *, user: Actor) -> dict[str, Any]:
    show_tags = rules.can_view_sensitive_tags(user, resident.community)
    exact = rules.can_view_birth_date(user, resident.community)
    age = resident.age() if exact else resident.age_by_year()
    return {
        "id": resident.pk,
        "name": resident.name,
        "mobile": resident.mobile,
        "sex": resident.sex,
        "birth_date": resident.birth_date if exact else None,
        "age": age,
        "age_exact": exact,
        "age_tier": tier_of(age).value,
        "id_number": resident.id_number_masked,
        "household": str(resident.household) if resident.household else None,
        "household_id": resident.household_id,
        "relation_to_head": resident.relation_to_head,
        "residence": resident.residence,
        "hukou_address": resident.hukou_address,
        "note": resident.note,
        "moved_in_on": resident.moved_in_on,
        "moved_out_on": resident.moved_out_on,
        "is_owner": resident.is_owner,
        "is_party_member": resident.is_party_member,
        "tags": [t.code for t in resident.tags.all()] if show_tags else [],
    }


class ResidentFilter(Page):
    search: str = Field("", max_length=40, description="Part of the name, or the last 4 digits of the mobile")
    status: Literal["current", "moved_out", "all"] = "current"
    neighbourhood_id: int | None = Field(None, ge=1)
    building_id: int | None = Field(None, ge=1)
    grid_id: int | None = Field(None, ge=1)
    household_id: int | None = Field(None, ge=1)
    age_tier: str = Field("", max_length=20, description="One of the age tiers (infant … senior_80)")
    min_age: int | None = Field(None, ge=0, le=150)
    max_age: int | None = Field(None, ge=0, le=150)
    tag: str = Field("", max_length=40, description="Sensitive tag code; only for roles that may see tags")
    party_member: bool | None = None
    residence: str = Field("", max_length=24)


@router.get("/communities/{code}/residents", response=list[ResidentOut])
def resident_list(request: HttpRequest, code: str, filters: Query[ResidentFilter]) -> list[dict[str, Any]]:
    """Current residents by default (`status=moved_out` for 迁出, `all` for both); every filter combines."""
    community = community_get(code=code, user=request.user)
    qs = selectors.residents_for(
        user=request.user,
        community=community,
        filters=selectors.ResidentFilters(
            search=filters.search,
            status=filters.status,
            neighbourhood=filters.neighbourhood_id,
            building=filters.building_id,
            grid=filters.grid_id,
            household=filters.household_id,
            age_tier=filters.age_tier,
            min_age=filters.min_age,
            max_age=filters.max_age,
            tag=filters.tag,
            party_member=filters.party_member,
            residence=filters.residence,
        ),
    )
    return [resident_out(r, user=request.user) for r in page_of(qs, filters)]


@router.post("/communities/{code}/residents", response={201: ResidentOut})
def resident_create(request: HttpRequest, code: str, payload: ResidentIn) -> Status[Any]:
    community = community_get(code=code, user=request.user)
    data = payload.dict()
    household_id = data.pop("household_id")
    household = household_get(community=community, pk=household_id) if household_id else None
    resident = services.resident_create(actor=request.user, community=community, household=household, **data)
    return Status(201, resident_out(resident, user=request.user))


@router.get("/communities/{code}/residents/{resident_id}", response=ResidentOut)
def resident_detail(request: HttpRequest, code: str, resident_id: int) -> dict[str, Any]:
    community = community_get(code=code, user=request.user)
    return resident_out(
        selectors.resident_get(user=request.user, community=community, pk=resident_id), user=request.user
    )


@router.patch("/communities/{code}/residents/{resident_id}", response=ResidentOut)
def resident_update(request: HttpRequest, code: str, resident_id: int, payload: ResidentPatch) -> dict[str, Any]:
    community = community_get(code=code, user=request.user)
    resident = selectors.resident_get(user=request.user, community=community, pk=resident_id)
    # null means "leave as is", except for the household, where it means "no household"
    changes = fields_sent(payload, clearable={"household_id", "moved_in_on"})
    if "household_id" in changes:
        household_id = changes.pop("household_id")
        changes["household"] = household_get(community=community, pk=household_id) if household_id else None
    resident = services.resident_update(actor=request.user, resident=resident, **changes)
    return resident_out(resident, user=request.user)


@router.post("/communities/{code}/residents/{resident_id}/reveal-id-number", response=RevealOut)
def resident_reveal_id_number(request: HttpRequest, code: str, resident_id: int, payload: RevealIn) -> dict[str, str]:
    """The full ID number, for social workers and community admins; the reveal is audited with its reason."""
    community = community_get(code=code, user=request.user)
    resident = selectors.resident_get(user=request.user, community=community, pk=resident_id)
    return {
        "id_number": services.resident_reveal_id_number(actor=request.user, resident=resident, reason=payload.reason)
    }


@router.post("/communities/{code}/residents/{resident_id}/move-out", response=MovedOutOut)
def resident_move_out(request: HttpRequest, code: str, resident_id: int, payload: MoveOutIn) -> dict[str, Any]:
    """迁出: kept on the register, no longer a resident (loses the rights of one); undone by `move-back`. Their
    coming bookings, meal orders and course places are cancelled and their family links end (`cancelled` says
    which)."""
    community = community_get(code=code, user=request.user)
    resident = selectors.resident_get(user=request.user, community=community, pk=resident_id)
    cancelled: list[str] = []
    resident = services.resident_move_out(
        actor=request.user, resident=resident, on=payload.moved_out_on, reason=payload.reason, cancelled=cancelled
    )
    return {**resident_out(resident, user=request.user), "cancelled": cancelled}


@router.post("/communities/{code}/residents/{resident_id}/move-back", response=ResidentOut)
def resident_move_back(request: HttpRequest, code: str, resident_id: int, payload: MoveBackIn) -> dict[str, Any]:
    community = community_get(code=code, user=request.user)
    resident = selectors.resident_get(user=request.user, community=community, pk=resident_id)
    resident = services.resident_move_back(actor=request.user, resident=resident, reason=payload.reason)
    return resident_out(resident, user=request.user)
