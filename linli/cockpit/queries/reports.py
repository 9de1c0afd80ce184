import datetime as dt
import statistics
from typing import Any

from linli.reports.models import Report

from .registry import figure, month_span, query

OPEN = (Report.Status.SUBMITTED, Report.Status.ACCEPTED, Report.Status.IN_PROGRESS)


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
    return {
        "open": qs.filter(status__in=OPEN).count(),
        "overdue": qs.filter(status__in=OPEN, overdue=True).count(),
        "submitted": qs.filter(created_at__gte=start, created_at__lt=end).count(),
        "resolved": len(resolved),
        "median_hours": round(statistics.median(hours), 1) if hours else None,
    }
