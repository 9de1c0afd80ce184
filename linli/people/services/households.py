"""Households (户): created and renamed by the caseworkers who keep the register; members join through
`resident_update(household=…)` so a move between households is one audited change of the resident."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from linli.accounts import rules
from linli.accounts.types import Actor
from linli.audit.services import create_audited, save_audited, snapshot
from linli.core.errors import Conflict, DomainError, NotAllowed, NotFound
from linli.places.models import Building, Community, Household

UNIT_MAX = Household._meta.get_field("unit").max_length or 30


def _clean_unit(unit: str) -> str:
    unit = " ".join(unit.split())
    if not unit:
        raise DomainError(_("Enter the unit and room, e.g. 2单元301."), field="unit")
    if len(unit) > UNIT_MAX:
        raise DomainError(_("Keep the unit and room under %(n)s characters.") % {"n": UNIT_MAX}, field="unit")
    return unit


def _unit_taken(building: Building) -> Conflict:
    return Conflict(
        _("%(building)s already has a household in this unit and room.") % {"building": building.name},
        field="unit",
        code="duplicate_unit",
    )


def household_create(*, actor: Actor, community: Community, building: Building, unit: str) -> Household:
    if not rules.can_edit_residents(actor, community):
        raise NotAllowed(_("You may not change households in this community."))
    if building.community_id != community.pk:
        raise NotFound(_("No such building in this community."), field="building")
    unit = _clean_unit(unit)
    if Household.objects.filter(building=building, unit=unit).exists():
        raise _unit_taken(building)
    return create_audited(
        actor=actor,
        action="household.create",
        model=Household,
        on_duplicate=_unit_taken(building),  # created by someone else between the check and the insert
        community=community,
        building=building,
        unit=unit,
    )


def household_update(*, actor: Actor, household: Household, unit: str) -> Household:
    if not rules.can_edit_residents(actor, household.community):
        raise NotAllowed(_("You may not change households in this community."))
    unit = _clean_unit(unit)
    try:
        with transaction.atomic():
            locked = Household.objects.select_for_update().select_related("building").get(pk=household.pk)
            if Household.objects.filter(building_id=locked.building_id, unit=unit).exclude(pk=locked.pk).exists():
                raise _unit_taken(locked.building)
            before = snapshot(locked)
            locked.unit = unit
            save_audited(actor=actor, action="household.update", instance=locked, before=before, update_fields=["unit"])
    except IntegrityError:
        raise _unit_taken(household.building) from None
    return locked
