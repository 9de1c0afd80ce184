"""Chain contraction of the walking network (built once per network, see
:func:`contraction_of`).

A node of degree 2 only passes walkers from one of its two edges to the other,
so every maximal run of such nodes, together with the two edges at its ends,
forms a *chain* between two other nodes (its ends, ``chain_u`` and
``chain_v``). Where such nodes are many (:func:`for_search`), shortest-path
searches run on the contracted graph, in which each chain is one edge of its
summed length: parallel chains (or a chain and an edge)
between the same ends stay as separate entries, of which Dijkstra takes the
shortest, and a chain back to its own end is a diagonal entry, never relaxed. A
node inside a chain (an *interior* node) is never reached in that graph and its
distance is recovered exactly afterwards::

    d(x) = min(d(chain_u) + pos(x), d(chain_v) + length - pos(x))

where ``pos(x)`` is its distance along the chain from ``chain_u``: any route to
``x`` enters its chain through one of the two ends (see
:func:`.access.prepare_access` for snap points inside a chain). Every edge of the
network keeps a position on its chain, so a point at offset ``a`` from
``edge_u[e]`` lies at ``edge_pos[e] + edge_dir[e] * a`` along chain
``edge_chain[e]``. A network made only of degree-2 nodes (a ring) keeps its
lowest-numbered node as the end of the one chain that goes round it.

Edges of the network that join two non-interior nodes are chains of one edge,
oriented like the edge (``edge_pos == 0``, ``edge_dir == 1``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from .geo import FloatArray, IntArray

if TYPE_CHECKING:
    from .network import WalkNetwork


@dataclass(frozen=True)
class Contraction:
    """The chains of a network and its contracted graph (see the module docstring)."""

    chain_u: IntArray  # per chain id (see :func:`contract`): its two ends and its length
    chain_v: IntArray
    chain_length: FloatArray
    edge_chain: IntArray  # per network edge: the chain it belongs to
    edge_pos: FloatArray  # per network edge: position of its edge_u end along the chain
    edge_dir: FloatArray  # per network edge: +1 if edge_v lies further along the chain, else -1
    interior: IntArray  # interior nodes (never reached in ``graph``), sorted
    interior_chain: IntArray
    interior_pos: FloatArray
    graph: sparse.csr_array = field(repr=False)  # n x n, float64 data, int32 indices

    @classmethod
    def identity(cls, network: WalkNetwork) -> Contraction:
        """Every edge its own chain and no interior node: searches run on the network graph as it is."""
        m, none = network.n_edges, np.zeros(0, dtype=np.int64)
        return cls(
            chain_u=network.edge_u, chain_v=network.edge_v, chain_length=network.edge_length,
            edge_chain=np.arange(m, dtype=np.int64), edge_pos=np.zeros(m), edge_dir=np.ones(m),
            interior=none, interior_chain=none, interior_pos=np.zeros(0), graph=network.graph,
        )  # fmt: skip

    def position(self, edge: IntArray, offset: FloatArray) -> FloatArray:
        """Position along its chain of the point ``offset`` metres from ``edge_u`` of ``edge``."""
        out: FloatArray = self.edge_pos[edge] + self.edge_dir[edge] * offset
        return out


def _rank(
    head_interior: IntArray, nxt: IntArray, weight: FloatArray, rounds: int
) -> tuple[FloatArray, IntArray, IntArray]:
    """Pointer jumping along half-edges: length to the chain end and the last half-edge.

    ``nxt[h]`` is the half-edge that continues ``h`` through its (interior) head,
    for the half-edges listed in ``head_interior``. Returns the length from the
    tail of each half-edge to the end of its chain, the last half-edge before
    that end, and the half-edges still unfinished after ``rounds`` rounds (they
    go round a ring of interior nodes).
    """
    total = weight.copy()
    last = np.arange(weight.shape[0], dtype=np.int64)
    succ = np.full(weight.shape[0], -1, dtype=np.int64)
    succ[head_interior] = nxt
    active = head_interior
    for _ in range(rounds):
        if active.size == 0:
            break
        s = succ[active]
        total[active] = total[active] + total[s]
        last[active] = last[s]
        succ[active] = succ[s]
        active = active[succ[active] >= 0]
    return total, last, active


# folding chains pays on networks with many degree-2 nodes, in number and in share; measured with 20 facility
# categories: the Hangzhou extract (5,037 of 6,912 nodes) and a 1,000,000-node grid (5 %) answer faster as
# built, a 460,000-node grid whose edges carry two intermediate nodes each (79 %) 1.3x (1,000 m limit) to
# 3.5x (no limit) faster folded
MIN_INTERIOR_TO_CONTRACT = 20_000
MIN_INTERIOR_SHARE_TO_CONTRACT = 1 / 3


def for_search(network: WalkNetwork) -> Contraction:
    """The contraction searches use: :func:`contract` where chains are many (see above), else the identity."""
    degree_two = int(np.count_nonzero(np.diff(network.graph.indptr) == 2))
    many = degree_two >= MIN_INTERIOR_TO_CONTRACT and degree_two >= MIN_INTERIOR_SHARE_TO_CONTRACT * network.n_nodes
    return contraction_of(network) if many else Contraction.identity(network)


def contraction_of(network: WalkNetwork) -> Contraction:
    """The network's contraction, built on first use and kept on the network (as a cached property would)."""
    made: Contraction | None = network.__dict__.get("_contraction")
    if made is None:
        made = network.__dict__["_contraction"] = contract(network)
    return made


