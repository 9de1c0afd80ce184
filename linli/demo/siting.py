"""Where the demo's facilities stand: on the community's own buildings, chosen by the planning engine's coverage
search on the walking network, so that the health check afterwards measures a placement a planner would make.

Runs after the register of residents and before the facilities step, which reads `ctx.extra["sites"]`
(facility code -> building id). Each category is placed in turn: its facilities go, one by one, to the residential
building that brings the most not-yet-reached residents of the category's age group within its walking radius
(greedy maximal coverage over a building-to-building distance matrix computed once per radius)."""

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import numpy as np

from linli.core.demo import DemoContext
from linli.facilities.demo import LIMIN, SHIBEI
from linli.places.models import Building, Community
from linli.planning import adapter
from linli.planning.core import snap_lonlat
from linli.planning.core.access import distances_within
from linli.planning.core.siting import greedy_mclp

# Register categories that the planning rules do not measure are spread as if everyone were to walk to them.
FALLBACK_RADIUS_M = 300.0


def _place(community: Community, plan: Sequence[tuple[Any, ...]], ctx: DemoContext) -> dict[str, int]:
    rules = adapter.parse_rules_text(adapter.rules_path().read_text(encoding="utf-8"))
    inputs = adapter.collect_inputs(communities=[community], rules=rules, day=ctx.today)
    features = inputs["buildings"]["features"]
    ids = [int(f["properties"]["id"][1:]) for f in features]
    lon = np.array([f["geometry"]["coordinates"][0] for f in features])
    lat = np.array([f["geometry"]["coordinates"][1] for f in features])
    population = np.array([[f["properties"][band.property] for band in rules.age_bands] for f in features], float)
    network = adapter.cached_network(adapter.network_path())
    snapped = snap_lonlat(network, lon, lat, kind="building", max_snap_m=500.0)
    covers: dict[float, Any] = {}
    by_category: dict[str, list[str]] = defaultdict(list)
    for row in plan:
        by_category[row[2]].append(row[0])
    sites: dict[str, int] = {}
    for category, codes in by_category.items():
        if category in rules.category_codes:
            rule = rules.category(category)
            radius, served = rule.radius_m, population[:, rules.band_index(rule.age_group)].sum(axis=1)
        else:
            radius, served = FALLBACK_RADIUS_M, population.sum(axis=1)
        if radius not in covers:
            covers[radius] = distances_within(network, snapped, snapped, radius)
        chosen = list(greedy_mclp(covers[radius], served, len(codes)).selected)
        # every resident already reached (or a small community): the rest go to the most populous buildings left
        for j in np.argsort(-served, kind="stable"):
            if len(chosen) >= len(codes):
                break
            if int(j) not in chosen:
                chosen.append(int(j))
        for code, j in zip(codes, chosen, strict=True):
            sites[code] = ids[j]
    return sites


def build(ctx: DemoContext) -> None:
    sites: dict[str, int] = {}
    for community, plan in zip(ctx.communities[:2], (SHIBEI, LIMIN), strict=True):
        sites.update(_place(community, plan, ctx))
    ctx.extra["sites"] = sites
    placed = Building.objects.filter(pk__in=sites.values()).count()
    ctx.progress(f"  设施选址：{len(sites)} 处设施落在 {placed} 幢居民楼上（按步行网络覆盖计算）")
