"""Plain containers for buildings, facilities and communities, and their GeoJSON readers.

Coordinates are lon/lat (WGS84). Polygons are lists of rings (``(k, 2)``
arrays of lon/lat), outer ring first, then holes.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .errors import InputError, Message
from .geo import FloatArray, polygon_centroid
from .network import read_geojson
from .rules import Rules, is_number

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
            raise InputError(
                Message("%(where)s: geometry must be a Point or (Multi)Polygon, got %(type)s", where=where,
                        type=repr(gtype))
            )  # fmt: skip
    except (TypeError, ValueError, IndexError) as exc:
        raise InputError(Message("%(where)s: bad coordinates", where=where)) from exc
    if not (math.isfinite(lon) and math.isfinite(lat)):
        raise InputError(Message("%(where)s: non-finite coordinates", where=where))
    if not (-180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0):
        raise InputError(coordinate_hint(where, lon, lat))
    return lon, lat


def coordinate_hint(where: str, lon: float, lat: float) -> Message:
    """Coordinates outside longitude/latitude: say which coordinate system they look like."""
    if abs(lon) > 180.0 or abs(lat) > 180.0:
        return Message(
            "%(where)s: coordinates (%(x)s, %(y)s) are not longitude/latitude; they look like projected metres "
            "(EPSG:3857?). GeoJSON needs WGS84 longitude, latitude (EPSG:4326): reproject the file",
            where=where, x=f"{lon:,.1f}", y=f"{lat:,.1f}",
        )  # fmt: skip
    return Message(
        "%(where)s: latitude %(lat)s is out of range; are longitude and latitude swapped? "
        "GeoJSON puts longitude first",
        where=where, lat=f"{lat:g}",
    )  # fmt: skip


def _polygons_of(geom: Mapping[str, Any], where: str) -> list[Polygon]:
    gtype, coords = geom.get("type"), geom.get("coordinates")
    polys = [coords] if gtype == "Polygon" else coords if gtype == "MultiPolygon" else None
    if not isinstance(polys, list) or not polys:
        raise InputError(
            Message(
                "%(where)s: geometry must be a Polygon or MultiPolygon, got %(type)s", where=where, type=repr(gtype)
            )
        )
    out: list[Polygon] = []
    for poly in polys:
        rings = [np.asarray(r, dtype=np.float64)[:, :2] for r in poly]
        if not rings or any(r.ndim != 2 or r.shape[0] < 3 for r in rings):
            raise InputError(Message("%(where)s: polygon ring with fewer than 3 points", where=where))
        out.append(rings)
    return out


def _label(feat: Mapping[str, Any], props: Mapping[str, Any], n: int) -> str:
    for key in ("id", "code", "name"):
        if props.get(key) not in (None, ""):
            return str(props[key])
    if feat.get("id") not in (None, ""):
        return str(feat["id"])
    return f"#{n}"


def _features(p: Path) -> list[Mapping[str, Any]]:
    try:
        feats = read_geojson(p).get("features", [])
    except UnicodeDecodeError as exc:
        raise InputError(Message("%(file)s: not UTF-8 text", file=p.name)) from exc
    if not isinstance(feats, list) or not all(isinstance(f, Mapping) for f in feats):
        raise InputError(Message("%(file)s: 'features' must be a list of GeoJSON features", file=p.name))
    return feats


def _check_unique(p: Path, kind: str, labels: Sequence[str], explicit: Sequence[bool]) -> None:
    seen: dict[str, int] = {}
    for n, (label, given) in enumerate(zip(labels, explicit, strict=True)):
        if not given:
            continue
        if label in seen:
            raise InputError(
                Message("%(file)s: %(kind)s id %(id)s appears twice (features #%(first)s and #%(second)s); "
                        "give each one its own 'id'",
                        file=p.name, kind=Message(kind), id=repr(label), first=seen[label], second=n)
            )  # fmt: skip
        seen[label] = n


def _band_properties(p: Path, feats: Sequence[Mapping[str, Any]], rules: Rules) -> None:
    """Every age-band property of the rules must be on every building: a misspelt name never zeroes a band."""
    present: set[str] = set()
    for feat in feats:
        present.update(str(k) for k in (feat.get("properties") or {}))
    for band in rules.age_bands:
        if band.property in present:
            continue
        near = difflib.get_close_matches(band.property, sorted(present), n=1, cutoff=0.6)
        if near:
            raise InputError(
                Message("%(file)s: no building has the age-band property '%(property)s' (age band %(band)s of the "
                        "rules); the nearest property in the file is '%(near)s': rename it, or the band would count 0",
                        file=p.name, property=band.property, band=repr(band.code), near=near[0])
            )  # fmt: skip
        raise InputError(
            Message("%(file)s: no building has the age-band property '%(property)s' (age band %(band)s of the "
                    "rules); properties in the file: %(present)s",
                    file=p.name, property=band.property, band=repr(band.code),
                    present=", ".join(sorted(present)) or "-")
        )  # fmt: skip


def read_buildings(path: str | Path, rules: Rules) -> Buildings:
    """Buildings: Point or (Multi)Polygon features with ``community`` and the age-band properties.

    Every age-band property must be present on every building (0 for none); a missing, negative or non-numeric
    one is an error naming the property (and, when no building has it, the nearest property the file has).
    Building ids must be unique.
    """
    p = Path(path)
    feats = _features(p)
    if not feats:
        raise InputError(Message("%(file)s: no buildings", file=p.name))
    _band_properties(p, feats, rules)
    ids, comm, lons, lats, pops = [], [], [], [], []
    for n, feat in enumerate(feats):
        props = feat.get("properties") or {}
        label = _label(feat, props, n)
        where = Message("%(file)s: building %(id)s", file=p.name, id=repr(label))
        lon, lat = _point_of(feat.get("geometry") or {}, where)
        row = []
        for band in rules.age_bands:
            if band.property not in props:
                raise InputError(
                    Message("%(where)s: the age-band property '%(property)s' is missing (write 0 for none)",
                            where=where, property=band.property)
                )  # fmt: skip
            val = props[band.property]
            val = 0 if val is None else val
            if not is_number(val) or not math.isfinite(val) or val < 0:
                raise InputError(
                    Message("%(where)s: %(property)s must be a count >= 0, got %(value)s", where=where,
                            property=band.property, value=repr(val))
                )  # fmt: skip
            row.append(float(val))
        ids.append(label)
        comm.append(str(props.get("community", "") or ""))
        lons.append(lon)
        lats.append(lat)
        pops.append(row)
    _check_unique(p, "building", ids, [True] * len(ids))
    pop = np.asarray(pops, dtype=np.float64).reshape(len(ids), len(rules.age_bands))
    return Buildings(tuple(ids), tuple(comm), np.asarray(lons), np.asarray(lats), pop)


def read_facilities(path: str | Path, rules: Rules | None = None, *, allow_empty: bool = False) -> Facilities:
    """Facilities: Point features with a ``category`` (checked against the rules when given).

    A file with no features is an error (every index would read 0) unless ``allow_empty``; ids given in the
    file must be unique.
    """
    p = Path(path)
    feats = _features(p)
    if not feats and not allow_empty:
        raise InputError(
            Message("%(file)s: the file has no features: with no facility every coverage and index would be 0",
                    file=p.name)
        )  # fmt: skip
    known = set(rules.category_codes) if rules is not None else None
    ids, names, cats, lons, lats, explicit = [], [], [], [], [], []
    for n, feat in enumerate(feats):
        props = feat.get("properties") or {}
        label = _label(feat, props, n)
        where = Message("%(file)s: facility %(id)s", file=p.name, id=repr(label))
        cat = props.get("category")
        if not isinstance(cat, str) or not cat:
            raise InputError(Message("%(where)s: missing 'category'", where=where))
        if known is not None and cat not in known:
            near = difflib.get_close_matches(cat, sorted(known), n=1, cutoff=0.6)
            if near:
                raise InputError(
                    Message("%(where)s: unknown category %(category)s (did you mean '%(near)s'?)", where=where,
                            category=repr(cat), near=near[0])
                )  # fmt: skip
            raise InputError(Message("%(where)s: unknown category %(category)s", where=where, category=repr(cat)))
        lon, lat = _point_of(feat.get("geometry") or {}, where)
        ids.append(label)
        explicit.append(props.get("id") not in (None, "") or feat.get("id") not in (None, ""))
        names.append(str(props.get("name", label)))
        cats.append(cat)
        lons.append(lon)
        lats.append(lat)
    _check_unique(p, "facility", ids, explicit)
    return Facilities(
        tuple(ids), tuple(names), tuple(cats), np.asarray(lons, dtype=np.float64), np.asarray(lats, dtype=np.float64)
    )


def read_communities(path: str | Path) -> Communities:
    """Communities: (Multi)Polygon features with a ``code`` (and optional ``name``)."""
    p = Path(path)
    feats = _features(p)
    codes, names, polys = [], [], []
    for n, feat in enumerate(feats):
        props = feat.get("properties") or {}
        code = props.get("code", props.get("community"))
        if code in (None, ""):
            raise InputError(Message("%(file)s: community feature #%(n)s has no 'code'", file=p.name, n=n))
        code = str(code)
        if code in codes:
            raise InputError(Message("%(file)s: community %(code)s appears twice", file=p.name, code=repr(code)))
        where = Message("%(file)s: community %(code)s", file=p.name, code=repr(code))
        polys.append(tuple(_polygons_of(feat.get("geometry") or {}, where)))
        codes.append(code)
        names.append(str(props.get("name", code)))
    return Communities(tuple(codes), tuple(names), tuple(polys))


def communities_from_codes(codes: Sequence[str]) -> Communities:
    """Communities known only by the codes on the buildings (no boundary)."""
    uniq = tuple(sorted({c for c in codes if c}))
    return Communities(uniq, uniq, tuple(() for _ in uniq))
