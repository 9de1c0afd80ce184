"""Maps drawn from the community's own geometry as inline SVG: no tile service, no outside network.

Layers are plain data (polygons, points, labels); pages and PDF reports embed the same SVG.
Map data © OpenStreetMap contributors where buildings come from OSM.
"""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Any

Ring = Sequence[Sequence[float]]  # [[lng, lat], ...]

BUILDING_FILL = "#d0d7de"
OUTLINE_COLOUR = "#c8402a"


@dataclass
class MapPoint:
    lng: float
    lat: float
    label: str = ""
    colour: str = "#c8402a"
    radius: float = 6.0
    shape: str = "circle"  # circle | square | star
    css_class: str = ""
    text: str = ""  # a short mark drawn on the point (a number); such a point is named for screen readers by `label`


@dataclass
class MapPolygon:
    ring: Ring
    fill: str = BUILDING_FILL
    stroke: str = "#8c959f"
    opacity: float = 1.0
    label: str = ""
    css_class: str = ""


@dataclass
class SvgMap:
    width: int = 800
    polygons: list[MapPolygon] = field(default_factory=list)
    points: list[MapPoint] = field(default_factory=list)
    outline: list[Ring] = field(default_factory=list)
    outline_names: list[str] = field(default_factory=list)  # one per ring of `outline`, drawn where there are several
    credit: str = "© OpenStreetMap contributors"
    title: str = ""

    def _bounds(self) -> tuple[float, float, float, float]:
        lngs: list[float] = []
        lats: list[float] = []
        for ring in [*self.outline, *(p.ring for p in self.polygons)]:
            lngs += [c[0] for c in ring]
            lats += [c[1] for c in ring]
        lngs += [p.lng for p in self.points]
        lats += [p.lat for p in self.points]
        if not lngs:
            return 0.0, 0.0, 1.0, 1.0
        pad_x = (max(lngs) - min(lngs)) * 0.04 or 0.001
        pad_y = (max(lats) - min(lats)) * 0.04 or 0.001
        return min(lngs) - pad_x, min(lats) - pad_y, max(lngs) + pad_x, max(lats) + pad_y

    def render(self) -> str:
        min_lng, min_lat, max_lng, max_lat = self._bounds()
        kx = math.cos(math.radians((min_lat + max_lat) / 2))  # equirectangular: keep shapes true locally
        span_x = (max_lng - min_lng) * kx
        span_y = max_lat - min_lat
        height = max(200, int(self.width * span_y / span_x)) if span_x else self.width
        sx = self.width / span_x if span_x else 1.0
        sy = height / span_y if span_y else 1.0

        def xy(lng: float, lat: float) -> str:
            return f"{(lng - min_lng) * kx * sx:.1f},{(max_lat - lat) * sy:.1f}"

        def path(ring: Ring) -> str:
            return " ".join(xy(c[0], c[1]) for c in ring)

        parts = [
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {self.width} {height + 24}" '
            f'class="linli-map" role="img" aria-label="{escape(self.title)}">',
            f'<rect width="{self.width}" height="{height}" fill="#f6f4ef"/>',
        ]
        for ring in self.outline:
            parts.append(
                f'<polygon points="{path(ring)}" fill="none" stroke="{OUTLINE_COLOUR}" stroke-width="2" '
                'stroke-dasharray="6 4"/>'
            )
        for poly in self.polygons:
            title = f"<title>{escape(poly.label)}</title>" if poly.label else ""
            parts.append(
                f'<polygon points="{path(poly.ring)}" fill="{poly.fill}" stroke="{poly.stroke}" '
                f'stroke-width="0.6" fill-opacity="{poly.opacity}" class="{poly.css_class}">{title}</polygon>'
            )
        for p in self.points:
            x, y = (float(v) for v in xy(p.lng, p.lat).split(","))
            title = f"<title>{escape(p.label)}</title>" if p.label else ""
            if p.shape == "square":
                shape = (
                    f'<rect x="{x - p.radius:.1f}" y="{y - p.radius:.1f}" width="{2 * p.radius:.1f}" '
                    f'height="{2 * p.radius:.1f}" fill="{p.colour}" stroke="#fff" stroke-width="1.5"/>'
                )
            elif p.shape == "star":
                shape = f'<polygon points="{_star(x, y, p.radius)}" fill="{p.colour}" stroke="#000" stroke-width="1"/>'
            else:
                shape = (
                    f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{p.radius:.1f}" fill="{p.colour}" stroke="#fff" '
                    f'stroke-width="1.5"/>'
                )
            if p.text:
                mark = (
                    f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="middle" dominant-baseline="central" '
                    f'font-size="{1.2 * p.radius:.1f}" font-weight="bold" fill="#fff" aria-hidden="true">'
                    f"{escape(p.text)}</text>"
                )
                named = f' role="img" aria-label="{escape(p.label)}"' if p.label else ""
                parts.append(f'<g class="{p.css_class}"{named}>{shape}{mark}{title}</g>')
            else:
                parts.append(f'<g class="{p.css_class}">{shape}{title}</g>')
        if len(self.outline) > 1:
            for ring, name in zip(self.outline, self._names(), strict=True):
                x = ((min(c[0] for c in ring) + max(c[0] for c in ring)) / 2 - min_lng) * kx * sx
                y = (max_lat - max(c[1] for c in ring)) * sy + 20
                parts.append(
                    f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="middle" font-size="16" font-weight="bold" '
                    f'fill="{OUTLINE_COLOUR}" stroke="#fff" stroke-width="4" paint-order="stroke" '
                    f'class="place-name">{escape(name)}</text>'
                )
        parts.append(
            f'<text x="{self.width - 6}" y="{height + 16}" text-anchor="end" font-size="12" '
            f'fill="#57606a">{escape(self.credit)}</text>'
        )
        parts.append("</svg>")
        return "".join(parts)

    def _names(self) -> list[str]:
        return [*self.outline_names, *[""] * (len(self.outline) - len(self.outline_names))][: len(self.outline)]

    def to_geojson(self) -> dict[str, Any]:
        """The same layers as a GeoJSON FeatureCollection (lng/lat), with each feature's style in its properties,
        for drawing over map tiles."""

        def closed(ring: Ring) -> list[list[float]]:
            coords = [[float(c[0]), float(c[1])] for c in ring]
            return coords if not coords or coords[0] == coords[-1] else [*coords, coords[0]]

        features: list[dict[str, Any]] = [
            {
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": [closed(ring)]},
                "properties": {"layer": "outline", "stroke": OUTLINE_COLOUR, "label": name},
            }
            for ring, name in zip(self.outline, self._names(), strict=True)
        ]
        features += [
            {
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": [closed(poly.ring)]},
                "properties": {
                    "layer": poly.css_class or "polygon",
                    "fill": poly.fill,
                    "stroke": poly.stroke,
                    "opacity": poly.opacity,
                    "label": poly.label,
                },
            }
            for poly in self.polygons
        ]
        features += [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [p.lng, p.lat]},
                "properties": {
                    "layer": p.css_class or "point",
                    "colour": p.colour,
                    "radius": p.radius,
                    "shape": p.shape,
                    "label": p.label,
                },
            }
            for p in self.points
        ]
        return {"type": "FeatureCollection", "features": features}


