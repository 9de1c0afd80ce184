"""Childcare 0–3: a parent applies for a child of the household; staff admit while places last, or decline."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.types import Actor, account_of
from linli.audit.services import audit_record, create_audited, save_audited, snapshot
from linli.core.errors import Conflict, DomainError, NotAllowed
from linli.core.waiting_list import place_give_back, place_take
from linli.facilities import rules as facility_rules
from linli.facilities.models import Facility
from linli.notifications.services import in_language_of, notify
from linli.people.ages import age_on
from linli.people.models import Resident

from .models import AgeGroup, Application


def months_old(birth: dt.date, day: dt.date) -> int:
    months = (day.year - birth.year) * 12 + day.month - birth.month
    return months - (1 if day.day < birth.day else 0)


CHILDCARE_CATEGORIES = ("childcare",)


def _check_group(
    *, actor: Actor, facility: Facility, name: str, min_months: int, max_months: int, places: int, monthly_fee_fen: int
) -> None:
    if not facility_rules.can_manage_register(actor, facility.community):
        raise NotAllowed(_("You may not change this community's services."))
    if facility.category.code not in CHILDCARE_CATEGORIES:
        raise DomainError(_("Choose a childcare facility."), field="facility")
    if not name.strip():
        raise DomainError(_("Give the group a name, e.g. “托小班”."), field="name")
    if not 0 <= min_months < max_months <= 36:
        raise DomainError(_("Age groups cover 0 to 36 months, the upper age above the lower."), field="max_months")
    if places < 1:
        raise DomainError(_("A group needs at least one place."), field="places")
    if monthly_fee_fen < 0:
        raise DomainError(_("A price cannot be negative."), field="monthly_fee_fen", code="negative_price")


def group_create(
    *,
    actor: Actor,
    facility: Facility,
    name: str,
    min_months: int,
    max_months: int,
    places: int,
    monthly_fee_fen: int = 0,
    open: bool = True,
) -> AgeGroup:
    _check_group(
        actor=actor,
        facility=facility,
        name=name,
        min_months=min_months,
        max_months=max_months,
        places=places,
        monthly_fee_fen=monthly_fee_fen,
    )
    group = create_audited(
        actor=actor,
        action="childcare.group_create",
        model=AgeGroup,
        community=facility.community,
        facility=facility,
        name=name.strip()[:40],
        min_months=min_months,
        max_months=max_months,
        places=places,
        monthly_fee_fen=monthly_fee_fen,
        open=open,
    )
    return group


def group_update(
    *,
    actor: Actor,
    group: AgeGroup,
    facility: Facility,
    name: str,
    min_months: int,
    max_months: int,
    places: int,
    monthly_fee_fen: int,
    open: bool,
) -> AgeGroup:
    """Change a group. Never fewer places than children admitted; the facility stays in the community.
    Applications already made keep their group (closing it only stops new ones)."""
    _check_group(
        actor=actor,
        facility=facility,
        name=name,
        min_months=min_months,
        max_months=max_months,
        places=places,
        monthly_fee_fen=monthly_fee_fen,
    )
    if facility.community_id != group.community_id:
        raise DomainError(_("Choose a childcare facility."), field="facility")
    with transaction.atomic():
        group = AgeGroup.objects.select_for_update(of=("self",)).get(pk=group.pk)
        if places < group.admitted:
            raise DomainError(
                _("%(n)s children are already admitted: the group needs at least as many places.")
                % {"n": group.admitted},
                field="places",
                code="below_admitted",
            )
        before = snapshot(group)
        group.facility, group.name, group.min_months, group.max_months = (
            facility,
            name.strip()[:40],
            min_months,
            max_months,
        )
        group.places, group.monthly_fee_fen, group.open = places, monthly_fee_fen, open
        group.save(update_fields=["facility", "name", "min_months", "max_months", "places", "monthly_fee_fen", "open"])
        audit_record(actor=actor, action="childcare.group_update", instance=group, before=before, after=snapshot(group))
    return group


def application_submit(
    *, actor: Actor, group: AgeGroup, child: Resident, start_on: dt.date, note: str = "", now: dt.datetime | None = None
) -> Application:
    now = now or timezone.now()
    if not facility_rules.may_act_for(actor, child):
        raise NotAllowed(_("You can apply only for a child of your household."), code="not_household", field="child")
    if child.community_id != group.community_id:
        raise NotAllowed(_("This facility is not open to residents of your community."), code="not_shared")
    if not group.open:
        raise DomainError(_("This group is not taking applications."), code="group_closed")
    if start_on < timezone.localdate(now):
        raise DomainError(_("The start date is in the past."), field="start_on")
    months = months_old(child.birth_date, start_on)
    if not group.min_months <= months < group.max_months:
        raise DomainError(
            _("%(name)s will be %(m)s months old; this group takes %(lo)s to %(hi)s months.")
            % {"name": child.name, "m": months, "lo": group.min_months, "hi": group.max_months},
            code="wrong_age",
            field="child",
        )
    if age_on(child.birth_date, start_on) >= 3:
        raise DomainError(_("Childcare here is for children under 3."), code="wrong_age", field="child")
    with transaction.atomic():
        if Application.objects.filter(group=group, child=child, status__in=Application.ACTIVE).exists():
            raise Conflict(_("There is already an application for this child."), code="already_applied")
        application = create_audited(
            actor=actor,
            action="childcare.apply",
            model=Application,
            community=group.community,
            group=group,
            child=child,
            applied_by=account_of(actor),
            start_on=start_on,
            note=note[:200],
            created_at=now,
        )
    return application


def _decide(actor: Actor, application: Application, status: str, reason: str, now: dt.datetime) -> Application:
    if not facility_rules.can_run_front_desk(actor, application.community):
        raise NotAllowed(_("Only community staff decide on applications."))
    with transaction.atomic():
        group = AgeGroup.objects.select_for_update(of=("self",)).get(pk=application.group_id)
        application = (
            Application.objects.select_for_update(of=("self",)).select_related("applied_by").get(pk=application.pk)
        )
        if application.status != Application.Status.SUBMITTED:
            raise DomainError(_("This application has already been decided."), code="already_decided")
        if status == Application.Status.ADMITTED and not place_take(group, taken="admitted", capacity=group.places):
            raise Conflict(_("No places are left in this group."), code="group_full")
        before = snapshot(application)
        application.status = status
        application.reason = reason[:200]
        application.decided_at = now
        application.decided_by = account_of(actor)
        save_audited(
            actor=actor,
            action=f"childcare.{status}",
            instance=application,
            before=before,
            update_fields=["status", "reason", "decided_at", "decided_by"],
        )
        if application.applied_by is not None:
            with in_language_of(application.applied_by):
                title = (
                    _("Childcare place offered: %(group)s")
                    if status == Application.Status.ADMITTED
                    else _("Childcare application declined: %(group)s")
                ) % {"group": group}
            notify(
                user=application.applied_by, title=title, body=reason, community=group.community, url="/services/my/"
            )
    return application


def application_admit(*, actor: Actor, application: Application, now: dt.datetime | None = None) -> Application:
    return _decide(actor, application, Application.Status.ADMITTED, "", now or timezone.now())


def application_decline(
    *, actor: Actor, application: Application, reason: str, now: dt.datetime | None = None
) -> Application:
    if not reason.strip():
        raise DomainError(_("Give the family a reason."), field="reason")
    return _decide(actor, application, Application.Status.DECLINED, reason, now or timezone.now())


def application_withdraw(*, actor: Actor, application: Application, now: dt.datetime | None = None) -> Application:
    if not facility_rules.may_act_for(actor, application.child):
        raise NotAllowed(_("You may not change this application."))
    with transaction.atomic():
        # the group first, then the application, as a decision locks them: the two never wait on each other
        group = AgeGroup.objects.select_for_update(of=("self",)).get(pk=application.group_id)
        application = Application.objects.select_for_update(of=("self",)).get(pk=application.pk)
        if application.status not in Application.ACTIVE:
            raise DomainError(_("This application has already ended."), code="not_active")
        before = snapshot(application)
        if application.status == Application.Status.ADMITTED:
            place_give_back(group, taken="admitted")
        application.status = Application.Status.WITHDRAWN
        application.decided_at = now or timezone.now()
        save_audited(
            actor=actor,
            action="childcare.withdraw",
            instance=application,
            before=before,
            update_fields=["status", "decided_at"],
        )
    return application
