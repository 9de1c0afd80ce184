"""File-level runner: from input files to a JSON-serialisable, reproducible result."""

from __future__ import annotations

import hashlib
import json
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .analysis import Analysis, analyse
from .inputs import read_buildings, read_communities, read_facilities
from .network import WalkNetwork, load_network
from .profiles import for_profile, refused_length_m
from .rules import DEFAULT_RULES_PATH, Rules, load_rules
from .siting import SitingResult, plan_sites
from .snap import DEFAULT_MAX_SNAP_M

ENGINE_VERSION = "1.0"
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class SitingRequest:
    """Choose ``k`` new sites for ``category`` among the points of ``candidates_path``."""

    category: str
    k: int
    candidates_path: str | Path


@dataclass(frozen=True)
class PlanResult:
    inputs: dict[str, dict[str, str]]  # role -> {"path", "sha256"}
    parameters: dict[str, Any]
    network: dict[str, Any]
    analysis: Analysis
    siting: tuple[SitingResult, ...]
    elapsed_s: float
    engine_version: str = ENGINE_VERSION
    warnings: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        a = self.analysis
        return {
            "engine_version": self.engine_version,
            "inputs": self.inputs,
            "parameters": self.parameters,
            "network": self.network,
            "coverage": [
                {
                    "category": c.category, "radius_m": c.radius_m, "age_group": c.age_group,
                    "walk_speed_m_s": c.walk_speed_m_s, "radius_min": round(c.radius_min, 1),
                    "facilities": c.facilities, "communities": c.communities,
                    "communities_with_facility_inside": c.communities_with_facility_inside,
                    "communities_within_radius": c.communities_within_radius,
                    "served_residents": c.served_residents, "covered_residents": c.covered_residents,
                    "covered_share": c.covered_share,
                    "per_community": [
                        {
                            "community": p.community, "facilities_inside": p.facilities_inside,
                            "centre_distance_m": _num(p.centre_distance_m), "within_radius": p.within_radius,
                            "served_residents": p.served_residents, "covered_residents": p.covered_residents,
                        }
                        for p in c.per_community
                    ],
                }
                for c in a.coverage
            ],
            "index": [
                {"community": s.community, "index": None if s.index is None else round(s.index, 2),
                 "shares": {k: round(v, 4) for k, v in s.shares.items()},
                 "required_uncovered": list(s.required_uncovered)}
                for s in a.index
            ],
            "gaps": [
                {"category": g.category, "building": g.building, "community": g.community,
                 "age_group": g.age_group, "residents": g.residents, "distance_m": _num(g.distance_m),
                 "radius_m": g.radius_m, "nearest_facility": g.nearest_facility,
                 "distance_min": _num(g.distance_min)}
                for g in a.gaps
            ],
            "siting": [
                {"category": s.category, "k": s.k, "radius_m": s.radius_m, "age_group": s.age_group,
                 "selected": list(s.selected), "newly_covered": s.newly_covered,
                 "uncovered_before": s.uncovered_before, "upper_bound": _num(s.upper_bound),
                 "gap": _num(s.gap), "method": s.method, "optimal": s.optimal,
                 "set_cover": list(s.set_cover), "set_cover_optimal": s.set_cover_optimal,
                 "not_coverable": list(s.not_coverable)}
                for s in self.siting
            ],
            "warnings": list(self.warnings),
            "elapsed_s": round(self.elapsed_s, 3),
        }  # fmt: skip

    def to_json(self, **kwargs: Any) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, allow_nan=False, **kwargs)


def _num(x: float) -> float | None:
    """JSON has no infinity: unreachable distances become null."""
    return round(x, 2) if math.isfinite(x) else None


def sha256_file(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def run_plan(
    network_path: str | Path,
    facilities_path: str | Path,
    buildings_path: str | Path,
    rules_path: str | Path | None = None,
    communities_path: str | Path | None = None,
    *,
    siting: Sequence[SitingRequest] = (),
    max_snap_m: float = DEFAULT_MAX_SNAP_M,
    progress: Progress | None = None,
    network: WalkNetwork | None = None,
    rules: Rules | None = None,
    profile: str = "",
) -> PlanResult:
    """Run the life-circle health check on files; ``progress(done, total, message)`` is optional.

    ``network``/``rules`` may be passed already loaded (e.g. cached by the caller);
    they must come from ``network_path``/``rules_path``, whose hashes are recorded.
    ``profile``: the code of a walking profile of the rules ("": the standard one, the
    network as it is).
    """
    t0 = time.perf_counter()
    rules_file = Path(rules_path) if rules_path is not None else DEFAULT_RULES_PATH
    rules = rules if rules is not None else load_rules(rules_file)
    # steps: rules, network, inputs, analysis (categories + 2), one per siting request
    total = 3 + len(rules.categories) + 2 + len(siting)

    def step(done: int, msg: str) -> None:
        if progress:
            progress(done, total, msg)

    walk = rules.profile(profile)
    step(0, "rules loaded")
    step(1, "loading walking network")
    network = network if network is not None else load_network(network_path)
    step(2, "reading buildings, facilities and communities")
    buildings = read_buildings(buildings_path, rules)
    facilities = read_facilities(facilities_path, rules)
    communities = read_communities(communities_path) if communities_path is not None else None

    def sub(done: int, _tot: int, msg: str) -> None:
        step(3 + done, msg)

    analysis = analyse(
        network, rules, buildings, facilities, communities, max_snap_m=max_snap_m, progress=sub, profile=walk
    )
    results = []
    base = 3 + len(rules.categories) + 2
    for i, req in enumerate(siting):
        step(base + i, f"site selection for {req.category} (k={req.k})")
        cands = read_facilities(req.candidates_path)
        results.append(
            plan_sites(
                network, rules, req.category, req.k, buildings, facilities, cands, max_snap_m=max_snap_m, profile=walk
            )
        )
    step(total, "done")
    inputs = {
        "network": network_path,
        "facilities": facilities_path,
        "buildings": buildings_path,
        "rules": rules_file,
        "communities": communities_path,
    }
    inputs.update({f"candidates[{i}]:{r.category}": r.candidates_path for i, r in enumerate(siting)})
    hashed = {role: {"path": str(p), "sha256": sha256_file(p)} for role, p in inputs.items() if p is not None}
    warnings = []
    if network.dropped.nodes:
        warnings.append(
            f"dropped {network.dropped.components} disconnected pieces of the walking network "
            f"({network.dropped.nodes} nodes, {network.dropped.edges} edges, {network.dropped.length_m:,.0f} m)"
        )
    return PlanResult(
        inputs=hashed,
        parameters={"max_snap_m": max_snap_m, "profile": walk.code,
                    "siting": [{"category": r.category, "k": r.k} for r in siting]},
        network={**for_profile(network, walk).summary(), "refused_m": round(refused_length_m(network, walk), 1)},
        analysis=analysis, siting=tuple(results),
        elapsed_s=time.perf_counter() - t0, warnings=tuple(warnings),
    )  # fmt: skip
