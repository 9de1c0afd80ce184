"""Chain contraction (degree-2 nodes folded into single edges) gives exactly the uncontracted distances.

Hand-made networks in metres: chains between junctions, a network that is one
ring, two chains (and a chain and an edge) between the same junctions, a chain
coming back to its own junction, a dead-end chain; facilities and origins
snapped inside chains, on interior nodes and at chain ends; distance limits that
cut a chain in the middle. Every answer is compared with networkx on the same
network with every snap point inserted, and with Dijkstra on the uncontracted
network.
"""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest
from scipy.sparse.csgraph import dijkstra

from linli.planning.core import WalkNetwork, node_distances, prepare_access
from linli.planning.core.contract import contraction_of
from linli.planning.core.snap import Snapped

from .handmade import network_of_lines
from .test_core_hangzhou import _nx_with_points

# small networks are searched as built unless told otherwise (see contract.for_search): fold them here
pytestmark = pytest.mark.usefixtures("chains_folded")


def _node(net: WalkNetwork, x: float, y: float) -> int:
    return int(np.argmin(np.hypot(net.x - x, net.y - y)))


def _edge(net: WalkNetwork, p: tuple[float, float], q: tuple[float, float]) -> int:
    """The edge between the nodes nearest to p and q, and whether it runs p -> q."""
    u, v = _node(net, *p), _node(net, *q)
    hit = np.flatnonzero(((net.edge_u == u) & (net.edge_v == v)) | ((net.edge_u == v) & (net.edge_v == u)))
    assert hit.size == 1
    return int(hit[0])


def _at(net: WalkNetwork, p: tuple[float, float], q: tuple[float, float], frac: float, snap: float) -> Snapped:
    """A point ``frac`` of the way from p to q along their edge, after a straight walk of ``snap`` metres."""
    e = _edge(net, p, q)
    off = frac * net.edge_length[e] if net.edge_u[e] == _node(net, *p) else (1 - frac) * net.edge_length[e]
    z = np.zeros(1)
    return Snapped(np.array([e]), np.array([off]), np.array([snap]), z, z)


def _cat(points: list[Snapped]) -> Snapped:
    return Snapped(*(np.concatenate([getattr(p, f) for p in points]) for f in Snapped.__dataclass_fields__))


def _on_nodes(net: WalkNetwork, nodes: list[int]) -> Snapped:
    """Points exactly on nodes, given as offset 0 from edge_u or full length from edge_v."""
    edge, off = [], []
    for i, k in enumerate(nodes):
        as_u = np.flatnonzero(net.edge_u == k)
        as_v = np.flatnonzero(net.edge_v == k)
        if as_u.size and (i % 2 == 0 or not as_v.size):
            edge.append(int(as_u[0]))
            off.append(0.0)
        else:
            edge.append(int(as_v[0]))
            off.append(float(net.edge_length[as_v[0]]))
    z = np.zeros(len(nodes))
    return Snapped(np.array(edge, dtype=np.int64), np.array(off), z, z, z)


def _check(net: WalkNetwork, groups: list[Snapped], origins: Snapped, limits: tuple[float, ...]) -> None:
    """Contracted answers == networkx with every point inserted == Dijkstra on the uncontracted network."""
    g = _nx_with_points(net, {"o": origins, **{f"c{k}": s for k, s in enumerate(groups)}})
    acc = prepare_access(net, groups, origins)
    n = net.n_nodes
    for k, src in enumerate(groups):
        ref = nx.multi_source_dijkstra_path_length(g, [(f"c{k}", i) for i in range(len(src))], weight="weight")
        ref_nodes = np.array([ref.get(i, math.inf) for i in range(n)])
        ref_o = np.array([ref.get(("o", i), math.inf) for i in range(len(origins))])
        for limit in limits:
            exp_nodes = np.where(ref_nodes <= limit, ref_nodes, math.inf)
            exp_o = np.where(ref_o <= limit, ref_o, math.inf)
            d = acc.distances(k, limit=limit)
            d2, near = acc.node_distances(k, limit=limit)
            res = acc.nearest(k, limit=limit)
            for got, exp in ((d, exp_nodes), (d2, exp_nodes), (res.distance_m, exp_o)):
                assert np.array_equal(np.isfinite(got), np.isfinite(exp))
                fin = np.isfinite(exp)
                assert np.allclose(got[fin], exp[fin], rtol=0, atol=1e-6)
            assert np.all((near >= 0) == np.isfinite(exp_nodes))
            assert np.all((res.nearest >= 0) == np.isfinite(exp_o))
            # the reported source is at the reported distance
            for i in np.flatnonzero(near >= 0):
                one = nx.single_source_dijkstra_path_length(g, (f"c{k}", int(near[i])), weight="weight")
                assert one[i] == pytest.approx(d2[i], abs=1e-6)
            for i in np.flatnonzero(res.nearest >= 0):
                one = nx.single_source_dijkstra_path_length(g, (f"c{k}", int(res.nearest[i])), weight="weight")
                assert one[("o", i)] == pytest.approx(res.distance_m[i], abs=1e-6)