def contract(network: WalkNetwork) -> Contraction:
    """Find the chains of ``network`` and build its contracted graph (vectorised, O(E log L)).

    Chain ids are edge ids: an edge between two chain ends is its own chain, and
    a longer chain takes the id of one of its edges (the other ids of its edges
    are not chains and never used).
    """
    n, m = network.n_nodes, network.n_edges
    eu, ev, w = network.edge_u, network.edge_v, network.edge_length
    deg = np.bincount(eu, minlength=n) + np.bincount(ev, minlength=n)
    interior_mask = deg == 2
    while True:
        # half-edges of the edges that touch an interior node: i < k runs edge_u -> edge_v of edge le[i],
        # i + k is its reverse
        le = np.flatnonzero(interior_mask[eu] | interior_mask[ev])
        k = int(le.size)
        tail = np.concatenate([eu[le], ev[le]])
        head = np.concatenate([ev[le], eu[le]])
        hw = np.concatenate([w[le], w[le]])
        out_h = np.flatnonzero(interior_mask[tail])
        out_h = out_h[np.argsort(tail[out_h], kind="stable")]  # two per interior node, side by side
        first_out = np.full(n, -1, dtype=np.int64)
        second_out = np.full(n, -1, dtype=np.int64)
        first_out[tail[out_h[0::2]]] = out_h[0::2]
        second_out[tail[out_h[1::2]]] = out_h[1::2]
        into = np.flatnonzero(interior_mask[head])
        y = head[into]
        rev = np.where(into < k, into + k, into - k)
        nxt = np.where(first_out[y] == rev, second_out[y], first_out[y])
        rounds = max(1, math.ceil(math.log2(max(2 * k, 2)))) + 1
        total, last, ring = _rank(into, nxt, hw, rounds)
        if ring.size == 0:
            break
        # rings of interior nodes (a network that is one ring): keep the lowest node of each as a chain end
        ring_nodes = np.unique(tail[ring])
        sub = sparse.csr_array((np.ones(ring.size), (tail[ring], head[ring])), shape=(n, n))
        _, labels = connected_components(sub, directed=False)
        lowest = np.full(n, n, dtype=np.int64)
        np.minimum.at(lowest, labels[ring_nodes], ring_nodes)
        interior_mask[lowest[lowest < n]] = False

    end_fwd = last
    end_back = last[np.r_[np.arange(k, 2 * k), np.arange(k)]]
    # a chain's orientation: the one whose final half-edge has the lower id
    fwd = end_fwd < end_back
    first = np.flatnonzero(~interior_mask[tail] & fwd)  # first half-edge of each long chain, from its chain_u
    cid = le[np.where(first < k, first, first - k)]  # chain id: the edge of its first half-edge
    chain_u, chain_v, chain_length = eu.copy(), ev.copy(), w.copy()
    chain_u[cid] = tail[first]
    chain_v[cid] = head[end_fwd[first]]
    chain_length[cid] = total[first]
    lut = np.full(2 * k, -1, dtype=np.int64)
    lut[end_fwd[first]] = cid
    edge_chain = np.arange(m, dtype=np.int64)
    edge_pos = np.zeros(m)
    edge_dir = np.ones(m)
    e_fwd = fwd[:k]
    ch = lut[np.minimum(end_fwd[:k], end_back[:k])]
    edge_chain[le] = ch
    # u along the chain: length minus what is left after u (forward), or what is left before it (backward)
    edge_pos[le] = np.where(e_fwd, chain_length[ch] - total[:k], total[:k])
    edge_dir[le] = np.where(e_fwd, 1.0, -1.0)

    interior = np.flatnonzero(interior_mask)
    # position of an interior node: as the u end of its first out half-edge's edge, or as its v end
    h0 = first_out[interior]
    e0 = le[np.where(h0 < k, h0, h0 - k)]
    interior_chain = edge_chain[e0]
    interior_pos = np.where(h0 < k, edge_pos[e0], edge_pos[e0] + edge_dir[e0] * w[e0])

    lc = first[end_fwd[first] != first]  # first half-edges of the chains of two or more edges
    lc_last = end_fwd[lc]
    graph = _contracted_graph(network, tail[lc], head[lc], head[lc_last], tail[lc_last], total[lc])
    return Contraction(
        chain_u=chain_u, chain_v=chain_v, chain_length=chain_length, edge_chain=edge_chain,
        edge_pos=edge_pos, edge_dir=edge_dir, interior=interior, interior_chain=interior_chain,
        interior_pos=interior_pos, graph=graph,
    )  # fmt: skip


