"""The compiled graph kernels against scipy on random graphs: multi-source Dijkstra, the symmetric CSR
build and connected components."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import sparse
from scipy.sparse.csgraph import connected_components, dijkstra

from linli.planning.core import WalkNetwork, build_network
from linli.planning.core._graph import components, multi_source, segment_lengths, symmetric_csr
from linli.planning.core.contract import contraction_of, for_search
from linli.planning.core.search import SearchGraph, from_starts

from .handmade import PROJ


def _random_graph(rng: np.random.Generator, n: int, m: int) -> sparse.csr_array:
    """A directed graph with duplicate entries, self-loops and explicit zero lengths."""
    rows = rng.integers(0, n, m)
    cols = rng.integers(0, n, m)
    w = np.round(rng.uniform(0, 100, m), 1)
    w[rng.random(m) < 0.05] = 0.0
    order = np.argsort(rows, kind="stable")
    indptr = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
    return sparse.csr_array((w[order], cols[order].astype(np.int32), indptr), shape=(n, n))


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("limit", [math.inf, 150.0, 0.0])
def test_multi_source_equals_scipy(seed: int, limit: float) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 300))
    g = _random_graph(rng, n, int(rng.integers(0, 4 * n + 1)))
    starts = rng.integers(0, n, int(rng.integers(1, 6)))  # duplicates allowed
    ours, origin = from_starts(g, starts, limit=limit, with_origin=True)
    ref, _, src = dijkstra(g, directed=True, indices=starts, min_only=True, limit=limit, return_predecessors=True)
    assert np.array_equal(np.isinf(ours), np.isinf(ref))
    fin = np.isfinite(ref)
    assert np.allclose(ours[fin], ref[fin], rtol=0, atol=1e-9)
    assert origin is not None
    assert np.all(origin[~fin] == -1) and np.all(np.isin(origin[fin], starts))
    # the start node reported is at the reported distance (ties may name another start than scipy's)
    for node in np.flatnonzero(fin)[:20]:
        own = dijkstra(g, directed=True, indices=int(origin[node]), limit=limit)[node]
        assert own == pytest.approx(ours[node], abs=1e-9)
    assert np.array_equal(src < 0, ~fin)


@pytest.mark.parametrize("bucket", [0.01, 3.0, 1000.0])
def test_any_bucket_width_gives_the_exact_answer(bucket: float) -> None:
    """Nodes improved again inside an open bucket are queued again: narrow or wide buckets, same distances."""
    rng = np.random.default_rng(11)
    g = _random_graph(rng, 200, 900)
    sg = SearchGraph.of(g)
    sg = SearchGraph(sg.indptr, sg.indices, sg.weights, bucket, sg.max_weight_m)
    for limit in (math.inf, 120.0):
        starts = rng.integers(0, 200, 3)
        ours = sg.from_starts(starts, limit=limit)[0]
        ref = dijkstra(g, directed=True, indices=starts, min_only=True, limit=limit)
        assert np.array_equal(np.isinf(ours), np.isinf(ref))
        assert np.allclose(ours[np.isfinite(ref)], ref[np.isfinite(ref)], rtol=0, atol=1e-9)


def test_limit_keeps_nodes_exactly_at_the_limit() -> None:
    g = sparse.csr_array(([100.0, 50.0], [1, 2], [0, 1, 2, 2]), shape=(3, 3))
    assert from_starts(g, np.array([0]), limit=150.0)[0].tolist() == [0.0, 100.0, 150.0]
    assert from_starts(g, np.array([0]), limit=149.9)[0].tolist() == [0.0, 100.0, math.inf]


def test_multi_source_rejects_bad_input() -> None:
    g = sparse.csr_array(([1.0], [1], [0, 1, 1]), shape=(2, 2))
    with pytest.raises(ValueError, match="start node 5 is not in the graph"):
        from_starts(g, np.array([5]))
    indptr, indices = g.indptr.astype(np.int32), g.indices.astype(np.int32)
    start, no_origin = np.array([0], dtype=np.int32), np.empty(0, np.int32)
    with pytest.raises(ValueError, match="one entry more"):
        multi_source(indptr, indices, g.data, start, math.inf, np.empty(3), no_origin, 1.0, 1.0)
    with pytest.raises(ValueError, match="differ in length"):
        multi_source(indptr, indices, np.zeros(2), start, math.inf, np.empty(2), no_origin, 1.0, 1.0)
    with pytest.raises(ValueError, match="bucket must be positive"):
        multi_source(indptr, indices, g.data, start, math.inf, np.empty(2), no_origin, 0.0, 1.0)
    with pytest.raises(ValueError, match="edge lengths must be finite and not negative"):
        from_starts(sparse.csr_array(([-1.0], [1], [0, 1, 1]), shape=(2, 2)), np.array([0]))


@pytest.mark.parametrize("seed", range(5))
def test_symmetric_csr_equals_scipy(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 200))
    a, b = rng.integers(0, n, 3 * n), rng.integers(0, n, 3 * n)
    keep = a != b
    key = np.unique(np.minimum(a, b)[keep] * n + np.maximum(a, b)[keep])
    u, v = key // n, key % n
    w = rng.uniform(1, 50, u.size)
    indptr, indices, data = symmetric_csr(u, v, w, n)
    ours = sparse.csr_array((data, indices, indptr), shape=(n, n))
    ref = sparse.coo_array((np.r_[w, w], (np.r_[u, v], np.r_[v, u])), shape=(n, n)).tocsr()
    ref.sort_indices()
    assert np.array_equal(ours.indptr, ref.indptr) and np.array_equal(ours.indices, ref.indices)
    assert np.array_equal(ours.data, ref.data)


def test_symmetric_csr_rejects_unsorted_or_repeated_pairs() -> None:
    w = np.ones(2)
    for u, v in (([1, 0], [2, 1]), ([0, 0], [1, 1]), ([1, 0], [1, 2]), ([0, 0], [1, 3])):
        with pytest.raises(ValueError, match="pairs must be"):
            symmetric_csr(np.array(u, dtype=np.int64), np.array(v, dtype=np.int64), w, 3)


@pytest.mark.parametrize("seed", range(5))
def test_components_equal_scipy(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 300))
    m = int(rng.integers(0, n + 1))
    u, v = rng.integers(0, n, m), rng.integers(0, n, m)
    count, labels = components(u, v, n)
    ref_count, ref = connected_components(sparse.coo_array((np.ones(m), (u, v)), shape=(n, n)), directed=False)
    assert count == ref_count
    # the same partition, numbered in the order of each component's lowest node
    assert set(labels.tolist()) == set(range(count))
    lowest = [int(np.flatnonzero(labels == k)[0]) for k in range(count)]
    assert lowest == sorted(lowest)
    pairs = set(zip(labels.tolist(), ref.tolist(), strict=True))
    assert len(pairs) == count
    with pytest.raises(ValueError, match="pair ends must lie"):
        components(np.array([0]), np.array([n]), n)


def test_chains_are_folded_only_where_they_are_many() -> None:
    def network(x: np.ndarray, y: np.ndarray, a: np.ndarray, b: np.ndarray) -> WalkNetwork:
        lon, lat = PROJ.inverse(x, y)
        return build_network(lon, lat, a, b, projection=PROJ)

    # a street of 30,001 nodes: all but its two ends have degree 2
    n = 30_001
    street = network(np.arange(n) * 10.0, np.zeros(n), np.arange(n - 1), np.arange(1, n))
    assert for_search(street) is contraction_of(street) and contraction_of(street).interior.size == n - 2
    # a 200 x 200 grid: only its 4 corners have degree 2
    side = 200
    idx = np.arange(side * side).reshape(side, side)
    gx, gy = np.meshgrid(np.arange(side) * 80.0, np.arange(side) * 80.0, indexing="ij")
    a = np.r_[idx[:-1, :].ravel(), idx[:, :-1].ravel()]
    b = np.r_[idx[1:, :].ravel(), idx[:, 1:].ravel()]
    grid = network(gx.ravel(), gy.ravel(), a, b)
    searched = for_search(grid)
    assert searched.graph is grid.graph and searched.interior.size == 0
    # and a small network full of chains (the Hangzhou extract has 5,037 of 6,912) is searched as built
    small = network(np.arange(500) * 10.0, np.zeros(500), np.arange(499), np.arange(1, 500))
    assert for_search(small).interior.size == 0


def test_segment_lengths_equal_hypot() -> None:
    rng = np.random.default_rng(4)
    x, y = rng.uniform(-5e4, 5e4, 500), rng.uniform(-5e4, 5e4, 500)
    u, v = rng.integers(0, 500, 2000), rng.integers(0, 500, 2000)
    assert np.allclose(segment_lengths(u, v, x, y), np.hypot(x[u] - x[v], y[u] - y[v]), rtol=1e-15, atol=1e-9)
    with pytest.raises(ValueError, match="segment ends must lie"):
        segment_lengths(np.array([0]), np.array([500]), x, y)
