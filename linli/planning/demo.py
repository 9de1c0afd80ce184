"""Demo: idle spaces registered in 市北, and a health check of each community and of the street, computed now."""

from linli.core.demo import DemoContext
from linli.places.models import Building

from .catalogue import seed_planning_categories
from .execution import plan_run_execute
from .services import candidate_site_create, plan_run_request

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
    runs = [
        plan_run_request(actor=admin, community=shibei, siting_category="elderly_canteen", siting_k=2),
        plan_run_request(actor=ctx.users["limin_admin"], community=ctx.communities[1]),
        plan_run_request(actor=ctx.users["street_admin"], street=ctx.street, siting_category="childcare", siting_k=3),
    ]
    for run in runs:
        done = plan_run_execute(run_id=run.pk)
        scores = "，".join(f"{row['community']} {row['index']:.1f}" for row in (done.result or {}).get("index", []))
        ctx.progress(f"  {done.scope_name}体检：{done.get_status_display()}，设施供给指数 {scores}")
