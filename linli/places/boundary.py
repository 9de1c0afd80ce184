"""A community's boundary from an uploaded GeoJSON file: read, checked, measured.

Accepts a Polygon or MultiPolygon, bare or inside a Feature or a FeatureCollection (one area feature).
Checks what a person drawing the boundary by hand gets wrong: longitude and latitude swapped or out of range,
rings not closed or too short, edges that cross, an area too small or too large to be a community."""

import itertools
import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
from django.utils.translation import gettext as _

from linli.core.errors import DomainError
from linli.core.parsing import JSONRefused, json_loads_strict

MAX_BYTES = 2 * 1024 * 1024
MAX_POINTS = 2000  # the self-crossing check is quadratic: 2,000 points take under a second
MIN_AREA_HA = 0.5
MAX_AREA_HA = 5000.0  # 50 km²: larger than any community, smaller than a district
EARTH_M_PER_DEG_LAT = 110_540.0
EARTH_M_PER_DEG_LNG = 111_320.0


@dataclass(frozen=True)
class Boundary:
    geometry: dict[str, Any]  # a GeoJSON Polygon or MultiPolygon, closed rings, (lng, lat) rounded to 7 places
    centre_lng: float
    centre_lat: float
    area_ha: Decimal


def _refuse(message: str, code: str = "invalid_boundary") -> DomainError:
    return DomainError(message, field="boundary", code=code)


def geometry_of(doc: Any) -> dict[str, Any]:
    if not isinstance(doc, dict):
        raise _refuse(_("The file is not a GeoJSON object."))
    kind = doc.get("type")
    if kind == "FeatureCollection":
        features = [f for f in doc.get("features") or [] if isinstance(f, dict)]
        areas = [f for f in features if (f.get("geometry") or {}).get("type") in ("Polygon", "MultiPolygon")]
        if len(areas) != 1:
            raise _refuse(
                _("The file must hold exactly one Polygon or MultiPolygon feature; it holds %(n)d.") % {"n": len(areas)}
            )
        return areas[0]["geometry"]
    if kind == "Feature":
        geometry = doc.get("geometry")
        if not isinstance(geometry, dict):
            raise _refuse(_("The feature has no geometry."))
        return geometry
    return doc


def _ring(raw: Any, where: str) -> list[list[float]]:
    if not isinstance(raw, list) or not all(isinstance(p, list) and len(p) >= 2 for p in raw):
        raise _refuse(_("%(where)s is not a list of [longitude, latitude] points.") % {"where": where})
    ring: list[list[float]] = []
    for point in raw:
        lng, lat = point[0], point[1]
        if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (lng, lat)):
            raise _refuse(_("%(where)s has a point that is not two numbers.") % {"where": where})
        if not -180 <= lng <= 180 or not -90 <= lat <= 90:
            raise _refuse(
                _(
                    "%(where)s has a point outside the range of longitude and latitude: %(lng)s, %(lat)s. "
                    "GeoJSON lists longitude first (e.g. 120.13, 30.28): are they swapped?"
                )
                % {"where": where, "lng": lng, "lat": lat},
                code="out_of_range",
            )
        ring.append([round(float(lng), 7), round(float(lat), 7)])
    if len(ring) < 4:
        raise _refuse(_("%(where)s needs at least 4 points (3 corners and the first again).") % {"where": where})
    if ring[0] != ring[-1]:
        raise _refuse(_("%(where)s is not closed: its last point must repeat the first.") % {"where": where})
    return ring


def _crosses_itself(ring: list[list[float]]) -> bool:
    """Do two edges that are not neighbours cross or touch? Each edge against all others, vectorised."""
    pts = np.asarray(ring, dtype=float)
    a, b = pts[:-1], pts[1:]
    n = len(a)
    if n < 4:
        return False

    def orient(p: Any, q: Any, r: Any) -> Any:
        return np.sign(
            (q[..., 0] - p[..., 0]) * (r[..., 1] - p[..., 1]) - (q[..., 1] - p[..., 1]) * (r[..., 0] - p[..., 0])
        )

    for i in range(n):
        j = np.arange(i + 2, n)
        if i == 0:
            j = j[j != n - 1]  # the last edge shares the first point
        if not len(j):
            continue
        p1, p2, q1, q2 = a[i], b[i], a[j], b[j]
        d1, d2 = orient(q1, q2, p1), orient(q1, q2, p2)
        d3, d4 = orient(p1, p2, q1), orient(p1, p2, q2)
        if np.any((d1 * d2 < 0) & (d3 * d4 < 0)):
            return True
    return False


def _ring_area_m2(ring: list[list[float]], lat0: float) -> float:
    kx = EARTH_M_PER_DEG_LNG * math.cos(math.radians(lat0))
    pts = [(x * kx, y * EARTH_M_PER_DEG_LAT) for x, y in ring]
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in itertools.pairwise(pts))) / 2


