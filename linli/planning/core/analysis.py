"""Coverage (three ways), the supply index and the list of gaps.

Per facility category (radius r, age group g):

(a) *inside*: communities whose boundary contains at least one facility of the
    category (point in polygon; needs community boundaries);
(b) *within radius*: communities whose **centre** is within r of a facility by
    network distance. The centre is the area centroid of the community boundary,
    or, without a boundary, the mean position of its buildings;
(c) *residents within radius*: residents of group g living in buildings whose
    network distance to the nearest facility is <= r.

Supply index of a community (0–100)::

    index = 100 * sum_k w'_k * s_k / sum_k w'_k
    s_k   = covered residents of k's age group / residents of that group
    w'_k  = weight_k * (required_weight_factor if k is required else 1)

summed over the categories whose age group has residents in the community
(a community with no children is not penalised for lacking a kindergarten).
The coverage of a *class* of categories (rules with ``[[classes]]``) is the same
weighted mean over the categories of that class only. A community whose index is
under the rules' ``under_supplied_below`` (70) is *under-supplied*.
A *gap* is a building with residents of the group and no facility within r.

With a walking profile (:mod:`.profiles`) every distance is in metres of level
walking on the profile's network (steps weighed or refused); each category's
radius and each gap's distance also read in minutes at the walking speed of
the category's age group (``walk_speed_m_s`` in the rules).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from .access import prepare_access
from .errors import InputError, Message
from .geo import FloatArray, IntArray, points_in_polygon, polygon_centroid
from .inputs import Buildings, Communities, Facilities, communities_from_codes
from .network import WalkNetwork
from .profiles import WalkProfile, for_profile
from .rules import DEFAULT_WALK_SPEED_M_S, Rules
from .snap import DEFAULT_MAX_SNAP_M, Snapped, snap_lonlat

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class CommunityCoverage:
    community: str
    facilities_inside: int | None  # (a); None without a boundary
    centre_distance_m: float  # (b) network distance from the centre to the nearest facility
    within_radius: bool  # (b)
    served_residents: float  # residents of the category's age group
    covered_residents: float  # (c)


@dataclass(frozen=True)
class CategoryCoverage:
    category: str
    radius_m: float
    age_group: str
    facilities: int
    communities: int
    communities_with_facility_inside: int | None  # (a)
    communities_within_radius: int  # (b)
    served_residents: float
    covered_residents: float  # (c)
    per_community: tuple[CommunityCoverage, ...]
    building_distance_m: FloatArray = field(repr=False)  # per building, inf when unreachable
    building_nearest: IntArray = field(repr=False)  # facility index (into Facilities), -1: none
    walk_speed_m_s: float = DEFAULT_WALK_SPEED_M_S  # of the age group

    @property
    def radius_min(self) -> float:
        """The radius in minutes of walking for the category's age group."""
        return self.radius_m / self.walk_speed_m_s / 60.0

    @property
    def covered_share(self) -> float | None:
        return self.covered_residents / self.served_residents if self.served_residents > 0 else None


@dataclass(frozen=True)
class SupplyIndex:
    community: str
    index: float | None  # None when no category applies
    shares: dict[str, float]  # covered share per applicable category
    required_uncovered: tuple[str, ...]  # required categories with share 0
    class_shares: dict[str, float | None] = field(default_factory=dict)  # per class (None: no category applies)
    under_supplied: bool | None = None  # index under the rules' threshold (None: no index)


@dataclass(frozen=True)
class Gap:
    category: str
    building: str
    community: str
    age_group: str
    residents: float
    distance_m: float  # to the nearest facility of the category (inf: none reachable)
    radius_m: float
    nearest_facility: str | None
    walk_speed_m_s: float = DEFAULT_WALK_SPEED_M_S  # of the age group

    @property
    def distance_min(self) -> float:
        """The distance in minutes of walking for the age group (inf: none reachable)."""
        return self.distance_m / self.walk_speed_m_s / 60.0


@dataclass(frozen=True)
class Analysis:
    coverage: tuple[CategoryCoverage, ...]
    index: tuple[SupplyIndex, ...]
    gaps: tuple[Gap, ...]
    communities: Communities
    building_community: tuple[str, ...]


