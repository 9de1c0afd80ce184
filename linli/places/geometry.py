"""Small plane-geometry helpers on lon/lat GeoJSON (communities span a few km, so planar tests are exact enough)."""

import math
from collections.abc import Sequence

import numpy as np
from scipy.spatial import ConvexHull

EARTH_RADIUS_M = 6_371_008.8


def hull_polygon(points: Sequence[tuple[float, float]], pad_deg: float = 0.0004) -> dict:
    """A GeoJSON Polygon around the (lng, lat) points: their convex hull, padded a little."""
    arr = np.asarray(points, dtype=float)
    if len(arr) < 3:
        raise ValueError("a hull needs at least three points")
    centre = arr.mean(axis=0)
    hull = arr[ConvexHull(arr).vertices]
    offset = hull - centre
    norms = np.linalg.norm(offset, axis=1, keepdims=True)
    padded = hull + offset / np.where(norms == 0, 1, norms) * pad_deg
    ring = [[round(float(x), 7), round(float(y), 7)] for x, y in padded]
    ring.append(ring[0])
    return {"type": "Polygon", "coordinates": [ring]}


def polygon_contains(polygon: dict | None, lng: float, lat: float) -> bool:
    """Ray casting over the outer ring, minus holes; a MultiPolygon contains what any of its parts contains."""
    if not polygon:
        return False
    if polygon.get("type") == "MultiPolygon":
        return any(
            polygon_contains({"type": "Polygon", "coordinates": part}, lng, lat) for part in polygon["coordinates"]
        )
    if polygon.get("type") != "Polygon":
        return False
    rings = polygon["coordinates"]

    def inside(ring: list[list[float]]) -> bool:
        result = False
        j = len(ring) - 1
        for i in range(len(ring)):
            xi, yi = ring[i][0], ring[i][1]
            xj, yj = ring[j][0], ring[j][1]
            if (yi > lat) != (yj > lat) and lng < (xj - xi) * (lat - yi) / (yj - yi) + xi:
                result = not result
            j = i
        return result

    return inside(rings[0]) and not any(inside(hole) for hole in rings[1:])


def haversine_m(lng1: float, lat1: float, lng2: float, lat2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))
