"""Writing resident profiles. Each operation checks the rule, runs in one transaction and audits inside it."""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts import rules
from linli.accounts.models import Role, RoleAssignment
from linli.accounts.rules import forget_access
from linli.accounts.types import Actor
from linli.audit.models import AuditEntry
from linli.audit.services import audit_record, snapshot
from linli.core import crypto
from linli.core.errors import Conflict, DomainError, NotAllowed, NotFound
from linli.places.models import Community, Household

from .. import idnumber, moving
from .. import rules as people_rules
from ..models import FamilyLink, Resident, SensitiveTag
from .family import family_link_end

# The roles an account holds because its owner lives here: taken back when they move out, given back on an undo.
RESIDENT_ROLES = (Role.RESIDENT.value, Role.VOLUNTEER.value)


def _check_household(community: Community, household: Household | None) -> None:
    if household is not None and household.community_id != community.pk:
        raise NotFound(_("No such household in this community."), field="household")


def _tags(codes: Iterable[str]) -> list[SensitiveTag]:
    codes = list(dict.fromkeys(codes))
    tags = list(SensitiveTag.objects.filter(code__in=codes))
    unknown = set(codes) - {t.code for t in tags}
    if unknown:
        raise DomainError(_("Unknown sensitive tag: %(tags)s.") % {"tags": ", ".join(sorted(unknown))}, field="tags")
    return tags


def _set_id_number(resident: Resident, value: str) -> None:
    if not value:
        resident.id_number_encrypted = resident.id_number_digest = resident.id_number_masked = ""
        return
    value = idnumber.normalise(value)
    try:
        idnumber.validate_id_number(value)
    except ValidationError as exc:
        raise DomainError(exc.messages[0], field="id_number", code="invalid_id_number") from None
    resident.id_number_encrypted = crypto.encrypt(value)
    resident.id_number_digest = crypto.digest(value)
    resident.id_number_masked = idnumber.mask(value)


def _check_dates(resident: Resident) -> None:
    """The moving-in day is what the cockpit counts past months by: never in the future, after birth, before leaving."""
    moved_in = resident.moved_in_on
    if moved_in is None:
        return
    if moved_in > timezone.localdate():
        raise DomainError(_("The moving-in date cannot be in the future."), field="moved_in_on")
    if moved_in < resident.birth_date:
        raise DomainError(_("The moving-in date is before the resident was born."), field="moved_in_on")
    if resident.moved_out_on is not None and moved_in > resident.moved_out_on:
        raise DomainError(_("The moving-in date is after the day this resident moved out."), field="moved_in_on")


def _full_clean(resident: Resident) -> None:
    try:
        resident.full_clean(exclude=["community", "household", "user"])
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise DomainError(messages[0], field=field) from None


def resident_create(
    *,
    actor: Actor,
    community: Community,
    name: str,
    birth_date: dt.date | None = None,
    mobile: str = "",
    id_number: str = "",
    sex: str = "",
    household: Household | None = None,
    is_owner: bool = False,
    is_party_member: bool = False,
    tags: Iterable[str] = (),
    relation_to_head: str = "",
    residence: str = Resident.Residence.CONSISTENT,
    hukou_address: str = "",
    note: str = "",
    moved_in_on: dt.date | None = None,
) -> Resident:
    if not rules.can_edit_residents(actor, community):
        raise NotAllowed(_("You may not register residents in this community."))
    _check_household(community, household)
    resident = Resident(
        community=community,
        household=household,
        name=name.strip(),
        mobile=mobile,
        sex=sex,
        is_owner=is_owner,
        is_party_member=is_party_member,
        relation_to_head=relation_to_head,
        residence=residence or Resident.Residence.CONSISTENT,
        hukou_address=hukou_address.strip(),
        note=note.strip(),
        moved_in_on=moved_in_on,
    )
    _set_id_number(resident, id_number)
    if birth_date is None and id_number:
        birth_date = idnumber.birth_date_of(id_number)
    if birth_date is None:
        raise DomainError(_("Enter a birth date or an ID number."), field="birth_date")
    if birth_date > timezone.localdate():
        raise DomainError(_("A birth date cannot be in the future."), field="birth_date")
    resident.birth_date = birth_date
    _check_dates(resident)
    _full_clean(resident)
    tag_objects = _tags(tags)
    try:
        with transaction.atomic():
            resident.save()
            resident.tags.set(tag_objects)
            audit_record(
                actor=actor,
                action="resident.create",
                instance=resident,
                after={**snapshot(resident), "tags": [t.code for t in tag_objects]},
            )
    except IntegrityError:
        raise _duplicate_id_number() from None
    return resident


