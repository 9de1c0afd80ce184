"""Walking across pedestrian areas (squares, platforms): which straight segments to add.

An area is walked along its outline (its rings are ways of the network) and across
it. Crossing is represented by straight edges between *corners*: the area's
entrances (outline nodes that other walkable ways or areas touch) and the reflex
vertices of its rings (outline corners that bend into the walkable space, and
the corners of its holes). Two corners are joined when the straight segment
between them stays inside the area (it crosses no ring, passes through no other
ring vertex, and its midpoint lies inside or on the outline): this is the
visibility graph of the area restricted to those corners.

Why that set: a shortest walk inside a polygon (holes included) between two
points of its outline is a chain of straight segments that bends only at reflex
vertices, so the visibility graph on entrances plus reflex vertices holds every
shortest crossing exactly, for any shape. A convex area without holes has no
reflex vertex and every pair of entrances sees each other: it gets exactly the
complete graph on its entrances. Joining every pair of entrances regardless
would walk through holes (a fountain, a building) and outside concave outlines.

Large areas: with more than :data:`MAX_CORNERS` corners the reflex vertices are
left out (entrances only, still visibility-checked); with more entrances than
that, the area is walked along its outline only. Both are reported by the
loader.

All tests are done in a local metric frame; any equirectangular projection is
an affine map of lon/lat, so straightness, crossings and insideness are the same
in every such frame.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .geo import FloatArray, IntArray

MAX_CORNERS = 600
_EPS_M = 1e-6  # a point within a micrometre of a line is on it
_CHUNK = 1 << 21  # pair × ring-edge tests per block (bounded memory)


def _reflex(x: FloatArray, y: FloatArray, ring: IntArray, outer: bool) -> IntArray:
    """Vertices of ``ring`` at which the walkable side turns inwards (collinear ones included)."""
    px, py = x[ring], y[ring]
    area2 = float(np.dot(px, np.roll(py, -1)) - np.dot(np.roll(px, -1), py))
    if area2 == 0.0:
        return ring[:0]
    ax, ay = px - np.roll(px, 1), py - np.roll(py, 1)
    bx, by = np.roll(px, -1) - px, np.roll(py, -1) - py
    turn = (ax * by - ay * bx) * np.sign(area2)  # > 0: convex for the ring's own inside
    walk_reflex = turn <= _EPS_M * np.hypot(ax, ay) * np.hypot(bx, by) if outer else turn >= 0
    out: IntArray = ring[walk_reflex]
    return out


def corners(
    x: FloatArray, y: FloatArray, rings: Sequence[IntArray], outer: Sequence[bool], entrances: IntArray
) -> IntArray:
    """The corners to join: entrances plus reflex vertices (entrances only above :data:`MAX_CORNERS`)."""
    ent = np.unique(entrances)
    if ent.size < 2:
        return ent[:0]
    reflex = [_reflex(x, y, r, o) for r, o in zip(rings, outer, strict=True) if r.size >= 3]
    allc = np.unique(np.concatenate([ent, *reflex])) if reflex else ent
    if allc.size <= MAX_CORNERS:
        return allc
    return ent if ent.size <= MAX_CORNERS else ent[:0]


def visible_pairs(
    x: FloatArray, y: FloatArray, rings: Sequence[IntArray], corner: IntArray
) -> tuple[IntArray, IntArray]:
    """Pairs of ``corner`` nodes whose straight segment stays inside the area of ``rings``.

    ``x``/``y``: metric coordinates of every node; ``rings``: node indices of each ring
    (outer and inner, not repeating the first node at the end).
    """
    c = np.asarray(corner, dtype=np.int64)
    if c.size < 2 or not rings:
        z = np.zeros(0, dtype=np.int64)
        return z, z
    ea = np.concatenate([r for r in rings])
    eb = np.concatenate([np.roll(r, -1) for r in rings])
    ax, ay, bx, by = x[ea], y[ea], x[eb], y[eb]
    vx, vy = x[np.unique(ea)], y[np.unique(ea)]
    ii, jj = np.triu_indices(c.size, k=1)
    keep = np.zeros(ii.size, dtype=bool)
    n_test = max(ea.size, vx.size, 1)
    step = max(1, _CHUNK // n_test)
    for lo in range(0, ii.size, step):
        p, q = c[ii[lo : lo + step]], c[jj[lo : lo + step]]
        keep[lo : lo + step] = _inside(x[p], y[p], x[q], y[q], ax, ay, bx, by, vx, vy)
    return c[ii[keep]], c[jj[keep]]


def _inside(
    px: FloatArray,
    py: FloatArray,
    qx: FloatArray,
    qy: FloatArray,
    ax: FloatArray,
    ay: FloatArray,
    bx: FloatArray,
    by: FloatArray,
    vx: FloatArray,
    vy: FloatArray,
) -> np.ndarray:
    """Per segment p-q: inside the area bounded by the ring edges a-b with ring vertices v."""
    P = (slice(None), None)  # segments along rows, ring edges / vertices along columns
    dx, dy = (qx - px)[P], (qy - py)[P]
    seg_len = np.hypot(dx, dy)
    ok = seg_len[:, 0] > _EPS_M
    seg_len = np.maximum(seg_len, _EPS_M)
    # 1. no proper crossing with a ring edge (signed distances of each end from the other's line)
    ex, ey = bx - ax, by - ay
    e_len = np.maximum(np.hypot(ex, ey), _EPS_M)
    d1 = (dx * (ay - py[P]) - dy * (ax - px[P])) / seg_len
    d2 = (dx * (by - py[P]) - dy * (bx - px[P])) / seg_len
    d3 = (ex * (py[P] - ay) - ey * (px[P] - ax)) / e_len
    d4 = (ex * (qy[P] - ay) - ey * (qx[P] - ax)) / e_len
    cross = (((d1 > _EPS_M) & (d2 < -_EPS_M)) | ((d1 < -_EPS_M) & (d2 > _EPS_M))) & (
        ((d3 > _EPS_M) & (d4 < -_EPS_M)) | ((d3 < -_EPS_M) & (d4 > _EPS_M))
    )
    ok &= ~cross.any(axis=1)
    # 2. no other ring vertex on the open segment
    wx, wy = vx - px[P], vy - py[P]
    off = np.abs(dx * wy - dy * wx) / seg_len
    t = (dx * wx + dy * wy) / (seg_len * seg_len)
    tol = _EPS_M / seg_len
    ok &= ~((off <= _EPS_M) & (t > tol) & (t < 1.0 - tol)).any(axis=1)
    # 3. the midpoint inside (even-odd over every ring) or on a ring edge
    mx, my = ((px + qx) / 2)[P], ((py + qy) / 2)[P]
    straddle = (ay > my) != (by > my)
    with np.errstate(divide="ignore", invalid="ignore"):
        x_at = ax + (my - ay) * (bx - ax) / (by - ay)
    inside = (np.count_nonzero(straddle & (mx < x_at), axis=1) % 2) == 1
    tm = np.clip(((mx - ax) * ex + (my - ay) * ey) / (e_len * e_len), 0.0, 1.0)
    on_edge = (np.hypot(ax + tm * ex - mx, ay + tm * ey - my) <= _EPS_M).any(axis=1)
    out: np.ndarray = ok & (inside | on_edge)
    return out
