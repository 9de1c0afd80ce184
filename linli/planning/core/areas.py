"""Walking across pedestrian areas (squares, platforms): which straight segments to add.

An area is walked along its outline (its rings are ways of the network) and across
it. Crossing is represented by straight edges between *corners*: the area's
entrances (outline nodes that other walkable ways or areas touch, and nodes of
walkable ways inside the area, not on a bridge, in a tunnel or on another
layer) and the reflex
vertices of its rings (outline corners that bend into the walkable space, and
the corners of its holes). Two corners are joined when the straight segment
between them stays inside the area (it crosses no ring, passes through no other
ring vertex, and its midpoint lies inside or on the outline): this is the
visibility graph of the area restricted to those corners.

Why that set: a shortest walk inside a polygon (holes included) between two
points inside it is a chain of straight segments that bends only at reflex
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

from ._graph import visible_pairs_mask
from .geo import FloatArray, IntArray

MAX_CORNERS = 600
_EPS_M = 1e-6  # a point within a micrometre of a line is on it


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
    (outer and inner, not repeating the first node at the end). The test of each pair is
    the compiled kernel's :func:`._graph.visible_pairs_mask`.
    """
    c = np.asarray(corner, dtype=np.int64)
    if c.size < 2 or not rings:
        z = np.zeros(0, dtype=np.int64)
        return z, z
    ea = np.concatenate(list(rings))
    eb = np.concatenate([np.roll(r, -1) for r in rings])
    v = np.unique(ea)
    keep = visible_pairs_mask(x[c], y[c], x[ea], y[ea], x[eb], y[eb], x[v], y[v], _EPS_M)
    ii, jj = np.triu_indices(c.size, k=1)
    return c[ii[keep]], c[jj[keep]]
