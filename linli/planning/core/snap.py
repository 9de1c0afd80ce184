"""Snapping points to the nearest point on the nearest edge of the network.

Index: a uniform grid of square cells; every edge is listed in each cell its
bounding box touches. A query looks at the cells in rings of growing Chebyshev
radius around the point's cell and projects exactly onto their edges; an edge
listed in no cell looked at lies wholly outside the square looked at, so once
the best distance found is below the distance from the point to that square's
open sides, no other edge can be nearer. All points are searched together, ring
after ring, only those not yet settled going on. Built once per network (a few
numpy passes) and kept on it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
from scipy.spatial import cKDTree

from .errors import EmptyNetworkError, InputError, Message, SnapError
from .geo import FloatArray, IntArray

if TYPE_CHECKING:
    from .network import WalkNetwork

DEFAULT_MAX_SNAP_M = 500.0
#: Farther than this from the network, a point is not a bad point but a file in the wrong coordinate system.
FAR_HINT_M = 100_000.0


@dataclass(frozen=True)
class Snapped:
    """Points attached to the network.

    The point ``i`` reaches the network at ``(px[i], py[i])`` on edge
    ``edge[i]``, ``offset_m[i]`` metres from ``edge_u`` of that edge, after a
    straight walk of ``distance_m[i]`` metres.
    """

    edge: IntArray
    offset_m: FloatArray
    distance_m: FloatArray
    px: FloatArray
    py: FloatArray

    def __len__(self) -> int:
        return int(self.edge.shape[0])

    def subset(self, idx: npt.ArrayLike) -> Snapped:
        i = np.asarray(idx, dtype=np.int64)
        return Snapped(self.edge[i], self.offset_m[i], self.distance_m[i], self.px[i], self.py[i])


def _project(
    qx: FloatArray, qy: FloatArray, ax: FloatArray, ay: FloatArray, bx: FloatArray, by: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Exact projection of points q onto segments a-b: (t in [0, 1], distance, px, py)."""
    dx, dy = bx - ax, by - ay
    len2 = dx * dx + dy * dy
    with np.errstate(invalid="ignore", divide="ignore"):
        t = np.where(len2 > 0, ((qx - ax) * dx + (qy - ay) * dy) / np.where(len2 > 0, len2, 1.0), 0.0)
    t = np.clip(t, 0.0, 1.0)
    px, py = ax + t * dx, ay + t * dy
    return t, np.hypot(qx - px, qy - py), px, py