def _ring_centroid(ring: list[list[float]]) -> tuple[float, float, float]:
    """(lng, lat, signed area in degrees²) of a closed ring."""
    area = cx = cy = 0.0
    for (x1, y1), (x2, y2) in itertools.pairwise(ring):
        cross = x1 * y2 - x2 * y1
        area += cross
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    area /= 2
    if area == 0:
        return ring[0][0], ring[0][1], 0.0
    return cx / (6 * area), cy / (6 * area), area


def boundary_check(geometry: Any) -> Boundary:
    """A checked Polygon or MultiPolygon with its centre and area; `DomainError` on the `boundary` field if not."""
    if not isinstance(geometry, dict):
        raise _refuse(_("The file is not a GeoJSON object."))
    kind = geometry.get("type")
    coords = geometry.get("coordinates")
    polygons: list[Any]
    if kind == "Polygon":
        polygons = [coords]
    elif kind == "MultiPolygon" and isinstance(coords, list):
        polygons = coords
    elif kind in ("Point", "MultiPoint", "LineString", "MultiLineString"):
        raise _refuse(
            _("The boundary must be an area (Polygon or MultiPolygon), not a %(kind)s.") % {"kind": kind},
            code="not_polygon",
        )
    else:
        raise _refuse(_("The file holds no Polygon or MultiPolygon."), code="not_polygon")
    if not polygons or not all(isinstance(p, list) and p for p in polygons):
        raise _refuse(_("The boundary has no rings."))
    checked: list[list[list[list[float]]]] = []
    total_points = 0
    for p_index, polygon in enumerate(polygons, start=1):
        rings = []
        for r_index, raw in enumerate(polygon, start=1):
            where = _("The outer ring") if r_index == 1 else _("Hole %(n)d") % {"n": r_index - 1}
            if len(polygons) > 1:
                where = _("Part %(part)d: %(where)s") % {"part": p_index, "where": where}
            ring = _ring(raw, where)
            total_points += len(ring)
            if total_points > MAX_POINTS:
                raise _refuse(_("The boundary has more than %(n)d points.") % {"n": MAX_POINTS}, code="too_large")
            if _crosses_itself(ring):
                raise _refuse(_("%(where)s crosses itself.") % {"where": where}, code="self_intersecting")
            rings.append(ring)
        checked.append(rings)
    lat0 = checked[0][0][0][1]
    area_m2 = sum(
        _ring_area_m2(rings[0], lat0) - sum(_ring_area_m2(hole, lat0) for hole in rings[1:]) for rings in checked
    )
    area_ha = area_m2 / 10_000
    if not MIN_AREA_HA <= area_ha <= MAX_AREA_HA:
        raise _refuse(
            _("The boundary covers %(area).1f ha; a community covers between %(min)s and %(max)s ha.")
            % {"area": area_ha, "min": MIN_AREA_HA, "max": int(MAX_AREA_HA)},
            code="implausible_area",
        )
    weighted = [_ring_centroid(rings[0]) for rings in checked]
    total = sum(abs(w[2]) for w in weighted)
    centre_lng = sum(w[0] * abs(w[2]) for w in weighted) / total
    centre_lat = sum(w[1] * abs(w[2]) for w in weighted) / total
    out: dict[str, Any] = (
        {"type": "Polygon", "coordinates": checked[0]}
        if len(checked) == 1
        else {"type": "MultiPolygon", "coordinates": checked}
    )
    return Boundary(
        geometry=out,
        centre_lng=round(centre_lng, 7),
        centre_lat=round(centre_lat, 7),
        area_ha=Decimal(f"{area_ha:.2f}"),
    )


def boundary_from_file(content: bytes) -> Boundary:
    """The boundary in an uploaded GeoJSON file (bytes, already limited in size by the caller)."""
    try:
        doc = json_loads_strict(content)
    except JSONRefused as exc:
        raise _refuse(_("This GeoJSON cannot be read: %(reason)s") % {"reason": exc}, code="not_geojson") from None
    except ValueError:
        raise _refuse(_("This file is not GeoJSON (it is not valid JSON)."), code="not_geojson") from None
    return boundary_check(geometry_of(doc))


def outer_rings(geometry: dict[str, Any] | None) -> list[list[list[float]]]:
    """The outer ring of each part of a Polygon or MultiPolygon (for maps)."""
    if not geometry:
        return []
    if geometry.get("type") == "Polygon":
        return [geometry["coordinates"][0]]
    if geometry.get("type") == "MultiPolygon":
        return [polygon[0] for polygon in geometry["coordinates"]]
    return []


def bbox(geometry: dict[str, Any]) -> tuple[float, float, float, float]:
    points = [p for ring in outer_rings(geometry) for p in ring]
    lngs, lats = [p[0] for p in points], [p[1] for p in points]
    return min(lngs), min(lats), max(lngs), max(lats)