def _duplicate_id_number() -> DomainError:
    return DomainError(
        _("A resident with this ID number is already registered in this community."),
        field="id_number",
        code="duplicate",
    )


def resident_update(*, actor: Actor, resident: Resident, **changes: Any) -> Resident:
    community = resident.community
    if not rules.can_edit_residents(actor, community):
        raise NotAllowed(_("You may not change residents in this community."))
    allowed = {
        "name",
        "mobile",
        "sex",
        "birth_date",
        "household",
        "is_owner",
        "is_party_member",
        "id_number",
        "tags",
        "relation_to_head",
        "residence",
        "hukou_address",
        "note",
        "moved_in_on",
    }
    unknown = set(changes) - allowed
    if unknown:
        raise DomainError(_("These fields cannot be changed: %(f)s.") % {"f": ", ".join(sorted(unknown))})
    changed = sorted(changes)  # the audit row names them: a new birth date in the same year shows nowhere else
    with transaction.atomic():
        locked = Resident.objects.select_for_update().get(pk=resident.pk)
        before = {**snapshot(locked), "tags": sorted(locked.tags.values_list("code", flat=True))}
        tag_objects = _tags(changes.pop("tags")) if "tags" in changes else None
        if "id_number" in changes:
            _set_id_number(locked, changes.pop("id_number"))
        if "household" in changes:
            _check_household(community, changes["household"])
        for name, value in changes.items():
            setattr(locked, name, value.strip() if isinstance(value, str) else value)
        if locked.birth_date > timezone.localdate():
            raise DomainError(_("A birth date cannot be in the future."), field="birth_date")
        if locked.moved_out_on is not None and locked.birth_date > locked.moved_out_on:
            raise DomainError(_("The birth date is after the day this resident moved out."), field="birth_date")
        _check_dates(locked)
        _full_clean(locked)
        try:
            with transaction.atomic():
                locked.save()
        except IntegrityError:
            raise _duplicate_id_number() from None
        if tag_objects is not None:
            locked.tags.set(tag_objects)
        after = {
            **snapshot(locked),
            "tags": sorted(locked.tags.values_list("code", flat=True)),
            "changed": changed,
        }
        audit_record(actor=actor, action="resident.update", instance=locked, before=before, after=after)
    return locked


def resident_reveal_id_number(*, actor: Actor, resident: Resident, reason: str) -> str:
    """The full ID number, for roles allowed to see it. Every reveal is audited with its reason."""
    own = actor.is_authenticated and resident.user_id == actor.pk
    if not own and not rules.can_reveal_id_number(actor, resident.community):
        raise NotAllowed(_("You may not see full ID numbers."))
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Say why you need to see the full ID number."), field="reason")
    if len(reason) > 200:
        raise DomainError(_("Keep the reason under 200 characters."), field="reason")
    if not resident.id_number_encrypted:
        raise NotFound(_("No ID number is recorded for this resident."))
    with transaction.atomic():
        audit_record(actor=actor, action="resident.reveal_id_number", instance=resident, after={"reason": reason})
    return crypto.decrypt(resident.id_number_encrypted)


