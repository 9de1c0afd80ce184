"""Writing care records: cadences, visits, a need turned into a report or a referral, and the audit of reads.

Audit rows name the resident and visit by number and carry no condition, needs or notes."""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings as django_settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.accounts.models import Role
from linli.accounts.types import Actor, account_of
from linli.audit.services import audit_record
from linli.core.errors import Conflict, DomainError, NotAllowed, NotFound
from linli.notifications.services import notify
from linli.people.models import Resident, SensitiveTag
from linli.places.models import Community
from linli.reports.models import Category, Report
from linli.reports.services import report_submit

from . import rules, selectors
from .models import CADENCE_MAX_DAYS, Cadence, Condition, Need, Referral, Visit, VisitKind

NOTE_MAX = 1000
RECORD_WITHIN_DAYS = 31  # a visit may be recorded up to a month after it happened
FUTURE_SLACK = dt.timedelta(minutes=5)


def _note(text: str, *, field: str, missing: str | None = None) -> str:
    """The text without its outer spaces; refused when longer than NOTE_MAX, or (given `missing`, what to say)
    when shorter than two characters."""
    text = (text or "").strip()
    if missing is not None and len(text) < 2:
        raise DomainError(missing, field=field)
    if len(text) > NOTE_MAX:
        raise DomainError(_("Keep the note to %(n)s characters.") % {"n": NOTE_MAX}, field=field)
    return text


def cadence_set(*, actor: Actor, community: Community, tag: SensitiveTag, every_days: int) -> Cadence:
    """Visit residents with this tag every N days (1–366). Setting it again changes it."""
    if not rules.can_set_cadence(actor, community):
        raise NotAllowed(_("Only the community admin may set how often residents are visited."))
    if not isinstance(every_days, int) or not 1 <= every_days <= CADENCE_MAX_DAYS:
        raise DomainError(_("Enter a number of days from 1 to %(n)s.") % {"n": CADENCE_MAX_DAYS}, field="every_days")
    with transaction.atomic():
        existing = Cadence.objects.select_for_update().filter(community=community, tag=tag).first()
        before = {"every_days": existing.every_days} if existing else None
        cadence, _created = Cadence.objects.update_or_create(
            community=community,
            tag=tag,
            defaults={"every_days": every_days, "updated_by": actor, "updated_at": timezone.now()},
        )
        audit_record(
            actor=actor,
            action="care.cadence_set",
            instance=cadence,
            before=before,
            after={"tag": tag.code, "every_days": every_days},
        )
    return cadence


def cadence_remove(*, actor: Actor, community: Community, tag: SensitiveTag) -> None:
    """Stop visiting residents for this tag; their past visits stay."""
    if not rules.can_set_cadence(actor, community):
        raise NotAllowed(_("Only the community admin may set how often residents are visited."))
    with transaction.atomic():
        cadence = Cadence.objects.select_for_update().filter(community=community, tag=tag).first()
        if cadence is None:
            raise NotFound(_("This tag has no visit cadence."))
        audit_record(
            actor=actor,
            action="care.cadence_remove",
            instance=cadence,
            before={"tag": tag.code, "every_days": cadence.every_days},
        )
        cadence.delete()


def _clean_visit(
    *,
    resident: Resident,
    visited_at: dt.datetime,
    kind: str,
    seen: bool,
    condition: str,
    needs: Iterable[str],
    note: str,
    now: dt.datetime,
    listed: bool = False,
) -> tuple[str, list[str], str]:
    if not listed and selectors.on_care_list(resident=resident) is None:
        raise DomainError(_("This resident is not on the care list."), field="resident")
    if kind not in VisitKind.values:
        raise DomainError(_("Choose a home visit or a phone call."), field="kind")
    if visited_at > now + FUTURE_SLACK:
        raise DomainError(_("A visit cannot be in the future."), field="visited_at")
    if visited_at < now - dt.timedelta(days=RECORD_WITHIN_DAYS):
        raise DomainError(_("Record a visit within %(n)s days of it.") % {"n": RECORD_WITHIN_DAYS}, field="visited_at")
    condition = condition or ""
    if condition and condition not in Condition.values:
        raise DomainError(_("Choose how the resident is."), field="condition")
    if seen and not condition:
        raise DomainError(_("Say how the resident is."), field="condition")
    codes = list(dict.fromkeys(needs))
    if any(code not in Need.values for code in codes):
        raise DomainError(_("Choose the needs from the list."), field="needs")
    return condition, codes, _note(note, field="note")