def _contracted_graph(
    network: WalkNetwork, a: IntArray, to_a: IntArray, b: IntArray, to_b: IntArray, length: FloatArray
) -> sparse.csr_array:
    """The network graph with each long chain's two end entries turned into the chain itself.

    A chain of two or more edges from ``a`` to ``b`` leaves ``a`` by the entry
    ``a -> to_a`` and ``b`` by ``b -> to_b`` (both interior nodes). These become
    ``a -> b`` and ``b -> a`` of the chain's length; no other entry leads to an
    interior node, so interior nodes are never reached (their own rows stay,
    unused). Parallel chains and a chain back to its own end give duplicate or
    diagonal entries, which Dijkstra handles as they are (the shortest wins, a
    node never relaxes itself).
    """
    g = network.graph
    indptr, indices = g.indptr, g.indices
    data = g.data.copy()
    new_indices = indices.copy()
    for row, col, target in ((a, to_a, b), (b, to_b, a)):
        pos = indptr[row].astype(np.int64)
        found = np.zeros(row.size, dtype=bool)
        at = np.zeros(row.size, dtype=np.int64)
        width = int(np.max(indptr[row + 1] - indptr[row], initial=0))
        for j in range(width):  # rows are short: scan them side by side
            cand = pos + j
            inside = cand < indptr[row + 1]
            hit = inside & ~found & (indices[np.where(inside, cand, 0)] == col)
            at[hit] = cand[hit]
            found |= hit
        new_indices[at] = target
        data[at] = length
    return sparse.csr_array((data, new_indices, indptr), shape=g.shape)