def swatch(shape: str, colour: str, size: int = 16) -> str:
    """A legend key drawn the way the map draws that layer: a point (`circle`, `square`, `star`), a building
    (`fill`) or a boundary (`outline`)."""
    c, r = size / 2, size / 2 - 2
    if shape == "square":
        body = f'<rect x="2" y="2" width="{size - 4}" height="{size - 4}" fill="{colour}" stroke="#fff"/>'
    elif shape == "star":
        body = f'<polygon points="{_star(c, c, r + 1)}" fill="{colour}" stroke="#000" stroke-width="1"/>'
    elif shape == "circle":
        body = f'<circle cx="{c}" cy="{c}" r="{r}" fill="{colour}" stroke="#fff"/>'
    elif shape == "outline":
        body = (
            f'<rect x="1" y="3" width="{size - 2}" height="{size - 6}" fill="none" stroke="{colour}" '
            'stroke-width="2" stroke-dasharray="4 2"/>'
        )
    else:
        body = f'<rect x="1" y="3" width="{size - 2}" height="{size - 6}" fill="{colour}" stroke="#8c959f"/>'
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" width="{size}" height="{size}" '
        f'class="swatch" aria-hidden="true">{body}</svg>'
    )


def _star(x: float, y: float, r: float) -> str:
    pts = []
    for i in range(10):
        radius = r if i % 2 == 0 else r * 0.45
        angle = math.pi / 2 + i * math.pi / 5
        pts.append(f"{x + radius * math.cos(angle):.1f},{y - radius * math.sin(angle):.1f}")
    return " ".join(pts)


def building_polygons(
    buildings: Iterable[object], fill: str = BUILDING_FILL, highlight: dict[int, str] | None = None
) -> list[MapPolygon]:
    """Footprints of buildings (from OSM) as map polygons; `highlight` colours some by id."""
    highlight = highlight or {}
    polys = []
    for b in buildings:
        footprint = getattr(b, "footprint", None)
        if not footprint or footprint.get("type") != "Polygon":
            continue
        polys.append(
            MapPolygon(
                ring=footprint["coordinates"][0],
                fill=highlight.get(b.pk, fill),  # type: ignore[attr-defined]
                label=str(b),
            )
        )
    return polys
