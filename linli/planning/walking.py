"""Walking distances from one home to a few facilities, over the network the health check uses (cached per
network file and its modification time, so a new network gives new distances)."""

import functools
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .adapter import cached_network, network_path
from .core import distances_within
from .core.snap import DEFAULT_MAX_SNAP_M, snap_lonlat

Point = tuple[float, float]  # (lng, lat)


@functools.lru_cache(maxsize=512)
def _walks(path: str, mtime: float, origin: Point, points: tuple[Point, ...]) -> tuple[float | None, ...]:
    network = cached_network(Path(path))
    # snap without refusing: a point farther than the health check's snap limit is off the network
    lng = np.array([origin[0], *(p[0] for p in points)])
    lat = np.array([origin[1], *(p[1] for p in points)])
    snapped = snap_lonlat(network, lng, lat, kind="point", max_snap_m=float("inf"))
    on_network = snapped.distance_m <= DEFAULT_MAX_SNAP_M
    if not on_network[0]:
        return tuple(None for _ in points)
    # one search from home: the facilities are the origins, home the only source
    matrix = distances_within(network, snapped.subset(np.arange(1, len(points) + 1)), snapped.subset([0]), np.inf)
    found = matrix.tocsr()
    out: list[float | None] = []
    for i in range(len(points)):
        row = found.indices[found.indptr[i] : found.indptr[i + 1]]
        reachable = on_network[i + 1] and row.size > 0
        out.append(float(found.data[found.indptr[i]]) if reachable else None)
    return tuple(out)


def walking_distances(origin: Point, points: Sequence[Point]) -> list[float | None] | None:
    """Metres walked from `origin` to each point (None: off the network), or None when no network is loaded."""
    path = network_path()
    if not path.is_file():
        return None
    if not points:
        return []
    return list(_walks(str(path), path.stat().st_mtime, origin, tuple(points)))
