# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Compiled graph kernels of the planning core: the symmetric CSR graph of a
network (see :mod:`.network`), its connected components, and multi-source
shortest distances (see :mod:`.search`).

The search settles nodes in buckets of distance (``bucket`` metres wide, kept
in a ring long enough for the longest edge): a bucket's nodes are taken first
in, first out, and a node improved again while its bucket is open is queued
again, so the answer is exact for any bucket width (label correcting within a
bucket, in distance order between buckets). A width well under the typical
edge length makes such repeats rare. Only what lies within ``limit`` is
queued, and the GIL is released during the search.
"""

from libc.math cimport INFINITY, floor, sqrt
from libc.stdlib cimport free, malloc, realloc

import numpy as np


cdef struct Entry:
    double key
    Py_ssize_t node
    Py_ssize_t next  # next entry in its bucket, or in the free list


def multi_source(
    const int[::1] indptr,
    const int[::1] indices,
    const double[::1] weights,
    const int[::1] starts,
    double limit,
    double[::1] dist,
    int[::1] origin,
    double bucket,
    double max_weight,
):
    """Fill ``dist`` with the distance from the nearest start node (``inf`` beyond ``limit``).

    Every stored entry of row ``u`` is an edge ``u -> indices[j]`` of length
    ``weights[j] >= 0`` (zeros included), none longer than ``max_weight``.
    When ``origin`` has the length of ``dist``, it receives the start node each
    node was reached from (-1: unreached); pass an empty array to skip it.
    Returns the number of times a node was taken from a bucket.
    """
    cdef Py_ssize_t n = dist.shape[0]
    cdef Py_ssize_t n_starts = starts.shape[0]
    cdef bint track = origin.shape[0] == n
    cdef Py_ssize_t i, j, end, u, v, s, e, slot, cur
    cdef Py_ssize_t live = 0, used = 0, taken = 0, free_head = -1
    cdef Py_ssize_t capacity = indices.shape[0] + n_starts + 16
    cdef double d, nd
    cdef bint short_of_memory = False
    cdef Entry* grown
    if indptr.shape[0] != n + 1:
        raise ValueError("indptr must have one entry more than dist")
    if weights.shape[0] != indices.shape[0]:
        raise ValueError("weights and indices differ in length")
    if not (bucket > 0.0) or not (max_weight >= 0.0) or max_weight / bucket > 1e7:
        raise ValueError("bucket must be positive and at least max_weight / 1e7")
    for i in range(n_starts):
        if starts[i] < 0 or starts[i] >= n:
            raise ValueError(f"start node {starts[i]} is not in the graph")
    # every queued key lies within max_weight of the bucket being taken: the ring never wraps onto itself
    # (a power of two, so that a key's slot is a mask of its bucket number)
    cdef Py_ssize_t n_slots = 2
    while n_slots < <Py_ssize_t> floor(max_weight / bucket) + 2:
        n_slots *= 2
    cdef Py_ssize_t mask = n_slots - 1
    cdef double per_metre = 1.0 / bucket
    cdef Entry* entries = <Entry*> malloc(capacity * sizeof(Entry))
    cdef Py_ssize_t* head = <Py_ssize_t*> malloc(n_slots * sizeof(Py_ssize_t))
    cdef Py_ssize_t* tail = <Py_ssize_t*> malloc(n_slots * sizeof(Py_ssize_t))
    if entries == NULL or head == NULL or tail == NULL:
        free(entries)
        free(head)
        free(tail)
        raise MemoryError()
    with nogil:
        for i in range(n_slots):
            head[i] = -1
            tail[i] = -1
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
                entries[used].key = 0.0
                entries[used].node = s
                entries[used].next = -1
                if tail[0] == -1:
                    head[0] = used
                else:
                    entries[tail[0]].next = used
                tail[0] = used
                used += 1
                live += 1
        cur = 0
        while live > 0 and not short_of_memory:
            slot = cur & mask
            while head[slot] != -1:
                e = head[slot]
                head[slot] = entries[e].next
                if head[slot] == -1:
                    tail[slot] = -1
                d = entries[e].key
                u = entries[e].node
                entries[e].next = free_head
                free_head = e
                live -= 1
                if d > dist[u]:
                    continue  # a stale entry: u was reached by a shorter route since
                taken += 1
                end = indptr[u + 1]
                for j in range(indptr[u], end):
                    v = indices[j]
                    nd = d + weights[j]
                    if nd < dist[v] and nd <= limit:
                        dist[v] = nd
                        if track:
                            origin[v] = origin[u]
                        if free_head != -1:
                            e = free_head
                            free_head = entries[e].next
                        else:
                            if used == capacity:
                                grown = <Entry*> realloc(entries, 2 * capacity * sizeof(Entry))
                                if grown == NULL:
                                    short_of_memory = True
                                    break
                                entries = grown
                                capacity *= 2
                            e = used
                            used += 1
                        i = (<Py_ssize_t> (nd * per_metre)) & mask  # nd >= 0: the cast is the floor
                        entries[e].key = nd
                        entries[e].node = v
                        entries[e].next = -1
                        if tail[i] == -1:
                            head[i] = e
                        else:
                            entries[tail[i]].next = e
                        tail[i] = e
                        live += 1
                if short_of_memory:
                    break
            cur += 1
    free(entries)
    free(head)
    free(tail)
    if short_of_memory:
        raise MemoryError()
    return taken

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


cdef int _check_ends(const long long[::1] u, const long long[::1] v, Py_ssize_t n, str message) except -1:
    """Raise ValueError(message) unless every u[i] and v[i] lies in 0..n-1."""
    cdef Py_ssize_t i
    for i in range(u.shape[0]):
        if u[i] < 0 or u[i] >= n or v[i] < 0 or v[i] >= n:
            raise ValueError(message)
    return 0


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
    _check_ends(u, v, n, "pair ends must lie in 0..n-1")
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


def segment_lengths(const long long[::1] u, const long long[::1] v, const double[::1] x, const double[::1] y):
    """Straight length of every segment (x[u], y[u]) - (x[v], y[v]), in one pass."""
    cdef Py_ssize_t m = u.shape[0]
    cdef Py_ssize_t n = x.shape[0]
    cdef Py_ssize_t i
    cdef double dx, dy
    if v.shape[0] != m or y.shape[0] != n:
        raise ValueError("u and v, or x and y, differ in length")
    _check_ends(u, v, n, "segment ends must lie in 0..n-1")
    out_a = np.empty(m, dtype=np.float64)
    cdef double[::1] out = out_a
    with nogil:
        for i in range(m):
            dx = x[u[i]] - x[v[i]]
            dy = y[u[i]] - y[v[i]]
            out[i] = sqrt(dx * dx + dy * dy)
    return out_a


cdef inline bint _opposite(double a, double b, double eps) noexcept nogil:
    return (a > eps and b < -eps) or (a < -eps and b > eps)


def visible_pairs_mask(
    const double[::1] px,
    const double[::1] py,
    const double[::1] ax,
    const double[::1] ay,
    const double[::1] bx,
    const double[::1] by,
    const double[::1] vx,
    const double[::1] vy,
    double eps,
):
    """Per corner pair i < j (in ``numpy.triu_indices(n, 1)`` order): whether segment p_i-p_j stays
    inside the area bounded by the ring edges a-b with ring vertices v (see :mod:`.areas`).

    Inside: longer than ``eps``; no proper crossing with a ring edge (both ends of each strictly on
    opposite sides of the other's line, by more than ``eps`` metres); no ring vertex on the open
    segment; the midpoint inside (even-odd over every ring) or within ``eps`` of a ring edge.
    """
    cdef Py_ssize_t n = px.shape[0], m = ax.shape[0], nv = vx.shape[0]
    cdef Py_ssize_t i, j, k, out_i = 0
    cdef double dx, dy, seg_len, ex, ey, e_len, d1, d2, d3, d4, wx, wy, off, t, tol, mx, my, x_at, tm, hx, hy
    cdef double lox, hix, loy, hiy
    cdef bint ok, inside, on_edge
    result = np.zeros(n * (n - 1) // 2, dtype=np.uint8)
    cdef unsigned char[::1] res = result
    with nogil:
        for i in range(n):
            for j in range(i + 1, n):
                dx = px[j] - px[i]
                dy = py[j] - py[i]
                seg_len = sqrt(dx * dx + dy * dy)
                ok = seg_len > eps
                lox = min(px[i], px[j]) - eps
                hix = max(px[i], px[j]) + eps
                loy = min(py[i], py[j]) - eps
                hiy = max(py[i], py[j]) + eps
                k = 0
                while ok and k < m:
                    if not ((ax[k] < lox and bx[k] < lox) or (ax[k] > hix and bx[k] > hix)
                            or (ay[k] < loy and by[k] < loy) or (ay[k] > hiy and by[k] > hiy)):
                        ex = bx[k] - ax[k]
                        ey = by[k] - ay[k]
                        e_len = max(sqrt(ex * ex + ey * ey), eps)
                        d1 = (dx * (ay[k] - py[i]) - dy * (ax[k] - px[i])) / seg_len
                        d2 = (dx * (by[k] - py[i]) - dy * (bx[k] - px[i])) / seg_len
                        d3 = (ex * (py[i] - ay[k]) - ey * (px[i] - ax[k])) / e_len
                        d4 = (ex * (py[j] - ay[k]) - ey * (px[j] - ax[k])) / e_len
                        if _opposite(d1, d2, eps) and _opposite(d3, d4, eps):
                            ok = False
                    k += 1
                k = 0
                tol = eps / seg_len if seg_len > 0 else 1.0
                while ok and k < nv:
                    if lox <= vx[k] <= hix and loy <= vy[k] <= hiy:
                        wx = vx[k] - px[i]
                        wy = vy[k] - py[i]
                        off = (dx * wy - dy * wx) / seg_len
                        t = (dx * wx + dy * wy) / (seg_len * seg_len)
                        if -eps <= off <= eps and tol < t < 1.0 - tol:
                            ok = False
                    k += 1
                if ok:
                    mx = (px[i] + px[j]) / 2
                    my = (py[i] + py[j]) / 2
                    inside = False
                    on_edge = False
                    for k in range(m):
                        if (ay[k] > my) != (by[k] > my):
                            x_at = ax[k] + (my - ay[k]) * (bx[k] - ax[k]) / (by[k] - ay[k])
                            if mx < x_at:
                                inside = not inside
                        ex = bx[k] - ax[k]
                        ey = by[k] - ay[k]
                        e_len = ex * ex + ey * ey
                        tm = ((mx - ax[k]) * ex + (my - ay[k]) * ey) / e_len if e_len > 0 else 0.0
                        tm = min(max(tm, 0.0), 1.0)
                        hx = ax[k] + tm * ex - mx
                        hy = ay[k] + tm * ey - my
                        if hx * hx + hy * hy <= eps * eps:
                            on_edge = True
                    ok = inside or on_edge
                res[out_i] = ok
                out_i += 1
    return result.astype(bool)
