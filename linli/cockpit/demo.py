"""Demo: four months of monthly cockpit figures for every community, and the values staff enter by hand, each with
its 台账 (a workbook) attached, through the cockpit's entry service as the form does: the neighbourhood events of
each month gone by, the jobs the community helped people into this year (as counted in the oldest month and again
last month), and, once, the parking spaces and the space renewed this year. An entered value stands until a newer
one replaces it."""

import datetime as dt
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from linli.core.demo import DemoContext
from linli.core.exports import append_row
from linli.facilities.models import Facility
from linli.places.models import Household

from .framework import load_framework
from .services import indicator_entry_create, month_start, snapshot_refresh

WORKBOOK = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Per community: events a month (lowest, highest); jobs this year by the oldest month (lowest, highest) and those
# added by last month (lowest, highest); parking spaces (own, and shared at night by partner units); the spaces of
# the register renewed from existing buildings this year.
LEDGERS = {
    "shibei": ((5, 9), (28, 33), (5, 9), (3380, 420), ("XS-C3", "XS-C4")),
    "limin": ((3, 6), (14, 18), (4, 8), (1070, 0), ("LM-CENTRE",)),
}


def _ledger(community: str, indicator: str, month: dt.date, value: float, note: str) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.title = "台账"
    append_row(sheet, ["社区", "指标", "月份", "数值", "说明"])
    append_row(sheet, [community, indicator, f"{month:%Y-%m}", value, note])
    out = BytesIO()
    book.save(out)
    # named as the staff would name it: the community, the indicator, the month
    return SimpleUploadedFile(f"{community}{indicator}台账-{month:%Y%m}.xlsx", out.getvalue(), content_type=WORKBOOK)


def build(ctx: DemoContext) -> None:
    framework = load_framework()
    month = month_start(ctx.today)
    months = [month]
    for _ in range(3):
        months.append(month_start(months[-1] - dt.timedelta(days=1)))
    months.reverse()  # oldest first
    for community in ctx.communities:
        admin = ctx.users["community_admin"] if community == ctx.communities[0] else ctx.users["limin_admin"]
        events, jobs_first, jobs_added, (own, shared), renewed = LEDGERS.get(community.code, LEDGERS["limin"])
        households = Household.objects.filter(community=community).count()
        jobs = ctx.random.randint(*jobs_first)
        spaces = list(
            Facility.objects.filter(community=community, code__in=renewed).values_list("name", "floor_area_m2")
        )
        values: list[tuple[dt.date, str, float, str]] = [
            (
                months[0],
                "parking_per_household",
                round((own + shared) / households, 2),
                f"车位 {own} 个，共享 {shared} 个",
            ),
            (months[0], "space_renewed_m2", float(sum(a or 0 for _n, a in spaces)), "、".join(n for n, _a in spaces)),
            (months[0], "jobs_supported", jobs, "本年累计"),
        ]
        for m in months[:-1]:  # the months gone by
            values.append((m, "neighbourhood_events", ctx.random.randint(*events), "邻里活动签到表"))
        values.append((months[-2], "jobs_supported", jobs + ctx.random.randint(*jobs_added), "本年累计"))
        for m, code, value, note in sorted(values, key=lambda row: row[0]):
            indicator_entry_create(
                actor=admin,
                community=community,
                code=code,
                month=m,
                value=value,
                note=note,
                files=[_ledger(community.name, framework.get(code).name_zh, m, value, note)],
            )
        # a month with entries is computed again when they are saved; the others now
        entered = {m for m, *_rest in values}
        for m in months:
            if m not in entered:
                snapshot_refresh(community=community, month=m, framework=framework)
        ctx.progress(f"  cockpit: {community.name}, {len(months)} months of figures, {len(values)} values entered")
