"""Background jobs of the ledger."""

from django.utils import timezone
from django_tasks import task

from linli.places.models import Community

from . import services


@task()
def points_expiry_daily() -> dict[str, int]:
    """Send expiry notices when due, and expire last year's points once the year has turned. Idempotent."""
    now = timezone.now()
    notified = expired = 0
    for community in Community.objects.all():
        notified += services.points_expiry_notify(community=community, now=now)
        expired += services.points_expire(community=community, year=timezone.localtime(now).year - 1, now=now).points
    return {"notified": notified, "expired": expired}