def _uncontracted(net: WalkNetwork, sources: list[int], limit: float = math.inf) -> np.ndarray:
    out: np.ndarray = dijkstra(net.graph, directed=True, indices=sources, min_only=True, limit=limit)
    return out


# A --(chain via 3 nodes)-- B ; A --(edge)-- C ; B -- C by two chains of different length ; a loop from C
# back to C ; a dead-end chain from B.
A, B, C = (0.0, 0.0), (400.0, 0.0), (400.0, 300.0)
CHAIN_AB = [A, (100.0, 20.0), (200.0, 0.0), (300.0, 20.0), B]
CHAIN_BC_SHORT = [B, (420.0, 150.0), C]
CHAIN_BC_LONG = [B, (600.0, 0.0), (600.0, 300.0), C]
EDGE_AC = [A, C]
CHAIN_AC = [A, (0.0, 300.0), (200.0, 320.0), C]  # parallel to the single edge A-C, longer
LOOP_C = [C, (450.0, 450.0), (350.0, 450.0), C]
DEAD_END = [B, (400.0, -150.0), (500.0, -250.0)]
CITY = [CHAIN_AB, CHAIN_BC_SHORT, CHAIN_BC_LONG, EDGE_AC, CHAIN_AC, LOOP_C, DEAD_END]


def test_chains_found_and_graph_contracted() -> None:
    net = network_of_lines(CITY)
    c = contraction_of(net)
    deg = np.bincount(np.r_[net.edge_u, net.edge_v], minlength=net.n_nodes)
    assert np.array_equal(c.interior, np.flatnonzero(deg == 2))
    # every interior node sits on its chain at its distance from the chain's first end
    ref = dijkstra(net.graph, directed=False, indices=c.chain_u[c.interior_chain])
    for i, node in enumerate(c.interior):
        ch = c.interior_chain[i]
        assert 0 < c.interior_pos[i] < c.chain_length[ch]
        # along the chain there is no shortcut in this city: the position is the network distance from one end
        assert min(ref[i, node], c.chain_length[ch] - ref[i, node]) <= c.interior_pos[i] + 1e-9
    # no entry of the contracted graph leads to an interior node
    rows = np.repeat(np.arange(net.n_nodes), np.diff(c.graph.indptr))
    from_ends = ~np.isin(rows, c.interior)
    assert not np.isin(c.graph.indices[from_ends], c.interior).any()
    # junction-to-junction distances are unchanged by the contraction
    ends = np.flatnonzero(deg != 2)
    full = dijkstra(net.graph, directed=False, indices=ends)[:, ends]
    short = dijkstra(c.graph, directed=True, indices=ends)[:, ends]
    assert np.allclose(full, short, rtol=0, atol=1e-9)


@pytest.mark.parametrize("limit", [math.inf, 250.0, 130.0])
def test_sources_on_nodes_equal_uncontracted(limit: float) -> None:
    net = network_of_lines(CITY)
    c = contraction_of(net)
    rng = np.random.default_rng(1)
    for _ in range(6):
        nodes = sorted(rng.choice(net.n_nodes, 2, replace=False).tolist())
        ours = node_distances(net, _on_nodes(net, nodes), limit=limit)[0]
        exp = _uncontracted(net, nodes, limit)
        assert np.array_equal(np.isfinite(ours), np.isfinite(exp))
        assert np.allclose(ours[np.isfinite(exp)], exp[np.isfinite(exp)], rtol=0, atol=1e-9)
    # a source on a junction: nothing is inserted, the contracted graph is used as it is
    junction = [_node(net, *B)]
    assert junction[0] not in c.interior
    assert prepare_access(net, [_on_nodes(net, junction)]).graph is c.graph


