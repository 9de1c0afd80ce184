"""The clock: overdue reports escalate a level, resolved ones close after the waiting time."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from linli.audit.services import audit_record, save_audited, snapshot
from linli.places.models import Community

from ..models import Category, Level, Report, ReportEvent
from .notices import _tell_level
from .workflow import _event, _move

S = Report.Status


# --- the clock: escalation and closing -------------------------------------------------------------------


def reports_escalate_overdue(*, now: dt.datetime | None = None) -> int:
    """Open reports past their state's time limit climb a level (steward → community → street) and notify it."""
    now = now or timezone.now()
    count = 0
    due = list(
        Report.objects.filter(status__in=Report.OPEN_STATUSES, due_at__lte=now)
        .order_by("pk")
        .values_list("pk", "community_id", "category_id")
    )
    # each community and category read once for all its due reports, not joined to every locked row
    communities = Community.objects.in_bulk({community for _pk, community, _category in due})
    categories = Category.objects.in_bulk({category for _pk, _community, category in due})
    for pk, community_id, category_id in due:
        with transaction.atomic():
            report = (
                Report.objects.select_for_update(of=("self",))
                .filter(pk=pk, status__in=Report.OPEN_STATUSES, due_at__lte=now)
                .first()
            )
            if report is None:
                continue
            if report.community_id == community_id and report.category_id == category_id:
                report.community, report.category = communities[community_id], categories[category_id]
            before = snapshot(report)
            report.overdue = True
            report.updated_at = now
            if report.level >= Level.STREET:
                report.due_at = None
                save_audited(
                    actor=None,
                    action="report.overdue",
                    instance=report,
                    before=before,
                    update_fields=["overdue", "due_at", "updated_at"],
                )
                continue
            report.level = report.level + 1
            limit = report.category.limit_for(report.status)
            report.due_at = now + limit if limit else None
            report.save(update_fields=["overdue", "level", "due_at", "updated_at"])
            with translation.override(settings.LANGUAGE_CODE):
                note = _("Not handled in time: passed to the %(level)s level.") % {"level": Level(report.level).label}
            _event(report, ReportEvent.Kind.ESCALATED, actor=None, now=now, note=note)
            audit_record(actor=None, action="report.escalate", instance=report, before=before, after=snapshot(report))
            _tell_level(report, report.level, note)
            count += 1
    return count


def reports_close_resolved(*, now: dt.datetime | None = None) -> int:
    """Resolved reports that the reporter neither rated nor reopened in time are closed."""
    now = now or timezone.now()
    count = 0
    ended = Q(pk__in=[])
    for days in Category.objects.order_by().values_list("reopen_within_days", flat=True).distinct():
        ended |= Q(category__reopen_within_days=days, finished_at__lt=now - dt.timedelta(days=days))
    candidates = Report.objects.filter(ended, status=S.RESOLVED).select_related("community", "category").order_by("pk")
    for report in candidates:
        deadline = report.reopen_deadline()
        if deadline is not None and deadline < now:
            with translation.override(settings.LANGUAGE_CODE):
                note = _("Closed: nobody reopened it in time.")
            _move(report, S.CLOSED, actor=None, note=note, now=now, check=False)
            count += 1
    return count
