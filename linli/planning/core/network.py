"""The walking network: loading (OSM PBF/XML via pyosmium, GeoJSON), projection,
largest-component extraction and the sparse graph used by every computation.

Every OSM node of a kept way is a graph node, so every edge is one straight
segment of the way's geometry and network distances are exact along it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import osmium
from scipy import sparse

from ._graph import components, segment_lengths, symmetric_csr
from .errors import EmptyNetworkError, InputError, NetworkError
from .geo import FloatArray, IntArray, LocalProjection

# --- which ways people walk on -------------------------------------------------

WALKABLE_HIGHWAYS = frozenset(
    {
        "footway", "path", "pedestrian", "steps", "living_street", "residential",
        "service", "unclassified", "road", "track", "cycleway", "bridleway",
        "corridor", "crossing", "tertiary", "tertiary_link", "secondary",
        "secondary_link", "primary", "primary_link",
    }
)  # fmt: skip
# Trunk roads are walkable only when explicitly tagged for pedestrians.
FOOT_ONLY_IF_TAGGED = frozenset({"trunk", "trunk_link"})
# Never walkable, whatever the tags say.
NEVER_WALKABLE = frozenset({"motorway", "motorway_link", "construction", "proposed", "abandoned", "razed"})
FOOT_YES = frozenset({"yes", "designated", "permissive"})
FOOT_NO = frozenset({"no", "use_sidepath"})
ACCESS_NO = frozenset({"no", "private"})


def is_walkable(tags: Mapping[str, str]) -> bool:
    """Whether a way with these OSM tags is part of the walking network.

    - ``highway`` must be one of :data:`WALKABLE_HIGHWAYS` (trunk roads only with
      ``foot=yes|designated|permissive``; motorways, construction, proposed never);
    - ``foot=no`` (or ``use_sidepath``) excludes the way;
    - ``access=no|private`` excludes it unless ``foot`` explicitly allows walking;
    - ways with a ``construction`` or ``proposed`` tag (other than ``no``) are excluded;
    - ``area=yes`` squares are kept and walked along their outline, which joins the
      ways that meet the square (crossing it is approximated by going round it).
    """
    hw = tags.get("highway")
    if hw is None or hw in NEVER_WALKABLE:
        return False
    foot = tags.get("foot", "")
    if foot in FOOT_NO:
        return False
    if hw in FOOT_ONLY_IF_TAGGED:
        return foot in FOOT_YES
    if hw not in WALKABLE_HIGHWAYS:
        return False
    if tags.get("access", "") in ACCESS_NO and foot not in FOOT_YES:
        return False
    return all(tags.get(key, "no") == "no" for key in ("construction", "proposed"))


# --- the network ---------------------------------------------------------------


@dataclass(frozen=True)
class DroppedReport:
    """What was removed when keeping only the largest connected component."""

    components: int  # number of components dropped
    nodes: int
    edges: int
    length_m: float


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

    @property
    def n_nodes(self) -> int:
        return int(self.x.shape[0])

    @property
    def n_edges(self) -> int:
        return int(self.edge_u.shape[0])

    @property
    def total_length_m(self) -> float:
        return float(self.edge_length.sum())

    def summary(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "nodes": self.n_nodes,
            "edges": self.n_edges,
            "length_m": round(self.total_length_m, 1),
            "projection": {
                "method": "local equirectangular on WGS84 (N*cos(lat0), M at lat0)",
                "lon0": self.projection.lon0,
                "lat0": self.projection.lat0,
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
) -> WalkNetwork:
    """Build a network from node coordinates (lon/lat) and segments (node index pairs).

    Duplicate segments are merged, self-loops dropped, and only the largest
    connected component (by node count) is kept; the rest is reported in
    :attr:`WalkNetwork.dropped`.
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
    keep = a != b
    if not keep.all():
        a, b = a[keep], b[keep]
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    n = lon_a.shape[0]
    key = _sorted_unique(lo * n + hi)  # one int64 per undirected pair
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
    )


# --- loaders -------------------------------------------------------------------


class _Collector:
    """Accumulates nodes (by external id) and segments while reading ways."""

    def __init__(self) -> None:
        self.index: dict[int, int] = {}
        self.lon: list[float] = []
        self.lat: list[float] = []
        self.ids: list[int] = []
        self.a: list[int] = []
        self.b: list[int] = []

    def node(self, ext_id: int, lon: float, lat: float) -> int:
        i = self.index.get(ext_id)
        if i is None:
            i = len(self.lon)
            self.index[ext_id] = i
            self.lon.append(lon)
            self.lat.append(lat)
            self.ids.append(ext_id)
        return i

    def line(self, idx: Iterable[int]) -> None:
        prev: int | None = None
        for i in idx:
            if prev is not None:
                self.a.append(prev)
                self.b.append(i)
            prev = i

    def build(self, source: str) -> WalkNetwork:
        return build_network(self.lon, self.lat, self.a, self.b, node_ids=self.ids, source=source)


def load_osm(path: str | Path) -> WalkNetwork:
    """Load the walking network from an OSM file (PBF or XML, as pyosmium reads it)."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"network file {str(p)!r} does not exist")
    col = _Collector()
    try:
        fp = (
            osmium.FileProcessor(str(p), osmium.osm.NODE | osmium.osm.WAY)
            .with_locations()
            .with_filter(osmium.filter.EntityFilter(osmium.osm.WAY))
            .with_filter(osmium.filter.KeyFilter("highway"))
        )
        for way in fp:
            if not isinstance(way, osmium.osm.Way):
                continue
            tags = {t.k: t.v for t in way.tags}
            if not is_walkable(tags):
                continue
            idx: list[int] = []
            for nd in way.nodes:
                if not nd.location.valid():
                    # a way crossing the extract boundary: split it at missing nodes
                    col.line(idx)
                    idx = []
                    continue
                idx.append(col.node(nd.ref, nd.location.lon, nd.location.lat))
            col.line(idx)
    except RuntimeError as exc:  # pyosmium reports unreadable files this way
        raise InputError(f"network file {p.name!r} could not be read as OSM: {exc}") from exc
    return col.build(source=p.name)


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
    feature with OSM-style properties (``highway``, ``foot``, ``access``) is
    filtered like an OSM way; a feature without ``highway`` is taken as walkable.
    """
    p = Path(path)
    data = read_geojson(p)
    col = _Collector()
    for n, feat in enumerate(data.get("features", [])):
        props = feat.get("properties") or {}
        geom = feat.get("geometry") or {}
        where = f"{p.name} feature #{n}"
        if "highway" in props and not is_walkable({k: str(v) for k, v in props.items() if v is not None}):
            continue
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
            col.line(idx)
    # node ids: running numbers in reading order (vertex keys mean nothing outside)
    return build_network(col.lon, col.lat, col.a, col.b, source=p.name)


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