def assign_communities(buildings: Buildings, communities: Communities | None) -> tuple[Communities, tuple[str, ...]]:
    """Community of each building: its ``community`` property, else the boundary containing it."""
    if communities is None:
        return communities_from_codes(buildings.community), buildings.community
    known = set(communities.codes)
    out = list(buildings.community)
    for i, code in enumerate(out):
        if code and code not in known:
            raise InputError(
                Message("building %(id)s: community %(code)s is not in the communities file",
                        id=repr(buildings.ids[i]), code=repr(code))
            )  # fmt: skip
    missing = np.array([i for i, c in enumerate(out) if not c], dtype=np.int64)
    if missing.size:
        bx, by = buildings.lon[missing], buildings.lat[missing]
        for code, parts in zip(communities.codes, communities.polygons, strict=True):
            if not parts:
                continue
            inside = points_in_polygon(bx, by, [r for p in parts for r in p])
            for j in missing[inside]:
                if not out[j]:
                    out[j] = code
    return communities, tuple(out)


def community_centres(
    communities: Communities, buildings: Buildings, building_community: Sequence[str]
) -> tuple[FloatArray, FloatArray]:
    """lon/lat of community centres (boundary centroid, else mean of its buildings).

    The local projection is affine in lon/lat, so a centroid taken in lon/lat is
    the centroid in metres too.
    """
    lon = np.empty(len(communities))
    lat = np.empty(len(communities))
    bc = np.asarray(building_community, dtype=object)
    for i, (code, parts) in enumerate(zip(communities.codes, communities.polygons, strict=True)):
        if parts:
            lon[i], lat[i] = polygon_centroid([list(p) for p in parts])
        else:
            sel = bc == code
            if not sel.any():
                raise InputError(Message("community %(code)s has neither a boundary nor buildings", code=repr(code)))
            lon[i], lat[i] = buildings.lon[sel].mean(), buildings.lat[sel].mean()
    return lon, lat


