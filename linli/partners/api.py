"""Partners API: partners, enterprise pairings, partnership projects and their contributions, per community.

Everyone who may see the community reads; its social workers and admins write. Another community's records
answer 404, a refused write 403, both in the one error shape."""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import pgettext
from ninja import Field, Query, Router, Status

from linli.accounts.api_auth import AUTH
from linli.accounts.types import Actor
from linli.core.api import Page, page_of
from linli.core.errors import NotFound
from linli.people.selectors import resident_get
from linli.places.models import Community
from linli.places.selectors import community_get

from . import rules, selectors, services
from .models import Contribution, Pairing, Partner, Project
from .schemas import (
    CloseIn,
    ContributionIn,
    ContributionOut,
    ContributionPatch,
    DeliverIn,
    PairingIn,
    PairingOut,
    PairingPatch,
    PartnerIn,
    PartnerOut,
    PartnerPatch,
    PartnerProjectOut,
    ProjectIn,
    ProjectPatch,
    StreetCommunityOut,
    WithdrawIn,
)

router = Router(tags=["partners"], auth=AUTH)
BASE = "/communities/{code}"


def partner_out(p: Partner, *, user: Actor) -> dict[str, Any]:
    staff = rules.can_see_contacts(user, p.community)
    return {
        "id": p.pk,
        "name": p.name,
        "kind": p.kind,
        "entity": p.entity,
        "description": p.description,
        "contact_name": p.contact_name,
        "contact_mobile": selectors.contact_mobile(user=user, partner=p),
        "resident_id": p.resident_id if staff else None,
        "members": sorted(m.pk for m in p.members.all()) if staff else [],
        "joined_on": p.joined_on,
        "active": p.active,
        "ended_on": p.ended_on,
    }


def pairing_out(p: Pairing) -> dict[str, Any]:
    return {
        "id": p.pk,
        "partner": p.partner_id,
        "partner_name": p.partner.name,
        "areas": p.areas,
        "since": p.since,
        "until": p.until,
    }


def contribution_out(c: Contribution) -> dict[str, Any]:
    return {
        "id": c.pk,
        "project": c.project_id,
        "partner": c.partner_id,
        "kind": c.kind,
        "description": c.description,
        "value_fen": c.value_fen,
        "quantity": c.quantity,
        "status": c.status,
        "delivered_on": c.delivered_on,
        "withdrawn_reason": c.withdrawn_reason,
    }


def _totals(rows: list[selectors.KindTotal]) -> list[dict[str, Any]]:
    return [
        {
            "kind": k.kind,
            "count": k.count,
            "value_fen": k.value_fen,
            "quantity": k.quantity,
            "delivered_fen": k.delivered_fen,
            "delivered_quantity": k.delivered_quantity,
        }
        for k in rows
    ]


def project_out(p: Project) -> dict[str, Any]:
    return {
        "id": p.pk,
        "title": p.title,
        "lead": p.lead_id,
        "lead_name": p.lead.name,
        "co_partners": sorted(x.pk for x in p.co_partners.all()),
        "scenario": p.scenario,
        "status": p.status,
        "starts_on": p.starts_on,
        "ends_on": p.ends_on,
        "outcomes": p.outcomes,
        "beneficiaries": p.beneficiaries,
        "by_kind": _totals(selectors.totals_by_kind(selectors.contributions_of(project=p))),
    }


def _partner(request: HttpRequest, community: Community, pk: int, field: str) -> Partner:
    try:
        return selectors.partner_get(user=request.user, community=community, pk=pk)
    except NotFound as exc:
        raise NotFound(exc.message, field=field) from None


def _partners(request: HttpRequest, community: Community, ids: list[int], field: str) -> list[Partner]:
    return [_partner(request, community, pk, field) for pk in dict.fromkeys(ids)]


def _members(ids: list[int]) -> list[Any]:
    found = selectors.accounts_by_ids(ids)
    if len(found) != len(set(ids)):
        raise NotFound(pgettext("user account", "No such account."), field="member_ids")
    return found


