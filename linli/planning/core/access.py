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

from .contract import Contraction, for_search
from .geo import FloatArray, IntArray
from .network import WalkNetwork
from .search import NodeArray, SearchGraph
from .snap import Snapped

# snap points closer than this (metres) to an edge end, or to the network, are taken exactly there
_EPS_M = 1e-9


@dataclass(frozen=True)
class NearestResult:
    """Per origin: network distance to the nearest source and which one (-1: none)."""

    distance_m: FloatArray
    nearest: IntArray


def augmented_graph(network: WalkNetwork, sources: Snapped) -> sparse.csr_array:
    """The network graph plus one virtual node per source (rows n .. n+S-1), int32 indices where they fit."""
    g = network.graph
    n, s = network.n_nodes, len(sources)
    e = sources.edge
    length = network.edge_length[e]
    to_u = sources.distance_m + sources.offset_m
    to_v = sources.distance_m + (length - sources.offset_m)
    itype = np.int32 if n + s < 2**31 - 1 and g.nnz + 2 * s < 2**31 - 1 else np.int64
    indptr = np.concatenate([g.indptr.astype(itype), g.indptr[-1] + 2 * np.arange(1, s + 1, dtype=itype)])
    ends = np.column_stack([network.edge_u[e], network.edge_v[e]]).ravel()
    indices = np.concatenate([g.indices, ends]).astype(itype, copy=False)
    data = np.concatenate([g.data, np.column_stack([to_u, to_v]).ravel()])
    # explicit zero weights (a source exactly on a node) are kept as edges by csgraph and the search kernel
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
class _Located:
    """Points on chains of the contracted network, ready to read their distance off graph-node distances.

    A point lies on one piece of its chain, between the split points (or chain
    ends) ``left`` and ``right``. A point on a chain with split points (listed in
    ``ext``) may also be reached through the chain's ends ``end_a``/``end_b``
    (see :func:`prepare_access`); elsewhere ``left``/``right`` are the ends.
    """

    left: IntArray
    right: IntArray
    to_left: FloatArray
    to_right: FloatArray
    ext: IntArray  # points on chains with split points; the end_* / to_* arrays are for these only
    end_a: IntArray
    end_b: IntArray
    to_a: FloatArray
    to_b: FloatArray

    def __len__(self) -> int:
        return int(self.left.shape[0])

    def distance(self, dist: FloatArray) -> FloatArray:
        best: FloatArray = np.minimum(dist[self.left] + self.to_left, dist[self.right] + self.to_right)
        if self.ext.size:
            via_ends = np.minimum(dist[self.end_a] + self.to_a, dist[self.end_b] + self.to_b)
            best[self.ext] = np.minimum(best[self.ext], via_ends)
        return best

    def distance_and_node(self, dist: FloatArray) -> tuple[FloatArray, IntArray]:
        """Distance and the graph node the best route comes through."""
        via_l = dist[self.left] + self.to_left
        via_r = dist[self.right] + self.to_right
        r_better = via_r < via_l
        best = np.where(r_better, via_r, via_l)
        node = np.where(r_better, self.right, self.left)
        for nodes, add in ((self.end_a, self.to_a), (self.end_b, self.to_b)):
            if not self.ext.size:
                break
            d = dist[nodes] + add
            better = d < best[self.ext]
            best[self.ext[better]] = d[better]
            node[self.ext[better]] = nodes[better]
        return best, node


