import datetime as dt

from django.utils import timezone
from django_tasks import task


@task()
def collect_yesterday() -> int:
    """Post yesterday's revenue of every community's spaces to its company account (idempotent per day)."""
    from linli.places.models import Community

    from .services import revenue_collect

    day = timezone.localdate() - dt.timedelta(days=1)
    for community in Community.objects.all():
        revenue_collect(community=community, day=day)
    return day.toordinal()