def _resident(request: HttpRequest, community: Community, pk: int | None) -> Any:
    if pk is None:
        return None
    try:
        return resident_get(user=request.user, community=community, pk=pk)
    except NotFound as exc:
        raise NotFound(exc.message, field="resident_id") from None


# --- partners ------------------------------------------------------------------------------------------


class PartnerFilter(Page):
    kind: str = Field("", max_length=12)
    active: bool = Field(True, description="Active partners (default) or, with false, those who left.")
    all: bool = Field(False, description="Both active and inactive partners.")
    q: str = Field("", max_length=80)


@router.get(BASE + "/partners", response=list[PartnerOut])
def partner_list(request: HttpRequest, code: str, filters: Query[PartnerFilter]) -> list[dict[str, Any]]:
    community = community_get(code=code, user=request.user)
    qs = selectors.partners_of(
        user=request.user,
        community=community,
        kind=filters.kind,
        active=None if filters.all else filters.active,
        q=filters.q,
        with_members=True,
    )
    return [partner_out(p, user=request.user) for p in page_of(qs, filters)]


@router.post(BASE + "/partners", response={201: PartnerOut})
def partner_create(request: HttpRequest, code: str, payload: PartnerIn) -> Status[Any]:
    community = community_get(code=code, user=request.user)
    data = payload.dict()
    partner = services.partner_register(
        actor=request.user,
        community=community,
        resident=_resident(request, community, data.pop("resident_id")),
        members=_members(data.pop("member_ids")),
        **data,
    )
    return Status(201, partner_out(partner, user=request.user))


@router.get(BASE + "/partners/{partner_id}", response=PartnerOut)
def partner_detail(request: HttpRequest, code: str, partner_id: int) -> dict[str, Any]:
    community = community_get(code=code, user=request.user)
    return partner_out(selectors.partner_get(user=request.user, community=community, pk=partner_id), user=request.user)


@router.patch(BASE + "/partners/{partner_id}", response=PartnerOut)
def partner_update(request: HttpRequest, code: str, partner_id: int, payload: PartnerPatch) -> dict[str, Any]:
    community = community_get(code=code, user=request.user)
    partner = selectors.partner_get(user=request.user, community=community, pk=partner_id)
    changes = payload.dict(exclude_unset=True)
    if "resident_id" in changes:
        changes["resident"] = _resident(request, community, changes.pop("resident_id"))
    if "member_ids" in changes:
        changes["members"] = _members(changes.pop("member_ids") or [])
    services.partner_update(actor=request.user, partner=partner, **changes)
    return partner_out(selectors.partner_get(user=request.user, community=community, pk=partner.pk), user=request.user)


@router.post(BASE + "/partners/{partner_id}/deactivate", response=PartnerOut)
def partner_deactivate(request: HttpRequest, code: str, partner_id: int) -> dict[str, Any]:
    """The partner leaves (its records stay); its open pairing ends today."""
    community = community_get(code=code, user=request.user)
    partner = selectors.partner_get(user=request.user, community=community, pk=partner_id)
    return partner_out(
        services.partner_deactivate(actor=request.user, partner=partner, on=timezone.localdate()), user=request.user
    )


@router.post(BASE + "/partners/{partner_id}/reactivate", response=PartnerOut)
def partner_reactivate(request: HttpRequest, code: str, partner_id: int) -> dict[str, Any]:
    community = community_get(code=code, user=request.user)
    partner = selectors.partner_get(user=request.user, community=community, pk=partner_id)
    return partner_out(services.partner_reactivate(actor=request.user, partner=partner), user=request.user)


# --- pairings ------------------------------------------------------------------------------------------


@router.get(BASE + "/pairings", response=list[PairingOut])
def pairing_list(request: HttpRequest, code: str, current: bool = True) -> list[dict[str, Any]]:
    community = community_get(code=code, user=request.user)
    return [pairing_out(p) for p in selectors.pairings_of(community=community, current=current)[:500]]


