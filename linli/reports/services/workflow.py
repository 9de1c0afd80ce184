"""A report moves through its states: accept, start, resolve, reject, assign, note, reopen, rate, support."""

import datetime as dt
import logging
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, ForeignKey
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from linli.accounts.models import User
from linli.accounts.types import Actor, account_of
from linli.audit.services import audit_record, snapshot
from linli.core.errors import Conflict, DomainError, NotAllowed
from linli.places.models import Community

from .. import rules
from ..models import Report, ReportEvent, ReportSupport
from .notices import _status_label, _tell, _tell_followers, level_recipients

S = Report.Status


logger = logging.getLogger(__name__)


# --- moving through the states ---------------------------------------------------------------------------

ALLOWED: dict[str, tuple[str, ...]] = {
    S.ACCEPTED: (S.SUBMITTED,),
    S.IN_PROGRESS: (S.ACCEPTED,),
    S.RESOLVED: (S.ACCEPTED, S.IN_PROGRESS),
    S.REJECTED: (S.SUBMITTED, S.ACCEPTED),
    S.DUPLICATE: (S.SUBMITTED, S.ACCEPTED),
    S.CLOSED: (S.RESOLVED,),
}
KIND_OF: dict[str, str] = {
    S.ACCEPTED: ReportEvent.Kind.ACCEPTED,
    S.IN_PROGRESS: ReportEvent.Kind.STARTED,
    S.RESOLVED: ReportEvent.Kind.RESOLVED,
    S.REJECTED: ReportEvent.Kind.REJECTED,
    S.DUPLICATE: ReportEvent.Kind.DUPLICATE,
    S.CLOSED: ReportEvent.Kind.CLOSED,
}


def _locked(report: Report) -> Report:
    """The report's row locked and read again with its category; the other rows the caller already holds (the
    community, the grid and its steward, the reporter, the handler, the category's responsible party) are kept
    rather than read again when they are still the ones named, and the rest are read when needed. A join of them
    all costs more to build than it saves."""
    locked = Report.objects.select_for_update(of=("self",)).select_related("category").get(pk=report.pk)
    _keep(locked, report, ("community", "grid", "reporter", "assignee"))
    if Report._meta.get_field("category").is_cached(report):
        _keep(locked.category, report.category, ("responsible",))
    return locked


def _keep(fresh: Any, held: Any, names: Sequence[str]) -> None:
    """Give `fresh` the related rows `held` has loaded for `names`, where `fresh` names the same ones."""
    for name in names:
        field = fresh._meta.get_field(name)
        assert isinstance(field, ForeignKey)
        if field.is_cached(held):
            row = field.get_cached_value(held)
            if row is not None and row.pk == getattr(fresh, field.attname):
                field.set_cached_value(fresh, row)


def _event(
    report: Report,
    kind: str,
    *,
    actor: "Actor | None",
    now: dt.datetime,
    note: str = "",
    public: bool = True,
    from_status: str = "",
    to_status: str = "",
) -> ReportEvent:
    return ReportEvent.objects.create(
        report=report,
        community_id=report.community_id,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        actor=account_of(actor) if actor is not None and getattr(actor, "is_authenticated", False) else None,
        level=report.level,
        note=note,
        public=public,
        created_at=now,
    )


def _move(report: Report, to: str, *, actor: "Actor | None", note: str, now: dt.datetime, check: bool = True) -> Report:
    """One state change: lock, check, change, record the event and the audit row, tell the followers."""
    note = (note or "").strip()
    if len(note) > 2000:
        raise DomainError(_("The note may be at most 2,000 characters."), code="note_too_long", field="note")
    with transaction.atomic():
        report = _locked(report)
        if check and (actor is None or not rules.can_handle_report(actor, report)):
            raise NotAllowed(_("You may not handle this report."))
        return _moved(report, to, actor=actor, note=note, now=now)


