"""Network distances between snapped points (origins and sources).

A snapped point P on edge (u, v) of length L, at offset a from u and straight
distance s from the network, reaches u after s + a and v after s + (L - a).
The distance between an origin O (edge e_o, offset b, snap s_o) and a source F
(edge e_f, offset a, snap s_f) is::

    s_o + s_f + min( b + D(u_o, ...) ... )   over the four endpoint pairs, and
    s_o + s_f + |a - b|                      when both lie on the same edge.

Nearest-source queries (:func:`prepare_access`, :func:`nearest_source`,
:func:`node_distances`) split the edges at the sources' points ONCE for all
source groups (facility categories) and run one multi-source Dijkstra
(``min_only=True``) per group on that shared graph; see :class:`SharedAccess`.
:func:`distances_within` (one Dijkstra per source) attaches sources as virtual
nodes with one out-edge to each end of their edge (weights s_f + a and
s_f + L - a) and adds the same-edge pairs directly.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import dijkstra

from .geo import FloatArray, IntArray
from .network import WalkNetwork
from .snap import Snapped

# entries of a (sources x nodes) distance block computed at once
_BLOCK_ENTRIES = 16_000_000
# snap points closer than this (metres) to an edge end, or to the network, are taken exactly there
_EPS_M = 1e-9


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


def _csr(rows: IntArray, cols: IntArray, weights: FloatArray, size: int) -> sparse.csr_array:
    """CSR graph as ``scipy.sparse.csgraph`` uses it without a copy: float64 data, int32 indices."""
    order = np.argsort(rows, kind="stable")
    itype = np.int32 if max(size, rows.size) < 2**31 - 1 else np.int64
    indptr = np.zeros(size + 1, dtype=itype)
    np.cumsum(np.bincount(rows, minlength=size), out=indptr[1:])
    g = sparse.csr_array(
        (weights[order].astype(np.float64, copy=False), cols[order].astype(itype), indptr), shape=(size, size)
    )
    return g


@dataclass(frozen=True)
class SharedAccess:
    """Sources of several groups (facility categories) and the origins on ONE augmented graph.

    Every edge carrying a source is split once at each distinct source point
    (points strictly inside the edge become nodes ``n .. n+p-1``; a point at an
    end, within 1e-9 m, is that end's node). A source with a straight snap walk
    ``s > 0`` gets a virtual node with a single out-edge of weight ``s`` to its
    point; a source with ``s == 0`` (within 1e-9 m) starts at its point. Each group is then one multi-source
    ``dijkstra(min_only=True)`` from its own start nodes on the shared graph:
    the other groups' virtual nodes have no in-edges and are never reached, and
    their split points only subdivide edges, which changes no distance.

    An origin on edge ``e`` at offset ``b`` lies on one piece of the split
    edge, between the split points (or edge ends) ``left`` and ``right``; its
    distance is ``min(d[left] + (b - a_left), d[right] + (a_right - b)) + s_o``,
    exact, including a source on the same edge (its point is ``left`` or
    ``right``, or the piece is bounded by it).
    """

    network: WalkNetwork
    graph: sparse.csr_array = field(repr=False)
    group_start: IntArray  # group k owns sources group_start[k] .. group_start[k+1]-1
    start_node: IntArray  # per source: graph node where Dijkstra starts (its virtual node or its point)
    o_left: IntArray  # per origin: graph node at the left end of its piece
    o_right: IntArray
    o_to_left: FloatArray  # along-edge distance from the origin's snap point to o_left
    o_to_right: FloatArray
    o_snap: FloatArray  # straight snap walk of the origin

    @property
    def n_groups(self) -> int:
        return int(self.group_start.shape[0] - 1)

    def _run(self, group: int, limit: float) -> tuple[FloatArray, IntArray, IntArray, IntArray] | None:
        """Graph-node distances, the start node reached from, and a start node -> source lookup."""
        lo, hi = int(self.group_start[group]), int(self.group_start[group + 1])
        if hi == lo:
            return None
        starts = self.start_node[lo:hi]
        # several sources at one start node: the lowest source index wins
        uniq, first = np.unique(starts, return_index=True)
        dist, _, src = dijkstra(
            self.graph, directed=True, indices=uniq, min_only=True, limit=limit, return_predecessors=True
        )
        return dist, src, uniq, first

    def _source_of(self, src: IntArray, uniq: IntArray, uniq_first: IntArray) -> IntArray:
        """Map graph start nodes (``src``, negative when unreached) to source indices within the group."""
        size = self.graph.shape[0]
        lut = np.full(size + 1, -1, dtype=np.int64)
        lut[uniq] = uniq_first
        out: IntArray = lut[np.where(src >= 0, src, size)]
        return out

    def node_distances(self, group: int, *, limit: float = math.inf) -> tuple[FloatArray, IntArray]:
        """Distance from every network node to the group's nearest source, and which (-1: none)."""
        n = self.network.n_nodes
        run = self._run(group, limit)
        if run is None:
            return np.full(n, math.inf), np.full(n, -1, dtype=np.int64)
        dist, src, uniq, first = run
        near = self._source_of(src[:n], uniq, first)
        out: FloatArray = dist[:n]
        return out, near

    def nearest(self, group: int, *, limit: float = math.inf) -> NearestResult:
        """Distance from every origin to the group's nearest source (exact; inf beyond ``limit``)."""
        m = self.o_left.shape[0]
        run = self._run(group, limit)
        if run is None:
            return NearestResult(np.full(m, math.inf), np.full(m, -1, dtype=np.int64))
        dist, src, uniq, first = run
        via_l = dist[self.o_left] + self.o_to_left
        via_r = dist[self.o_right] + self.o_to_right
        best = np.minimum(via_l, via_r) + self.o_snap
        near = self._source_of(np.where(via_l <= via_r, src[self.o_left], src[self.o_right]), uniq, first)
        over = ~(best <= limit)
        best[over] = math.inf
        near[over] = -1
        return NearestResult(best, near)


def _concat(points: Sequence[Snapped]) -> Snapped:
    if not points:
        z = np.zeros(0)
        return Snapped(np.zeros(0, dtype=np.int64), z, z, z, z)
    return Snapped(
        *(np.concatenate([getattr(p, f) for p in points]) for f in ("edge", "offset_m", "distance_m", "px", "py"))
    )


def prepare_access(network: WalkNetwork, groups: Sequence[Snapped], origins: Snapped | None = None) -> SharedAccess:
    """Snap every group's sources into one augmented graph, once (see :class:`SharedAccess`)."""
    n = network.n_nodes
    eu, ev, elen = network.edge_u, network.edge_v, network.edge_length
    src = _concat(groups)
    group_start = np.zeros(len(groups) + 1, dtype=np.int64)
    np.cumsum([len(g) for g in groups], out=group_start[1:])
    e, a = src.edge, src.offset_m
    length = elen[e]
    # a point within _EPS_M of an edge end is that end (floating-point projection of a point on a node)
    at_u = a <= _EPS_M
    at_v = ~at_u & (a >= length - _EPS_M)
    inner = np.flatnonzero(~(at_u | at_v))
    # distinct split points strictly inside edges, sorted by (edge, offset)
    order = inner[np.lexsort((a[inner], e[inner]))]
    se, sa = e[order], a[order]
    new = np.r_[True, (se[1:] != se[:-1]) | (sa[1:] != sa[:-1])] if se.size else np.zeros(0, dtype=bool)
    pid = np.cumsum(new) - 1
    split_e, split_a = se[new], sa[new]
    p = int(split_e.size)
    point = np.empty(len(src), dtype=np.int64)
    point[at_u] = eu[e[at_u]]
    point[at_v] = ev[e[at_v]]
    point[order] = n + pid
    virt = np.flatnonzero(src.distance_m > _EPS_M)
    start_node = point.copy()
    start_node[virt] = n + p + np.arange(virt.size, dtype=np.int64)
    size = n + p + int(virt.size)

    if p == 0 and virt.size == 0 and network.graph.indices.dtype == np.int32:
        graph = network.graph  # nothing to insert: the network's own (pre-validated) graph
    else:
        keep = np.ones(network.n_edges, dtype=bool)
        keep[split_e] = False
        first_on = np.r_[True, split_e[1:] != split_e[:-1]] if p else np.zeros(0, dtype=bool)
        last_on = np.r_[split_e[1:] != split_e[:-1], True] if p else np.zeros(0, dtype=bool)
        ids = n + np.arange(p, dtype=np.int64)
        prev_node = np.where(first_on, eu[split_e], ids - 1)
        prev_off = np.where(first_on, 0.0, np.r_[0.0, split_a[:-1]] if p else split_a)
        pu = np.concatenate([eu[keep], prev_node, ids[last_on]])
        pv = np.concatenate([ev[keep], ids, ev[split_e[last_on]]])
        pw = np.concatenate([elen[keep], split_a - prev_off, elen[split_e[last_on]] - split_a[last_on]])
        rows = np.concatenate([pu, pv, start_node[virt]])
        cols = np.concatenate([pv, pu, point[virt]])
        # explicit zero weights (a zero-length edge) stay stored entries: csgraph keeps them as edges
        graph = _csr(rows, cols, np.concatenate([pw, pw, src.distance_m[virt]]), size)

    if origins is None:
        origins = _concat([])
    oe, ob = origins.edge, origins.offset_m
    m = len(origins)
    # merge origins into the sorted split points: splits at the same offset come first
    me = np.concatenate([split_e, oe])
    mo = np.concatenate([split_a, ob])
    kind = np.r_[np.zeros(p, dtype=np.int8), np.ones(m, dtype=np.int8)]
    morder = np.lexsort((kind, mo, me))
    is_o = morder >= p
    before: IntArray = np.cumsum(~is_o) - (~is_o)  # splits strictly before each merged position
    oi = morder[is_o] - p
    left = np.empty(m, dtype=np.int64)
    left[oi] = before[is_o] - 1  # last split <= b (if on the same edge)
    right = left + 1  # first split > b (if on the same edge)
    has_l = (left >= 0) & (split_e[np.clip(left, 0, max(p - 1, 0))] == oe) if p else np.zeros(m, dtype=bool)
    has_r = (right < p) & (split_e[np.clip(right, 0, max(p - 1, 0))] == oe) if p else np.zeros(m, dtype=bool)
    li, ri = np.clip(left, 0, max(p - 1, 0)), np.clip(right, 0, max(p - 1, 0))
    sa_l = split_a[li] if p else np.zeros(m)
    sa_r = split_a[ri] if p else np.zeros(m)
    o_left = np.where(has_l, n + li, eu[oe])
    o_right = np.where(has_r, n + ri, ev[oe])
    o_to_left = np.where(has_l, ob - sa_l, ob)
    o_to_right = np.where(has_r, sa_r - ob, elen[oe] - ob)
    return SharedAccess(
        network=network, graph=graph, group_start=group_start, start_node=start_node,
        o_left=o_left, o_right=o_right, o_to_left=np.maximum(o_to_left, 0.0),
        o_to_right=np.maximum(o_to_right, 0.0), o_snap=origins.distance_m,
    )  # fmt: skip


def node_distances(network: WalkNetwork, sources: Snapped, *, limit: float = math.inf) -> tuple[FloatArray, IntArray]:
    """Distance from every network node to its nearest source, and that source (-1: none within limit)."""
    return prepare_access(network, [sources]).node_distances(0, limit=limit)


def nearest_source(
    network: WalkNetwork, origins: Snapped, sources: Snapped, *, limit: float = math.inf
) -> NearestResult:
    """Distance from every origin to its nearest source (exact; inf beyond ``limit``)."""
    return prepare_access(network, [sources], origins).nearest(0, limit=limit)


def nearest_by_group(
    network: WalkNetwork, origins: Snapped, groups: Sequence[Snapped], *, limit: float = math.inf
) -> list[NearestResult]:
    """:func:`nearest_source` for several source groups, sharing one augmented graph."""
    acc = prepare_access(network, groups, origins)
    return [acc.nearest(k, limit=limit) for k in range(len(groups))]


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