def visit_record(
    *,
    actor: Actor,
    resident: Resident,
    visited_at: dt.datetime | None = None,
    kind: str = VisitKind.HOME,
    seen: bool = True,
    condition: str = "",
    needs: Iterable[str] = (),
    note: str = "",
    now: dt.datetime | None = None,
) -> Visit:
    """Record a visit or a call: by the resident's grid steward, a social worker or a community admin.

    A visit that did not see or reach the resident is kept, but the resident stays due."""
    now = now or timezone.now()
    visited_at = visited_at or now
    if not rules.can_record_visit(actor, resident):
        raise NotFound(_("No such resident on the care list."))
    condition, codes, note = _clean_visit(
        resident=resident,
        visited_at=visited_at,
        kind=kind,
        seen=seen,
        condition=condition,
        needs=needs,
        note=note,
        now=now,
    )
    with transaction.atomic():
        visit = Visit.objects.create(
            community_id=resident.community_id,
            resident=resident,
            visited_by=account_of(actor),
            visited_at=visited_at,
            kind=kind,
            seen=seen,
            condition=condition,
            needs=codes,
            note=note,
            created_at=now,
        )
        audit_record(
            actor=actor,
            action="care.visit_record",
            instance=visit,
            community=resident.community,
            after={"resident": resident.pk, "kind": kind, "seen": seen},
        )
        if condition == Condition.URGENT:
            _tell_caseworkers(
                resident.community, gettext_lazy("Care visit #%(n)s found an urgent situation"), visit, exclude=actor
            )
    return visit


MAX_ROUND = 100


def visits_record_many(*, actor: Actor, visits: Iterable[dict[str, Any]], now: dt.datetime | None = None) -> int:
    """Many visits at once, all or none, with one audit row naming the residents. With `now` (a steward's round on
    the phone, the API) each is checked as `visit_record` checks it at that time, at most 100; without (the demo,
    an import by a social worker) each as if recorded on the day it happened, and `visited_by` may name the steward
    who made the visit. The actor must be allowed to record for every resident."""
    visits = list(visits)
    if not visits:
        raise DomainError(_("Choose at least one resident."), field="residents", code="none_chosen")
    if now is not None and len(visits) > MAX_ROUND:
        raise DomainError(
            _("Record at most %(n)s visits at once.") % {"n": MAX_ROUND}, field="residents", code="too_many"
        )
    if now is not None and len({item["resident"].pk for item in visits}) != len(visits):
        raise DomainError(_("Each resident once, please."), field="residents", code="duplicate")
    rows = []
    allowed: dict[int, bool] = {}
    for item in visits:
        resident = item["resident"]
        at = item["visited_at"]
        if resident.pk not in allowed:
            allowed[resident.pk] = rules.can_record_visit(actor, resident)
        if not allowed[resident.pk]:
            raise NotFound(_("No such resident on the care list."))
        kind, seen = item.get("kind", VisitKind.HOME), item.get("seen", True)
        condition, codes, note = _clean_visit(
            resident=resident,
            visited_at=at,
            kind=kind,
            seen=seen,
            condition=item.get("condition", ""),
            needs=item.get("needs", ()),
            note=item.get("note", ""),
            now=now or at,
            listed=True,
        )
        rows.append(
            Visit(
                community_id=resident.community_id,
                resident=resident,
                visited_by=item.get("visited_by", account_of(actor)) if now is None else account_of(actor),
                visited_at=at,
                kind=kind,
                seen=seen,
                condition=condition,
                needs=codes,
                note=note,
                created_at=at,
            )
        )
    on_list = {r.pk for r in _residents_of(rows) if selectors.on_care_list(resident=r) is not None}
    if any(row.resident_id not in on_list for row in rows):
        raise DomainError(_("This resident is not on the care list."), field="resident")
    with transaction.atomic():
        Visit.objects.bulk_create(rows, batch_size=1000)
        audit_record(
            actor=actor,
            action="care.visits_import" if now is None else "care.visits_round",
            object_type="care.visit",
            after={"count": len(rows), "residents": sorted({row.resident_id for row in rows})},
        )
    return len(rows)


