from django_tasks import task


@task()
def refresh_snapshots() -> int:
    """Recompute this month's cockpit figures for every community (scheduled)."""
    from .services import snapshots_refresh_all

    return snapshots_refresh_all()
