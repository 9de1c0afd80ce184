"""A plain-SVG map of the community from its own geometry: building footprints and facility points.

No tiles, no script: lon/lat are projected to a local plane (metres east and north of the corner)."""

import math
from dataclasses import dataclass
from typing import Any

from linli.places.models import Building, Community

WIDTH = 1000


@dataclass
class Marker:
    x: float
    y: float
    label: str
    url: str
    scenario: str
    number: int


def _rings(geometry: Any) -> list[list[list[float]]]:
    if not geometry:
        return []
    if geometry.get("type") == "Polygon":
        return [geometry["coordinates"][0]]
    if geometry.get("type") == "MultiPolygon":
        return [poly[0] for poly in geometry["coordinates"]]
    return []


def community_map(
    *, community: Community, facilities: list[tuple[Any, str]], home: tuple[float, float]
) -> dict[str, Any]:
    """`facilities` are (facility, url) pairs; the result feeds `facilities/_map.html`."""
    buildings = list(Building.objects.filter(community=community).only("footprint", "lat", "lng"))
    points = [(b.lng, b.lat) for b in buildings] + [(f.lng, f.lat) for f, _url in facilities] + [home]
    for ring in _rings(community.boundary):
        points += [(p[0], p[1]) for p in ring]
    min_lng = min(p[0] for p in points)
    max_lng = max(p[0] for p in points)
    min_lat = min(p[1] for p in points)
    max_lat = max(p[1] for p in points)
    kx = math.cos(math.radians((min_lat + max_lat) / 2))
    span_x = max((max_lng - min_lng) * kx, 1e-6)
    span_y = max(max_lat - min_lat, 1e-6)
    pad = 30
    scale = (WIDTH - 2 * pad) / span_x
    height = round(span_y * scale + 2 * pad)

    def xy(lng: float, lat: float) -> tuple[float, float]:
        return round(pad + (lng - min_lng) * kx * scale, 1), round(pad + (max_lat - lat) * scale, 1)

    def path(ring: list[list[float]]) -> str:
        return "M" + " L".join(f"{x},{y}" for x, y in (xy(p[0], p[1]) for p in ring)) + " Z"

    outline = [path(r) for r in _rings(community.boundary)]
    shapes = []
    for b in buildings:
        rings = _rings(b.footprint)
        if rings:
            shapes.append(path(rings[0]))
        else:
            x, y = xy(b.lng, b.lat)
            shapes.append(f"M{x - 3},{y - 3} h6 v6 h-6 Z")
    markers = []
    for number, (f, url) in enumerate(facilities, start=1):
        x, y = xy(f.lng, f.lat)
        markers.append(Marker(x, y, f.name, url, f.scenario, number))
    hx, hy = xy(*home)
    return {
        "width": WIDTH,
        "height": height,
        "outline": outline,
        "buildings": shapes,
        "markers": markers,
        "home": (hx, hy),
    }
