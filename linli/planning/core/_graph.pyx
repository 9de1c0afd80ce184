# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Compiled graph kernels of the planning core: the symmetric CSR graph of a
network (see :mod:`.network`) and multi-source Dijkstra (see :mod:`.search`).

The search's cost follows the part of the graph it reaches: a 4-ary heap of
(distance, node) entries with lazy deletion (an entry whose distance is no
longer the node's is skipped when it comes to the top), no per-node structure
to set up beyond the output arrays, and nothing pushed beyond ``limit``.
The GIL is released during the search.
"""

from libc.math cimport INFINITY
from libc.stdlib cimport free, malloc

import numpy as np


cdef struct Entry:
    double key
    Py_ssize_t node


cdef inline void _push(Entry* heap, Py_ssize_t* size, double k, Py_ssize_t v) noexcept nogil:
    cdef Py_ssize_t i = size[0]
    cdef Py_ssize_t parent
    size[0] = i + 1
    while i > 0:
        parent = (i - 1) >> 2
        if heap[parent].key <= k:
            break
        heap[i] = heap[parent]
        i = parent
    heap[i].key = k
    heap[i].node = v


cdef inline void _pop(Entry* heap, Py_ssize_t* size) noexcept nogil:
    """Remove the top entry (the caller has read it)."""
    cdef Py_ssize_t n = size[0] - 1
    cdef Py_ssize_t i = 0
    cdef Py_ssize_t child, c, last
    cdef Entry moved = heap[n]
    cdef double best
    size[0] = n
    while True:
        child = 4 * i + 1
        if child >= n:
            break
        last = child + 4 if child + 4 <= n else n
        best = heap[child].key
        for c in range(child + 1, last):
            if heap[c].key < best:
                best = heap[c].key
                child = c
        if best >= moved.key:
            break
        heap[i] = heap[child]
        i = child
    heap[i] = moved


def multi_source(
    const int[::1] indptr,
    const int[::1] indices,
    const double[::1] weights,
    const int[::1] starts,
    double limit,
    double[::1] dist,
    int[::1] origin,
):
    """Fill ``dist`` with the distance from the nearest start node (``inf`` beyond ``limit``).

    Every stored entry of row ``u`` is an edge ``u -> indices[j]`` of length
    ``weights[j]`` (zeros included). When ``origin`` has the length of
    ``dist``, it receives the start node each node was reached from (-1:
    unreached); pass an empty array to skip it. Returns the number of nodes
    settled.
    """
    cdef Py_ssize_t n = dist.shape[0]
    cdef Py_ssize_t n_starts = starts.shape[0]
    cdef bint track = origin.shape[0] == n
    cdef Py_ssize_t capacity = indices.shape[0] + n_starts + 1
    cdef Py_ssize_t size = 0
    cdef Py_ssize_t settled = 0
    cdef Py_ssize_t i, j, end, u, v, s
    cdef double d, nd
    if indptr.shape[0] != n + 1:
        raise ValueError("indptr must have one entry more than dist")
    if weights.shape[0] != indices.shape[0]:
        raise ValueError("weights and indices differ in length")
    for i in range(n_starts):
        if starts[i] < 0 or starts[i] >= n:
            raise ValueError(f"start node {starts[i]} is not in the graph")
    cdef Entry* heap = <Entry*> malloc(capacity * sizeof(Entry))
    if heap == NULL:
        raise MemoryError()
    with nogil:
        for i in range(n):
            dist[i] = INFINITY
        if track:
            for i in range(n):
                origin[i] = -1
        for i in range(n_starts):
            s = starts[i]
            if dist[s] != 0.0:
                dist[s] = 0.0
                if track:
                    origin[s] = <int> s
                _push(heap, &size, 0.0, s)
        while size > 0:
            d = heap[0].key
            u = heap[0].node
            _pop(heap, &size)
            if d > dist[u]:
                continue  # a stale entry: u was reached by a shorter route since
            settled += 1
            end = indptr[u + 1]
            for j in range(indptr[u], end):
                v = indices[j]
                nd = d + weights[j]
                if nd < dist[v] and nd <= limit:
                    dist[v] = nd
                    if track:
                        origin[v] = origin[u]
                    _push(heap, &size, nd, v)
    free(heap)
    return settled



def symmetric_csr(const long long[::1] u, const long long[::1] v, const double[::1] w, Py_ssize_t n):
    """CSR arrays (indptr, indices, data) of the undirected graph of pairs ``u < v`` sorted by (u, v).

    Row ``r`` lists its lower neighbours, then its upper ones, each ascending:
    sorted indices, placed in one pass without a sort.
    """
    cdef Py_ssize_t m = u.shape[0]
    cdef Py_ssize_t i, a, b
    if v.shape[0] != m or w.shape[0] != m:
        raise ValueError("u, v and w differ in length")
    if n + 1 >= 2**31 or 2 * m >= 2**31:
        raise ValueError("graph too large for int32 indices")
    for i in range(m):
        if u[i] < 0 or u[i] >= v[i] or v[i] >= n:
            raise ValueError("pairs must be distinct, sorted, with 0 <= u < v < n")
        if i > 0 and (u[i - 1] > u[i] or (u[i - 1] == u[i] and v[i - 1] >= v[i])):
            raise ValueError("pairs must be distinct, sorted, with 0 <= u < v < n")
    indptr_a = np.zeros(n + 1, dtype=np.int32)
    low_a = np.empty(n, dtype=np.int32)
    up_a = np.zeros(n, dtype=np.int32)
    indices_a = np.empty(2 * m, dtype=np.int32)
    data_a = np.empty(2 * m, dtype=np.float64)
    cdef int[::1] indptr = indptr_a
    cdef int[::1] low = low_a  # next free slot in each row's lower part
    cdef int[::1] up = up_a  # next free slot in each row's upper part
    cdef int[::1] indices = indices_a
    cdef double[::1] data = data_a
    with nogil:
        for i in range(m):
            indptr[u[i] + 1] += 1
            indptr[v[i] + 1] += 1
            up[v[i]] += 1  # for now: the size of row v's lower part
        for i in range(n):
            indptr[i + 1] += indptr[i]
            low[i] = indptr[i]
            up[i] += indptr[i]
        for i in range(m):  # pairs come sorted by u, so every lower part fills in ascending order
            a = u[i]
            b = v[i]
            indices[low[b]] = <int> a
            data[low[b]] = w[i]
            low[b] += 1
            indices[up[a]] = <int> b
            data[up[a]] = w[i]
            up[a] += 1
    return indptr_a, indices_a, data_a


cdef inline Py_ssize_t _root(Py_ssize_t* parent, Py_ssize_t x) noexcept nogil:
    while parent[x] != x:
        parent[x] = parent[parent[x]]  # path halving
        x = parent[x]
    return x


def components(const long long[::1] u, const long long[::1] v, Py_ssize_t n):
    """Connected components of the undirected graph of pairs (u, v) on nodes 0..n-1 (union-find).

    Returns (count, labels): components are numbered 0.. in the order of their lowest node.
    """
    cdef Py_ssize_t m = u.shape[0]
    cdef Py_ssize_t i, a, b, count = 0
    if v.shape[0] != m:
        raise ValueError("u and v differ in length")
    for i in range(m):
        if u[i] < 0 or u[i] >= n or v[i] < 0 or v[i] >= n:
            raise ValueError("pair ends must lie in 0..n-1")
    labels_a = np.empty(n, dtype=np.int32)
    cdef int[::1] labels = labels_a
    cdef Py_ssize_t* parent = <Py_ssize_t*> malloc(max(n, 1) * sizeof(Py_ssize_t))
    if parent == NULL:
        raise MemoryError()
    with nogil:
        for i in range(n):
            parent[i] = i
        for i in range(m):
            a = _root(parent, u[i])
            b = _root(parent, v[i])
            if a < b:
                parent[b] = a
            elif b < a:
                parent[a] = b
        for i in range(n):  # every root is its component's lowest node, so it is labelled before its members
            a = _root(parent, i)
            if a == i:
                labels[i] = <int> count
                count += 1
            else:
                labels[i] = labels[a]
    free(parent)
    return count, labels_a
