"""The walking network: loading (OSM PBF/XML via pyosmium, GeoJSON), projection,
largest-component extraction and the sparse graph used by every computation.

Every OSM node of a kept way is a graph node, so every edge is one straight
segment of the way's geometry and network distances are exact along it.
Pedestrian areas add their outlines and straight crossings between their
entrances (see :mod:`.areas`). Every edge carries a kind (level, elevator,
steps with or without a ramp, not for wheelchairs) for the walking profiles of
:mod:`.profiles`. Which tags are walkable is decided in one table,
:data:`WALKABLE_TAGS`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import osmium
from scipy import sparse

from ._graph import components, segment_lengths, symmetric_csr
from .areas import corners, visible_pairs
from .errors import EmptyNetworkError, InputError, NetworkError
from .geo import FloatArray, IntArray, LocalProjection, points_in_polygon

# --- which ways people walk on: the one tag table ------------------------------
#
# Edge kinds: what a walking profile (see :mod:`.profiles`) may weigh or refuse. Where two ways share a
# segment, the segment keeps the easiest kind (the lowest number).
LEVEL = 0  # level walking: streets, footways, squares, platforms
ELEVATOR = 1  # highway=elevator ways
RAMP_STEPS = 2  # steps with a ramp (ramp=yes, ramp:wheelchair=yes) or tagged wheelchair=yes|designated
NO_WHEELCHAIR = 3  # any other way tagged wheelchair=no
STEPS = 4  # highway=steps (escalators, conveying=*, included)
EDGE_KINDS = ("level", "elevator", "ramp_steps", "no_wheelchair", "steps")

# (key, value) -> edge kind. The highway values OSM's wiki lists as usable on foot by default
# ("OSM tags for routing/Access restrictions", the worldwide and China rows; Key:highway), plus
# platforms (highway=platform, railway=platform) and elevators (highway=elevator).
WALKABLE_TAGS: dict[tuple[str, str], int] = {
    **{("highway", hw): LEVEL for hw in (
        "footway", "path", "pedestrian", "living_street", "residential", "service", "unclassified",
        "road", "track", "cycleway", "bridleway", "corridor", "crossing", "platform",
        "tertiary", "tertiary_link", "secondary", "secondary_link", "primary", "primary_link",
    )},
    ("highway", "steps"): STEPS,
    ("highway", "elevator"): ELEVATOR,
    ("railway", "platform"): LEVEL,
}  # fmt: skip
WALK_KEYS = tuple(sorted({k for k, _ in WALKABLE_TAGS}))  # the keys a walkable way is found by
WALKABLE_HIGHWAYS = frozenset(v for k, v in WALKABLE_TAGS if k == "highway")
# Trunk roads are walkable only when explicitly tagged for pedestrians.
FOOT_ONLY_IF_TAGGED = frozenset({"trunk", "trunk_link"})
# Never walkable, whatever the tags say.
NEVER_WALKABLE = frozenset({"motorway", "motorway_link", "construction", "proposed", "abandoned", "razed"})
FOOT_YES = frozenset({"yes", "designated", "permissive"})
FOOT_NO = frozenset({"no", "use_sidepath"})
ACCESS_NO = frozenset({"no", "private"})
WHEELCHAIR_YES = frozenset({"yes", "designated"})
RAMP_KEYS = ("ramp", "ramp:wheelchair")
# Closed ways that are areas without area=yes (OSM's implied areas among the walkable tags), unless area=no.
IMPLIED_AREA = frozenset({("highway", "platform"), ("railway", "platform")})


def walk_kind(tags: Mapping[str, str]) -> int | None:
    """The edge kind of a way with these OSM tags, or None when it is not part of the walking network.

    - the way needs a (key, value) of :data:`WALKABLE_TAGS` (``highway`` first, then ``railway``;
      trunk roads only with ``foot=yes|designated|permissive``; motorways, construction, proposed never);
    - ``foot=no`` (or ``use_sidepath``) excludes the way;
    - ``access=no|private`` excludes it unless ``foot`` explicitly allows walking;
    - ways with a ``construction`` or ``proposed`` tag (other than ``no``) are excluded;
    - steps with a ramp (``ramp=yes``, ``ramp:wheelchair=yes``) or ``wheelchair=yes|designated`` are
      :data:`RAMP_STEPS`; other ways tagged ``wheelchair=no`` are :data:`NO_WHEELCHAIR`.

    Pedestrian areas (see :func:`is_walk_area`) are walked along their outline and across.
    """
    hw = tags.get("highway")
    if hw in NEVER_WALKABLE:
        return None
    foot = tags.get("foot", "")
    if foot in FOOT_NO:
        return None
    if hw in FOOT_ONLY_IF_TAGGED:
        kind: int | None = LEVEL if foot in FOOT_YES else None
    else:
        kind = None
        for key in WALK_KEYS:
            value = tags.get(key)
            if value is not None and (key, value) in WALKABLE_TAGS:
                kind = WALKABLE_TAGS[(key, value)]
                break
    if kind is None:
        return None
    if tags.get("access", "") in ACCESS_NO and foot not in FOOT_YES:
        return None
    if not all(tags.get(key, "no") == "no" for key in ("construction", "proposed")):
        return None
    wheelchair = tags.get("wheelchair", "")
    if kind == STEPS and (wheelchair in WHEELCHAIR_YES or any(tags.get(k) == "yes" for k in RAMP_KEYS)):
        return RAMP_STEPS
    if kind == LEVEL and wheelchair == "no":
        return NO_WHEELCHAIR
    return kind


def is_walkable(tags: Mapping[str, str]) -> bool:
    """Whether a way with these OSM tags is part of the walking network (see :func:`walk_kind`)."""
    return walk_kind(tags) is not None


def is_walk_area(tags: Mapping[str, str], *, relation: bool) -> bool:
    """Whether a walkable closed way (``relation=False``) or multipolygon (``relation=True``) is an area.

    A multipolygon relation with a walkable tag is always an area (e.g. ``highway=pedestrian`` squares);
    a closed way only with ``area=yes``, or for platforms unless ``area=no``: OSM's wiki reads a closed
    ``highway=pedestrian`` or ``footway`` way without ``area=yes`` as a loop, walked along only.
    """
    if walk_kind(tags) is None:
        return False
    if relation:
        return True
    area = tags.get("area", "")
    if area == "yes":
        return True
    return area != "no" and any((k, tags.get(k, "")) in IMPLIED_AREA for k in WALK_KEYS)


# --- the network ---------------------------------------------------------------


@dataclass(frozen=True)
class DroppedReport:
    """What was removed when keeping only the largest connected component."""

    components: int  # number of components dropped
    nodes: int
    edges: int
    length_m: float


@dataclass(frozen=True)
class AreaReport:
    """Pedestrian areas read: how many, the straight crossings added, and those walked round only."""

    areas: int = 0
    crossings: int = 0
    outline_only: int = 0  # too many entrances to join (see :data:`.areas.MAX_CORNERS`)


@dataclass(frozen=True)
class WalkNetwork:
    """An undirected walking network in local metric coordinates.

    ``graph`` is a symmetric CSR matrix (both directions stored) of edge lengths;
    edges are the undirected segments ``edge_u[i] -- edge_v[i]`` of
    ``edge_length[i]`` metres, straight between their two nodes.
    """

    projection: LocalProjection
    x: FloatArray
    y: FloatArray
    node_ids: IntArray  # OSM node ids, or running numbers for GeoJSON input
    edge_u: IntArray
    edge_v: IntArray
    edge_length: FloatArray
    graph: sparse.csr_array = field(repr=False)
    dropped: DroppedReport
    source: str = ""
    # per edge: its kind (LEVEL, ELEVATOR, RAMP_STEPS, NO_WHEELCHAIR, STEPS); None: every edge LEVEL
    edge_kind: npt.NDArray[np.int8] | None = field(default=None, repr=False)
    # the walking profile whose costs ``edge_length`` holds ("" for plain metres, see :mod:`.profiles`)
    profile: str = ""
    areas: AreaReport = field(default_factory=AreaReport)

    @property
    def n_nodes(self) -> int:
        return int(self.x.shape[0])

    @property
    def n_edges(self) -> int:
        return int(self.edge_u.shape[0])

    @property
    def total_length_m(self) -> float:
        return float(self.edge_length.sum())

    def kinds(self) -> npt.NDArray[np.int8]:
        """Per edge its kind (all LEVEL when the network was built without kinds)."""
        if self.edge_kind is None:
            return np.zeros(self.n_edges, dtype=np.int8)
        return self.edge_kind

    def summary(self) -> dict[str, Any]:
        kinds = np.bincount(self.kinds(), minlength=len(EDGE_KINDS))
        return {
            "source": self.source,
            "profile": self.profile,
            "edge_kinds": {name: int(kinds[i]) for i, name in enumerate(EDGE_KINDS) if kinds[i]},
            "nodes": self.n_nodes,
            "edges": self.n_edges,
            "length_m": round(self.total_length_m, 1),
            "projection": {
                "method": "local equirectangular on WGS84 (N*cos(lat0), M at lat0)",
                "lon0": self.projection.lon0,
                "lat0": self.projection.lat0,
            },
            "areas": {
                "areas": self.areas.areas,
                "crossings": self.areas.crossings,
                "outline_only": self.areas.outline_only,
            },
            "dropped": {
                "components": self.dropped.components,
                "nodes": self.dropped.nodes,
                "edges": self.dropped.edges,
                "length_m": round(self.dropped.length_m, 1),
            },
        }


def _sorted_unique(a: IntArray) -> IntArray:
    """np.unique by sorting (faster than numpy 2.x's hash-based unique on large int arrays)."""
    s = np.sort(a, kind="stable")  # linear on input that is already sorted
    out: IntArray = s[np.r_[True, s[1:] != s[:-1]]] if s.size else s
    return out


def _present(idx: IntArray, n: int) -> IntArray:
    """Sorted distinct values of ``idx`` in range(n)."""
    mask = np.zeros(n, dtype=bool)
    mask[idx] = True
    return np.flatnonzero(mask).astype(np.int64)


def _symmetric_csr(u: IntArray, v: IntArray, w: FloatArray, n: int) -> sparse.csr_array:
    """Symmetric CSR graph (both directions) of the pairs ``u < v`` sorted by (u, v), sorted indices.

    float64 data and int32 indices: the search kernel and ``scipy.sparse.csgraph``
    use it as it is, without a copy per call.
    """
    indptr, indices, data = symmetric_csr(u, v, w, n)
    g = sparse.csr_array((data, indices, indptr), shape=(n, n))
    g.has_sorted_indices = True
    return g


def build_network(
    lon: npt.ArrayLike,
    lat: npt.ArrayLike,
    seg_a: npt.ArrayLike,
    seg_b: npt.ArrayLike,
    *,
    node_ids: npt.ArrayLike | None = None,
    projection: LocalProjection | None = None,
    source: str = "",
    kind: npt.ArrayLike | None = None,
) -> WalkNetwork:
    """Build a network from node coordinates (lon/lat) and segments (node index pairs).

    Duplicate segments are merged (keeping the easiest ``kind``, the lowest), self-loops
    dropped, and only the largest connected component (by node count) is kept; the rest
    is reported in :attr:`WalkNetwork.dropped`. ``kind``: per segment its edge kind
    (see :data:`EDGE_KINDS`); None: every segment level.
    """
    lon_a = np.asarray(lon, dtype=np.float64)
    lat_a = np.asarray(lat, dtype=np.float64)
    a = np.asarray(seg_a, dtype=np.int64)
    b = np.asarray(seg_b, dtype=np.int64)
    ids = np.arange(lon_a.shape[0], dtype=np.int64) if node_ids is None else np.asarray(node_ids, dtype=np.int64)
    what = source or "network input"
    if a.size == 0 or lon_a.size == 0:
        raise EmptyNetworkError(f"{what}: no walkable way found (empty network)")
    if lon_a.shape != lat_a.shape or a.shape != b.shape or ids.shape != lon_a.shape:
        raise NetworkError(f"{what}: coordinate and segment arrays do not match in length")
    if not (np.isfinite(lon_a).all() and np.isfinite(lat_a).all()):
        raise NetworkError(f"{what}: non-finite node coordinates")

    # undirected, deduplicated segments without self-loops
    k_a = None if kind is None else np.asarray(kind, dtype=np.int8)
    if k_a is not None and k_a.shape != a.shape:
        raise NetworkError(f"{what}: segment kinds do not match the segments in length")
    keep = a != b
    if not keep.all():
        a, b = a[keep], b[keep]
        k_a = None if k_a is None else k_a[keep]
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    n = lon_a.shape[0]
    edge_kind = None
    if k_a is None or not k_a.any():
        key = _sorted_unique(lo * n + hi)  # one int64 per undirected pair
    else:  # per pair the easiest kind: sorted by (pair, kind), the first of each pair
        pair = lo * n + hi
        order = np.lexsort((k_a, pair))
        sp = pair[order]
        first = np.r_[True, sp[1:] != sp[:-1]] if sp.size else np.zeros(0, dtype=bool)
        key, edge_kind = sp[first], k_a[order][first]
    if key.size == 0:
        raise EmptyNetworkError(f"{what}: no walkable way found (only degenerate ways)")
    u = key // n
    v = key - u * n
    used = _present(np.concatenate([u, v]), n)
    if projection is None:
        projection = LocalProjection.around(float(lon_a[used].mean()), float(lat_a[used].mean()))
    x_all, y_all = projection.forward(lon_a, lat_a)
    length = segment_lengths(u, v, x_all, y_all)

    # largest connected component, counted in nodes that carry an edge
    n_comp, labels = components(u, v, n)
    sizes = np.bincount(labels[used], minlength=n_comp)
    best = int(np.argmax(sizes))
    edge_keep = labels[u] == best
    dropped = DroppedReport(
        components=int(np.count_nonzero(sizes)) - 1,
        nodes=int(used.size - sizes[best]),
        edges=int(np.count_nonzero(~edge_keep)),
        length_m=float(length[~edge_keep].sum()),
    )
    if not edge_keep.all():
        u, v, length = u[edge_keep], v[edge_keep], length[edge_keep]
        edge_kind = None if edge_kind is None else edge_kind[edge_keep]

    # renumber the kept nodes 0..k-1 (in order: the pairs stay sorted)
    kept = np.flatnonzero(labels == best)
    k = int(kept.size)
    if k < n:
        remap = np.full(n, -1, dtype=np.int64)
        remap[kept] = np.arange(k, dtype=np.int64)
        u, v = remap[u], remap[v]
    graph = _symmetric_csr(u, v, length, k)
    return WalkNetwork(
        projection=projection,
        x=x_all[kept],
        y=y_all[kept],
        node_ids=ids[kept],
        edge_u=u,
        edge_v=v,
        edge_length=length,
        graph=graph,
        dropped=dropped,
        source=source,
        edge_kind=edge_kind,
    )


# --- loaders -------------------------------------------------------------------


class _Collector:
    """Accumulates nodes (by external id) and segments (with their kind) while reading ways."""

    def __init__(self) -> None:
        self.index: dict[int, int] = {}
        self.lon: list[float] = []
        self.lat: list[float] = []
        self.ids: list[int] = []
        self.a: list[int] = []
        self.b: list[int] = []
        self.kind: list[int] = []

    def node(self, ext_id: int, lon: float, lat: float) -> int:
        i = self.index.get(ext_id)
        if i is None:
            i = len(self.lon)
            self.index[ext_id] = i
            self.lon.append(lon)
            self.lat.append(lat)
            self.ids.append(ext_id)
        return i

    def line(self, idx: Iterable[int], kind: int = LEVEL) -> None:
        prev: int | None = None
        for i in idx:
            if prev is not None:
                self.a.append(prev)
                self.b.append(i)
                self.kind.append(kind)
            prev = i

    def build(self, source: str, areas: AreaReport | None = None) -> WalkNetwork:
        net = build_network(self.lon, self.lat, self.a, self.b, node_ids=self.ids, source=source, kind=self.kind)
        return replace(net, areas=areas) if areas is not None else net


@dataclass
class _Area:
    """A pedestrian area as read: its rings (OSM node ids, lon/lat) and the kind of its crossings."""

    from_way: bool
    kind: int
    rings: list[tuple[list[int], list[float], list[float]]]
    outer: list[bool]


def _off_level(tags: Mapping[str, str]) -> bool:
    """A way above or below the ground it crosses (a bridge, a tunnel, another layer)."""
    return (
        tags.get("bridge", "no") != "no" or tags.get("tunnel", "no") != "no" or tags.get("layer", "0") not in ("", "0")
    )


def _add_areas(col: _Collector, areas: list[_Area], touches: dict[int, int], off_level: set[int]) -> AreaReport:
    """Outlines of multipolygon areas, and the straight crossings of every area (see :mod:`.areas`).

    ``touches``: per OSM node, how many walkable ways and multipolygon areas it lies on; an outline node
    touched by anything besides its own area is an entrance. Nodes of walkable ways that lie inside an
    area (a path that ends or turns in the middle of a square) are joined across it like entrances,
    unless the way is on a bridge, in a tunnel or on another layer (``off_level``: their OSM node ids).
    Called after every way was read: the collector's nodes so far are the ways' nodes.
    """
    crossings = outline_only = 0
    n_way = len(col.lon)
    way_lon, way_lat = np.asarray(col.lon), np.asarray(col.lat)
    by_lon = np.argsort(way_lon, kind="stable")
    lon_sorted = way_lon[by_lon]
    level_off = np.zeros(n_way, dtype=bool)
    level_off[[col.index[i] for i in off_level if i in col.index]] = True
    todo: list[tuple[_Area, list[IntArray], set[int]]] = []
    for area in areas:
        rings_idx: list[IntArray] = []
        for ids, lons, lats in area.rings:
            idx = [col.node(i, lo, la) for i, lo, la in zip(ids, lons, lats, strict=True)]
            if not area.from_way:  # a closed way's outline is already in the network as a way
                col.line(idx, area.kind)
            if len(idx) > 1 and idx[0] == idx[-1]:
                idx = idx[:-1]
            rings_idx.append(np.asarray(idx, dtype=np.int64))
        if rings_idx:
            todo.append(
                (area, rings_idx, {col.index[i] for ids, _, _ in area.rings for i in ids if touches.get(i, 0) >= 2})
            )
    all_lon, all_lat = np.asarray(col.lon), np.asarray(col.lat)
    for area, rings_idx, ent in todo:
        ring_nodes = np.unique(np.concatenate(rings_idx))
        rlon, rlat = all_lon[ring_nodes], all_lat[ring_nodes]
        proj = LocalProjection.around(float(rlon.mean()), float(rlat.mean()))
        # way nodes strictly inside the area
        lo = int(np.searchsorted(lon_sorted, rlon.min(), side="left"))
        hi = int(np.searchsorted(lon_sorted, rlon.max(), side="right"))
        cand = by_lon[lo:hi]
        cand = cand[(way_lat[cand] >= rlat.min()) & (way_lat[cand] <= rlat.max()) & (cand < n_way)]
        cand = cand[~np.isin(cand, ring_nodes) & ~level_off[cand]]
        if cand.size:
            cx, cy = proj.forward(all_lon[cand], all_lat[cand])
            polys = [np.column_stack(proj.forward(all_lon[r], all_lat[r])) for r in rings_idx]
            cand = cand[points_in_polygon(cx, cy, polys)]
        if len(ent) + cand.size < 2:
            continue
        nodes = np.union1d(ring_nodes, cand)  # the area's nodes, numbered locally
        x, y = proj.forward(all_lon[nodes], all_lat[nodes])
        local = [np.searchsorted(nodes, r) for r in rings_idx]
        joined = np.searchsorted(nodes, np.concatenate([np.fromiter(ent, dtype=np.int64), cand]))
        corner = corners(x, y, local, area.outer, joined)
        if corner.size == 0:
            outline_only += 1
            continue
        a, b = visible_pairs(x, y, local, corner)
        col.a.extend(nodes[a].tolist())
        col.b.extend(nodes[b].tolist())
        col.kind.extend([area.kind] * int(a.size))
        crossings += int(a.size)
    return AreaReport(areas=len(areas), crossings=crossings, outline_only=outline_only)


def _ring(ring: Iterable[Any]) -> tuple[list[int], list[float], list[float]] | None:
    ids, lons, lats = [], [], []
    for nd in ring:
        if not nd.location.valid():
            return None  # an area cut by the extract boundary: its outline ways are walked, no crossing
        ids.append(nd.ref)
        lons.append(nd.location.lon)
        lats.append(nd.location.lat)
    return ids, lons, lats


def load_osm(path: str | Path) -> WalkNetwork:
    """Load the walking network from an OSM file (PBF or XML, as pyosmium reads it).

    Ways with a walkable tag (see :func:`walk_kind`) are walked along; pedestrian areas
    (see :func:`is_walk_area`: closed ways and multipolygon relations, assembled by
    pyosmium's area handler) along their outlines and across them (see :mod:`.areas`).
    """
    p = Path(path)
    if not p.is_file():
        raise InputError(f"network file {str(p)!r} does not exist")
    col = _Collector()
    touches: dict[int, int] = {}
    off_level: set[int] = set()
    areas: list[_Area] = []
    try:
        fp = (
            osmium.FileProcessor(str(p), osmium.osm.NODE | osmium.osm.WAY | osmium.osm.RELATION)
            .with_locations()
            .with_areas(osmium.filter.KeyFilter(*WALK_KEYS))
            .with_filter(osmium.filter.EntityFilter(osmium.osm.WAY | osmium.osm.AREA))
            .with_filter(osmium.filter.KeyFilter(*WALK_KEYS))
        )
        for obj in fp:
            tags = {t.k: t.v for t in obj.tags}
            if isinstance(obj, osmium.osm.Area):
                if not is_walk_area(tags, relation=not obj.from_way()):
                    continue
                kind = walk_kind(tags)
                assert kind is not None
                rings: list[tuple[list[int], list[float], list[float]]] = []
                outer: list[bool] = []
                for o_ring in obj.outer_rings():
                    for ring, is_outer in ((o_ring, True), *((r, False) for r in obj.inner_rings(o_ring))):
                        got = _ring(ring)
                        if got is not None:
                            rings.append(got)
                            outer.append(is_outer)
                if not obj.from_way():
                    for node_id in {i for ids, _, _ in rings for i in ids}:
                        touches[node_id] = touches.get(node_id, 0) + 1
                areas.append(_Area(obj.from_way(), kind, rings, outer))
                continue
            if not isinstance(obj, osmium.osm.Way):
                continue
            kind = walk_kind(tags)
            if kind is None:
                continue
            if _off_level(tags):
                off_level.update(nd.ref for nd in obj.nodes)
            idx: list[int] = []
            seen: set[int] = set()
            for nd in obj.nodes:
                if not nd.location.valid():
                    # a way crossing the extract boundary: split it at missing nodes
                    col.line(idx, kind)
                    idx = []
                    continue
                idx.append(col.node(nd.ref, nd.location.lon, nd.location.lat))
                if nd.ref not in seen:
                    seen.add(nd.ref)
                    touches[nd.ref] = touches.get(nd.ref, 0) + 1
            col.line(idx, kind)
        report = _add_areas(col, areas, touches, off_level)
    except RuntimeError as exc:  # pyosmium reports unreadable files this way
        raise InputError(f"network file {p.name!r} could not be read as OSM: {exc}") from exc
    return col.build(source=p.name, areas=report)


def _lines_of(geom: Mapping[str, Any], where: str) -> list[list[list[float]]]:
    gtype = geom.get("type")
    coords = geom.get("coordinates")
    if gtype == "LineString":
        return [coords] if isinstance(coords, list) else []
    if gtype == "MultiLineString":
        return list(coords) if isinstance(coords, list) else []
    if gtype == "GeometryCollection":
        out: list[list[list[float]]] = []
        for sub in geom.get("geometries", []):
            out.extend(_lines_of(sub, where))
        return out
    return []


def load_geojson_network(path: str | Path) -> WalkNetwork:
    """Load LineString/MultiLineString features (lon/lat, RFC 7946) as a walking network.

    Lines join where they share a vertex (coordinates equal to 1e-7 degree). A
    feature with OSM-style properties (``highway``, ``railway``, ``foot``, ``access``,
    ``wheelchair``, ``ramp``) is filtered and given its kind like an OSM way; a feature
    without ``highway`` or ``railway`` is taken as level walkable ground.
    """
    p = Path(path)
    data = read_geojson(p)
    col = _Collector()
    for n, feat in enumerate(data.get("features", [])):
        props = feat.get("properties") or {}
        geom = feat.get("geometry") or {}
        where = f"{p.name} feature #{n}"
        kind = LEVEL
        if any(key in props for key in WALK_KEYS):
            found = walk_kind({k: str(v) for k, v in props.items() if v is not None})
            if found is None:
                continue
            kind = found
        if str(props.get("foot", "")) in FOOT_NO:
            continue
        for line in _lines_of(geom, where):
            idx: list[int] = []
            for pt in line:
                try:
                    lon, lat = float(pt[0]), float(pt[1])
                except (TypeError, ValueError, IndexError) as exc:
                    raise InputError(f"{where}: bad coordinate {pt!r}") from exc
                if not (math.isfinite(lon) and math.isfinite(lat)):
                    raise InputError(f"{where}: non-finite coordinate {pt!r}")
                key = (round(lon * 1e7) << 32) + round(lat * 1e7) + (1 << 31)  # exact vertex key
                idx.append(col.node(key, lon, lat))
            col.line(idx, kind)
    # node ids: running numbers in reading order (vertex keys mean nothing outside)
    return build_network(col.lon, col.lat, col.a, col.b, source=p.name, kind=col.kind)


def read_geojson(path: Path) -> dict[str, Any]:
    """Read a GeoJSON FeatureCollection, with a clear error naming the file."""
    if not path.is_file():
        raise InputError(f"file {str(path)!r} does not exist")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InputError(f"{path.name}: invalid JSON at line {exc.lineno}: {exc.msg}") from exc
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise InputError(f"{path.name}: expected a GeoJSON FeatureCollection")
    return data


def load_network(path: str | Path) -> WalkNetwork:
    """Load a network file, choosing the reader by extension (.pbf/.osm/.xml or .geojson/.json)."""
    p = Path(path)
    name = p.name.lower()
    if name.endswith((".geojson", ".json")):
        return load_geojson_network(p)
    if name.endswith((".pbf", ".osm", ".xml", ".osm.bz2", ".osm.gz", ".o5m", ".opl")):
        return load_osm(p)
    raise InputError(f"network file {p.name!r}: unknown format (expected .osm.pbf, .osm, .xml or .geojson)")
