import datetime as dt
from typing import Any

from linli.consultation.models import Matter, Meeting

from .registry import figure, month_span, query


@query("matters_settled")
def matters_settled(community: Any, month: dt.date) -> float:
    """Matters whose decisions were carried out in the month (督办 finished)."""
    start, end = month_span(month)
    return Matter.objects.filter(community=community, done_at__gte=start, done_at__lt=end).count()


@figure("consultation")
def consultation(community: Any, month: dt.date) -> dict[str, int]:
    start, end = month_span(month)
    return {
        "matters_raised": Matter.objects.filter(community=community, raised_at__gte=start, raised_at__lt=end).count(),
        "matters_settled": Matter.objects.filter(community=community, done_at__gte=start, done_at__lt=end).count(),
        "meetings_held": Meeting.objects.filter(community=community, held_at__gte=start, held_at__lt=end).count(),
    }