def test_points_inside_chains_with_limits_cutting_chains() -> None:
    net = network_of_lines(CITY)
    mid_ab = _at(net, (200.0, 0.0), (300.0, 20.0), 0.3, 0.0)  # inside chain A-B, no snap walk
    mid_ab2 = _at(net, (100.0, 20.0), (200.0, 0.0), 0.8, 12.0)  # same chain, with a snap walk
    on_loop = _at(net, (450.0, 450.0), (350.0, 450.0), 0.5, 5.0)  # on the loop back to C
    long_bc = _at(net, (600.0, 0.0), (600.0, 300.0), 0.1, 0.0)  # on the longer of two parallel chains
    dead = _at(net, (400.0, -150.0), (500.0, -250.0), 0.9, 3.0)  # near the end of the dead-end chain
    on_interior = _on_nodes(net, [_node(net, 200.0, 0.0), _node(net, 600.0, 300.0)])  # on interior nodes
    at_junction = _at(net, A, C, 0.0, 0.0)  # exactly at A, given on the single edge A-C
    groups = [
        _cat([mid_ab, mid_ab2]),
        _cat([on_loop]),
        _cat([long_bc, dead]),
        on_interior,
        at_junction,
        _cat([mid_ab, on_loop, long_bc, dead, on_interior, at_junction]),
    ]
    origins = _cat(
        [
            _at(net, (200.0, 0.0), (300.0, 20.0), 0.1, 4.0),  # same piece as a facility
            _at(net, (200.0, 0.0), (300.0, 20.0), 0.3, 0.0),  # exactly at a facility's point
            _at(net, (300.0, 20.0), B, 0.5, 7.0),
            _at(net, (350.0, 450.0), C, 0.2, 0.0),  # loop
            _at(net, B, (600.0, 0.0), 0.7, 2.0),  # parallel chain
            _at(net, (420.0, 150.0), C, 0.4, 0.0),
            _at(net, A, C, 0.5, 9.0),  # the single edge parallel to a chain
            _at(net, (0.0, 300.0), (200.0, 320.0), 0.5, 0.0),
            _at(net, (400.0, -150.0), (500.0, -250.0), 0.2, 1.0),  # dead end
            _on_nodes(net, [_node(net, 100.0, 20.0)]),
        ]
    )
    _check(net, groups, origins, (math.inf, 400.0, 160.0, 60.0, 25.0))


def test_pure_ring() -> None:
    ring = [(0.0, 0.0), (200.0, 0.0), (200.0, 150.0), (60.0, 220.0), (-30.0, 100.0), (0.0, 0.0)]
    net = network_of_lines([ring])
    c = contraction_of(net)
    assert net.n_nodes == 5 and c.interior.size == 4  # one node kept as the end of the one chain
    kept = int(np.setdiff1d(np.arange(5), c.interior)[0])
    ch = c.interior_chain[0]
    assert c.chain_u[ch] == c.chain_v[ch] == kept
    assert c.chain_length[ch] == pytest.approx(net.total_length_m)
    groups = [
        _at(net, (200.0, 0.0), (200.0, 150.0), 0.5, 0.0),
        _cat([_at(net, (60.0, 220.0), (-30.0, 100.0), 0.25, 3.0), _on_nodes(net, [kept])]),
        _on_nodes(net, [int(c.interior[1])]),
    ]
    origins = _cat([_at(net, (0.0, 0.0), (200.0, 0.0), f, 1.0) for f in (0.0, 0.3, 0.9)])
    _check(net, groups, origins, (math.inf, 300.0, 90.0))
    for k in range(net.n_nodes):
        ours = node_distances(net, _on_nodes(net, [k]))[0]
        assert np.allclose(ours, _uncontracted(net, [k]), rtol=0, atol=1e-9)


def test_parallel_chains_keep_the_shortest() -> None:
    # two routes between P and Q: a 300 m chain and an 800 m one; dead ends from both
    p, q = (0.0, 0.0), (300.0, 0.0)
    net = network_of_lines(
        [[p, (150.0, 0.0), q], [p, (0.0, 250.0), (300.0, 250.0), q], [p, (-100.0, -100.0)], [q, (300.0, -450.0)]]
    )
    c = contraction_of(net)
    pn, qn = _node(net, *p), _node(net, *q)
    d = dijkstra(c.graph, directed=True, indices=[pn])[0]
    assert d[qn] == pytest.approx(300.0)
    # with a source on the short chain only, the long chain's nodes are reached round it
    groups = [_at(net, p, (150.0, 0.0), 0.5, 0.0), _at(net, (0.0, 250.0), (300.0, 250.0), 0.5, 0.0)]
    origins = _cat([_at(net, (0.0, 250.0), (300.0, 250.0), f, 0.0) for f in (0.1, 0.5, 0.95)])
    _check(net, groups, origins, (math.inf, 500.0, 200.0))


def test_hangzhou_node_distances_equal_uncontracted(net: WalkNetwork) -> None:
    c = contraction_of(net)
    assert c.interior.size > net.n_nodes / 2  # most OSM nodes only shape their way
    rng = np.random.default_rng(17)
    for size in (3, 40):
        f = rng.choice(net.n_nodes, size, replace=False)
        src = _on_nodes(net, f.tolist())
        for limit in (math.inf, 1000.0, 300.0):
            exp = _uncontracted(net, sorted(f.tolist()), limit)
            for ours in (
                node_distances(net, src, limit=limit)[0],
                prepare_access(net, [src]).distances(0, limit=limit),
            ):
                assert np.array_equal(np.isfinite(ours), np.isfinite(exp))
                fin = np.isfinite(exp)
                assert np.max(np.abs(ours[fin] - exp[fin])) < 1e-6


@pytest.fixture(scope="module")
def net() -> WalkNetwork:
    from linli.planning.core import load_osm

    from .test_core_hangzhou import hangzhou_pbf

    return load_osm(hangzhou_pbf())