def _moved(report: Report, to: str, *, actor: "Actor | None", note: str, now: dt.datetime) -> Report:
    """The state change of a report already locked in the caller's transaction (see `_move`)."""
    if report.status not in ALLOWED[to]:
        raise Conflict(
            _("A report that is “%(status)s” cannot become “%(to)s”.")
            % {"status": report.get_status_display(), "to": _status_label(to)},
            code="invalid_transition",
        )
    before = snapshot(report)
    previous = report.status
    report.status = to
    report.updated_at = now
    changed = ["status", "updated_at", "due_at", "status_notes"]
    limit = report.category.limit_for(to)
    if limit is not None:
        report.due_at = now + limit
    else:
        report.due_at = None
    if to == S.ACCEPTED:
        report.accepted_at = now
        responsible = report.category.responsible
        if responsible is not None and not rules.can_be_assigned_report(responsible, report.community):
            responsible = None  # named before the rule, or since lost the role: the one accepting keeps it
        report.assignee = responsible or (account_of(actor) if getattr(actor, "is_authenticated", False) else None)
        report.expected_at = now + dt.timedelta(
            hours=report.category.start_within_hours + report.category.resolve_within_hours
        )
        changed += ["accepted_at", "assignee", "expected_at"]
    if to == S.RESOLVED:
        report.resolved_at = now
        changed.append("resolved_at")
    if to in Report.FINISHED_STATUSES and previous not in Report.FINISHED_STATUSES:
        report.finished_at = now  # closing a resolved report keeps the moment it was finished
        changed.append("finished_at")
    if note:
        report.status_notes = note[:500]
    report.save(update_fields=changed)
    _event(report, KIND_OF[to], actor=actor, now=now, note=note, from_status=previous, to_status=to)
    audit_record(actor=actor, action=f"report.{to}", instance=report, before=before, after=snapshot(report))
    _tell_followers(report, note=note, actor=actor)
    if to == S.ACCEPTED:
        report_confirmed_award_points(report=report, actor=actor, now=now)
        if report.assignee is not None and report.assignee.pk != getattr(actor, "pk", None):
            with translation.override(report.assignee.language or settings.LANGUAGE_CODE):
                _tell(report.assignee, report, _("Report #%(id)s is yours to fix") % {"id": report.pk}, note, sms=True)
    return report


def report_confirmed_award_points(*, report: Report, actor: "Actor | None", now: dt.datetime | None = None) -> None:
    """A confirmed report earns its reporter points through the community's earning rule, once, on the day it is
    confirmed (`now`).

    Called inside the accepting transaction. Guests (no resident profile in this community) earn nothing;
    a rule the community switched off earns nothing either, and is logged."""
    from linli.ledger.services import points_earn
    from linli.people.models import Resident
    from linli.people.rules import current

    resident = (
        Resident.objects.filter(current(), user_id=report.reporter_id, community=report.community).first()
        if report.reporter_id
        else None
    )
    if resident is None:
        return
    try:
        points_earn(
            community=report.community,
            resident=resident,
            rule_code="report_confirmed",
            quantity=1,
            idempotency_key=f"report:{report.pk}:confirmed",
            actor=actor,
            memo=f"#{report.pk}",
            now=now,
        )
    except DomainError as exc:
        if exc.code != "rule_disabled":
            raise
        logger.info("no points for report %s: the rule is switched off", report.pk)


def report_accept(*, actor: Actor, report: Report, note: str = "", now: dt.datetime | None = None) -> Report:
    return _move(report, S.ACCEPTED, actor=actor, note=note, now=now or timezone.now())


def report_start(*, actor: Actor, report: Report, note: str = "", now: dt.datetime | None = None) -> Report:
    return _move(report, S.IN_PROGRESS, actor=actor, note=note, now=now or timezone.now())


def report_resolve(*, actor: Actor, report: Report, note: str, now: dt.datetime | None = None) -> Report:
    if not (note or "").strip():
        raise DomainError(_("Tell the reporter what was done."), code="missing_note", field="note")
    return _move(report, S.RESOLVED, actor=actor, note=note, now=now or timezone.now())


def report_reject(*, actor: Actor, report: Report, note: str, now: dt.datetime | None = None) -> Report:
    if not (note or "").strip():
        raise DomainError(_("Tell the reporter why."), code="missing_note", field="note")
    return _move(report, S.REJECTED, actor=actor, note=note, now=now or timezone.now())