def resident_move_out(
    *, actor: Actor, resident: Resident, on: dt.date, reason: str, cancelled: list[str] | None = None
) -> Resident:
    """迁出: the resident stays on the register (household kept, for the record and for an undo) and loses the
    rights of a resident: every rule asks `linli.people.rules`, and their account's resident and volunteer roles in
    the community are taken back. Their account keeps its own history.

    What was booked ahead (facility bookings, meal orders, course places: each domain's hook in `..moving`) is
    cancelled through its own service and their family links end; one line per thing is added to `cancelled`."""
    now = timezone.now()
    lines: list[str] = []
    if not rules.can_edit_residents(actor, resident.community):
        raise NotAllowed(_("You may not change residents in this community."))
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Say why the resident moved out (e.g. moved to another city)."), field="reason")
    if len(reason) > 200:
        raise DomainError(_("Keep the reason under 200 characters."), field="reason")
    if on > timezone.localdate():
        raise DomainError(_("The moving-out date cannot be in the future."), field="moved_out_on")
    with transaction.atomic():
        locked = Resident.objects.select_for_update().get(pk=resident.pk)
        if locked.moved_out_on is not None:
            raise Conflict(_("This resident has already moved out."), code="already_moved_out")
        if on < locked.birth_date:
            raise DomainError(_("The moving-out date is before the resident was born."), field="moved_out_on")
        if locked.moved_in_on is not None and on < locked.moved_in_on:
            raise DomainError(_("The moving-out date is before the resident moved in."), field="moved_out_on")
        before = snapshot(locked)
        lines += moving.move_out_hooks_run(actor=actor, resident=locked, now=now)
        lines += _family_links_end(actor=actor, resident=locked, now=now)
        locked.moved_out_on = on
        locked.note = _note_with(locked.note, _("Moved out on %(day)s: %(reason)s") % {"day": on, "reason": reason})
        locked.save(update_fields=["moved_out_on", "note", "updated_at"])
        roles_removed: list[str] = []
        if locked.user_id is not None:
            held = RoleAssignment.objects.filter(
                user_id=locked.user_id, community=locked.community, role__in=RESIDENT_ROLES
            )
            roles_removed = sorted(held.values_list("role", flat=True))
            held.delete()
        audit_record(
            actor=actor,
            action="resident.move_out",
            instance=locked,
            before=before,
            after={**snapshot(locked), "reason": reason, "roles_removed": roles_removed, "cancelled": lines},
        )
    if cancelled is not None:
        cancelled += lines
    if locked.user is not None:
        people_rules.forget(locked.user)
        forget_access(locked.user)
    return locked


def _family_links_end(*, actor: Actor, resident: Resident, now: dt.datetime) -> list[str]:
    lines = []
    links = FamilyLink.objects.filter(Q(helper=resident) | Q(elder=resident), status__in=FamilyLink.OPEN)
    for link in links.select_related("helper", "elder").order_by("pk"):
        family_link_end(actor=actor, link=link, now=now)
        lines.append(
            _("Family link: %(helper)s helping %(elder)s") % {"helper": link.helper.name, "elder": link.elder.name}
        )
    return lines


def resident_move_back(*, actor: Actor, resident: Resident, reason: str = "") -> Resident:
    """Undo a move out recorded by mistake (or a resident who came back): a resident again, with their rights."""
    if not rules.can_edit_residents(actor, resident.community):
        raise NotAllowed(_("You may not change residents in this community."))
    with transaction.atomic():
        locked = Resident.objects.select_for_update().get(pk=resident.pk)
        if locked.moved_out_on is None:
            raise Conflict(_("This resident has not moved out."), code="not_moved_out")
        before = snapshot(locked)
        locked.moved_out_on = None
        if reason.strip():
            locked.note = _note_with(locked.note, _("Moved back: %(reason)s") % {"reason": reason.strip()})
        locked.save(update_fields=["moved_out_on", "note", "updated_at"])
        roles_back = _roles_removed_at_move_out(locked) if locked.user_id is not None else []
        for role in roles_back:
            RoleAssignment.objects.get_or_create(user_id=locked.user_id, community=locked.community, role=role)
        audit_record(
            actor=actor,
            action="resident.move_back",
            instance=locked,
            before=before,
            after={**snapshot(locked), "reason": reason.strip(), "roles_restored": roles_back},
        )
    if locked.user is not None:
        people_rules.forget(locked.user)
        forget_access(locked.user)
    return locked


def _roles_removed_at_move_out(resident: Resident) -> list[str]:
    last = (
        AuditEntry.objects.filter(
            action="resident.move_out", object_type=resident._meta.label_lower, object_id=str(resident.pk)
        )
        .order_by("-pk")
        .first()
    )
    roles = (last.after or {}).get("roles_removed", []) if last is not None else []
    return [r for r in roles if r in RESIDENT_ROLES]


def _note_with(note: str, line: str) -> str:
    """The note with a dated line added, cut to the field's length from the oldest end."""
    joined = f"{note}\n{line}".strip() if note else line
    return joined[-500:]
