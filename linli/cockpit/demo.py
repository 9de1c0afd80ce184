"""Demo: four months of monthly cockpit figures for every community, and a few values entered with evidence."""

import datetime as dt

from django.core.files.base import ContentFile

from linli.core.demo import DemoContext

from .framework import load_framework
from .models import Evidence, IndicatorEntry
from .services import month_start, snapshot_refresh

ENTERED = {
    "neighbourhood_events": (3, 6),
    "parking_per_household": (0.6, 0.9),
    "space_renewed_m2": (600, 1800),
    "jobs_supported": (12, 40),
}


def build(ctx: DemoContext) -> None:
    framework = load_framework()
    month = month_start(ctx.today)
    months = [month]
    for _ in range(3):
        months.append(month_start(months[-1] - dt.timedelta(days=1)))
    for community in ctx.communities:
        admin = ctx.users["community_admin"] if community == ctx.communities[0] else ctx.users["limin_admin"]
        for m in months:
            for code, (low, high) in ENTERED.items():
                value = round(ctx.random.uniform(low, high), 2)
                entry = IndicatorEntry.objects.create(
                    community=community, code=code, month=m, value=value, note="台账", entered_by=admin
                )
                Evidence.objects.create(
                    entry=entry,
                    file=ContentFile(
                        f"{community.name} {code} {m:%Y-%m}: {value}\n".encode(), name=f"{code}-{m:%Y%m}.txt"
                    ),
                )
        for m in reversed(months):
            snapshot_refresh(community=community, month=m, framework=framework)
        ctx.progress(f"  cockpit: {community.name}, {len(months)} months of figures")
