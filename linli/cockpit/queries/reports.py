import datetime as dt
import statistics
from typing import Any

from django.db.models import Q, QuerySet

from linli.reports.models import Report

from .registry import figure, month_span, query


def open_at(community: Any, end: dt.datetime) -> QuerySet[Report]:
    """Reports still open at `end`: made before it, not finished by then (a past month reads as it was, not as
    today's statuses; a report reopened later counts as open from its first finish)."""
    return Report.objects.filter(Q(finished_at__isnull=True) | Q(finished_at__gte=end), community=community).filter(
        created_at__lt=end
    )


@query("reports_resolved_in_time")
def reports_resolved_in_time(community: Any, month: dt.date) -> float | None:
    """Percent of the reports resolved in the month that never missed a time limit."""
    start, end = month_span(month)
    resolved = Report.objects.filter(community=community, resolved_at__gte=start, resolved_at__lt=end)
    total = resolved.count()
    return 100 * resolved.filter(overdue=False).count() / total if total else None


@figure("reports")
def reports(community: Any, month: dt.date) -> dict[str, float | int | None]:
    start, end = month_span(month)
    qs = Report.objects.filter(community=community)
    resolved = list(qs.filter(resolved_at__gte=start, resolved_at__lt=end).values_list("created_at", "resolved_at"))
    hours = [(r - c).total_seconds() / 3600 for c, r in resolved if c and r]
    still_open = open_at(community, end)
    return {
        "open": still_open.count(),
        "overdue": still_open.filter(Q(due_at__isnull=True) | Q(due_at__lt=end), overdue=True).count(),
        "submitted": qs.filter(created_at__gte=start, created_at__lt=end).count(),
        "resolved": len(resolved),
        "median_hours": round(statistics.median(hours), 1) if hours else None,
    }
