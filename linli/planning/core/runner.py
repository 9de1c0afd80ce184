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

import numpy as np

from .analysis import Analysis, analyse
from .errors import InputError, Message
from .inputs import read_buildings, read_communities, read_facilities
from .network import WalkNetwork, load_network
from .profiles import for_profile, refused_length_m
from .rules import DEFAULT_RULES_PATH, Rules, load_rules, nearest_name
from .siting import SitingResult, plan_sites
from .snap import DEFAULT_MAX_SNAP_M

ENGINE_VERSION = "1.0"
#: The most new sites one request may choose.
MAX_SITES = 100
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class SitingRequest:
    """Choose ``k`` new sites for ``category`` (a category or a composite) among the points of ``candidates_path``."""

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
                 "required_uncovered": list(s.required_uncovered),
                 "classes": {k: None if v is None else round(v, 4) for k, v in s.class_shares.items()},
                 "under_supplied": s.under_supplied}
                for s in a.index
            ],
            "gaps": [
                {"category": g.category, "building": g.building, "community": g.community,
                 "age_group": g.age_group, "residents": g.residents, "distance_m": _num(g.distance_m),
                 "radius_m": g.radius_m, "nearest_facility": g.nearest_facility,
                 "distance_min": _num(g.distance_min)}
                for g in a.gaps
            ],
            "siting": [siting_dict(s) for s in self.siting],
            "warnings": [str(w) for w in self.warnings],
            "warning_details": [
                w.as_dict() if isinstance(w, Message) else {"text": str(w), "template": "", "params": {}}
                for w in self.warnings
            ],
            "elapsed_s": round(self.elapsed_s, 3),
        }  # fmt: skip

    def to_json(self, **kwargs: Any) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, allow_nan=False, **kwargs)


def siting_dict(s: SitingResult) -> dict[str, Any]:
    """The JSON form of one site selection (as in :meth:`PlanResult.to_dict`)."""
    return {
        "category": s.category, "k": s.k, "radius_m": s.radius_m, "age_group": s.age_group,
        "selected": list(s.selected), "newly_covered": s.newly_covered,
        "uncovered_before": s.uncovered_before, "upper_bound": _num(s.upper_bound),
        "gap": _num(s.gap), "method": s.method, "optimal": s.optimal,
        "set_cover": list(s.set_cover), "set_cover_optimal": s.set_cover_optimal,
        "not_coverable": list(s.not_coverable), "composite": s.composite,
        "categories": list(s.categories),
        "members": [
            {"category": m.category, "radius_m": m.radius_m, "age_group": m.age_group,
             "uncovered_before": m.uncovered_before, "newly_covered": m.newly_covered}
            for m in s.members
        ],
        "per_site": [
            {"site": p.site,
             "newly_covered": {m.category: g for m, g in zip(s.members, p.newly_covered, strict=True)}}
            for p in s.per_site
        ],
    }  # fmt: skip


def _num(x: float) -> float | None:
    """JSON has no infinity: unreachable distances become null."""
    return round(x, 2) if math.isfinite(x) else None