@router.post(BASE + "/pairings", response={201: PairingOut})
def pairing_create(request: HttpRequest, code: str, payload: PairingIn) -> Status[Any]:
    community = community_get(code=code, user=request.user)
    partner = _partner(request, community, payload.partner_id, "partner_id")
    pairing = services.pairing_create(actor=request.user, partner=partner, areas=payload.areas, since=payload.since)
    return Status(201, pairing_out(pairing))


@router.get(BASE + "/pairings/{pairing_id}", response=PairingOut)
def pairing_detail(request: HttpRequest, code: str, pairing_id: int) -> dict[str, Any]:
    community = community_get(code=code, user=request.user)
    return pairing_out(selectors.pairing_get(user=request.user, community=community, pk=pairing_id))


@router.patch(BASE + "/pairings/{pairing_id}", response=PairingOut)
def pairing_update(request: HttpRequest, code: str, pairing_id: int, payload: PairingPatch) -> dict[str, Any]:
    community = community_get(code=code, user=request.user)
    pairing = selectors.pairing_get(user=request.user, community=community, pk=pairing_id)
    return pairing_out(
        services.pairing_update(actor=request.user, pairing=pairing, areas=payload.areas, until=payload.until)
    )


# --- projects ------------------------------------------------------------------------------------------


class ProjectFilter(Page):
    scenario: str = Field("", max_length=20)
    status: str = Field("", max_length=8)
    partner_id: int | None = None


def _project(request: HttpRequest, community: Community, pk: int) -> Project:
    return selectors.project_get(user=request.user, community=community, pk=pk)


@router.get(BASE + "/partner-projects", response=list[PartnerProjectOut])
def project_list(request: HttpRequest, code: str, filters: Query[ProjectFilter]) -> list[dict[str, Any]]:
    community = community_get(code=code, user=request.user)
    partner = None if filters.partner_id is None else _partner(request, community, filters.partner_id, "partner_id")
    qs = selectors.projects_of(
        user=request.user,
        community=community,
        scenario=filters.scenario,
        status=filters.status,
        partner=partner,
        with_co_partners=True,
    )
    return [project_out(p) for p in page_of(qs, filters)]


@router.post(BASE + "/partner-projects", response={201: PartnerProjectOut})
def project_create(request: HttpRequest, code: str, payload: ProjectIn) -> Status[Any]:
    community = community_get(code=code, user=request.user)
    plans = [
        services.ContributionPlan(
            kind=c.kind,
            description=c.description,
            partner=None if c.partner_id is None else _partner(request, community, c.partner_id, "contributions"),
            value_fen=c.value_fen,
            quantity=c.quantity,
            delivered_on=c.delivered_on,
        )
        for c in payload.contributions
    ]
    project = services.project_create(
        actor=request.user,
        community=community,
        lead=_partner(request, community, payload.lead_id, "lead_id"),
        co_partners=_partners(request, community, payload.co_partner_ids, "co_partner_ids"),
        title=payload.title,
        scenario=payload.scenario,
        status=payload.status,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        contributions=plans,
    )
    return Status(201, project_out(_project(request, community, project.pk)))


@router.get(BASE + "/partner-projects/{project_id}", response=PartnerProjectOut)
def project_detail(request: HttpRequest, code: str, project_id: int) -> dict[str, Any]:
    community = community_get(code=code, user=request.user)
    return project_out(_project(request, community, project_id))


@router.patch(BASE + "/partner-projects/{project_id}", response=PartnerProjectOut)
def project_update(request: HttpRequest, code: str, project_id: int, payload: ProjectPatch) -> dict[str, Any]:
    community = community_get(code=code, user=request.user)
    project = _project(request, community, project_id)
    changes = payload.dict(exclude_unset=True)
    if "co_partner_ids" in changes:
        changes["co_partners"] = _partners(request, community, changes.pop("co_partner_ids") or [], "co_partner_ids")
    services.project_update(actor=request.user, project=project, **changes)
    return project_out(_project(request, community, project_id))


