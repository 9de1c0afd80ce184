from django_tasks import task


@task()
def refresh_snapshots() -> int:
    """Recompute this month's cockpit figures for every community, and store the closed months not yet stored
    since they ended (last month, and any the job missed while it was down) (scheduled)."""
    from .services import closed_months_refresh, snapshots_refresh_all

    return snapshots_refresh_all() + closed_months_refresh()
