"""Where to build next: maximal covering (MCLP) and set covering on a coverage matrix.

``cover`` is a sparse (demand x candidate) matrix whose stored entries mark the
candidate sites that cover a demand point (a building) within the radius.

MCLP:  max sum_i w_i y_i  s.t.  y_i <= sum_j a_ij x_j,  sum_j x_j <= k,
       x_j in {0, 1},  0 <= y_i <= 1   (y may stay continuous: for integral x
       an optimal y is 0/1). Solved exactly with ``scipy.optimize.milp`` (HiGHS);
       above a size threshold, by lazy greedy with the LP-relaxation bound, whose
       relative gap ``(bound - greedy) / bound`` is reported.
Set covering: min sum_j x_j  s.t.  sum_j a_ij x_j >= 1 for every coverable demand
       with w_i > 0; demands no candidate covers are reported.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from .access import distances_within, nearest_source
from .errors import InputError, SolverError
from .geo import FloatArray, IntArray
from .inputs import Buildings, Facilities
from .network import WalkNetwork
from .profiles import WalkProfile, for_profile
from .rules import Rules
from .snap import DEFAULT_MAX_SNAP_M, snap_lonlat

# demand x candidate nonzeros above which MCLP uses greedy + LP bound by default
DEFAULT_EXACT_MAX_NNZ = 2_000_000
# above this many candidates, dominated ones are not looked for (the pairs sharing a point could be ~ m^2)
DOMINANCE_MAX_CANDIDATES = 5_000


@dataclass(frozen=True)
class MclpSolution:
    selected: tuple[int, ...]  # candidate indices, in order of choice (greedy) or ascending (MILP)
    objective: float  # covered demand weight
    upper_bound: float  # proven bound on the optimum
    gap: float  # relative gap (upper_bound - objective) / upper_bound, 0 when optimal
    method: str  # "milp", "greedy" or "greedy+milp-timeout"
    optimal: bool


@dataclass(frozen=True)
class SetCoverSolution:
    selected: tuple[int, ...]
    uncoverable: tuple[int, ...]  # demand indices (w > 0) that no candidate covers
    optimal: bool


def _prepare(cover: sparse.sparray | sparse.spmatrix, weights: npt.ArrayLike) -> tuple[sparse.csr_array, FloatArray]:
    a = sparse.csr_array(cover, dtype=np.float64)
    a.data[:] = 1.0  # structure marks coverage (explicit zeros = distance 0 still cover)
    w = np.asarray(weights, dtype=np.float64).ravel()
    if w.shape[0] != a.shape[0]:
        raise InputError(f"weights has {w.shape[0]} entries for {a.shape[0]} demand points")
    if (w < 0).any() or not np.isfinite(w).all():
        raise InputError("demand weights must be finite and >= 0")
    return a, w


def greedy_mclp(cover: sparse.sparray | sparse.spmatrix, weights: npt.ArrayLike, k: int) -> MclpSolution:
    """Lazy greedy: repeatedly take the candidate adding the most uncovered weight."""
    a, w = _prepare(cover, weights)
    csc = a.tocsc()
    uncovered = np.ones(a.shape[0], dtype=bool)
    gains = csc.T @ w
    heap = [(-float(g), j) for j, g in enumerate(gains) if g > 0]
    heapq.heapify(heap)
    chosen: list[int] = []
    total = 0.0
    while heap and len(chosen) < k:
        _neg, j = heapq.heappop(heap)
        rows = csc.indices[csc.indptr[j] : csc.indptr[j + 1]]
        g = float(w[rows][uncovered[rows]].sum())
        if g <= 0:
            continue
        if heap and g < -heap[0][0] - 1e-12:
            heapq.heappush(heap, (-g, j))  # stale gain: re-queue with the true one
            continue
        chosen.append(j)
        total += g
        uncovered[rows] = False
    return MclpSolution(tuple(chosen), total, math.inf, math.nan, "greedy", False)


def _mclp_model(a: sparse.csr_array, w: FloatArray, k: int) -> tuple[FloatArray, list[LinearConstraint], IntArray]:
    n, m = a.shape
    # y_i - sum_j a_ij x_j <= 0 ; sum_j x_j <= k   (variables: x_0..x_{m-1}, y_0..y_{n-1})
    link = sparse.hstack([-a, sparse.eye_array(n, format="csr")], format="csr")
    budget = sparse.csr_array(np.concatenate([np.ones(m), np.zeros(n)])[None, :])
    cons = [LinearConstraint(link, -np.inf, 0.0), LinearConstraint(budget, 0.0, float(k))]
    c = np.concatenate([np.zeros(m), -w])
    integrality = np.concatenate([np.ones(m), np.zeros(n)]).astype(np.int64)
    return c, cons, integrality


def lp_bound_mclp(cover: sparse.sparray | sparse.spmatrix, weights: npt.ArrayLike, k: int) -> float:
    """Upper bound on the MCLP optimum from its LP relaxation (of the reduced problem: the same optimum)."""
    a, w = _prepare(cover, weights)
    red = reduce_mclp(a, w)
    if red.cover.shape[0] == 0:
        return 0.0
    if red.cover.shape[1] <= k:
        return float(red.weights.sum())
    c, cons, integ = _mclp_model(red.cover, red.weights, k)
    res = milp(c, constraints=cons, integrality=np.zeros_like(integ), bounds=Bounds(0.0, 1.0))
    if res.x is None:
        raise SolverError(f"LP relaxation failed: {res.message}")
    return float(-res.fun)


@dataclass(frozen=True)
class ReducedMclp:
    """An MCLP with the same optimum as the one it comes from, and fewer rows and columns.

    ``cover`` (rows: groups of demand points, columns: the candidates ``candidates`` of the original) and
    ``weights`` (the summed weight of each group); ``group[i]`` is the row of original demand point ``i``, or -1
    when it was dropped (zero weight, or no candidate covers it).
    """

    cover: sparse.csr_array
    weights: FloatArray
    candidates: IntArray
    group: IntArray


def reduce_mclp(cover: sparse.sparray | sparse.spmatrix, weights: npt.ArrayLike) -> ReducedMclp:
    """Shrink an MCLP without changing its optimum (weights >= 0, at most k sites).

    1. Demand points of zero weight or that no candidate covers are dropped (they add a constant 0).
    2. A candidate whose set of covered points lies within another's is dropped (for two equal sets, the later
       index): any choice using it covers at least as much with the other instead, within the same budget.
    3. Demand points covered by the same set of remaining candidates become one row weighing their sum.
    """
    a, w = _prepare(cover, weights)
    n, m = a.shape
    rows = np.flatnonzero((w > 0) & (np.diff(a.indptr) > 0))
    sub = sparse.csr_array(a[rows])
    size = np.diff(sub.tocsc().indptr)
    dropped = size == 0
    if m <= DOMINANCE_MAX_CANDIDATES:
        shared = sparse.coo_array(sub.T @ sub)  # points covered by both of two candidates
        i, j, both = shared.row, shared.col, shared.data
        inside = (i != j) & (both == size[i]) & ((size[j] > size[i]) | ((size[j] == size[i]) & (j < i)))
        dropped[i[inside]] = True
    keep = np.flatnonzero(~dropped)
    sub = sparse.csr_array(sub[:, keep])
    sub.sort_indices()
    # group identical rows (every kept point is still covered: a dropped candidate's points are its dominator's)
    group_of: dict[bytes, int] = {}
    ind, ptr = sub.indices, sub.indptr
    local = np.fromiter(
        (group_of.setdefault(ind[ptr[r] : ptr[r + 1]].tobytes(), len(group_of)) for r in range(rows.size)),
        dtype=np.int64,
        count=rows.size,
    )
    first = np.full(len(group_of), -1, dtype=np.int64)
    first[local[::-1]] = np.arange(rows.size - 1, -1, -1)  # the first point of every group
    merged = sparse.csr_array(sub[first]) if rows.size else sparse.csr_array((0, keep.size))
    group = np.full(n, -1, dtype=np.int64)
    group[rows] = local
    summed = np.bincount(local, weights=w[rows], minlength=len(group_of)).astype(np.float64)
    return ReducedMclp(merged, summed, keep, group)


def solve_mclp(
    cover: sparse.sparray | sparse.spmatrix,
    weights: npt.ArrayLike,
    k: int,
    *,
    exact_max_nnz: int = DEFAULT_EXACT_MAX_NNZ,
    time_limit: float | None = 60.0,
    reduce: bool = True,
) -> MclpSolution:
    """Choose at most ``k`` candidates covering the most demand weight.

    Exact (MILP, HiGHS) when the coverage matrix has at most ``exact_max_nnz``
    entries; else greedy with the LP-relaxation bound. If the MILP stops at
    ``time_limit`` the better of its incumbent and greedy is returned with the
    solver's dual bound. The MILP is solved on the reduced problem (:func:`reduce_mclp`, same optimum);
    ``reduce=False`` solves the problem as given (for comparison).
    """
    if k < 0:
        raise InputError(f"k must be >= 0, got {k}")
    a, w = _prepare(cover, weights)
    m = a.shape[1]
    greedy = greedy_mclp(a, w, k)
    if reduce:
        red = reduce_mclp(a, w)
    else:
        rows = np.flatnonzero((w > 0) & (np.diff(a.indptr) > 0))
        group = np.full(a.shape[0], -1, dtype=np.int64)
        group[rows] = np.arange(rows.size)
        red = ReducedMclp(sparse.csr_array(a[rows]), w[rows], np.arange(m, dtype=np.int64), group)
    ar, wr, cols = red.cover, red.weights, red.candidates
    if k == 0 or ar.shape[0] == 0 or k >= cols.size:
        chosen = tuple(int(j) for j in cols) if k >= cols.size and k > 0 else greedy.selected
        obj = float(wr.sum()) if k >= cols.size and k > 0 else greedy.objective
        return MclpSolution(tuple(sorted(chosen)), obj, obj, 0.0, "trivial", True)
    if ar.nnz > exact_max_nnz:
        bound = lp_bound_mclp(a, w, k)
        gap = (bound - greedy.objective) / bound if bound > 0 else 0.0
        return MclpSolution(greedy.selected, greedy.objective, bound, max(gap, 0.0), "greedy", gap <= 1e-9)
    c, cons, integ = _mclp_model(ar, wr, k)
    opts: dict[str, float | bool] = {"disp": False}
    if time_limit is not None:
        opts["time_limit"] = float(time_limit)
    res = milp(c, constraints=cons, integrality=integ, bounds=Bounds(0.0, 1.0), options=opts)
    if res.x is None:
        if res.status == 1:  # time limit without incumbent
            return MclpSolution(greedy.selected, greedy.objective, math.inf, math.nan, "greedy+milp-timeout", False)
        raise SolverError(f"MCLP solver failed: {res.message}")
    x = np.round(res.x[: cols.size]).astype(bool)
    sel = tuple(int(j) for j in cols[np.flatnonzero(x)])
    obj = float(w[(a[:, list(sel)].sum(axis=1) > 0)].sum()) if sel else 0.0
    bound = float(-getattr(res, "mip_dual_bound", res.fun)) if res.status != 0 else obj
    if res.status != 0 and greedy.objective > obj:
        sel, obj = greedy.selected, greedy.objective
    optimal = res.status == 0
    gap = 0.0 if optimal else max(0.0, (bound - obj) / bound) if bound > 0 else 0.0
    return MclpSolution(sel, obj, max(bound, obj), gap, "milp" if optimal else "greedy+milp-timeout", optimal)


def solve_set_cover(
    cover: sparse.sparray | sparse.spmatrix,
    weights: npt.ArrayLike | None = None,
    *,
    time_limit: float | None = 60.0,
) -> SetCoverSolution:
    """Fewest candidates covering every coverable demand point with weight > 0."""
    n = cover.shape[0]
    a, w = _prepare(cover, np.ones(n) if weights is None else weights)
    need = w > 0
    coverable = np.diff(a.indptr) > 0
    uncoverable = tuple(int(i) for i in np.flatnonzero(need & ~coverable))
    rows = need & coverable
    if not rows.any():
        return SetCoverSolution((), uncoverable, True)
    sub = sparse.csr_array(a[rows])
    m = a.shape[1]
    opts: dict[str, float | bool] = {"disp": False}
    if time_limit is not None:
        opts["time_limit"] = float(time_limit)
    res = milp(
        np.ones(m),
        constraints=[LinearConstraint(sub, 1.0, np.inf)],
        integrality=np.ones(m),
        bounds=Bounds(0.0, 1.0),
        options=opts,
    )
    if res.x is None:
        raise SolverError(f"set covering solver failed: {res.message}")
    sel = tuple(int(j) for j in np.flatnonzero(np.round(res.x) > 0.5))
    return SetCoverSolution(sel, uncoverable, res.status == 0)


@dataclass(frozen=True)
class MemberCoverage:
    """One category of a siting request: its residents-in-need before, and those the chosen sites cover."""

    category: str
    radius_m: float
    age_group: str
    uncovered_before: float
    newly_covered: float


@dataclass(frozen=True)
class SiteContribution:
    """One chosen site and the residents-in-need it brings within reach that no site listed before it reaches,
    per member category (the sites in order of what they add: their figures sum to the request's)."""

    site: str
    newly_covered: tuple[float, ...]  # per member category, in the order of ``SitingResult.members``


@dataclass(frozen=True)
class SitingResult:
    category: str  # the category or composite sited
    k: int
    radius_m: float  # the category's radius (a composite: the largest of its members')
    age_group: str  # the category's age group ("" for a composite: each member has its own)
    candidates: tuple[str, ...]
    selected: tuple[str, ...]  # candidate ids
    newly_covered: float  # residents of the age group newly covered (a composite: summed over its categories)
    uncovered_before: float
    upper_bound: float
    gap: float
    method: str
    optimal: bool
    set_cover: tuple[str, ...]  # fewest candidates covering all coverable uncovered residents
    set_cover_optimal: bool
    not_coverable: tuple[str, ...]  # uncovered buildings no candidate reaches (for any member category)
    composite: bool = False
    members: tuple[MemberCoverage, ...] = ()  # per category provided (one entry for a single category)
    per_site: tuple[SiteContribution, ...] = ()  # the chosen sites, each with what it adds

    @property
    def categories(self) -> tuple[str, ...]:
        return tuple(m.category for m in self.members)


def plan_sites(
    network: WalkNetwork,
    rules: Rules,
    category: str,
    k: int,
    buildings: Buildings,
    facilities: Facilities,
    candidates: Facilities,
    *,
    max_snap_m: float = DEFAULT_MAX_SNAP_M,
    exact_max_nnz: int = DEFAULT_EXACT_MAX_NNZ,
    time_limit: float | None = 60.0,
    progress: Callable[[str], None] | None = None,
    profile: WalkProfile | None = None,
) -> SitingResult:
    """k new sites for ``category`` covering the most residents of its age group not yet covered.

    ``category`` may be a composite of the rules: a site then provides every member category, and the demand rows
    of the MCLP are (member category, building) pairs, each with the residents of that category's age group whom
    no facility of that category reaches within its radius, covered by a candidate within that category's radius.
    The chosen sites cover the most residents-in-need summed over the members; set covering covers every pair.
    ``profile``: walk the network as this profile does (see :mod:`.profiles`; None: as it is).
    """
    members = rules.members(category)
    composite = rules.composite(category) is not None
    network = for_profile(network, profile)
    b = snap_lonlat(network, buildings.lon, buildings.lat, names=buildings.ids, kind="building", max_snap_m=max_snap_m)
    cand = snap_lonlat(
        network, candidates.lon, candidates.lat, names=candidates.ids, kind="candidate site", max_snap_m=max_snap_m
    )
    blocks, demands = [], []
    for rule in members:
        fidx = facilities.of(rule.code)
        f = snap_lonlat(
            network,
            facilities.lon[fidx],
            facilities.lat[fidx],
            names=[facilities.ids[i] for i in fidx],
            kind="facility",
            max_snap_m=max_snap_m,
        )
        served = buildings.population[:, rules.band_index(rule.age_group)].sum(axis=1)
        covered = nearest_source(network, b, f, limit=rule.radius_m).distance_m <= rule.radius_m
        demands.append(np.where(covered, 0.0, served))
        if progress:
            progress(f"{rule.code}: coverage of {len(candidates)} candidate sites")
        blocks.append(sparse.csr_array(distances_within(network, b, cand, rule.radius_m)))
    # rows: (member category, building) pairs, member after member
    cov = blocks[0] if len(blocks) == 1 else sparse.vstack(blocks, format="csr")
    demand = np.concatenate(demands)
    sol = solve_mclp(cov, demand, k, exact_max_nnz=exact_max_nnz, time_limit=time_limit)
    if progress:
        progress(f"{category}: set covering")
    sc = solve_set_cover(cov, demand, time_limit=time_limit)
    n = len(buildings)
    reached = _reached(cov, sol.selected)
    per = tuple(
        MemberCoverage(
            rule.code, rule.radius_m, rule.age_group, float(d.sum()), float(d[reached[i * n : (i + 1) * n]].sum())
        )
        for i, (rule, d) in enumerate(zip(members, demands, strict=True))
    )
    lost = sorted({i % n for i in sc.uncoverable})
    return SitingResult(
        category=category, k=k, radius_m=max(r.radius_m for r in members),
        age_group="" if composite else members[0].age_group, candidates=candidates.ids,
        selected=tuple(candidates.ids[j] for j in sol.selected), newly_covered=sol.objective,
        uncovered_before=float(demand.sum()), upper_bound=sol.upper_bound, gap=sol.gap, method=sol.method,
        optimal=sol.optimal, set_cover=tuple(candidates.ids[j] for j in sc.selected), set_cover_optimal=sc.optimal,
        not_coverable=tuple(buildings.ids[i] for i in lost), composite=composite, members=per,
        per_site=tuple(
            SiteContribution(candidates.ids[j], gains) for j, gains in _contributions(cov, demand, sol.selected, n)
        ),
    )  # fmt: skip


def _contributions(
    cover: sparse.csr_array, demand: FloatArray, selected: tuple[int, ...], n: int
) -> list[tuple[int, tuple[float, ...]]]:
    """The selected candidates in order of what each adds to those before it (largest first), with that gain split
    per block of ``n`` rows (a member category). Every covered row is counted once, for the first site reaching it."""
    if not selected:
        return []
    csc = sparse.csc_array(cover)
    covered = np.zeros(cover.shape[0], dtype=bool)
    left, order = list(selected), []
    while left:
        gains = []
        for j in left:
            rows = csc.indices[csc.indptr[j] : csc.indptr[j + 1]]
            gains.append(float(demand[rows[~covered[rows]]].sum()))
        best = int(np.argmax(gains))  # ties: the earlier candidate
        j = left.pop(best)
        rows = csc.indices[csc.indptr[j] : csc.indptr[j + 1]]
        new = rows[~covered[rows]]
        per_member = np.bincount(new // n, weights=demand[new], minlength=cover.shape[0] // n)
        covered[new] = True
        order.append((j, tuple(float(v) for v in per_member)))
    return order


def _reached(cover: sparse.csr_array, selected: tuple[int, ...]) -> npt.NDArray[np.bool_]:
    """Rows of ``cover`` that at least one selected candidate covers."""
    if not selected:
        return np.zeros(cover.shape[0], dtype=bool)
    marks = sparse.csr_array(cover, dtype=np.float64, copy=True)
    marks.data[:] = 1.0  # structure marks coverage (a stored distance of 0 still covers)
    return np.asarray(marks[:, list(selected)].sum(axis=1)).ravel() > 0
