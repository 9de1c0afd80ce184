"""Buildings read from the OpenStreetMap extract with pyosmium. © OpenStreetMap contributors (ODbL)."""

import math
from dataclasses import dataclass
from pathlib import Path

import osmium

RESIDENTIAL = {"yes", "apartments", "residential", "house", "dormitory"}


@dataclass(frozen=True)
class OsmBuilding:
    osm_id: int
    kind: str
    name: str
    lng: float
    lat: float
    ring: tuple[tuple[float, float], ...]
    levels: int | None

    @property
    def residential(self) -> bool:
        return self.kind in RESIDENTIAL

    @property
    def area_m2(self) -> float:
        """Shoelace area on a local equirectangular projection."""
        kx = 111_320 * math.cos(math.radians(self.lat))
        ky = 110_540
        pts = [((x - self.lng) * kx, (y - self.lat) * ky) for x, y in self.ring]
        s = sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(pts, pts[1:] + pts[:1], strict=True))
        return abs(s) / 2


def read_buildings(path: Path, bbox: tuple[float, float, float, float]) -> list[OsmBuilding]:
    """Closed building ways whose centre falls in (min_lng, min_lat, max_lng, max_lat), in id order."""
    min_lng, min_lat, max_lng, max_lat = bbox
    found: list[OsmBuilding] = []
    for obj in osmium.FileProcessor(str(path)).with_locations().with_filter(osmium.filter.KeyFilter("building")):
        if not isinstance(obj, osmium.osm.Way) or len(obj.nodes) < 4 or obj.nodes[0].ref != obj.nodes[-1].ref:
            continue
        try:
            ring = tuple((n.lon, n.lat) for n in obj.nodes)
        except osmium.InvalidLocationError:
            continue
        lng = sum(p[0] for p in ring[:-1]) / (len(ring) - 1)
        lat = sum(p[1] for p in ring[:-1]) / (len(ring) - 1)
        if not (min_lng <= lng <= max_lng and min_lat <= lat <= max_lat):
            continue
        levels = obj.tags.get("building:levels")
        found.append(
            OsmBuilding(
                osm_id=obj.id,
                kind=obj.tags.get("building") or "yes",
                name=obj.tags.get("name") or "",
                lng=lng,
                lat=lat,
                ring=ring,
                levels=int(levels) if levels and levels.isdigit() else None,
            )
        )
    found.sort(key=lambda b: b.osm_id)
    return found
