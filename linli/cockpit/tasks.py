from django_tasks import task


@task()
def refresh_snapshots() -> int:
    """Recompute this month's cockpit figures for every community, and last month's once more where they were
    computed before it ended (scheduled)."""
    from .services import closed_months_refresh, snapshots_refresh_all

    return snapshots_refresh_all() + closed_months_refresh()
