"""Background jobs of the reports domain."""

from django_tasks import task

from . import pending, services


@task()
def reports_tick() -> dict[str, int]:
    """Escalate overdue reports a level and close resolved ones nobody reopened in time (every few minutes); delete
    the photos kept for refused submits nobody came back to."""
    return {
        "escalated": services.reports_escalate_overdue(),
        "closed": services.reports_close_resolved(),
        "pending_photos_deleted": pending.pending_sweep(),
    }
