"""Writes for community partners, pairings and partnership projects.

Every operation checks the rule, validates everything before it writes, and records its audit row in the same
transaction: a refusal saves nothing.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.types import Actor
from linli.accounts.validators import mobile_validator
from linli.audit.services import audit_record, create_audited, save_audited, snapshot
from linli.core.errors import Conflict, DomainError, NotAllowed, NotFound
from linli.core.scenarios import Scenario
from linli.core.validators import text_clean
from linli.people.models import Resident
from linli.places.models import Community

from . import rules
from .models import Contribution, Pairing, Partner, PartnerKind, Project


@dataclass(frozen=True)
class ContributionPlan:
    """One contribution to record: what a partner (or the community, when `partner` is None) puts in."""

    kind: str
    description: str
    partner: Partner | None = None
    value_fen: int = 0
    quantity: int = 0
    delivered_on: dt.date | None = None  # None: pledged, to be delivered


# --- checks --------------------------------------------------------------------------------------------


def _date(value: Any, field: str) -> dt.date:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise DomainError(_("Enter a date as YYYY-MM-DD."), field=field, code="invalid_date")
    return value


MAX_FEN = 10**15  # ten trillion yuan: far above any project, far below the column's limit
MAX_COUNT = 2_147_483_647


def _whole(value: Any, field: str, maximum: int = MAX_COUNT) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise DomainError(_("Enter a whole number of at least 0."), field=field)
    if value > maximum:
        raise DomainError(_("Enter a number of at most %(n)s.") % {"n": maximum}, field=field)
    return value


def _kind(value: Any) -> str:
    if value not in PartnerKind.values:
        raise DomainError(_("Choose one of the four kinds of partnership."), field="kind")
    return str(value)


def _entity(value: Any) -> str:
    if value not in Partner.Entity.values:
        raise DomainError(_("Choose what kind of organisation the partner is."), field="entity")
    return str(value)


def _mobile(value: Any) -> str:
    mobile = value.strip() if isinstance(value, str) else ""
    if mobile:
        try:
            mobile_validator(mobile)
        except ValidationError:
            raise DomainError(_("Enter an 11-digit mobile number."), field="contact_mobile") from None
    return mobile


def _resident(community: Community, resident: Resident | None, entity: str) -> Resident | None:
    if resident is None:
        return None
    if resident.community_id != community.pk:
        raise NotFound(_("No such resident in this community."), field="resident")
    if entity != Partner.Entity.INDIVIDUAL:
        raise DomainError(_("Only an individual partner is linked to a resident."), field="resident")
    return resident


def _name_free(community: Community, name: str, *, exclude: int | None = None) -> None:
    taken = Partner.objects.filter(community=community, name=name)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        raise DomainError(_("A partner of this name is already registered."), field="name", code="duplicate")


def _ours(community: Community, partner: Partner, field: str) -> Partner:
    if partner.community_id != community.pk:
        raise NotFound(_("No such partner in this community."), field=field)
    if not partner.active:
        raise DomainError(
            _("%(name)s is no longer an active partner.") % {"name": partner.name}, field=field, code="inactive"
        )
    return partner


def _dates(starts_on: dt.date, ends_on: dt.date | None) -> None:
    if ends_on is not None and ends_on < starts_on:
        raise DomainError(_("A project cannot end before it starts."), field="ends_on")


def _open(project: Project) -> None:
    if project.status == Project.Status.DONE:
        raise Conflict(_("This project is closed."), code="closed")


def _delivery_date(value: Any, starts_on: dt.date) -> dt.date:
    on = _date(value, "delivered_on")
    if on > timezone.localdate():
        raise DomainError(_("A delivery date cannot be in the future."), field="delivered_on", code="future")
    if on < starts_on:
        raise DomainError(
            _("A delivery date cannot be before the project started (%(date)s).") % {"date": starts_on.isoformat()},
            field="delivered_on",
            code="before_start",
        )
    return on


def _check_plan(community: Community, plan: ContributionPlan, partner_ids: set[int], starts_on: dt.date) -> None:
    if plan.delivered_on is not None:
        _delivery_date(plan.delivered_on, starts_on)
    if plan.kind not in Contribution.Kind.values:
        raise DomainError(_("Choose money, goods, services, space or volunteers."), field="kind")
    value_fen = _whole(plan.value_fen, "value_fen", MAX_FEN)
    quantity = _whole(plan.quantity, "quantity")
    if plan.kind == Contribution.Kind.MONEY and value_fen <= 0:
        raise DomainError(_("Say how much money."), field="value_fen")
    if value_fen == 0 and quantity == 0:
        raise DomainError(_("Say how much: a value, a quantity or both."), field="quantity")
    text_clean(plan.description, "description", 200)
    if plan.partner is not None:
        _ours(community, plan.partner, "partner")
        if plan.partner.pk not in partner_ids:
            raise DomainError(
                _("%(name)s is not a partner in this project: add it to the project first.")
                % {"name": plan.partner.name},
                field="partner",
            )


def _create_contribution(actor: Actor, project: Project, plan: ContributionPlan) -> Contribution:
    contribution = Contribution.objects.create(
        project=project,
        partner=plan.partner,
        kind=plan.kind,
        description=plan.description.strip(),
        value_fen=plan.value_fen,
        quantity=plan.quantity,
        status=Contribution.Status.PLEDGED if plan.delivered_on is None else Contribution.Status.DELIVERED,
        delivered_on=plan.delivered_on,
    )
    audit_record(
        actor=actor,
        action="partner.contribution",
        instance=contribution,
        community=project.community,
        after=snapshot(contribution),
    )
    return contribution


def _partner_state(partner: Partner) -> dict[str, Any]:
    return {**snapshot(partner), "members": sorted(partner.members.values_list("pk", flat=True))}


def _project_state(project: Project) -> dict[str, Any]:
    return {**snapshot(project), "co_partners": sorted(project.co_partners.values_list("pk", flat=True))}


# --- partners ------------------------------------------------------------------------------------------


def partner_register(
    *,
    actor: Actor,
    community: Community,
    name: str,
    kind: str,
    entity: str = Partner.Entity.ENTERPRISE,
    joined_on: dt.date,
    description: str = "",
    contact_name: str = "",
    contact_mobile: str = "",
    resident: Resident | None = None,
    members: list[Any] | None = None,
) -> Partner:
    if not rules.can_manage_partners(actor, community):
        raise NotAllowed(_("You may not register partners in this community."))
    name = text_clean(name, "name", 80)
    kind = _kind(kind)
    entity = _entity(entity)
    joined_on = _date(joined_on, "joined_on")
    description = text_clean(description, "description", 2000, required=False)
    contact_name = text_clean(contact_name, "contact_name", 40, required=False)
    contact_mobile = _mobile(contact_mobile)
    resident = _resident(community, resident, entity)
    _name_free(community, name)
    try:
        with transaction.atomic():
            partner = Partner.objects.create(
                community=community,
                name=name,
                kind=kind,
                entity=entity,
                joined_on=joined_on,
                description=description,
                contact_name=contact_name,
                contact_mobile=contact_mobile,
                resident=resident,
            )
            if members:
                partner.members.set(members)
            audit_record(actor=actor, action="partner.register", instance=partner, after=_partner_state(partner))
    except IntegrityError:
        raise DomainError(_("A partner of this name is already registered."), field="name", code="duplicate") from None
    return partner


PARTNER_FIELDS = {"name", "kind", "entity", "description", "contact_name", "contact_mobile", "resident", "members"}


def partner_update(*, actor: Actor, partner: Partner, **changes: Any) -> Partner:
    """Change a partner's details. `members` replaces the accounts acting for it (the fund's conflict checks
    follow at once)."""
    community = partner.community
    if not rules.can_manage_partners(actor, community):
        raise NotAllowed(_("You may not change partners in this community."))
    unknown = set(changes) - PARTNER_FIELDS
    if unknown:
        raise DomainError(_("These fields cannot be changed: %(f)s.") % {"f": ", ".join(sorted(unknown))})
    values: dict[str, Any] = {}
    if "name" in changes:
        values["name"] = text_clean(changes["name"], "name", 80)
        _name_free(community, values["name"], exclude=partner.pk)
    if "kind" in changes:
        values["kind"] = _kind(changes["kind"])
    if "entity" in changes:
        values["entity"] = _entity(changes["entity"])
    if "description" in changes:
        values["description"] = text_clean(changes["description"], "description", 2000, required=False)
    if "contact_name" in changes:
        values["contact_name"] = text_clean(changes["contact_name"], "contact_name", 40, required=False)
    if "contact_mobile" in changes:
        values["contact_mobile"] = _mobile(changes["contact_mobile"])
    entity = values.get("entity", partner.entity)
    resident = changes.get("resident", partner.resident)
    values["resident"] = _resident(community, resident, entity)
    if entity != Partner.Entity.ENTERPRISE and Pairing.objects.filter(partner=partner, until__isnull=True).exists():
        raise DomainError(_("A paired enterprise stays an enterprise while the pairing lasts."), field="entity")
    try:
        with transaction.atomic():
            locked = Partner.objects.select_for_update().get(pk=partner.pk)
            before = _partner_state(locked)
            for field, value in values.items():
                setattr(locked, field, value)
            locked.save(update_fields=list(values))
            if "members" in changes:
                locked.members.set(changes["members"] or [])
            audit_record(
                actor=actor, action="partner.update", instance=locked, before=before, after=_partner_state(locked)
            )
    except IntegrityError:
        raise DomainError(_("A partner of this name is already registered."), field="name", code="duplicate") from None
    return locked


def partner_deactivate(*, actor: Actor, partner: Partner, on: dt.date) -> Partner:
    """The partner leaves on `on`: it stays on record with its projects, the day is kept (past months count it
    until then), and its open pairing ends that day."""
    if not rules.can_manage_partners(actor, partner.community):
        raise NotAllowed(_("You may not change partners in this community."))
    on = _date(on, "on")
    with transaction.atomic():
        locked = Partner.objects.select_for_update().get(pk=partner.pk)
        if not locked.active:
            raise Conflict(_("This partner is already inactive."), code="inactive")
        if on < locked.joined_on:
            raise DomainError(_("A partner cannot leave before it joined."), field="on")
        before = snapshot(locked)
        for pairing in Pairing.objects.select_for_update().filter(partner=locked, until__isnull=True).order_by("pk"):
            if on < pairing.since:
                raise DomainError(_("A pairing cannot end before it starts."), field="on")
            pairing_before = snapshot(pairing)
            pairing.until = on
            save_audited(
                actor=actor,
                action="partner.pairing_end",
                instance=pairing,
                before=pairing_before,
                update_fields=["until"],
            )
        locked.active, locked.ended_on = False, on
        locked.save(update_fields=["active", "ended_on"])
        audit_record(actor=actor, action="partner.deactivate", instance=locked, before=before, after=snapshot(locked))
    return locked


def partner_reactivate(*, actor: Actor, partner: Partner) -> Partner:
    if not rules.can_manage_partners(actor, partner.community):
        raise NotAllowed(_("You may not change partners in this community."))
    with transaction.atomic():
        locked = Partner.objects.select_for_update().get(pk=partner.pk)
        if locked.active:
            raise Conflict(_("This partner is already active."), code="active")
        before = snapshot(locked)
        locked.active, locked.ended_on = True, None
        locked.save(update_fields=["active", "ended_on"])
        audit_record(actor=actor, action="partner.reactivate", instance=locked, before=before, after=snapshot(locked))
    return locked


# --- pairings (社企结对) --------------------------------------------------------------------------------


def pairing_create(*, actor: Actor, partner: Partner, areas: str, since: dt.date) -> Pairing:
    if not rules.can_manage_partners(actor, partner.community):
        raise NotAllowed(_("You may not pair enterprises with this community."))
    if partner.entity != Partner.Entity.ENTERPRISE:
        raise DomainError(_("Only an enterprise is paired with the community (社企结对)."), field="partner")
    _ours(partner.community, partner, "partner")
    areas = text_clean(areas, "areas", 200)
    since = _date(since, "since")
    already_paired = DomainError(_("This enterprise is already paired with the community."), code="duplicate")
    if Pairing.objects.filter(partner=partner, until__isnull=True).exists():
        raise already_paired
    return create_audited(
        actor=actor,
        action="partner.pair",
        model=Pairing,
        on_duplicate=already_paired,
        community=partner.community,
        partner=partner,
        areas=areas,
        since=since,
    )


def pairing_update(
    *, actor: Actor, pairing: Pairing, areas: str | None = None, until: dt.date | None = None
) -> Pairing:
    """Change what the pairing covers, or end it (`until`). An ended pairing is history and stays as it is."""
    if not rules.can_manage_partners(actor, pairing.community):
        raise NotAllowed(_("You may not pair enterprises with this community."))
    clean_areas = text_clean(areas, "areas", 200) if areas is not None else None
    if until is not None and _date(until, "until") < pairing.since:
        raise DomainError(_("A pairing cannot end before it starts."), field="until")
    with transaction.atomic():
        locked = Pairing.objects.select_for_update().get(pk=pairing.pk)
        if locked.until is not None:
            raise Conflict(_("This pairing has ended."), code="ended")
        before = snapshot(locked)
        if clean_areas is not None:
            locked.areas = clean_areas
        if until is not None:
            locked.until = until
        save_audited(
            actor=actor,
            action="partner.pairing_update",
            instance=locked,
            before=before,
            update_fields=["areas", "until"],
        )
    return locked


# --- projects ------------------------------------------------------------------------------------------


def project_create(
    *,
    actor: Actor,
    community: Community,
    lead: Partner,
    title: str,
    scenario: str,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    co_partners: list[Partner] | None = None,
    contributions: list[ContributionPlan] | None = None,
    status: str = Project.Status.PLANNED,
) -> Project:
    """A partnership project led by `lead`, with other partners and the contributions planned at the start."""
    if not rules.can_manage_partners(actor, community):
        raise NotAllowed(_("You may not register partnership projects."))
    _ours(community, lead, "lead")
    title = text_clean(title, "title", 100)
    if scenario not in Scenario.values:
        raise DomainError(_("Choose one of the nine scenarios."), field="scenario")
    if status not in (Project.Status.PLANNED, Project.Status.RUNNING):
        raise DomainError(_("A new project is planned or running."), field="status")
    starts_on = _date(starts_on, "starts_on")
    if ends_on is not None:
        _date(ends_on, "ends_on")
    _dates(starts_on, ends_on)
    others: dict[int, Partner] = {}
    for partner in co_partners or []:
        _ours(community, partner, "co_partners")
        if partner.pk != lead.pk:
            others[partner.pk] = partner
    plans = list(contributions or [])
    for plan in plans:
        _check_plan(community, plan, {lead.pk, *others}, starts_on)
    with transaction.atomic():
        project = Project.objects.create(
            community=community,
            lead=lead,
            title=title,
            scenario=scenario,
            starts_on=starts_on,
            ends_on=ends_on,
            status=status,
        )
        if others:
            project.co_partners.set(others.values())
        audit_record(actor=actor, action="partner.project_create", instance=project, after=_project_state(project))
        for plan in plans:
            _create_contribution(actor, project, plan)
    return project


PROJECT_FIELDS = {"title", "scenario", "starts_on", "ends_on", "co_partners", "status", "beneficiaries"}


def project_update(*, actor: Actor, project: Project, **changes: Any) -> Project:
    """Change an open project: title, scenario, dates, the other partners, planned → running (or back), and the
    people it has served so far (a closed project's count is given when it closes)."""
    community = project.community
    if not rules.can_manage_partners(actor, community):
        raise NotAllowed(_("You may not change partnership projects."))
    unknown = set(changes) - PROJECT_FIELDS
    if unknown:
        raise DomainError(_("These fields cannot be changed: %(f)s.") % {"f": ", ".join(sorted(unknown))})
    values: dict[str, Any] = {}
    if "title" in changes:
        values["title"] = text_clean(changes["title"], "title", 100)
    if "scenario" in changes:
        if changes["scenario"] not in Scenario.values:
            raise DomainError(_("Choose one of the nine scenarios."), field="scenario")
        values["scenario"] = changes["scenario"]
    if "status" in changes:
        if changes["status"] not in (Project.Status.PLANNED, Project.Status.RUNNING):
            raise DomainError(_("A project is closed only with its outcomes."), field="status")
        values["status"] = changes["status"]
    if "starts_on" in changes:
        values["starts_on"] = _date(changes["starts_on"], "starts_on")
    if "beneficiaries" in changes:
        values["beneficiaries"] = _whole(changes["beneficiaries"], "beneficiaries")
    if "ends_on" in changes:
        values["ends_on"] = None if changes["ends_on"] is None else _date(changes["ends_on"], "ends_on")
    _dates(values.get("starts_on", project.starts_on), values.get("ends_on", project.ends_on))
    others: dict[int, Partner] | None = None
    if "co_partners" in changes:
        others = {}
        current = set(project.co_partners.values_list("pk", flat=True))
        for partner in changes["co_partners"] or []:
            if partner.pk not in current:
                _ours(community, partner, "co_partners")
            elif partner.community_id != community.pk:
                raise NotFound(_("No such partner in this community."), field="co_partners")
            if partner.pk != project.lead_id:
                others[partner.pk] = partner
        leaving = current - set(others)
        giving = Contribution.objects.filter(project=project, partner_id__in=leaving).values_list(
            "partner__name", flat=True
        )
        if giving:
            raise DomainError(
                _("%(name)s has contributions in this project and stays among its partners.") % {"name": giving[0]},
                field="co_partners",
            )
    with transaction.atomic():
        locked = Project.objects.select_for_update().get(pk=project.pk)
        _open(locked)
        before = _project_state(locked)
        for field, value in values.items():
            setattr(locked, field, value)
        if values:
            locked.save(update_fields=list(values))
        if others is not None:
            locked.co_partners.set(others.values())
        audit_record(
            actor=actor, action="partner.project_update", instance=locked, before=before, after=_project_state(locked)
        )
    return locked


def contribution_add(
    *,
    actor: Actor,
    project: Project,
    kind: str,
    description: str,
    partner: Partner | None = None,
    value_fen: int = 0,
    quantity: int = 0,
    delivered_on: dt.date | None = None,
) -> Contribution:
    """Record what one side puts into an open project: pledged, or delivered on `delivered_on`. `partner` None
    means the community itself; a partner must already be among the project's partners."""
    community = project.community
    if not rules.can_manage_partners(actor, community):
        raise NotAllowed(_("You may not change partnership projects."))
    plan = ContributionPlan(
        kind=kind,
        description=description,
        partner=partner,
        value_fen=value_fen,
        quantity=quantity,
        delivered_on=delivered_on,
    )
    partner_ids = {project.lead_id, *project.co_partners.values_list("pk", flat=True)}
    _check_plan(community, plan, partner_ids, project.starts_on)
    with transaction.atomic():
        locked = Project.objects.select_for_update().get(pk=project.pk)
        _open(locked)
        return _create_contribution(actor, locked, plan)


def _change_contribution(
    actor: Actor,
    contribution: Contribution,
    action: str,
    changes: Callable[[Contribution], dict[str, Any]],
    *,
    pledged_only: bool = True,
    reason: str = "",
) -> Contribution:
    """Lock a contribution (a pledge, unless `pledged_only` is off: then anything not withdrawn), apply the
    fields `changes` gives for it, save and audit (with the reason, when one is given)."""
    if not rules.can_manage_partners(actor, contribution.project.community):
        raise NotAllowed(_("You may not change partnership projects."))
    with transaction.atomic():
        locked = Contribution.objects.select_for_update().select_related("project__community").get(pk=contribution.pk)
        allowed = (
            {Contribution.Status.PLEDGED}
            if pledged_only
            else {Contribution.Status.PLEDGED, Contribution.Status.DELIVERED}
        )
        if locked.status not in allowed:
            raise Conflict(
                _("This contribution is already %(status)s.") % {"status": locked.get_status_display()},
                code="not_pledged" if pledged_only else "withdrawn",
            )
        fields = changes(locked)
        before = snapshot(locked)
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.save(update_fields=list(fields))
        after = snapshot(locked)
        audit_record(
            actor=actor,
            action=action,
            instance=locked,
            community=locked.project.community,
            before=before,
            after={**after, "reason": reason} if reason else after,
        )
    return locked


def contribution_deliver(*, actor: Actor, contribution: Contribution, on: dt.date) -> Contribution:
    """Mark a pledge as delivered on a date (not in the future, not before the project started). A project
    that has closed may still record a pledge kept before it closed."""
    return _change_contribution(
        actor,
        contribution,
        "partner.contribution_deliver",
        lambda c: {"status": Contribution.Status.DELIVERED, "delivered_on": _delivery_date(on, c.project.starts_on)},
    )


def contribution_withdraw(*, actor: Actor, contribution: Contribution, reason: str) -> Contribution:
    """Record that a pledge will not be kept, and why. It stays on record and counts for nothing."""
    reason = text_clean(reason, "reason", 200)
    return _change_contribution(
        actor,
        contribution,
        "partner.contribution_withdraw",
        lambda c: {"status": Contribution.Status.WITHDRAWN, "withdrawn_reason": reason},
    )


def contribution_correct(
    *,
    actor: Actor,
    contribution: Contribution,
    reason: str,
    description: str | None = None,
    value_fen: int | None = None,
    quantity: int | None = None,
) -> Contribution:
    """Correct what was recorded of a contribution (pledged or delivered; a withdrawn one stays as it was),
    saying why; the audit log keeps the values before and after. Its kind, side and status do not change."""
    reason = text_clean(reason, "reason", 200)

    def changes(c: Contribution) -> dict[str, Any]:
        plan = ContributionPlan(
            kind=c.kind,
            description=c.description if description is None else description,
            value_fen=c.value_fen if value_fen is None else value_fen,
            quantity=c.quantity if quantity is None else quantity,
        )  # the side is not checked again: it does not change, and may have left since
        _check_plan(c.project.community, plan, set(), c.project.starts_on)
        return {"description": plan.description.strip(), "value_fen": plan.value_fen, "quantity": plan.quantity}

    return _change_contribution(
        actor, contribution, "partner.contribution_correct", changes, pledged_only=False, reason=reason
    )


def project_close(*, actor: Actor, project: Project, outcomes: str, beneficiaries: int, ends_on: dt.date) -> Project:
    if not rules.can_manage_partners(actor, project.community):
        raise NotAllowed(_("You may not change partnership projects."))
    beneficiaries = _whole(beneficiaries, "beneficiaries")
    outcomes = text_clean(outcomes, "outcomes", 4000)
    ends_on = _date(ends_on, "ends_on")
    with transaction.atomic():
        locked = Project.objects.select_for_update().get(pk=project.pk)
        _open(locked)
        _dates(locked.starts_on, ends_on)
        before = snapshot(locked)
        locked.outcomes = outcomes
        locked.beneficiaries = beneficiaries
        locked.ends_on = ends_on
        locked.status = Project.Status.DONE
        save_audited(
            actor=actor,
            action="partner.project_close",
            instance=locked,
            before=before,
            update_fields=["outcomes", "beneficiaries", "ends_on", "status"],
        )
    return locked
