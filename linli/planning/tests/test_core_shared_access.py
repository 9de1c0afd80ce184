"""The shared augmentation (all categories' snap points split into one graph, once) is exact.

Compared, for every origin and every category, with (1) the previous per-category
computation (virtual source nodes with out-edges to both ends of their edge, plus
the same-edge pairs) and (2) networkx on the same network with every snap point
inserted into its edge. Cases: several snap points on one edge, facilities and
origins on the same edge, a facility exactly at an origin's point or at a node,
with and without a distance limit.
"""

from __future__ import annotations

import math
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from scipy.sparse.csgraph import dijkstra

from linli.planning.core import (
    WalkNetwork,
    load_osm,
    nearest_by_group,
    nearest_source,
    node_distances,
    prepare_access,
    snap_xy,
)
from linli.planning.core.access import augmented_graph, same_edge_pairs
from linli.planning.core.contract import for_search
from linli.planning.core.snap import Snapped

from .handmade import STREETS, network_of_lines
from .test_core_hangzhou import _nx_with_points, hangzhou_pbf


def _reference(net: WalkNetwork, origins: Snapped, sources: Snapped, limit: float = math.inf) -> np.ndarray:
    """The previous algorithm: one augmented graph per category, same-edge pairs added directly."""
    n = net.n_nodes
    if len(sources) == 0:
        return np.full(len(origins), math.inf)
    aug = augmented_graph(net, sources)
    dist = dijkstra(aug, directed=True, indices=np.arange(n, n + len(sources)), min_only=True, limit=limit)
    e = origins.edge
    best = (
        np.minimum(dist[net.edge_u[e]] + origins.offset_m, dist[net.edge_v[e]] + net.edge_length[e] - origins.offset_m)
        + origins.distance_m
    )
    oi, _si, d = same_edge_pairs(origins, sources)
    np.minimum.at(best, oi, d)
    best[best > limit] = math.inf
    return best


def _points(edge: np.ndarray, offset: np.ndarray, dist: np.ndarray) -> Snapped:
    z = np.zeros(edge.size)
    return Snapped(edge.astype(np.int64), offset.astype(float), dist.astype(float), z, z)


def _crowded_points(net: WalkNetwork, rng: np.random.Generator, n_cat: int) -> tuple[Snapped, list[Snapped]]:
    """Origins and categories sharing edges: several snap points per edge, coincident points, edge ends."""
    edges = rng.choice(net.n_edges, min(40, net.n_edges), replace=False)
    length = net.edge_length
    o_e = np.repeat(edges, 3)
    o_off = rng.uniform(0, 1, o_e.size) * length[o_e]
    o_off[::7] = 0.0  # at edge_u
    o_off[1::11] = length[o_e[1::11]]  # at edge_v
    o_d = rng.uniform(0, 40, o_e.size)
    o_d[::5] = 0.0
    origins = _points(o_e, o_off, o_d)
    cats = []
    for k in range(n_cat):
        f_e = np.repeat(rng.choice(edges, 6 + 4 * k), 2)  # two facilities per chosen edge
        f_off = rng.uniform(0, 1, f_e.size) * length[f_e]
        f_d = rng.uniform(0, 60, f_e.size)
        # one facility exactly at an origin's snap point, one at a node, one with zero snap distance
        f_e[0], f_off[0], f_d[0] = o_e[k + 2], o_off[k + 2], 0.0
        f_off[1] = 0.0
        f_d[2] = 0.0
        cats.append(_points(f_e, f_off, f_d))
    return origins, cats


def _check(net: WalkNetwork, origins: Snapped, cats: list[Snapped], limits: tuple[float, ...]) -> None:
    g = _nx_with_points(net, {"o": origins, **{f"c{k}": c for k, c in enumerate(cats)}})
    acc = prepare_access(net, cats, origins)
    for k, fac in enumerate(cats):
        ref_nx = nx.multi_source_dijkstra_path_length(g, [(f"c{k}", i) for i in range(len(fac))], weight="weight")
        nx_d = np.array([ref_nx.get(("o", i), math.inf) for i in range(len(origins))])
        for limit in limits:
            ours = acc.nearest(k, limit=limit)
            before = _reference(net, origins, fac, limit)
            ok = np.isfinite(before)
            # same distances as before (to rounding) and as networkx (0.5 m, the engine's guarantee)
            assert np.array_equal(ok, np.isfinite(ours.distance_m))
            assert np.allclose(ours.distance_m[ok], before[ok], rtol=0, atol=1e-9)
            exp = np.where(nx_d <= limit, nx_d, math.inf)
            assert np.array_equal(np.isfinite(exp), ok)
            assert np.max(np.abs(ours.distance_m[ok] - exp[ok]), initial=0.0) < 0.5
            assert np.all(ours.nearest[~ok] == -1) and np.all(ours.nearest[ok] >= 0)
            # one category alone gives the same as with all the others' points inserted
            alone = nearest_source(net, origins, fac, limit=limit).distance_m
            assert np.allclose(alone[ok], ours.distance_m[ok], rtol=0, atol=1e-9)