class SegmentIndex:
    """Grid of cells listing the edges whose bounding box touches them; see the module docstring."""

    #: cells per edge at most (a cell's side is the median edge length, larger on a sparse extent)
    CELLS_PER_EDGE = 12.0
    #: rings searched around a point's cell before the search by nearest listed cells takes over
    RINGS = 3

    def __init__(self, network: WalkNetwork, cell_m: float | None = None) -> None:
        self.net = network
        u, v = network.edge_u, network.edge_v
        ax, ay, bx, by = network.x[u], network.y[u], network.x[v], network.y[v]
        self.x0 = float(min(ax.min(), bx.min())) if u.size else 0.0
        self.y0 = float(min(ay.min(), by.min())) if u.size else 0.0
        width = float(max(ax.max(), bx.max())) - self.x0 if u.size else 0.0
        height = float(max(ay.max(), by.max())) - self.y0 if u.size else 0.0
        if cell_m is None:
            area = max(width, 1.0) * max(height, 1.0)
            median = float(np.median(network.edge_length)) if u.size else 1.0
            cell_m = max(median, math.sqrt(area / (self.CELLS_PER_EDGE * max(u.size, 1))), 1.0)
        self.cell = float(cell_m)
        self.nx = int(width // self.cell) + 1
        self.ny = int(height // self.cell) + 1
        # the cells every edge crosses: per column of its extent, the rows its piece in that column spans (a long
        # diagonal edge gets about as many cells as it is long, not its bounding box), padded by a micrometre
        pad = 1e-6
        cx0, cx1 = self._col(np.minimum(ax, bx) - pad), self._col(np.maximum(ax, bx) + pad)
        wide = cx1 - cx0 + 1
        col_edge = np.repeat(np.arange(u.size, dtype=np.int64), wide)
        col = cx0[col_edge] + np.arange(col_edge.size) - np.repeat(np.cumsum(wide) - wide, wide)
        ex0, ex1 = np.minimum(ax, bx)[col_edge], np.maximum(ax, bx)[col_edge]
        xl = np.maximum(ex0, self.x0 + col * self.cell)
        xr = np.minimum(ex1, self.x0 + (col + 1) * self.cell)
        dx, dy = (bx - ax)[col_edge], (by - ay)[col_edge]
        flat = dx == 0  # a vertical edge: one column, all its rows
        slope = np.where(flat, 0.0, dy / np.where(flat, 1.0, dx))
        yl = np.where(flat, np.minimum(ay, by)[col_edge], ay[col_edge] + (xl - ax[col_edge]) * slope)
        yr = np.where(flat, np.maximum(ay, by)[col_edge], ay[col_edge] + (xr - ax[col_edge]) * slope)
        cy0, cy1 = self._row(np.minimum(yl, yr) - pad), self._row(np.maximum(yl, yr) + pad)
        tall = cy1 - cy0 + 1
        edge = np.repeat(col_edge, tall)
        row = np.repeat(cy0, tall) + np.arange(edge.size) - np.repeat(np.cumsum(tall) - tall, tall)
        cells = np.repeat(col, tall) * self.ny + row
        if self.nx * self.ny < 2**31:
            cells = cells.astype(np.int32)  # sorts faster
        order = np.argsort(cells)  # the order within a cell does not matter: ties are broken by edge index
        self.cell_edges: IntArray = edge[order]
        self.cell_start: IntArray = np.zeros(self.nx * self.ny + 1, dtype=np.int64)
        np.cumsum(np.bincount(cells, minlength=self.nx * self.ny), out=self.cell_start[1:])
        self._centres: tuple[cKDTree, IntArray] | None = None  # for points far from every edge, built on need

    def _col(self, x: FloatArray) -> IntArray:
        return np.clip(((x - self.x0) // self.cell).astype(np.int64), 0, self.nx - 1)

    def _row(self, y: FloatArray) -> IntArray:
        return np.clip(((y - self.y0) // self.cell).astype(np.int64), 0, self.ny - 1)

    def _exact(self, q: IntArray, e: IntArray, qx: FloatArray, qy: FloatArray) -> tuple[FloatArray, ...]:
        n = self.net
        u, v = n.edge_u[e], n.edge_v[e]
        return _project(qx[q], qy[q], n.x[u], n.y[u], n.x[v], n.y[v])

    def _unseen_bound(self, qx: FloatArray, qy: FloatArray, cx: IntArray, cy: IntArray, r: int) -> FloatArray:
        """Lower bound on the distance to any edge listed in no cell within ring ``r`` of (cx, cy)."""
        # beyond the grid on the other axis, every edge is at least that far across
        off_x = np.maximum(0.0, np.maximum(self.x0 - qx, qx - (self.x0 + self.nx * self.cell)))
        off_y = np.maximum(0.0, np.maximum(self.y0 - qy, qy - (self.y0 + self.ny * self.cell)))
        bound = np.full(qx.shape, np.inf)
        for more, gap, across in (
            (cx - r > 0, qx - (self.x0 + (cx - r) * self.cell), off_y),
            (cx + r < self.nx - 1, self.x0 + (cx + r + 1) * self.cell - qx, off_y),
            (cy - r > 0, qy - (self.y0 + (cy - r) * self.cell), off_x),
            (cy + r < self.ny - 1, self.y0 + (cy + r + 1) * self.cell - qy, off_x),
        ):
            side = np.hypot(np.maximum(gap, 0.0), across)
            bound = np.where(more, np.minimum(bound, side), bound)
        return bound

    def _consider(
        self, qa: IntArray, cell: IntArray, qx: FloatArray, qy: FloatArray, best_d: FloatArray, best_e: IntArray
    ) -> None:
        """Project the points ``qa`` (grouped: equal ones adjacent) on the edges of their ``cell`` and keep per point
        the nearest edge so far (ties: the lowest index)."""
        lo, count = self.cell_start[cell], self.cell_start[cell + 1] - self.cell_start[cell]
        if not count.sum():
            return
        cq = np.repeat(qa, count)
        j = np.arange(cq.size, dtype=np.int64) - np.repeat(np.cumsum(count) - count, count)
        ce = self.cell_edges[np.repeat(lo, count) + j]
        _, d, _, _ = self._exact(cq, ce, qx, qy)
        # candidates come grouped by point: per group the smallest distance, then the lowest edge at it
        starts = np.flatnonzero(np.r_[True, cq[1:] != cq[:-1]])
        who = cq[starts]
        near = np.minimum.reduceat(d, starts)
        at_min = d == np.repeat(near, np.diff(np.r_[starts, cq.size]))
        edge = np.minimum.reduceat(np.where(at_min, ce, np.iinfo(np.int64).max), starts)
        better = (near < best_d[who]) | ((near == best_d[who]) & (edge < best_e[who]))
        best_d[who[better]], best_e[who[better]] = near[better], edge[better]

    def _far(self, points: IntArray, qx: FloatArray, qy: FloatArray, best_d: FloatArray, best_e: IntArray) -> None:
        """Exact search for points the rings did not settle: the nearest non-empty cell's edges bound the
        distance from above; every cell whose centre lies within that bound plus half a cell's diagonal is
        searched (the nearest point of any nearer edge lies in a cell that lists the edge)."""
        if self._centres is None:
            full = np.flatnonzero(np.diff(self.cell_start))
            cx, cy = self.x0 + (full // self.ny + 0.5) * self.cell, self.y0 + (full % self.ny + 0.5) * self.cell
            xy = np.column_stack([cx, cy])
            self._centres = (cKDTree(xy), full)
        tree, full = self._centres
        pts = np.column_stack([qx[points], qy[points]])
        _, nearest_cell = tree.query(pts)
        self._consider(points, full[nearest_cell], qx, qy, best_d, best_e)
        lists = tree.query_ball_point(pts, r=best_d[points] + self.cell * math.sqrt(0.5) + 1e-9, return_sorted=False)
        counts = np.fromiter((len(x) for x in lists), dtype=np.int64, count=points.size)
        flat = np.fromiter((c for x in lists for c in x), dtype=np.int64, count=int(counts.sum()))
        self._consider(np.repeat(points, counts), full[flat], qx, qy, best_d, best_e)

    def nearest(self, qx: FloatArray, qy: FloatArray) -> Snapped:
        """Exact nearest point on the network for every query point (ties: the lowest edge index)."""
        m = qx.shape[0]
        if m and self.net.n_edges == 0:
            raise EmptyNetworkError("no walkable way found (empty network)")
        if m == 0:
            z = np.zeros(0)
            return Snapped(np.zeros(0, dtype=np.int64), z, z, z, z)
        cx, cy = self._col(qx), self._row(qy)
        best_d = np.full(m, np.inf)
        best_e = np.full(m, np.iinfo(np.int64).max, dtype=np.int64)
        active = np.arange(m, dtype=np.int64)
        r = 1  # the point's cell and its first ring together: the cell alone rarely settles a point
        while active.size and r <= self.RINGS:
            ring = np.concatenate([_ring_offsets(0), _ring_offsets(1)]) if r == 1 else _ring_offsets(r)
            qa = np.repeat(active, ring.shape[0])
            gx = cx[qa] + np.tile(ring[:, 0], active.size)
            gy = cy[qa] + np.tile(ring[:, 1], active.size)
            inside = (gx >= 0) & (gx < self.nx) & (gy >= 0) & (gy < self.ny)
            qa, cell = qa[inside], gx[inside] * self.ny + gy[inside]
            self._consider(qa, cell, qx, qy, best_d, best_e)
            # settled: nothing unseen can be as near (strictly: an unseen edge at the same distance may have a
            # lower index)
            bound = self._unseen_bound(qx[active], qy[active], cx[active], cy[active], r)
            active = active[~(best_d[active] < bound)]
            r += 1
        if active.size:  # far from every edge: search by the nearest listed cells instead of ring after ring
            self._far(active, qx, qy, best_d, best_e)
        t, d, px, py = self._exact(np.arange(m, dtype=np.int64), best_e, qx, qy)
        return Snapped(edge=best_e, offset_m=t * self.net.edge_length[best_e], distance_m=d, px=px, py=py)


def _ring_offsets(r: int) -> IntArray:
    """Cell offsets at Chebyshev distance exactly ``r``."""
    if r == 0:
        return np.zeros((1, 2), dtype=np.int64)
    s = np.arange(-r, r + 1, dtype=np.int64)
    inner = s[1:-1]
    return np.concatenate(
        [
            np.column_stack([s, np.full(s.size, -r)]),
            np.column_stack([s, np.full(s.size, r)]),
            np.column_stack([np.full(inner.size, -r), inner]),
            np.column_stack([np.full(inner.size, r), inner]),
        ]
    )


def segment_index_of(network: WalkNetwork) -> SegmentIndex:
    """The network's edge index, built on first use and kept on the network (as a cached property would)."""
    made: SegmentIndex | None = network.__dict__.get("_segment_index")
    if made is None:
        made = network.__dict__["_segment_index"] = SegmentIndex(network)
    return made


def snap_xy(
    network: WalkNetwork,
    x: npt.ArrayLike,
    y: npt.ArrayLike,
    *,
    names: Sequence[str] | None = None,
    kind: str = "point",
    max_snap_m: float = DEFAULT_MAX_SNAP_M,
    lonlat: tuple[FloatArray, FloatArray] | None = None,
) -> Snapped:
    """Snap projected points; raise :class:`SnapError` naming every point beyond ``max_snap_m``.

    With ``lonlat`` (the points' longitude and latitude), a point thousands of kilometres away gets a
    coordinate-system hint (swapped longitude/latitude, or projected metres).
    """
    qx = np.asarray(x, dtype=np.float64).ravel()
    qy = np.asarray(y, dtype=np.float64).ravel()
    if qx.shape != qy.shape:
        raise InputError(Message("%(kind)s: x and y differ in length", kind=Message(kind)))

    def label(i: int) -> str:
        return repr(names[i]) if names is not None else f"#{i}"

    bad = np.flatnonzero(~(np.isfinite(qx) & np.isfinite(qy)))
    if bad.size:
        raise InputError(
            Message("%(kind)s %(name)s has non-finite coordinates", kind=Message(kind), name=label(int(bad[0])))
        )
    snapped: Snapped = segment_index_of(network).nearest(qx, qy)
    far = np.flatnonzero(snapped.distance_m > max_snap_m)
    if far.size:
        i0 = int(far[0])
        msg = Message(
            "%(kind)s %(name)s is %(distance)s m from the nearest walkable way (max snap distance %(max)s m)",
            kind=Message(kind), name=label(i0), distance=f"{snapped.distance_m[i0]:,.0f}", max=f"{max_snap_m:,.0f}",
        )  # fmt: skip
        if far.size > 1:
            more = ", ".join(label(int(i)) for i in far[1:6])
            msg = Message(
                "%(first)s; %(count)s more too far: %(more)s", first=msg, count=far.size - 1,
                more=more + (", ..." if far.size > 6 else ""),
            )  # fmt: skip
        if snapped.distance_m[i0] > FAR_HINT_M:
            msg = Message("%(first)s. %(hint)s", first=msg, hint=_crs_hint(network, i0, lonlat, max_snap_m))
        raise SnapError(msg)
    return snapped


def _crs_hint(network: WalkNetwork, i: int, lonlat: tuple[FloatArray, FloatArray] | None, max_snap_m: float) -> Message:
    """Why a point may be thousands of kilometres away: swapped axes, or metres where degrees were expected."""
    if lonlat is not None:
        lon, lat = float(lonlat[0][i]), float(lonlat[1][i])
        if abs(lon) <= 90.0:
            sx, sy = network.projection.forward(np.array([lat]), np.array([lon]))
            back = segment_index_of(network).nearest(np.asarray(sx, dtype=np.float64), np.asarray(sy, dtype=np.float64))
            if float(back.distance_m[0]) <= max_snap_m:
                return Message(
                    "Longitude and latitude look swapped: (%(lat)s, %(lon)s) lies on the network. GeoJSON puts "
                    "longitude first", lat=f"{lat:g}", lon=f"{lon:g}",
                )  # fmt: skip
    return Message(
        "The points are thousands of kilometres from the network: check the coordinate system (GeoJSON is WGS84 "
        "longitude, latitude, EPSG:4326; projected metres such as EPSG:3857 or swapped longitude and latitude give "
        "this)"
    )


def snap_lonlat(
    network: WalkNetwork,
    lon: npt.ArrayLike,
    lat: npt.ArrayLike,
    *,
    names: Sequence[str] | None = None,
    kind: str = "point",
    max_snap_m: float = DEFAULT_MAX_SNAP_M,
) -> Snapped:
    """Snap lon/lat points (projected with the network's projection)."""
    lo = np.asarray(lon, dtype=np.float64).ravel()
    la = np.asarray(lat, dtype=np.float64).ravel()
    x, y = network.projection.forward(lo, la)
    return snap_xy(network, x, y, names=names, kind=kind, max_snap_m=max_snap_m, lonlat=(lo, la))
