"""A map drawn from the platform's own geometry (grid polygons, buildings, report points) as SVG: no tile service."""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

WIDTH = 600


@dataclass(frozen=True)
class Frame:
    min_lng: float
    max_lat: float
    scale: float  # SVG units per degree of longitude
    k: float  # cos(latitude): degrees of latitude are longer
    width: int
    height: int

    def xy(self, lng: float, lat: float) -> tuple[float, float]:
        return round((lng - self.min_lng) * self.scale, 1), round((self.max_lat - lat) * self.scale / self.k, 1)

    def ring(self, polygon: dict | None) -> str:
        if not polygon or polygon.get("type") != "Polygon":
            return ""
        return " ".join(f"{x},{y}" for x, y in (self.xy(p[0], p[1]) for p in polygon["coordinates"][0]))


def frame_for(boundary: dict | None, points: list[tuple[float, float]]) -> Frame:
    coords = list(points)
    if boundary and boundary.get("type") == "Polygon":
        coords += [(p[0], p[1]) for p in boundary["coordinates"][0]]
    if not coords:
        coords = [(120.13, 30.28), (120.14, 30.29)]
    lngs = [c[0] for c in coords]
    lats = [c[1] for c in coords]
    pad = 0.0005
    min_lng, max_lng = min(lngs) - pad, max(lngs) + pad
    min_lat, max_lat = min(lats) - pad, max(lats) + pad
    k = math.cos(math.radians((min_lat + max_lat) / 2))
    scale = WIDTH / (max_lng - min_lng)
    height = max(100, round((max_lat - min_lat) * scale / k))
    return Frame(min_lng=min_lng, max_lat=max_lat, scale=scale, k=k, width=WIDTH, height=height)


def map_context(
    community: Any,
    grids: list[Any],
    markers: list[dict[str, Any]],
    *,
    buildings: Sequence[Any] = (),
    home_id: int | None = None,
) -> dict[str, Any]:
    """Everything a template needs to draw the community, its grids, markers ({lng, lat, …}) and buildings
    (each with its name, so that a tap can name the nearest one; `home_id` is ringed as "my home")."""
    placed = [b for b in buildings if b.lat is not None and b.lng is not None]
    frame = frame_for(community.boundary, [(m["lng"], m["lat"]) for m in markers] + [(b.lng, b.lat) for b in placed])
    return {
        "buildings": [
            {
                "id": b.pk,
                "name": b.name,
                "lat": b.lat,
                "lng": b.lng,
                "x": frame.xy(b.lng, b.lat)[0],
                "y": frame.xy(b.lng, b.lat)[1],
                "home": b.pk == home_id,
            }
            for b in placed
        ],
        "frame": frame,
        "boundary": frame.ring(community.boundary),
        "grids": [{"grid": g, "points": frame.ring(g.boundary)} for g in grids if g.boundary],
        "markers": [{**m, "x": frame.xy(m["lng"], m["lat"])[0], "y": frame.xy(m["lng"], m["lat"])[1]} for m in markers],
    }