@dataclass(frozen=True)
class SharedAccess:
    """Sources of several groups (facility categories) and the origins on ONE augmented graph.

    The graph is the network's contracted graph (chains of degree-2 nodes as single
    edges, see :mod:`.contract`) plus one node per distinct source point strictly
    inside a chain (``n .. n+p-1``; a point within 1e-9 m of a chain end is that
    end's node) and one virtual node per source with a straight snap walk
    ``s > 0`` (a single out-edge of weight ``s`` to its point; a source with
    ``s == 0``, within 1e-9 m, starts at its point). A split point only gets
    out-edges to its neighbours along the chain (the next split points or the
    chain ends); the chain keeps its own edge between its ends. Each group is
    then one multi-source search (:meth:`.search.SearchGraph.from_starts`) from its own start nodes:
    the other groups' virtual nodes have no in-edges and are never reached.

    Chain ends get their exact distance (a route through a chain between its
    ends is as long as the chain's edge). A point at position ``x`` of a chain
    of length ``L`` between ``a`` and ``b``, on the piece between ``left`` and
    ``right``, is reached either from a source on its chain without leaving it,
    which passes ``left`` or ``right`` (``d[left] + x - pos(left)``, ``d[right] +
    pos(right) - x``), or last enters its chain at an end (``d[a] + x``,
    ``d[b] + L - x``): the least of the four is exact. Origins (plus their own
    straight snap walk) and the interior nodes of chains are read this way.
    """

    network: WalkNetwork
    graph: sparse.csr_array = field(repr=False)
    group_start: IntArray  # group k owns sources group_start[k] .. group_start[k+1]-1
    start_node: IntArray  # per source: graph node where Dijkstra starts (its virtual node or its point)
    uniq_start: IntArray  # group k's distinct start nodes: uniq_node[uniq_start[k] .. uniq_start[k+1]-1]
    uniq_node: IntArray
    uniq_first: IntArray  # for each, the lowest index (within its group) of a source starting there
    origins: _Located = field(repr=False)
    o_snap: FloatArray  # straight snap walk of the origin
    interior: IntArray = field(repr=False)  # network nodes inside chains (never reached in the graph)
    interior_at: _Located = field(repr=False)
    search: SearchGraph = field(repr=False)  # ``graph`` in the search kernel's form

    @property
    def n_groups(self) -> int:
        return int(self.group_start.shape[0] - 1)

    def _starts(self, group: int) -> tuple[IntArray, IntArray] | None:
        """The group's distinct start nodes and, for each, its lowest source index within the group."""
        lo, hi = int(self.uniq_start[group]), int(self.uniq_start[group + 1])
        if hi == lo:
            return None
        return self.uniq_node[lo:hi], self.uniq_first[lo:hi]

    def _run(self, group: int, limit: float) -> tuple[FloatArray, NodeArray, IntArray, IntArray] | None:
        """Graph-node distances, the start node reached from, and a start node -> source lookup."""
        starts = self._starts(group)
        if starts is None:
            return None
        uniq, first = starts
        dist, src = self.search.from_starts(uniq, limit=limit, with_origin=True)
        assert src is not None
        return dist, src, uniq, first

    def _source_of(self, src: NodeArray, uniq: IntArray, uniq_first: IntArray) -> IntArray:
        """Map graph start nodes (``src``, negative when unreached) to source indices within the group."""
        size = self.graph.shape[0]
        lut = np.full(size + 1, -1, dtype=np.int64)
        lut[uniq] = uniq_first
        out: IntArray = lut[np.where(src >= 0, src, size)]
        return out

    def distances(self, group: int, *, limit: float = math.inf) -> FloatArray:
        """Distance from every network node to the group's nearest source (inf beyond ``limit``).

        The fast path when the caller does not need to know which source: no
        predecessor or source arrays are computed.
        """
        n = self.network.n_nodes
        starts = self._starts(group)
        if starts is None:
            return np.full(n, math.inf)
        dist, _ = self.search.from_starts(starts[0], limit=limit)
        out: FloatArray = dist[:n]
        if self.interior.size:
            d = self.interior_at.distance(dist)
            if limit < math.inf:
                d[d > limit] = math.inf
            out[self.interior] = d
        return out

    def node_distances(self, group: int, *, limit: float = math.inf) -> tuple[FloatArray, IntArray]:
        """Distance from every network node to the group's nearest source, and which (-1: none)."""
        n = self.network.n_nodes
        run = self._run(group, limit)
        if run is None:
            return np.full(n, math.inf), np.full(n, -1, dtype=np.int64)
        dist, src, uniq, first = run
        out: FloatArray = dist[:n]
        via = src[:n]
        if self.interior.size:
            d, node = self.interior_at.distance_and_node(dist)
            far = ~(d <= limit)
            d[far] = math.inf
            out[self.interior] = d
            via[self.interior] = np.where(far, -1, src[node])
        return out, self._source_of(via, uniq, first)

    def nearest(self, group: int, *, limit: float = math.inf) -> NearestResult:
        """Distance from every origin to the group's nearest source (exact; inf beyond ``limit``)."""
        m = len(self.origins)
        run = self._run(group, limit)
        if run is None:
            return NearestResult(np.full(m, math.inf), np.full(m, -1, dtype=np.int64))
        dist, src, uniq, first = run
        best, node = self.origins.distance_and_node(dist)
        best += self.o_snap
        near = self._source_of(src[node], uniq, first)
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


