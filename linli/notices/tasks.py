"""Background jobs of notices."""

from django_tasks import task

from . import services


@task()
def notices_tick() -> dict[str, int]:
    """Publish scheduled notices that are due, and send the day-late SMS of ordinary ones (every few minutes)."""
    return services.notices_tick()