def report_mark_duplicate(
    *, actor: Actor, report: Report, original: Report, note: str = "", now: dt.datetime | None = None
) -> Report:
    """A duplicate is closed; its reporter becomes a supporter of the original and hears about it from then on."""
    now = now or timezone.now()
    if original.pk == report.pk or original.community_id != report.community_id or not original.is_open:
        raise DomainError(_("Choose another open report of this community."), code="invalid_original", field="original")
    with transaction.atomic():
        note = note or _("The same problem is already reported as #%(id)s.") % {"id": original.pk}
        report = _move(report, S.DUPLICATE, actor=actor, note=note, now=now)
        report.duplicate_of = original
        report.save(update_fields=["duplicate_of"])
        if report.reporter is not None and report.reporter_id != original.reporter_id:
            _support(original, report.reporter, now=now)
    return report


def report_close(*, actor: Actor, report: Report, note: str = "", now: dt.datetime | None = None) -> Report:
    return _move(report, S.CLOSED, actor=actor, note=note, now=now or timezone.now())


def report_assign(
    *, actor: Actor, report: Report, assignee: User, note: str = "", now: dt.datetime | None = None
) -> Report:
    now = now or timezone.now()
    with transaction.atomic():
        report = _locked(report)
        if not (rules.can_assign_reports(actor, report.community) or rules.can_handle_report(actor, report)):
            raise NotAllowed(_("You may not assign this report."))
        if not rules.can_be_assigned_report(assignee, report.community):
            raise DomainError(
                _("Assign to someone who works in this community."), code="invalid_assignee", field="assignee"
            )
        if not report.is_open:
            raise Conflict(_("Only open reports can be assigned."), code="invalid_transition")
        before = snapshot(report)
        report.assignee = assignee
        report.updated_at = now
        report.save(update_fields=["assignee", "updated_at"])
        _event(report, ReportEvent.Kind.ASSIGNED, actor=actor, now=now, note=note, public=False)
        audit_record(actor=actor, action="report.assign", instance=report, before=before, after=snapshot(report))
        if assignee.pk != getattr(actor, "pk", None):
            with translation.override(assignee.language or settings.LANGUAGE_CODE):
                _tell(assignee, report, _("Report #%(id)s is yours to fix") % {"id": report.pk}, note, sms=True)
    return report


def reports_assign_bulk(
    *, actor: Actor, community: Community, report_ids: Sequence[int], assignee: User, now: dt.datetime | None = None
) -> int:
    """Assign many open reports at once, locked in primary-key order; all or none."""
    if not rules.can_assign_reports(actor, community):
        raise NotAllowed(_("You may not assign reports."))
    now = now or timezone.now()
    with transaction.atomic():
        reports = list(
            Report.objects.select_for_update(of=("self",))
            .filter(community=community, pk__in=list(report_ids))
            .order_by("pk")
        )
        if len(reports) != len(set(report_ids)):
            raise DomainError(_("Some of the reports are not in this community."), code="unknown_report")
        for report in reports:
            report_assign(actor=actor, report=report, assignee=assignee, now=now)
    return len(reports)


def report_add_note(
    *, actor: Actor, report: Report, note: str, public: bool, now: dt.datetime | None = None
) -> ReportEvent:
    now = now or timezone.now()
    note = (note or "").strip()
    if not note:
        raise DomainError(_("Write a note."), code="missing_note", field="note")
    if len(note) > 2000:
        raise DomainError(_("The note may be at most 2,000 characters."), code="note_too_long", field="note")
    with transaction.atomic():
        report = _locked(report)
        if not rules.can_handle_report(actor, report):
            raise NotAllowed(_("You may not handle this report."))
        report.updated_at = now
        fields = ["updated_at"]
        if public:
            report.status_notes = note[:500]
            fields.append("status_notes")
        report.save(update_fields=fields)
        event = _event(report, ReportEvent.Kind.NOTE, actor=actor, now=now, note=note, public=public)
        audit_record(actor=actor, action="report.note", instance=report, after={"note": note, "public": public})
    return event


