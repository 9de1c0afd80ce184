"""Real-network checks on the Hangzhou OSM extract against an independent networkx computation."""

from __future__ import annotations

import itertools
import math
import os
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from linli.planning.core import WalkNetwork, distances_within, load_osm, nearest_source, snap_xy
from linli.planning.core.snap import Snapped

REPO_ROOT = Path(__file__).resolve().parents[3]
HANGZHOU_REL = Path("data") / "osm" / "hangzhou-2015" / "hangzhou_china.osm.pbf"


def hangzhou_pbf() -> Path:
    """The Hangzhou extract shipped with the project (or the folder $OSM_EXTRACT_DIR names)."""
    folder = os.environ.get("OSM_EXTRACT_DIR")
    return Path(folder) / HANGZHOU_REL.name if folder else REPO_ROOT / HANGZHOU_REL


@pytest.fixture(scope="session")
def hangzhou_path() -> Path:
    p = hangzhou_pbf()
    assert p.is_file(), f"the Hangzhou OSM extract is missing: {p}"
    return p


@pytest.fixture(scope="module")
def net(hangzhou_path: Path) -> WalkNetwork:
    return load_osm(hangzhou_path)


def _local_length(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Short-segment length on the WGS84 ellipsoid (radii at the mid latitude)."""
    a, e2 = 6378137.0, 6.69437999014e-3
    phi = math.radians((lat1 + lat2) / 2)
    w = 1 - e2 * math.sin(phi) ** 2
    n, m = a / math.sqrt(w), a * (1 - e2) / w**1.5
    return math.hypot(n * math.cos(phi) * math.radians(lon2 - lon1), m * math.radians(lat2 - lat1))


def test_network_shape_and_lengths(net: WalkNetwork) -> None:
    assert net.n_nodes > 5000 and net.n_edges > net.n_nodes * 0.9
    assert net.dropped.components > 0 and net.dropped.nodes > 0 and net.dropped.length_m > 0
    # symmetric graph whose weights are the edge lengths
    g = net.graph
    assert (g != g.T).nnz == 0
    assert np.allclose(g[net.edge_u, net.edge_v], net.edge_length)
    # projected lengths agree with ellipsoidal lengths to 0.1 % (projection drift)
    lon, lat = net.projection.inverse(net.x, net.y)
    rng = np.random.default_rng(0)
    for e in rng.choice(net.n_edges, 200, replace=False):
        u, v = net.edge_u[e], net.edge_v[e]
        ref = _local_length(lon[u], lat[u], lon[v], lat[v])
        assert abs(net.edge_length[e] - ref) <= 1e-3 * ref + 1e-3


def _brute_snap(net: WalkNetwork, qx: np.ndarray, qy: np.ndarray) -> np.ndarray:
    ax, ay = net.x[net.edge_u], net.y[net.edge_u]
    dx, dy = net.x[net.edge_v] - ax, net.y[net.edge_v] - ay
    out = np.empty(qx.size)
    for i in range(qx.size):
        t = np.clip(((qx[i] - ax) * dx + (qy[i] - ay) * dy) / np.maximum(dx * dx + dy * dy, 1e-300), 0, 1)
        out[i] = np.hypot(qx[i] - ax - t * dx, qy[i] - ay - t * dy).min()
    return out


def _nx_with_points(net: WalkNetwork, groups: dict[str, Snapped]) -> nx.Graph:
    """networkx graph of the same network with every snapped point inserted into its edge."""
    g = nx.Graph()
    for u, v, w in zip(net.edge_u.tolist(), net.edge_v.tolist(), net.edge_length.tolist(), strict=True):
        g.add_edge(u, v, weight=w)
    on_edge: dict[int, list[tuple[float, object]]] = {}
    for name, s in groups.items():
        for i in range(len(s)):
            e = int(s.edge[i])
            point = (name, "at", i)
            on_edge.setdefault(e, []).append((float(s.offset_m[i]), point))
            g.add_edge((name, i), point, weight=float(s.distance_m[i]))
    for e, pts in on_edge.items():
        u, v, length = int(net.edge_u[e]), int(net.edge_v[e]), float(net.edge_length[e])
        g.remove_edge(u, v)
        chain = [(0.0, u), *sorted(pts, key=lambda p: p[0]), (length, v)]
        for (o1, n1), (o2, n2) in itertools.pairwise(chain):
            g.add_edge(n1, n2, weight=o2 - o1)
    return g


@pytest.mark.usefixtures("either_search_graph")
def test_distances_equal_networkx(net: WalkNetwork) -> None:
    rng = np.random.default_rng(42)
    x0, x1, y0, y1 = net.x.min(), net.x.max(), net.y.min(), net.y.max()
    ox, oy = rng.uniform(x0, x1, 400), rng.uniform(y0, y1, 400)
    origins = snap_xy(net, ox, oy, max_snap_m=1e5)
    # the segment search is exact: same snap distance as a brute-force scan
    assert np.allclose(origins.distance_m, _brute_snap(net, ox, oy), atol=1e-6)
    cats = {}
    for k in range(3):
        n = (5, 20, 60)[k]
        cats[f"cat{k}"] = snap_xy(net, rng.uniform(x0, x1, n), rng.uniform(y0, y1, n), max_snap_m=1e5)
    # plus a facility on the very edge of an origin (same-edge case)
    g = _nx_with_points(net, {"o": origins, **cats})
    for name, fac in cats.items():
        ours = nearest_source(net, origins, fac)
        ref = nx.multi_source_dijkstra_path_length(g, [(name, i) for i in range(len(fac))], weight="weight")
        ref_d = np.array([ref.get(("o", i), math.inf) for i in range(len(origins))])
        assert np.isfinite(ref_d).all()
        assert np.max(np.abs(ours.distance_m - ref_d)) < 0.5
        # the reported nearest facility is at that distance
        single = nx.single_source_dijkstra_path_length(g, (name, int(ours.nearest[0])), weight="weight")
        assert abs(single[("o", 0)] - ours.distance_m[0]) < 0.5
    # pairwise distances within 800 m agree too (first category, exhaustive over pairs)
    fac = cats["cat1"]
    mat = distances_within(net, origins, fac, 800.0).toarray()
    present = distances_within(net, origins, fac, 800.0)
    for j in range(len(fac)):
        ref = nx.single_source_dijkstra_path_length(g, ("cat1", j), cutoff=800.0, weight="weight")
        for i in range(len(origins)):
            d = ref.get(("o", i), math.inf)
            stored = present[[i], [j]].size and (j in present.indices[present.indptr[i] : present.indptr[i + 1]])
            if d <= 799.5:
                assert stored and abs(mat[i, j] - d) < 0.5
            elif d > 800.5:
                assert not stored
