"""Background jobs of the reports domain."""

from django_tasks import task

from . import services


@task()
def reports_tick() -> dict[str, int]:
    """Escalate overdue reports a level and close resolved ones nobody reopened in time (every few minutes)."""
    return {
        "escalated": services.reports_escalate_overdue(),
        "closed": services.reports_close_resolved(),
    }
