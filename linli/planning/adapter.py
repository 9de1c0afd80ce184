"""The thin layer between the platform's records and the pure planning core.

It turns buildings with their residents' ages, the facility register, community boundaries and candidate
sites into the GeoJSON the core reads, and hands them over with the walking network and the rules.
"""

import datetime as dt
import functools
import json
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from django.conf import settings

from linli.facilities.models import Facility, FacilityCategory, in_service_on
from linli.people.ages import age_on
from linli.people.models import Resident
from linli.people.rules import current
from linli.places.models import Building, Community

from .core import (
    PlanResult,
    Rules,
    SitingRequest,
    SitingResult,
    WalkNetwork,
    load_network,
    parse_rules,
    run_plan,
    run_siting,
)
from .core.rules import DEFAULT_RULES_PATH


def rules_path() -> Path:
    return Path(settings.PLANNING_RULES_FILE or DEFAULT_RULES_PATH)


def network_path() -> Path:
    configured = settings.PLANNING_NETWORK_FILE
    return Path(configured) if configured else settings.OSM_EXTRACT_DIR / "hangzhou_china.osm.pbf"


def parse_rules_text(text: str, name: str = "rules.toml") -> Rules:
    """Rules checked against the facility catalogue: a category the catalogue lacks is an error naming it."""
    import tomllib

    data = json.loads(text) if name.endswith(".json") else tomllib.loads(text)
    catalogue = set(FacilityCategory.objects.values_list("code", flat=True))
    return parse_rules(data, name=name, text=text, catalogue=catalogue)


@functools.lru_cache(maxsize=4)
def _network(path: str, mtime: float) -> WalkNetwork:
    return load_network(path)


def cached_network(path: Path) -> WalkNetwork:
    """Load a network once per process (and again when the file changes)."""
    return _network(str(path), path.stat().st_mtime)


def _feature(lng: float, lat: float, props: dict[str, Any]) -> dict[str, Any]:
    return {"type": "Feature", "properties": props, "geometry": {"type": "Point", "coordinates": [lng, lat]}}


def collect_inputs(*, communities: Iterable[Community], rules: Rules, day: dt.date) -> dict[str, Any]:
    """GeoJSON feature collections of buildings, facilities (those in service on `day`), communities and candidates.

    Facilities of every community in the same streets count too: a canteen next door serves across the border.
    """
    communities = list(communities)
    ids = [c.pk for c in communities]
    counts: dict[int, list[int]] = defaultdict(lambda: [0] * len(rules.age_bands))
    for building_id, birth in Resident.objects.filter(
        current(), community_id__in=ids, household__isnull=False
    ).values_list("household__building_id", "birth_date"):
        age = age_on(birth, day)
        for i, band in enumerate(rules.age_bands):
            if age >= band.min_age and (band.max_age is None or age < band.max_age):
                counts[building_id][i] += 1
                break
    codes = {c.pk: c.code for c in communities}
    buildings = [
        _feature(
            b.lng,
            b.lat,
            {
                "id": f"b{b.pk}",
                "name": b.name,
                "community": codes[b.community_id],
                **{band.property: counts[b.pk][i] for i, band in enumerate(rules.age_bands)},
            },
        )
        for b in Building.objects.filter(community_id__in=ids, residential=True).order_by("pk")
    ]
    known = set(rules.category_codes)
    streets = {c.street_id for c in communities}
    facilities = [
        _feature(
            f.lng, f.lat, {"id": f"f{f.pk}", "name": f.name, "category": f.category.code, "community": f.community.code}
        )
        for f in Facility.objects.filter(in_service_on(day), community__street_id__in=streets, category__code__in=known)
        .select_related("category", "community")
        .order_by("pk")
    ]
    areas = [
        {"type": "Feature", "properties": {"code": c.code, "name": c.name}, "geometry": c.boundary}
        for c in communities
        if c.boundary
    ]
    from .models import CandidateSite

    sites = [
        _feature(
            s.lng,
            s.lat,
            {"id": f"s{s.pk}", "name": s.name, "category": "candidate", "community": codes[s.community_id]},
        )
        for s in CandidateSite.objects.filter(community_id__in=ids, active=True).order_by("pk")
    ]
    if not sites:  # no idle space registered: any residential building may host a new facility
        sites = [
            _feature(
                f["geometry"]["coordinates"][0],
                f["geometry"]["coordinates"][1],
                {
                    "id": f["properties"]["id"],
                    "name": f["properties"]["name"],
                    "category": "candidate",
                    "community": f["properties"]["community"],
                },
            )
            for f in buildings
        ]

    def collection(features: list[dict[str, Any]]) -> dict[str, Any]:
        return {"type": "FeatureCollection", "features": features}

    return {
        "buildings": collection(buildings),
        "facilities": collection(facilities),
        "communities": collection(areas),
        "candidates": collection(sites),
        "day": day.isoformat(),
    }


def run(
    *,
    inputs: dict[str, Any],
    rules_text: str,
    network_file: Path,
    siting_category: str = "",
    siting_k: int = 0,
    profile: str = "",
    progress: Callable[[int, int, str], None] | None = None,
) -> PlanResult:
    """Run the core on saved inputs (so the same inputs always give the same report)."""
    rules = parse_rules_text(rules_text)
    with tempfile.TemporaryDirectory(prefix="linli-plan-") as tmp:
        folder = Path(tmp)
        paths = {}
        for name in ("buildings", "facilities", "communities", "candidates"):
            paths[name] = folder / f"{name}.geojson"
            paths[name].write_text(json.dumps(inputs[name], ensure_ascii=False), encoding="utf-8")
        (folder / "rules.toml").write_text(rules_text, encoding="utf-8")
        siting = [SitingRequest(siting_category, siting_k, paths["candidates"])] if siting_category and siting_k else []
        communities = paths["communities"] if inputs["communities"]["features"] else None
        return run_plan(
            network_file,
            paths["facilities"],
            paths["buildings"],
            folder / "rules.toml",
            communities,
            siting=siting,
            progress=progress,
            network=cached_network(network_file),
            rules=rules,
            profile=profile,
            allow_no_facilities=True,  # a community may have none yet: a warning, kept in the result
        )


def site(
    *, inputs: dict[str, Any], rules_text: str, network_file: Path, category: str, k: int, profile: str = ""
) -> SitingResult:
    """Site selection alone on collected inputs (a city whose coverage is already graded): the street runs' engine."""
    rules = parse_rules_text(rules_text)
    with tempfile.TemporaryDirectory(prefix="linli-site-") as tmp:
        folder = Path(tmp)
        paths = {}
        for name in ("buildings", "facilities", "candidates"):
            paths[name] = folder / f"{name}.geojson"
            paths[name].write_text(json.dumps(inputs[name], ensure_ascii=False), encoding="utf-8")
        return run_siting(
            network_file,
            paths["facilities"],
            paths["buildings"],
            SitingRequest(category, k, paths["candidates"]),
            rules=rules,
            network=cached_network(network_file),
            profile=profile,
        )
