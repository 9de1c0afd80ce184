"""Family helpers (亲情账号) in the API: one's own links under /me, the community's under /communities/{code}."""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Status

from linli.core.api import Page, RowId, page_of
from linli.core.errors import NotFound
from linli.places.selectors import community_get

from .. import rules, selectors, services
from ..models import FamilyLink
from ..schemas import ActingForOut, FamilyCodeIn, FamilyLinkIn, FamilyLinkOut, FamilyLinksMineOut
from .common import router


def family_link_out(link: FamilyLink) -> dict[str, Any]:
    return {
        "id": link.pk,
        "community": link.community.code,
        "helper": {"id": link.helper_id, "name": link.helper.name},
        "elder": {"id": link.elder_id, "name": link.elder.name},
        "relation": link.relation,
        "status": link.status,
        "consent": link.consent,
        "requested_at": link.requested_at,
        "code_sent_at": link.code_sent_at,
        "confirmed_at": link.confirmed_at,
        "confirmed_by": str(link.confirmed_by) if link.confirmed_by else None,
        "ended_at": link.ended_at,
        "ended_by": str(link.ended_by) if link.ended_by else None,
    }


def _fresh(request: HttpRequest, link: FamilyLink) -> dict[str, Any]:
    return family_link_out(selectors.family_link_reloaded(user=request.user, link=link))


@router.get("/me/acting-for", response=list[ActingForOut])
def acting_for(request: HttpRequest) -> list[dict[str, Any]]:
    """Whom you may book, order, enrol or report for: yourself, your household, the elders you help."""
    me = rules.own_resident(request.user)
    household = {r.pk for r in selectors.household_of(user=request.user)}
    return [
        {
            "id": r.pk,
            "name": r.name,
            "why": "self" if me and r.pk == me.pk else "household" if r.pk in household else "family_link",
        }
        for r in selectors.acting_for(user=request.user)
    ]


@router.get("/me/family-links", response=FamilyLinksMineOut)
def family_links_mine(request: HttpRequest) -> dict[str, Any]:
    helping, helped = selectors.family_links_of_user(user=request.user)
    return {"helping": [family_link_out(x) for x in helping], "helped": [family_link_out(x) for x in helped]}


@router.post("/me/family-links", response={201: FamilyLinkOut})
def family_link_request(request: HttpRequest, payload: FamilyLinkIn) -> Status[Any]:
    """Ask to help an elder: someone of your household by `elder_id`, or a relative elsewhere in the community by
    name, building, room and the last 4 digits of their register mobile (tries are limited)."""
    if payload.elder_id is not None:
        household = {r.pk: r for r in selectors.household_of(user=request.user)}
        elder = household.get(payload.elder_id)
        if elder is None:
            raise NotFound(
                _("Choose someone of your household, or find a relative by their details."),
                code="unknown_elder",
                field="elder_id",
            )
        link = services.family_link_request(actor=request.user, elder=elder, relation=payload.relation)
    else:
        link = services.family_link_request_found(
            actor=request.user,
            name=payload.name,
            building_id=payload.building_id or 0,
            room=payload.room,
            mobile_last4=payload.mobile_last4,
            relation=payload.relation,
        )
    return Status(201, _fresh(request, link))


@router.get("/me/family-links/{link_id}", response=FamilyLinkOut)
def family_link_detail(request: HttpRequest, link_id: RowId) -> dict[str, Any]:
    return family_link_out(selectors.family_link_get(user=request.user, pk=link_id))


@router.post("/me/family-links/{link_id}/send-code", response=FamilyLinkOut)
def family_link_send_code(request: HttpRequest, link_id: RowId) -> dict[str, Any]:
    """Text a code to the elder's register mobile (limited per helper and per elder)."""
    link = selectors.family_link_get(user=request.user, pk=link_id)
    return _fresh(request, services.family_link_send_code(actor=request.user, link=link))


@router.post("/me/family-links/{link_id}/confirm-code", response=FamilyLinkOut)
def family_link_confirm_code(request: HttpRequest, link_id: RowId, payload: FamilyCodeIn) -> dict[str, Any]:
    link = selectors.family_link_get(user=request.user, pk=link_id)
    return _fresh(request, services.family_link_confirm_code(actor=request.user, link=link, code=payload.code))


@router.post("/me/family-links/{link_id}/consent", response=FamilyLinkOut)
def family_link_consent(request: HttpRequest, link_id: RowId) -> dict[str, Any]:
    """The elder agrees from their own account."""
    link = selectors.family_link_get(user=request.user, pk=link_id)
    return _fresh(request, services.family_link_consent(actor=request.user, link=link))


@router.post("/me/family-links/{link_id}/end", response=FamilyLinkOut)
def family_link_end(request: HttpRequest, link_id: RowId) -> dict[str, Any]:
    link = selectors.family_link_get(user=request.user, pk=link_id)
    return _fresh(request, services.family_link_end(actor=request.user, link=link))


class FamilyLinkFilter(Page):
    status: str = Field("", max_length=10)
    elder_id: int | None = Field(None, ge=1, le=2**63 - 1)


@router.get("/communities/{code}/family-links", response=list[FamilyLinkOut])
def community_family_links(request: HttpRequest, code: str, filters: Query[FamilyLinkFilter]) -> list[dict[str, Any]]:
    """The community's family links, for its staff."""
    community = community_get(code=code, user=request.user)
    status = filters.status if filters.status in FamilyLink.Status.values else ""
    qs = selectors.family_links_of_community(
        user=request.user, community=community, status=status, elder_id=filters.elder_id
    )
    return [family_link_out(x) for x in page_of(qs, filters)]


def _community_link(request: HttpRequest, code: str, link_id: int) -> FamilyLink:
    community = community_get(code=code, user=request.user)
    return selectors.family_link_of_community(user=request.user, community=community, pk=link_id)


@router.post("/communities/{code}/family-links/{link_id}/confirm-in-person", response=FamilyLinkOut)
def community_family_link_confirm(request: HttpRequest, code: str, link_id: RowId) -> dict[str, Any]:
    """A social worker or community admin saw the elder agree, face to face (recorded as the confirmer)."""
    link = _community_link(request, code, link_id)
    return _fresh(request, services.family_link_confirm_in_person(actor=request.user, link=link))


@router.post("/communities/{code}/family-links/{link_id}/end", response=FamilyLinkOut)
def community_family_link_end(request: HttpRequest, code: str, link_id: RowId) -> dict[str, Any]:
    link = _community_link(request, code, link_id)
    return _fresh(request, services.family_link_end(actor=request.user, link=link))