def report_reopen(*, actor: Actor, report: Report, note: str, now: dt.datetime | None = None) -> Report:
    """The reporter reopens a resolved, closed or rejected report within the category's period."""
    now = now or timezone.now()
    note = (note or "").strip()
    if not note:
        raise DomainError(_("Say what is still wrong."), code="missing_note", field="note")
    with transaction.atomic():
        report = _locked(report)
        if not rules.can_reopen_report(actor, report):
            raise NotAllowed(_("Only the reporter may reopen a report."))
        if not report.can_reopen(now):
            raise Conflict(_("This report can no longer be reopened."), code="reopen_closed")
        before = snapshot(report)
        previous = report.status
        to = S.ACCEPTED if report.accepted_at else S.SUBMITTED
        report.status = to
        report.reopen_count = F("reopen_count") + 1
        report.resolved_at = None
        report.finished_at = None
        report.rating = None
        report.rating_comment = ""
        report.status_notes = note[:500]
        report.updated_at = now
        limit = report.category.limit_for(to)
        report.due_at = now + limit if limit else None
        report.save(
            update_fields=[
                "status",
                "reopen_count",
                "resolved_at",
                "finished_at",
                "rating",
                "rating_comment",
                "status_notes",
                "updated_at",
                "due_at",
            ]
        )
        report.refresh_from_db(fields=["reopen_count"])
        _event(report, ReportEvent.Kind.REOPENED, actor=actor, now=now, note=note, from_status=previous, to_status=to)
        audit_record(actor=actor, action="report.reopen", instance=report, before=before, after=snapshot(report))
        handlers = (
            [report.assignee] if report.assignee_id and report.assignee else level_recipients(report, report.level)
        )
        for user in handlers:
            with translation.override(user.language or settings.LANGUAGE_CODE):
                _tell(user, report, _("Report #%(id)s was reopened") % {"id": report.pk}, note, sms=True)
        _tell_followers(report, note=note, actor=actor)
    return report


def report_rate(
    *, actor: Actor, report: Report, rating: int, comment: str = "", now: dt.datetime | None = None
) -> Report:
    """The reporter rates the resolution (1–5); rating a resolved report closes it."""
    now = now or timezone.now()
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise DomainError(_("Rate from 1 to 5."), code="invalid_rating", field="rating")
    comment = (comment or "").strip()[:500]
    with transaction.atomic():
        report = _locked(report)
        if not rules.can_rate_report(actor, report):
            raise NotAllowed(_("Only the reporter may rate a report."))
        if not report.can_rate():
            raise Conflict(_("This report cannot be rated now."), code="cannot_rate")
        before = snapshot(report)
        report.rating = rating
        report.rating_comment = comment
        report.updated_at = now
        report.save(update_fields=["rating", "rating_comment", "updated_at"])
        _event(report, ReportEvent.Kind.RATED, actor=actor, now=now, note=comment)
        audit_record(actor=actor, action="report.rate", instance=report, before=before, after=snapshot(report))
        if report.status == S.RESOLVED:
            report = _moved(report, S.CLOSED, actor=actor, note="", now=now)
        if report.assignee_id and report.assignee:
            with translation.override(report.assignee.language or settings.LANGUAGE_CODE):
                _tell(
                    report.assignee,
                    report,
                    _("Report #%(id)s was rated %(n)s/5") % {"id": report.pk, "n": rating},
                    comment,
                )
    return report


def _support(report: Report, user: User, *, now: dt.datetime) -> bool:
    _, created = ReportSupport.objects.get_or_create(report=report, user=user, defaults={"created_at": now})
    if created:
        Report.objects.filter(pk=report.pk).update(supporters_count=F("supporters_count") + 1)
        _event(report, ReportEvent.Kind.SUPPORTED, actor=user, now=now, public=False)
    return created


def report_support(*, actor: Actor, report: Report, now: dt.datetime | None = None) -> bool:
    """Support an open report ("me too") instead of duplicating it. Idempotent."""
    now = now or timezone.now()
    with transaction.atomic():
        report = _locked(report)
        if not rules.can_support_report(actor, report):
            raise NotAllowed(_("You may not support this report."))
        if not report.is_open:
            raise Conflict(_("Only open reports can be supported."), code="not_open")
        created = _support(report, account_of(actor), now=now)
        if created:
            audit_record(actor=actor, action="report.support", instance=report, after={"supporter": actor.pk})
    return created