def _residents_of(rows: list[Visit]) -> list[Resident]:
    return list({row.resident_id: row.resident for row in rows}.values())


def _tell_caseworkers(community: Community, title: Any, visit: Visit, *, exclude: Any = None) -> None:
    """Notifications carry the visit number only (they may show on a lock screen)."""
    url = reverse("care:resident", args=[community.code, visit.resident_id])
    assignments = community.role_assignments.filter(role__in=[Role.SOCIAL_WORKER, Role.COMMUNITY_ADMIN])
    seen: set[int] = set()
    for assignment in assignments.select_related("user"):
        user = assignment.user
        if user.pk in seen or (exclude is not None and user.pk == exclude.pk):
            continue
        seen.add(user.pk)
        with translation.override(user.language or django_settings.LANGUAGE_CODE):
            text = str(title) % {"n": visit.pk}
        notify(user=user, title=text, url=url, community=community)


def visit_report(
    *, actor: Actor, visit: Visit, category: Category, description: str, now: dt.datetime | None = None
) -> Report:
    """Turn a need found on a visit into a report (报事) at the resident's building, made by the visitor on the
    resident's behalf. The description is the visitor's words: it should not say why the resident is visited."""
    if not rules.can_follow_up_visit(actor, visit):
        raise NotFound(_("No such care visit."))
    if visit.report_id is not None:
        raise Conflict(_("A report was already made from this visit."))
    household = visit.resident.household
    building = household.building if household is not None else None
    with transaction.atomic():
        report = report_submit(
            actor=actor,
            community=visit.community,
            category=category,
            description=description,
            building=building,
            address="" if building is not None else visit.community.name,
            now=now,
        )
        locked = Visit.objects.select_for_update().get(pk=visit.pk)
        if locked.report_id is not None:
            raise Conflict(_("A report was already made from this visit."))
        locked.report = report
        locked.save(update_fields=["report"])
        visit.report = report
        audit_record(
            actor=actor,
            action="care.visit_report",
            instance=locked,
            community=visit.community,
            after={"report": report.pk},
        )
    return report


def referral_create(*, actor: Actor, visit: Visit, text: str, now: dt.datetime | None = None) -> Referral:
    """Pass a need found on a visit to the community's social workers."""
    if not rules.can_follow_up_visit(actor, visit):
        raise NotFound(_("No such care visit."))
    text = _note(text, field="text", missing=_("Say what the resident needs."))
    with transaction.atomic():
        referral = Referral.objects.create(
            community=visit.community,
            visit=visit,
            resident=visit.resident,
            text=text,
            referred_by=account_of(actor),
            referred_at=now or timezone.now(),
        )
        audit_record(
            actor=actor,
            action="care.referral_create",
            instance=referral,
            community=visit.community,
            after={"visit": visit.pk, "resident": visit.resident_id},
        )
        _tell_caseworkers(
            visit.community, gettext_lazy("Care visit #%(n)s: a need is referred to you"), visit, exclude=actor
        )
    return referral


def referral_close(*, actor: Actor, referral: Referral, outcome: str, now: dt.datetime | None = None) -> Referral:
    """A social worker records what was done."""
    if not rules.can_handle_referrals(actor, referral.community):
        raise NotAllowed(_("Only social workers and community admins handle referrals."))
    outcome = _note(outcome, field="outcome", missing=_("Say what was done."))
    with transaction.atomic():
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        if locked.status == Referral.Status.DONE:
            raise Conflict(_("This referral is already done."))
        locked.status = Referral.Status.DONE
        locked.outcome = outcome
        locked.done_by = account_of(actor)
        locked.done_at = now or timezone.now()
        locked.save(update_fields=["status", "outcome", "done_by", "done_at"])
        audit_record(actor=actor, action="care.referral_close", instance=locked, community=locked.community)
    return locked


def care_record_viewed(*, actor: Actor, resident: Resident, visit: Visit | None = None, via: str = "web") -> None:
    """Audit a read of a resident's care records (their history, or one visit)."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="care.visit.read",
            object_type="care.visit" if visit is not None else "people.resident",
            object_id=str(visit.pk if visit is not None else resident.pk),
            community=resident.community,
            after={"resident": resident.pk},
            via=via,
        )
