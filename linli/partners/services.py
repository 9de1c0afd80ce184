"""Writes for community partners, pairings and partnership projects."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from linli.audit.services import audit_record, snapshot
from linli.core.errors import DomainError, NotAllowed, NotFound
from linli.core.scenarios import Scenario
from linli.places.models import Community

from . import rules
from .models import Contribution, Pairing, Partner, PartnerKind, Project


def _text(value: Any, field: str, max_length: int, *, required: bool = True) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if required and not text:
        raise DomainError(_("This field is required."), field=field, code="required")
    if len(text) > max_length:
        raise DomainError(_("Enter at most %(n)s characters.") % {"n": max_length}, field=field, code="too_long")
    return text


def partner_register(
    *,
    actor: Any,
    community: Community,
    name: str,
    kind: str,
    entity: str = Partner.Entity.ENTERPRISE,
    joined_on: dt.date,
    description: str = "",
    contact_name: str = "",
    contact_mobile: str = "",
    members: list[Any] | None = None,
) -> Partner:
    if not rules.can_manage_partners(actor, community):
        raise NotAllowed(_("You may not register partners in this community."))
    name = _text(name, "name", 80)
    if kind not in PartnerKind.values:
        raise DomainError(_("Choose one of the four kinds of partnership."), field="kind")
    if entity not in Partner.Entity.values:
        raise DomainError(_("Choose what kind of organisation the partner is."), field="entity")
    if contact_mobile and not (contact_mobile.isdigit() and len(contact_mobile) == 11):
        raise DomainError(_("Enter an 11-digit mobile number."), field="contact_mobile")
    if Partner.objects.filter(community=community, name=name).exists():
        raise DomainError(_("A partner of this name is already registered."), field="name", code="duplicate")
    with transaction.atomic():
        partner = Partner.objects.create(
            community=community,
            name=name,
            kind=kind,
            entity=entity,
            joined_on=joined_on,
            description=_text(description, "description", 2000, required=False),
            contact_name=_text(contact_name, "contact_name", 40, required=False),
            contact_mobile=contact_mobile,
        )
        if members:
            partner.members.set(members)
        audit_record(actor=actor, action="partner.register", instance=partner, after=snapshot(partner))
    return partner


def pairing_create(*, actor: Any, partner: Partner, areas: str, since: dt.date) -> Pairing:
    if not rules.can_manage_partners(actor, partner.community):
        raise NotAllowed(_("You may not pair enterprises with this community."))
    if partner.entity != Partner.Entity.ENTERPRISE:
        raise DomainError(_("Only an enterprise is paired with the community (社企结对)."), field="partner")
    if Pairing.objects.filter(partner=partner, until__isnull=True).exists():
        raise DomainError(_("This enterprise is already paired with the community."), code="duplicate")
    with transaction.atomic():
        pairing = Pairing.objects.create(
            community=partner.community, partner=partner, areas=_text(areas, "areas", 200), since=since
        )
        audit_record(actor=actor, action="partner.pair", instance=pairing, after=snapshot(pairing))
    return pairing


def project_create(
    *,
    actor: Any,
    lead: Partner,
    title: str,
    scenario: str,
    starts_on: dt.date,
    co_partners: list[Partner] | None = None,
    status: str = Project.Status.PLANNED,
) -> Project:
    community = lead.community
    if not rules.can_manage_partners(actor, community):
        raise NotAllowed(_("You may not register partnership projects."))
    if scenario not in Scenario.values:
        raise DomainError(_("Choose one of the nine scenarios."), field="scenario")
    if status not in Project.Status.values:
        raise DomainError(_("Unknown status."), field="status")
    others = co_partners or []
    if any(p.community_id != community.pk for p in others):
        raise NotFound(_("No such partner."), field="co_partners")
    with transaction.atomic():
        project = Project.objects.create(
            community=community,
            lead=lead,
            title=_text(title, "title", 100),
            scenario=scenario,
            starts_on=starts_on,
            status=status,
        )
        if others:
            project.co_partners.set(others)
        audit_record(actor=actor, action="partner.project_create", instance=project, after=snapshot(project))
    return project


def contribution_add(
    *,
    actor: Any,
    project: Project,
    kind: str,
    description: str,
    partner: Partner | None = None,
    value_fen: int = 0,
    quantity: int = 0,
) -> Contribution:
    if not rules.can_manage_partners(actor, project.community):
        raise NotAllowed(_("You may not change partnership projects."))
    if kind not in Contribution.Kind.values:
        raise DomainError(_("Choose money, goods, services, space or volunteers."), field="kind")
    for field, value in (("value_fen", value_fen), ("quantity", quantity)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise DomainError(_("Enter a whole number of at least 0."), field=field)
    if kind == Contribution.Kind.MONEY and value_fen <= 0:
        raise DomainError(_("Say how much money."), field="value_fen")
    if partner is not None and partner.community_id != project.community_id:
        raise NotFound(_("No such partner."), field="partner")
    with transaction.atomic():
        contribution = Contribution.objects.create(
            project=project,
            partner=partner,
            kind=kind,
            description=_text(description, "description", 200),
            value_fen=value_fen,
            quantity=quantity,
        )
        audit_record(
            actor=actor,
            action="partner.contribution",
            instance=contribution,
            community=project.community,
            after=snapshot(contribution),
        )
    return contribution


def project_close(*, actor: Any, project: Project, outcomes: str, beneficiaries: int, ends_on: dt.date) -> Project:
    if not rules.can_manage_partners(actor, project.community):
        raise NotAllowed(_("You may not change partnership projects."))
    if isinstance(beneficiaries, bool) or not isinstance(beneficiaries, int) or beneficiaries < 0:
        raise DomainError(_("Enter a whole number of at least 0."), field="beneficiaries")
    if ends_on < project.starts_on:
        raise DomainError(_("A project cannot end before it starts."), field="ends_on")
    with transaction.atomic():
        locked = Project.objects.select_for_update().get(pk=project.pk)
        before = snapshot(locked)
        locked.outcomes = _text(outcomes, "outcomes", 4000)
        locked.beneficiaries = beneficiaries
        locked.ends_on = ends_on
        locked.status = Project.Status.DONE
        locked.save(update_fields=["outcomes", "beneficiaries", "ends_on", "status"])
        audit_record(
            actor=actor, action="partner.project_close", instance=locked, before=before, after=snapshot(locked)
        )
    return locked