def _locate(
    c: Contraction, n: int, split_e: IntArray, split_a: FloatArray, chain: IntArray, pos: FloatArray
) -> _Located:
    """Pieces of points (chain, position) between the sorted split points ``(split_e, split_a)``."""
    p = int(split_e.size)
    end_a, end_b = c.chain_u[chain], c.chain_v[chain]
    to_a = np.clip(pos, 0.0, c.chain_length[chain])
    to_b = c.chain_length[chain] - to_a
    none = np.zeros(0, dtype=np.int64)
    if p == 0:
        return _Located(end_a, end_b, to_a, to_b, none, none, none, np.zeros(0), np.zeros(0))
    # the points on chains with split points, merged into the sorted splits (splits at the same position first)
    ext = np.flatnonzero(np.searchsorted(split_e, chain, side="right") > np.searchsorted(split_e, chain))
    if ext.size == 0:
        return _Located(end_a, end_b, to_a, to_b, none, none, none, np.zeros(0), np.zeros(0))
    m = int(ext.size)
    ce, xe = chain[ext], to_a[ext]
    me = np.concatenate([split_e, ce])
    mo = np.concatenate([split_a, xe])
    kind = np.r_[np.zeros(p, dtype=np.int8), np.ones(m, dtype=np.int8)]
    morder = np.lexsort((kind, mo, me))
    is_o = morder >= p
    before: IntArray = np.cumsum(~is_o) - (~is_o)  # splits strictly before each merged position
    left = np.empty(m, dtype=np.int64)
    left[morder[is_o] - p] = before[is_o] - 1  # last split <= x (if on the same chain)
    right = left + 1  # first split > x (if on the same chain)
    li, ri = np.clip(left, 0, p - 1), np.clip(right, 0, p - 1)
    has_l = (left >= 0) & (split_e[li] == ce)
    has_r = (right < p) & (split_e[ri] == ce)
    o_left, o_right = end_a.copy(), end_b.copy()
    o_to_left, o_to_right = to_a.copy(), to_b.copy()
    o_left[ext] = np.where(has_l, n + li, end_a[ext])
    o_right[ext] = np.where(has_r, n + ri, end_b[ext])
    o_to_left[ext] = np.maximum(np.where(has_l, xe - split_a[li], xe), 0.0)
    o_to_right[ext] = np.maximum(np.where(has_r, split_a[ri] - xe, to_b[ext]), 0.0)
    return _Located(o_left, o_right, o_to_left, o_to_right, ext, end_a[ext], end_b[ext], xe, to_b[ext])