def sha256_file(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


class _Stages:
    """An honest progress bar: each stage advances the bar by its share of the expected time.

    Shares measured on the Hangzhou extract (network from the .pbf, 3,000 buildings, 400 facilities, the 22
    default categories): loading the network 0.6 s, snapping and the shared access graph 0.5 s, the searches and
    coverage of the categories 1.4 s; the bar gives each stage that share, so it is not near its end before the
    slowest stage.
    ``progress(done, total, message)`` gets percentages (total = 100).
    """

    def __init__(self, progress: Progress | None, weights: dict[str, float]) -> None:
        self.progress, self.total = progress, sum(weights.values())
        self.start: dict[str, float] = {}
        acc = 0.0
        for name, w in weights.items():
            self.start[name] = acc
            acc += w
        self.weights = weights
        self.last = -1

    def at(self, stage: str, fraction: float, message: str) -> None:
        if not self.progress:
            return
        done = self.start[stage] + self.weights[stage] * min(max(fraction, 0.0), 1.0)
        pct = min(100, int(100 * done / self.total)) if stage != "done" else 100
        pct = max(pct, self.last)  # never backwards
        self.last = pct
        self.progress(pct, 100, message)


def check_siting(rules: Rules, siting: Sequence[SitingRequest]) -> None:
    """A bad siting request is found before any work: unknown category (or composite), k out of range, missing file."""
    for req in siting:
        if req.category not in rules.siting_codes:
            near = nearest_name(req.category, rules.siting_codes)
            hint = f" (did you mean '{near}'?)" if near else ""
            raise InputError(
                Message("site selection: unknown category %(category)s%(hint)s", category=repr(req.category),
                        hint=hint)
            )  # fmt: skip
        if isinstance(req.k, bool) or not isinstance(req.k, int) or not 1 <= req.k <= MAX_SITES:
            raise InputError(
                Message("site selection for %(category)s: the number of new sites must be between 1 and %(max)s, "
                        "got %(k)s", category=req.category, max=MAX_SITES, k=repr(req.k))
            )  # fmt: skip
        if not Path(req.candidates_path).is_file():
            raise InputError(
                Message("site selection for %(category)s: candidates file %(path)s does not exist",
                        category=req.category, path=repr(str(req.candidates_path)))
            )  # fmt: skip


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
    allow_no_facilities: bool = False,
) -> PlanResult:
    """Run the life-circle health check on files; ``progress(done, total, message)`` is optional.

    ``network``/``rules`` may be passed already loaded (e.g. cached by the caller);
    they must come from ``network_path``/``rules_path``, whose hashes are recorded.
    ``profile``: the code of a walking profile of the rules ("": the standard one, the
    network as it is).
    Every input is read and checked before the analysis starts. ``allow_no_facilities``: an empty facilities
    file is a warning (kept in the result) rather than an error.
    """
    t0 = time.perf_counter()
    rules_file = Path(rules_path) if rules_path is not None else DEFAULT_RULES_PATH
    rules = rules if rules is not None else load_rules(rules_file)
    walk = rules.profile(profile)
    check_siting(rules, siting)
    bar = _Stages(
        progress,
        {
            "rules": 1.0,
            "inputs": 4.0,
            "network": 25.0 if network is None else 0.0,
            "snap": 20.0,
            "search": 50.0,
            "index": 1.0,
            "siting": 15.0 * len(siting),
            "done": 0.0,
        },
    )
    bar.at("rules", 1.0, Message("rules loaded"))
    # every input is read and checked before the slow part (the network) starts
    bar.at("inputs", 0.0, Message("reading buildings, facilities and communities"))
    buildings = read_buildings(buildings_path, rules)
    facilities = read_facilities(facilities_path, rules, allow_empty=allow_no_facilities)
    communities = read_communities(communities_path) if communities_path is not None else None
    candidates = [read_facilities(req.candidates_path) for req in siting]
    for req, cands in zip(siting, candidates, strict=True):
        if not len(cands):
            raise InputError(
                Message("site selection for %(category)s: the candidates file has no sites", category=req.category)
            )
    bar.at("network", 0.0, Message("loading walking network"))
    network = network if network is not None else load_network(network_path)
    ncat = len(rules.categories)

    def sub(done: int, _tot: int, msg: str) -> None:
        if done == 0:
            bar.at("snap", 0.0, msg)
        elif done <= ncat:
            bar.at("search", (done - 1) / max(ncat, 1), msg)
        else:
            bar.at("index", 0.0 if done == ncat + 1 else 1.0, msg)

    analysis = analyse(
        network, rules, buildings, facilities, communities, max_snap_m=max_snap_m, progress=sub, profile=walk
    )
    results = []
    for i, (req, cands) in enumerate(zip(siting, candidates, strict=True)):
        bar.at("siting", i / len(siting), Message("site selection for %(category)s (k=%(k)s)", category=req.category,
                                                  k=req.k))  # fmt: skip
        results.append(
            plan_sites(
                network, rules, req.category, req.k, buildings, facilities, cands, max_snap_m=max_snap_m, profile=walk
            )
        )
    bar.at("done", 1.0, Message("done"))
    inputs = {
        "network": network_path,
        "facilities": facilities_path,
        "buildings": buildings_path,
        "rules": rules_file,
        "communities": communities_path,
    }
    inputs.update({f"candidates[{i}]:{r.category}": r.candidates_path for i, r in enumerate(siting)})
    hashed = {role: {"path": str(p), "sha256": sha256_file(p)} for role, p in inputs.items() if p is not None}
    warnings: list[Message] = []
    if network.dropped.nodes:
        warnings.append(
            Message(
                "dropped %(components)s disconnected pieces of the walking network (%(nodes)s nodes, %(edges)s edges, "
                "%(length)s m)", components=network.dropped.components, nodes=network.dropped.nodes,
                edges=network.dropped.edges, length=f"{network.dropped.length_m:,.0f}",
            )
        )  # fmt: skip
    if not len(facilities):
        warnings.append(Message("the facilities file has no features: every coverage and index is 0"))
    else:
        missing = [c for c in rules.category_codes if not (np.asarray(facilities.category) == c).any()]
        if missing:
            warnings.append(
                Message("no facility of %(count)s categories of the rules (%(codes)s): their coverage is 0",
                        count=len(missing), codes=", ".join(missing))
            )  # fmt: skip
    return PlanResult(
        inputs=hashed,
        parameters={"max_snap_m": max_snap_m, "profile": walk.code,
                    "siting": [{"category": r.category, "k": r.k} for r in siting]},
        network={**for_profile(network, walk).summary(), "refused_m": round(refused_length_m(network, walk), 1)},
        analysis=analysis, siting=tuple(results),
        elapsed_s=time.perf_counter() - t0, warnings=tuple(warnings),
    )  # fmt: skip


def run_siting(
    network_path: str | Path,
    facilities_path: str | Path,
    buildings_path: str | Path,
    request: SitingRequest,
    *,
    rules: Rules,
    network: WalkNetwork | None = None,
    profile: str = "",
    max_snap_m: float = DEFAULT_MAX_SNAP_M,
) -> SitingResult:
    """Site selection alone, on inputs whose coverage is already known (a city graded community by community):
    the same checks and the same :func:`plan_sites` as :func:`run_plan`, without the health check before it."""
    walk = rules.profile(profile)
    check_siting(rules, [request])
    buildings = read_buildings(buildings_path, rules)
    facilities = read_facilities(facilities_path, rules, allow_empty=True)
    candidates = read_facilities(request.candidates_path)
    if not len(candidates):
        raise InputError(
            Message("site selection for %(category)s: the candidates file has no sites", category=request.category)
        )
    network = network if network is not None else load_network(network_path)
    return plan_sites(
        network, rules, request.category, request.k, buildings, facilities, candidates, max_snap_m=max_snap_m,
        profile=walk,
    )  # fmt: skip