@router.post(BASE + "/partner-projects/{project_id}/close", response=PartnerProjectOut)
def project_close(request: HttpRequest, code: str, project_id: int, payload: CloseIn) -> dict[str, Any]:
    community = community_get(code=code, user=request.user)
    project = _project(request, community, project_id)
    services.project_close(
        actor=request.user,
        project=project,
        outcomes=payload.outcomes,
        beneficiaries=payload.beneficiaries,
        ends_on=payload.ends_on,
    )
    return project_out(_project(request, community, project_id))


@router.get(BASE + "/partner-projects/{project_id}/contributions", response=list[ContributionOut])
def contribution_list(request: HttpRequest, code: str, project_id: int) -> list[dict[str, Any]]:
    community = community_get(code=code, user=request.user)
    project = _project(request, community, project_id)
    return [contribution_out(c) for c in selectors.contributions_of(project=project)]


@router.post(BASE + "/partner-projects/{project_id}/contributions", response={201: ContributionOut})
def contribution_create(request: HttpRequest, code: str, project_id: int, payload: ContributionIn) -> Status[Any]:
    community = community_get(code=code, user=request.user)
    project = _project(request, community, project_id)
    partner = None if payload.partner_id is None else _partner(request, community, payload.partner_id, "partner_id")
    contribution = services.contribution_add(
        actor=request.user,
        project=project,
        kind=payload.kind,
        description=payload.description,
        partner=partner,
        value_fen=payload.value_fen,
        quantity=payload.quantity,
        delivered_on=payload.delivered_on,
    )
    return Status(201, contribution_out(contribution))


def _contribution(request: HttpRequest, code: str, project_id: int, contribution_id: int) -> Contribution:
    community = community_get(code=code, user=request.user)
    return selectors.contribution_get(project=_project(request, community, project_id), pk=contribution_id)


@router.patch(BASE + "/partner-projects/{project_id}/contributions/{contribution_id}", response=ContributionOut)
def contribution_correct(
    request: HttpRequest, code: str, project_id: int, contribution_id: int, payload: ContributionPatch
) -> dict[str, Any]:
    contribution = _contribution(request, code, project_id, contribution_id)
    corrected = services.contribution_correct(actor=request.user, contribution=contribution, **payload.dict())
    return contribution_out(corrected)


@router.post(BASE + "/partner-projects/{project_id}/contributions/{contribution_id}/deliver", response=ContributionOut)
def contribution_deliver(
    request: HttpRequest, code: str, project_id: int, contribution_id: int, payload: DeliverIn
) -> dict[str, Any]:
    contribution = _contribution(request, code, project_id, contribution_id)
    return contribution_out(services.contribution_deliver(actor=request.user, contribution=contribution, on=payload.on))


@router.post(BASE + "/partner-projects/{project_id}/contributions/{contribution_id}/withdraw", response=ContributionOut)
def contribution_withdraw(
    request: HttpRequest, code: str, project_id: int, contribution_id: int, payload: WithdrawIn
) -> dict[str, Any]:
    contribution = _contribution(request, code, project_id, contribution_id)
    return contribution_out(
        services.contribution_withdraw(actor=request.user, contribution=contribution, reason=payload.reason)
    )


# --- the street ----------------------------------------------------------------------------------------


@router.get("/streets/{code}/partners", response=list[StreetCommunityOut])
def street_overview(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    street = selectors.street_get(user=request.user, code=code)
    return [
        {
            "code": r.community.code,
            "name": r.community.name,
            "partners": r.partners,
            "pairings": r.pairings,
            "projects": r.projects,
            "projects_done": r.projects_done,
            "beneficiaries": r.beneficiaries,
            "by_kind": _totals(r.by_kind),
        }
        for r in selectors.street_overview(user=request.user, street=street)
    ]