def prepare_access(network: WalkNetwork, groups: Sequence[Snapped], origins: Snapped | None = None) -> SharedAccess:
    """Snap every group's sources into one augmented graph, once (see :class:`SharedAccess`)."""
    n = network.n_nodes
    c = for_search(network)
    cu, cv, clen = c.chain_u, c.chain_v, c.chain_length
    src = _concat(groups)
    group_start = np.zeros(len(groups) + 1, dtype=np.int64)
    np.cumsum([len(g) for g in groups], out=group_start[1:])
    e = c.edge_chain[src.edge]
    a = c.position(src.edge, src.offset_m)
    length = clen[e]
    # a point within _EPS_M of a chain end is that end (floating-point projection of a point on a node)
    at_u = a <= _EPS_M
    at_v = ~at_u & (a >= length - _EPS_M)
    inner = np.flatnonzero(~(at_u | at_v))
    # distinct split points strictly inside chains, sorted by (chain, position)
    order = inner[np.lexsort((a[inner], e[inner]))]
    se, sa = e[order], a[order]
    new = np.r_[True, (se[1:] != se[:-1]) | (sa[1:] != sa[:-1])] if se.size else np.zeros(0, dtype=bool)
    pid = np.cumsum(new) - 1
    split_e, split_a = se[new], sa[new]
    p = int(split_e.size)
    point = np.empty(len(src), dtype=np.int64)
    point[at_u] = cu[e[at_u]]
    point[at_v] = cv[e[at_v]]
    point[order] = n + pid
    virt = np.flatnonzero(src.distance_m > _EPS_M)
    start_node = point.copy()
    start_node[virt] = n + p + np.arange(virt.size, dtype=np.int64)
    size = n + p + int(virt.size)

    base = c.graph
    if p == 0 and virt.size == 0:
        graph = base  # nothing to insert: the contracted graph itself (pre-validated)
    else:
        # new rows only (the base rows are kept as they are): split point -> its neighbours along the
        # chain, virtual node -> its point
        ids = n + np.arange(p, dtype=np.int64)
        first_on = np.r_[True, split_e[1:] != split_e[:-1]] if p else np.zeros(0, dtype=bool)
        last_on = np.r_[split_e[1:] != split_e[:-1], True] if p else np.zeros(0, dtype=bool)
        prev_a = np.where(first_on, 0.0, np.r_[0.0, split_a[:-1]]) if p else split_a
        next_a = np.where(last_on, clen[split_e], np.r_[split_a[1:], 0.0]) if p else split_a
        nb = np.column_stack([np.where(first_on, cu[split_e], ids - 1), np.where(last_on, cv[split_e], ids + 1)])
        nw = np.column_stack([split_a - prev_a, next_a - split_a])
        itype = np.int32 if size + base.nnz + 2 * p + virt.size < 2**31 - 1 else np.int64
        counts = np.r_[np.full(p, 2, dtype=np.int64), np.ones(virt.size, dtype=np.int64)]
        indptr = np.concatenate([base.indptr.astype(itype, copy=False), base.nnz + np.cumsum(counts).astype(itype)])
        indices = np.concatenate(
            [base.indices.astype(itype, copy=False), nb.ravel().astype(itype), point[virt].astype(itype)]
        )
        data = np.concatenate([base.data, nw.ravel(), src.distance_m[virt].astype(np.float64)])
        # explicit zero weights (a zero-length edge) stay stored entries: csgraph keeps them as edges
        graph = sparse.csr_array((data, indices, indptr), shape=(size, size))

    if origins is None:
        origins = _concat([])
    o_at = _locate(c, n, split_e, split_a, c.edge_chain[origins.edge], c.position(origins.edge, origins.offset_m))
    i_at = _locate(c, n, split_e, split_a, c.interior_chain, c.interior_pos)
    # distinct start nodes per group (several sources at one start node: the lowest source index wins)
    gid = np.repeat(np.arange(len(groups), dtype=np.int64), np.diff(group_start))
    sorder = np.lexsort((start_node, gid))
    sg, sn = gid[sorder], start_node[sorder]
    firsts = np.r_[True, (sg[1:] != sg[:-1]) | (sn[1:] != sn[:-1])] if sg.size else np.zeros(0, dtype=bool)
    uniq_start = np.zeros(len(groups) + 1, dtype=np.int64)
    np.cumsum(np.bincount(sg[firsts], minlength=len(groups)), out=uniq_start[1:])
    return SharedAccess(
        network=network, graph=graph, group_start=group_start, start_node=start_node, uniq_start=uniq_start,
        uniq_node=sn[firsts], uniq_first=sorder[firsts] - group_start[sg[firsts]], origins=o_at,
        o_snap=origins.distance_m, interior=c.interior, interior_at=i_at, search=SearchGraph.of(graph),
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

    One search per source with the ``limit`` cut-off. A pair at
    distance zero is kept as an explicit stored zero: use the sparsity
    structure (``indptr``/``indices``), not ``!= 0``, to test coverage.
    """
    m, s, n = len(origins), len(sources), network.n_nodes
    if s == 0 or m == 0:
        return sparse.csr_array((m, s))
    search = SearchGraph.of(augmented_graph(network, sources))
    rows: list[IntArray] = []
    cols: list[IntArray] = []
    vals: list[FloatArray] = []
    for j in range(s):  # one bounded search per source: it only visits what lies within the limit
        dist, _ = search.from_starts(np.array([n + j]), limit=limit)
        od = _from_nodes(network, origins, dist)
        oi = np.flatnonzero(od <= limit)
        rows.append(oi)
        cols.append(np.full(oi.size, j, dtype=np.int64))
        vals.append(od[oi])
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