def analyse(
    network: WalkNetwork,
    rules: Rules,
    buildings: Buildings,
    facilities: Facilities,
    communities: Communities | None = None,
    *,
    categories: Sequence[str] | None = None,
    max_snap_m: float = DEFAULT_MAX_SNAP_M,
    progress: Progress | None = None,
    profile: WalkProfile | None = None,
) -> Analysis:
    """Coverage (a, b, c), supply index and gaps for every category of the rules.

    ``profile``: walk the network as this profile does (None: as it is; see the module docstring).
    """
    network = for_profile(network, profile)
    cats = [rules.category(c) for c in categories] if categories is not None else list(rules.categories)
    comms, bcomm = assign_communities(buildings, communities)
    total = len(cats) + 2
    if progress:
        progress(0, total, Message("snapping buildings, facilities and community centres"))
    b_snap = snap_lonlat(
        network, buildings.lon, buildings.lat, names=buildings.ids, kind="building", max_snap_m=max_snap_m
    )
    clon, clat = community_centres(comms, buildings, bcomm)
    c_snap = snap_lonlat(network, clon, clat, names=comms.codes, kind="community centre", max_snap_m=max_snap_m)
    f_snap = snap_lonlat(
        network, facilities.lon, facilities.lat, names=facilities.ids, kind="facility", max_snap_m=max_snap_m
    )
    origins = Snapped(
        *(
            np.concatenate([getattr(b_snap, f), getattr(c_snap, f)])
            for f in ("edge", "offset_m", "distance_m", "px", "py")
        )
    )
    nb = len(buildings)
    code_index = {c: i for i, c in enumerate(comms.codes)}
    b_ci = np.array([code_index.get(c, -1) for c in bcomm], dtype=np.int64)
    nc = len(comms)
    fac_cat = np.asarray(facilities.category, dtype=object)
    cat_fidx = [np.flatnonzero(fac_cat == rule.code).astype(np.int64) for rule in cats]
    # every category's facilities and the origins on one augmented graph, built once
    access = prepare_access(network, [f_snap.subset(f) for f in cat_fidx], origins)

    coverage: list[CategoryCoverage] = []
    gaps: list[Gap] = []
    for step, rule in enumerate(cats, 1):
        if progress:
            progress(step, total, Message("access to %(code)s (%(name)s)", code=rule.code, name=rule.name_zh))
        fidx = cat_fidx[step - 1]
        res = access.nearest(step - 1)
        dist = res.distance_m
        near = np.where(res.nearest >= 0, fidx[np.maximum(res.nearest, 0)], -1) if fidx.size else res.nearest
        bd, bn, cd = dist[:nb], near[:nb], dist[nb:]
        served = buildings.population[:, rules.band_index(rule.age_group)].sum(axis=1)
        covered = bd <= rule.radius_m
        # (a) facilities inside each boundary
        inside: list[int | None] = []
        for parts in comms.polygons:
            if not parts:
                inside.append(None)
            elif fidx.size == 0:
                inside.append(0)
            else:
                rings = [r for p in parts for r in p]
                inside.append(int(points_in_polygon(facilities.lon[fidx], facilities.lat[fidx], rings).sum()))
        per_served = np.bincount(b_ci[b_ci >= 0], weights=served[b_ci >= 0], minlength=nc)
        cov_w = np.where(covered, served, 0.0)
        per_cov = np.bincount(b_ci[b_ci >= 0], weights=cov_w[b_ci >= 0], minlength=nc)
        per = tuple(
            CommunityCoverage(
                comms.codes[i],
                inside[i],
                float(cd[i]),
                bool(cd[i] <= rule.radius_m),
                float(per_served[i]),
                float(per_cov[i]),
            )
            for i in range(nc)
        )
        with_boundary = [x for x in inside if x is not None]
        coverage.append(CategoryCoverage(
            category=rule.code, radius_m=rule.radius_m, age_group=rule.age_group, facilities=int(fidx.size),
            communities=nc,
            communities_with_facility_inside=sum(1 for x in with_boundary if x > 0) if with_boundary else None,
            communities_within_radius=int(np.count_nonzero(cd <= rule.radius_m)),
            served_residents=float(served.sum()), covered_residents=float(cov_w.sum()),
            per_community=per, building_distance_m=bd, building_nearest=bn,
            walk_speed_m_s=rules.group(rule.age_group).walk_speed_m_s,
        ))  # fmt: skip
        for i in np.flatnonzero((served > 0) & ~covered):
            j = int(bn[i])
            gaps.append(
                Gap(
                    rule.code,
                    buildings.ids[i],
                    bcomm[i],
                    rule.age_group,
                    float(served[i]),
                    float(bd[i]),
                    rule.radius_m,
                    facilities.ids[j] if j >= 0 else None,
                    rules.group(rule.age_group).walk_speed_m_s,
                )
            )
    if progress:
        progress(total - 1, total, Message("supply index"))
    index = supply_index(rules, coverage, comms.codes)
    if progress:
        progress(total, total, Message("done"))
    return Analysis(tuple(coverage), index, tuple(gaps), comms, bcomm)


def supply_index(rules: Rules, coverage: Sequence[CategoryCoverage], codes: Sequence[str]) -> tuple[SupplyIndex, ...]:
    """Supply index per community, coverage per class and the under-supplied flag (see the module docstring)."""
    out = []
    for i, code in enumerate(codes):
        shares: dict[str, float] = {}
        req_zero: list[str] = []
        for cov in coverage:
            pc = cov.per_community[i]
            if pc.served_residents <= 0:
                continue
            s = pc.covered_residents / pc.served_residents
            shares[cov.category] = s
            if rules.category(cov.category).required and s == 0.0:
                req_zero.append(cov.category)
        index = weighted_share(rules, shares)
        out.append(
            SupplyIndex(
                code,
                None if index is None else 100.0 * index,
                shares,
                tuple(req_zero),
                {k.code: weighted_share(rules, shares, k.code) for k in rules.classes},
                rules.under_supplied(None if index is None else 100.0 * index),
            )
        )
    return tuple(out)


def weighted_share(rules: Rules, shares: Mapping[str, float], facility_class: str | None = None) -> float | None:
    """The weighted mean of the covered shares of the categories that apply (of one class when given), 0–1.

    Weights: ``weight``, times ``required_weight_factor`` for required categories. None when none applies.
    """
    num = den = 0.0
    for category, share in shares.items():
        rule = rules.category(category)
        if facility_class is not None and rule.facility_class != facility_class:
            continue
        w = rule.weight * (rules.required_weight_factor if rule.required else 1.0)
        num += w * share
        den += w
    return num / den if den > 0 else None


def finite_or_none(x: float) -> float | None:
    return x if math.isfinite(x) else None