def _own_distance(net: WalkNetwork, origins: Snapped, fac: Snapped, near: np.ndarray) -> np.ndarray:
    """Distance from each origin to the facility it was given (reference algorithm, one facility at a time)."""
    out = np.empty(len(origins))
    for i in range(len(origins)):
        out[i] = _reference(net, origins.subset([i]), fac.subset([near[i]]))[0]
    return out


@pytest.mark.usefixtures("either_search_graph")
def test_handmade_city_crowded_edges() -> None:
    net = network_of_lines(STREETS)
    assert (net.n_nodes, net.n_edges) == (4, 3)  # the separate F-G piece is dropped
    rng = np.random.default_rng(3)
    origins, cats = _crowded_points(net, rng, 3)
    _check(net, origins, cats, (math.inf, 250.0, 120.0))
    for fac, r in zip(cats, nearest_by_group(net, origins, cats), strict=True):
        assert np.allclose(_own_distance(net, origins, fac, r.nearest), r.distance_m, rtol=0, atol=1e-9)
    # by hand: an origin and a facility on edge A-B (0..300 m), origin at 100 m (+10 m snap),
    # facilities at 40 m (+5 m snap) and 250 m (+0 m): 10 + 60 + 5 = 75 m vs 10 + 150 = 160 m
    ex = np.minimum(net.x[net.edge_u], net.x[net.edge_v])
    e_ab = int(np.flatnonzero(np.isclose(net.edge_length, 300.0, atol=0.01) & np.isclose(ex, 0.0, atol=0.01))[0])
    flip = net.x[net.edge_u[e_ab]] > net.x[net.edge_v[e_ab]]
    at = (lambda m: 300.0 - m) if flip else (lambda m: m)
    o = _points(np.array([e_ab]), np.array([at(100.0)]), np.array([10.0]))
    f = _points(np.array([e_ab, e_ab]), np.array([at(40.0), at(250.0)]), np.array([5.0, 0.0]))
    res = nearest_source(net, o, f)
    assert res.distance_m[0] == pytest.approx(75.0) and res.nearest[0] == 0
    assert nearest_source(net, o, f, limit=70.0).nearest[0] == -1


@pytest.mark.usefixtures("either_search_graph")
def test_hangzhou_shared_equals_before_and_networkx() -> None:
    p = hangzhou_pbf()
    net = load_osm(Path(p))
    rng = np.random.default_rng(5)
    origins, cats = _crowded_points(net, rng, 3)
    # plus points snapped from random positions (mostly on their own edges)
    x0, x1, y0, y1 = net.x.min(), net.x.max(), net.y.min(), net.y.max()
    extra_o = snap_xy(net, rng.uniform(x0, x1, 150), rng.uniform(y0, y1, 150), max_snap_m=1e5)
    origins = Snapped(
        *(np.concatenate([getattr(origins, f), getattr(extra_o, f)]) for f in Snapped.__dataclass_fields__)
    )
    cats = [
        Snapped(*(np.concatenate([getattr(c, f), getattr(s, f)]) for f in Snapped.__dataclass_fields__))
        for c, s in zip(
            cats,
            [snap_xy(net, rng.uniform(x0, x1, k), rng.uniform(y0, y1, k), max_snap_m=1e5) for k in (5, 20, 60)],
            strict=True,
        )
    ]
    _check(net, origins, cats, (math.inf, 1000.0, 300.0))
    # the nearest facility reported is at the reported distance
    res = nearest_by_group(net, origins, cats)
    for fac, r in zip(cats, res, strict=True):
        assert np.allclose(_own_distance(net, origins, fac, r.nearest), r.distance_m, rtol=0, atol=1e-9)


@pytest.mark.usefixtures("either_search_graph")
def test_node_distances_equal_networkx_cutoff() -> None:
    p = hangzhou_pbf()
    net = load_osm(Path(p))
    rng = np.random.default_rng(9)
    f = rng.choice(net.n_nodes, 25, replace=False)
    src = snap_xy(net, net.x[f], net.y[f])
    # facilities on chain ends: nothing to insert, the search graph is used as it is
    searched = for_search(net)
    ends = f[~np.isin(f, searched.interior)]
    assert prepare_access(net, [snap_xy(net, net.x[ends], net.y[ends])]).graph is searched.graph
    g = nx.Graph()
    g.add_weighted_edges_from(zip(net.edge_u.tolist(), net.edge_v.tolist(), net.edge_length.tolist(), strict=True))
    for limit in (math.inf, 1000.0):
        ours, near = node_distances(net, src, limit=limit)
        ref = nx.multi_source_dijkstra_path_length(g, set(f.tolist()), cutoff=limit, weight="weight")
        exp = np.full(net.n_nodes, math.inf)
        exp[list(ref)] = list(ref.values())
        assert np.array_equal(np.isfinite(ours), np.isfinite(exp))
        fin = np.isfinite(exp)
        assert np.max(np.abs(ours[fin] - exp[fin])) < 1e-6
        assert np.all(f[near[fin]] >= 0) and np.all(near[~fin] == -1)
