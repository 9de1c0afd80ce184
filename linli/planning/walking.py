"""Walking distances from one home to a few facilities, over the network the health check uses (cached per
network file and its modification time, so a new network gives new distances).

The search from home stops at `SEARCH_LIMIT_M`: a facility farther than that on foot is given no walk (the page
shows its straight-line distance, labelled so), and the search visits a neighbourhood instead of the whole city.
The web server loads the network when a worker starts (`network_preload`, from `config/wsgi.py`), so that no
resident's first request waits for it."""

import functools
import logging
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .adapter import cached_network, network_path
from .core import distances_within
from .core.snap import DEFAULT_MAX_SNAP_M, snap_lonlat

Point = tuple[float, float]  # (lng, lat)

# Twice the 15-minute life circle's ~1 km: beyond it a walk is no longer a service "near home".
SEARCH_LIMIT_M = 2000.0

logger = logging.getLogger(__name__)


@functools.lru_cache(maxsize=512)
def _walks(path: str, mtime: float, origin: Point, points: tuple[Point, ...], limit: float) -> tuple[float | None, ...]:
    network = cached_network(Path(path))
    # snap without refusing: a point farther than the health check's snap limit is off the network
    lng = np.array([origin[0], *(p[0] for p in points)])
    lat = np.array([origin[1], *(p[1] for p in points)])
    snapped = snap_lonlat(network, lng, lat, kind="point", max_snap_m=float("inf"))
    on_network = snapped.distance_m <= DEFAULT_MAX_SNAP_M
    if not on_network[0]:
        return tuple(None for _ in points)
    # one search from home: the facilities are the origins, home the only source
    matrix = distances_within(network, snapped.subset(np.arange(1, len(points) + 1)), snapped.subset([0]), limit)
    found = matrix.tocsr()
    out: list[float | None] = []
    for i in range(len(points)):
        row = found.indices[found.indptr[i] : found.indptr[i + 1]]
        reachable = on_network[i + 1] and row.size > 0
        out.append(float(found.data[found.indptr[i]]) if reachable else None)
    return tuple(out)


def walking_distances(origin: Point, points: Sequence[Point], limit: float | None = None) -> list[float | None] | None:
    """Metres walked from `origin` to each point (None: off the network, or more than `limit`, by default
    `SEARCH_LIMIT_M`, away on foot), or None when no network is loaded."""
    path = network_path()
    if not path.is_file():
        return None
    if not points:
        return []
    limit = SEARCH_LIMIT_M if limit is None else limit
    return list(_walks(str(path), path.stat().st_mtime, origin, tuple(points), limit))


def network_preload() -> bool:
    """Load the configured walking network now (a web worker starting), if there is one. Reads a file, not the
    database. Whether one was loaded."""
    path = network_path()
    if not path.is_file():
        return False
    started = time.perf_counter()
    cached_network(path)
    logger.info("walking network %s loaded in %.1f s", path.name, time.perf_counter() - started)
    return True
