"""Plain containers for buildings, facilities and communities, and their GeoJSON readers.

Coordinates are lon/lat (WGS84). Polygons are lists of rings (``(k, 2)``
arrays of lon/lat), outer ring first, then holes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .errors import InputError
from .geo import FloatArray, polygon_centroid
from .network import read_geojson
from .rules import Rules

Polygon = list[FloatArray]  # [outer, *holes], lon/lat


@dataclass(frozen=True)
class Buildings:
    """Residential buildings (origins) with head counts per age band (columns = rules' bands)."""

    ids: tuple[str, ...]
    community: tuple[str, ...]  # community code ("" when unknown)
    lon: FloatArray
    lat: FloatArray
    population: FloatArray  # shape (n, n_bands)

    def __len__(self) -> int:
        return len(self.ids)


@dataclass(frozen=True)
class Facilities:
    ids: tuple[str, ...]
    names: tuple[str, ...]
    category: tuple[str, ...]
    lon: FloatArray
    lat: FloatArray

    def __len__(self) -> int:
        return len(self.ids)

    def of(self, category: str) -> np.ndarray:
        return np.array([i for i, c in enumerate(self.category) if c == category], dtype=np.int64)


@dataclass(frozen=True)
class Communities:
    codes: tuple[str, ...]
    names: tuple[str, ...]
    polygons: tuple[tuple[Polygon, ...], ...]  # per community: its polygon parts

    def __len__(self) -> int:
        return len(self.codes)


def _point_of(geom: Mapping[str, Any], where: str) -> tuple[float, float]:
    """A representative lon/lat: the point itself, or the area centroid of a polygon."""
    gtype, coords = geom.get("type"), geom.get("coordinates")
    try:
        if gtype == "Point":
            lon, lat = float(coords[0]), float(coords[1])  # type: ignore[index]
        elif gtype in ("Polygon", "MultiPolygon"):
            lon, lat = polygon_centroid([list(p) for p in _polygons_of(geom, where)])
        else:
            raise InputError(f"{where}: geometry must be a Point or (Multi)Polygon, got {gtype!r}")
    except (TypeError, ValueError, IndexError) as exc:
        raise InputError(f"{where}: bad coordinates") from exc
    if not (math.isfinite(lon) and math.isfinite(lat)):
        raise InputError(f"{where}: non-finite coordinates")
    return lon, lat


def _polygons_of(geom: Mapping[str, Any], where: str) -> list[Polygon]:
    gtype, coords = geom.get("type"), geom.get("coordinates")
    polys = [coords] if gtype == "Polygon" else coords if gtype == "MultiPolygon" else None
    if not isinstance(polys, list) or not polys:
        raise InputError(f"{where}: geometry must be a Polygon or MultiPolygon, got {gtype!r}")
    out: list[Polygon] = []
    for poly in polys:
        rings = [np.asarray(r, dtype=np.float64)[:, :2] for r in poly]
        if not rings or any(r.ndim != 2 or r.shape[0] < 3 for r in rings):
            raise InputError(f"{where}: polygon ring with fewer than 3 points")
        out.append(rings)
    return out


def _label(feat: Mapping[str, Any], props: Mapping[str, Any], n: int) -> str:
    for key in ("id", "code", "name"):
        if props.get(key) not in (None, ""):
            return str(props[key])
    if feat.get("id") not in (None, ""):
        return str(feat["id"])
    return f"#{n}"


def read_buildings(path: str | Path, rules: Rules) -> Buildings:
    """Buildings: Point or (Multi)Polygon features with ``community`` and the age-band properties.

    A missing age-band property counts as 0; a negative or non-numeric one is an error.
    """
    p = Path(path)
    feats = read_geojson(p).get("features", [])
    ids, comm, lons, lats, pops = [], [], [], [], []
    for n, feat in enumerate(feats):
        props = feat.get("properties") or {}
        label = _label(feat, props, n)
        where = f"{p.name}: building {label!r}"
        lon, lat = _point_of(feat.get("geometry") or {}, where)
        row = []
        for band in rules.age_bands:
            val = props.get(band.property, 0) or 0
            if isinstance(val, bool) or not isinstance(val, int | float) or not math.isfinite(val) or val < 0:
                raise InputError(f"{where}: {band.property} must be a count >= 0, got {val!r}")
            row.append(float(val))
        ids.append(label)
        comm.append(str(props.get("community", "") or ""))
        lons.append(lon)
        lats.append(lat)
        pops.append(row)
    if not ids:
        raise InputError(f"{p.name}: no buildings")
    pop = np.asarray(pops, dtype=np.float64).reshape(len(ids), len(rules.age_bands))
    return Buildings(tuple(ids), tuple(comm), np.asarray(lons), np.asarray(lats), pop)


def read_facilities(path: str | Path, rules: Rules | None = None) -> Facilities:
    """Facilities: Point features with a ``category`` (checked against the rules when given)."""
    p = Path(path)
    feats = read_geojson(p).get("features", [])
    known = set(rules.category_codes) if rules is not None else None
    ids, names, cats, lons, lats = [], [], [], [], []
    for n, feat in enumerate(feats):
        props = feat.get("properties") or {}
        label = _label(feat, props, n)
        where = f"{p.name}: facility {label!r}"
        cat = props.get("category")
        if not isinstance(cat, str) or not cat:
            raise InputError(f"{where}: missing 'category'")
        if known is not None and cat not in known:
            raise InputError(f"{where}: unknown category {cat!r}")
        lon, lat = _point_of(feat.get("geometry") or {}, where)
        ids.append(label)
        names.append(str(props.get("name", label)))
        cats.append(cat)
        lons.append(lon)
        lats.append(lat)
    return Facilities(
        tuple(ids), tuple(names), tuple(cats), np.asarray(lons, dtype=np.float64), np.asarray(lats, dtype=np.float64)
    )


def read_communities(path: str | Path) -> Communities:
    """Communities: (Multi)Polygon features with a ``code`` (and optional ``name``)."""
    p = Path(path)
    feats = read_geojson(p).get("features", [])
    codes, names, polys = [], [], []
    for n, feat in enumerate(feats):
        props = feat.get("properties") or {}
        code = props.get("code", props.get("community"))
        if code in (None, ""):
            raise InputError(f"{p.name}: community feature #{n} has no 'code'")
        code = str(code)
        if code in codes:
            raise InputError(f"{p.name}: community {code!r} appears twice")
        polys.append(tuple(_polygons_of(feat.get("geometry") or {}, f"{p.name}: community {code!r}")))
        codes.append(code)
        names.append(str(props.get("name", code)))
    return Communities(tuple(codes), tuple(names), tuple(polys))


def communities_from_codes(codes: Sequence[str]) -> Communities:
    """Communities known only by the codes on the buildings (no boundary)."""
    uniq = tuple(sorted({c for c in codes if c}))
    return Communities(uniq, uniq, tuple(() for _ in uniq))
