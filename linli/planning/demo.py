"""Demo: idle spaces registered in 市北, a health check of the street at the end of each back-filled month (so that
the cockpit's past months have coverage figures), and a health check of each community and of the street now."""

import datetime as dt

from django.utils import timezone

from linli.core.demo import DemoContext
from linli.places.models import Building

from .catalogue import seed_planning_categories
from .execution import plan_run_execute
from .models import PlanRun
from .services import candidate_site_create, plan_run_request

BACK_FILLED_MONTHS = 3  # as many as the cockpit's demo fills before the current month
IDLE_SPACES = [("闲置厂房（原纺织车间）", 300), ("沿街底商（空置）", 120), ("小区架空层", 200), ("社区用房二楼", 160)]


def build(ctx: DemoContext) -> None:
    from linli.facilities.models import FacilityCategory

    seed_planning_categories(FacilityCategory)
    admin = ctx.users["community_admin"]
    shibei = ctx.communities[0]
    buildings = list(Building.objects.filter(community=shibei).order_by("pk"))
    for index, (name, area) in enumerate(IDLE_SPACES):
        building = buildings[(index * 37) % len(buildings)]
        candidate_site_create(
            actor=admin,
            community=shibei,
            name=name,
            building=building,
            floor_area_m2=area,
            kind="idle_space" if index != 1 else "ground_floor",
        )
    month_end = ctx.today.replace(day=1) - dt.timedelta(days=1)
    month_ends = []
    for _ in range(BACK_FILLED_MONTHS):
        month_ends.append(month_end)
        month_end = month_end.replace(day=1) - dt.timedelta(days=1)
    for day in reversed(month_ends):
        run = plan_run_request(actor=ctx.users["street_admin"], street=ctx.street, as_of=day)
        done = plan_run_execute(run_id=run.pk)
        # the street admin ran it that evening
        at = timezone.make_aware(dt.datetime.combine(day, dt.time(18)))
        PlanRun.objects.filter(pk=done.pk).update(created_at=at, started_at=at, finished_at=at)
        ctx.progress(f"  {done.scope_name} {day:%Y-%m}体检：{done.get_status_display()}")
    runs = [
        plan_run_request(actor=admin, community=shibei, siting_category="elderly_canteen", siting_k=2),
        plan_run_request(actor=ctx.users["limin_admin"], community=ctx.communities[1]),
        plan_run_request(actor=ctx.users["street_admin"], street=ctx.street, siting_category="childcare", siting_k=3),
    ]
    for run in runs:
        done = plan_run_execute(run_id=run.pk)
        scores = "，".join(f"{row['community']} {row['index']:.1f}" for row in (done.result or {}).get("index", []))
        ctx.progress(f"  {done.scope_name}体检：{done.get_status_display()}，设施供给指数 {scores}")
