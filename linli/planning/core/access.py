"""Network distances between snapped points (origins and sources).

A snapped point P on edge (u, v) of length L, at offset a from u and straight
distance s from the network, reaches u after s + a and v after s + (L - a).
The distance between an origin O (edge e_o, offset b, snap s_o) and a source F
(edge e_f, offset a, snap s_f) is::

    s_o + s_f + min( b + D(u_o, ...) ... )   over the four endpoint pairs, and
    s_o + s_f + |a - b|                      when both lie on the same edge.

Sources become virtual nodes of an augmented directed graph with one out-edge
to each end of their edge (weights s_f + a and s_f + L - a), so a single
multi-source Dijkstra (``min_only=True``) gives every node its nearest source.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import dijkstra

from .geo import FloatArray, IntArray
from .network import WalkNetwork
from .snap import Snapped

# entries of a (sources x nodes) distance block computed at once
_BLOCK_ENTRIES = 16_000_000


@dataclass(frozen=True)
class NearestResult:
    """Per origin: network distance to the nearest source and which one (-1: none)."""

    distance_m: FloatArray
    nearest: IntArray


def augmented_graph(network: WalkNetwork, sources: Snapped) -> sparse.csr_array:
    """The network graph plus one virtual node per source (rows n .. n+S-1)."""
    g = network.graph
    n, s = network.n_nodes, len(sources)
    e = sources.edge
    length = network.edge_length[e]
    to_u = sources.distance_m + sources.offset_m
    to_v = sources.distance_m + (length - sources.offset_m)
    indptr = np.concatenate([g.indptr.astype(np.int64), g.indptr[-1] + 2 * np.arange(1, s + 1, dtype=np.int64)])
    indices = np.concatenate(
        [g.indices.astype(np.int64), np.column_stack([network.edge_u[e], network.edge_v[e]]).ravel()]
    )
    data = np.concatenate([g.data, np.column_stack([to_u, to_v]).ravel()])
    # explicit zero weights (a source exactly on a node) are kept as edges by csgraph
    return sparse.csr_array((data, indices, indptr), shape=(n + s, n + s))


def _from_nodes(network: WalkNetwork, origins: Snapped, dist: FloatArray) -> FloatArray:
    """Origin distances from node distances ``dist`` (last axis = nodes)."""
    e = origins.edge
    u, v = network.edge_u[e], network.edge_v[e]
    b = origins.offset_m
    rest = network.edge_length[e] - b
    out: FloatArray = np.minimum(dist[..., u] + b, dist[..., v] + rest) + origins.distance_m
    return out


def same_edge_pairs(origins: Snapped, sources: Snapped) -> tuple[IntArray, IntArray, FloatArray]:
    """All (origin, source) pairs on the same edge with their direct distance along it."""
    order = np.argsort(sources.edge, kind="stable")
    se = sources.edge[order]
    lo = np.searchsorted(se, origins.edge, side="left")
    hi = np.searchsorted(se, origins.edge, side="right")
    cnt = hi - lo
    oi = np.repeat(np.arange(len(origins), dtype=np.int64), cnt)
    if oi.size == 0:
        z = np.zeros(0, dtype=np.int64)
        return z, z, np.zeros(0)
    pos = np.arange(oi.size, dtype=np.int64) - np.repeat(np.cumsum(cnt) - cnt, cnt) + np.repeat(lo, cnt)
    si = order[pos]
    d = origins.distance_m[oi] + sources.distance_m[si] + np.abs(origins.offset_m[oi] - sources.offset_m[si])
    return oi, si, d


def node_distances(network: WalkNetwork, sources: Snapped, *, limit: float = math.inf) -> tuple[FloatArray, IntArray]:
    """Distance from every network node to its nearest source, and that source (-1: none within limit)."""
    n = network.n_nodes
    if len(sources) == 0:
        return np.full(n, math.inf), np.full(n, -1, dtype=np.int64)
    aug = augmented_graph(network, sources)
    dist, _, src = dijkstra(
        aug, directed=True, indices=np.arange(n, n + len(sources)), min_only=True,
        limit=limit, return_predecessors=True,
    )  # fmt: skip
    near: IntArray = np.where(src >= n, src - n, -1).astype(np.int64)[:n]
    out: FloatArray = dist[:n]
    return out, near


def nearest_source(
    network: WalkNetwork, origins: Snapped, sources: Snapped, *, limit: float = math.inf
) -> NearestResult:
    """Distance from every origin to its nearest source (exact; inf beyond ``limit``)."""
    m = len(origins)
    if len(sources) == 0:
        return NearestResult(np.full(m, math.inf), np.full(m, -1, dtype=np.int64))
    dist, src = node_distances(network, sources, limit=limit)
    e = origins.edge
    u, v = network.edge_u[e], network.edge_v[e]
    via_u = dist[u] + origins.offset_m
    via_v = dist[v] + (network.edge_length[e] - origins.offset_m)
    best = np.minimum(via_u, via_v) + origins.distance_m
    near = np.where(via_u <= via_v, src[u], src[v])
    oi, si, d = same_edge_pairs(origins, sources)
    if oi.size:
        # smallest direct distance per origin, then compare with the network one
        order = np.lexsort((si, d, oi))
        first = order[np.r_[True, oi[order][1:] != oi[order][:-1]]]
        o1, s1, d1 = oi[first], si[first], d[first]
        better = d1 < best[o1]
        best[o1[better]] = d1[better]
        near[o1[better]] = s1[better]
    over = best > limit
    best[over] = math.inf
    near[over | ~np.isfinite(best)] = -1
    return NearestResult(best, near)


def distances_within(network: WalkNetwork, origins: Snapped, sources: Snapped, limit: float) -> sparse.csr_array:
    """Sparse (origins x sources) matrix of every pair distance <= ``limit``.

    Dijkstra runs from blocks of sources with the ``limit`` cut-off. A pair at
    distance zero is kept as an explicit stored zero: use the sparsity
    structure (``indptr``/``indices``), not ``!= 0``, to test coverage.
    """
    m, s, n = len(origins), len(sources), network.n_nodes
    if s == 0 or m == 0:
        return sparse.csr_array((m, s))
    aug = augmented_graph(network, sources)
    block = max(1, min(s, _BLOCK_ENTRIES // (n + s)))
    rows: list[IntArray] = []
    cols: list[IntArray] = []
    vals: list[FloatArray] = []
    for start in range(0, s, block):
        idx = np.arange(start, min(s, start + block))
        dist = dijkstra(aug, directed=True, indices=n + idx, limit=limit)
        od = _from_nodes(network, origins, dist)  # (block, m)
        bi, oi = np.nonzero(od <= limit)
        rows.append(oi)
        cols.append(idx[bi])
        vals.append(od[bi, oi])
    oi, si, d = same_edge_pairs(origins, sources)
    ok = d <= limit
    rows.append(oi[ok])
    cols.append(si[ok])
    vals.append(d[ok])
    r, c, val = np.concatenate(rows), np.concatenate(cols), np.concatenate(vals)
    # duplicates (network and same-edge route for one pair): keep the minimum
    key = r * s + c
    order = np.lexsort((val, key))
    first = order[np.r_[True, key[order][1:] != key[order][:-1]]] if key.size else order
    out = sparse.coo_array((val[first], (r[first], c[first])), shape=(m, s)).tocsr()
    return out


def count_within(network: WalkNetwork, origins: Snapped, sources: Snapped, limit: float) -> IntArray:
    """Number of sources within ``limit`` metres of each origin."""
    mat = distances_within(network, origins, sources, limit)
    counts: IntArray = np.diff(mat.indptr).astype(np.int64)
    return counts
