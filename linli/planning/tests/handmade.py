"""A small hand-made city, built in metres and written out as GeoJSON in lon/lat.

Streets (metres)::

    D (300,400)
    |
    |            BD: 400 m
    |
    A (0,0) ---- B (300,0) ---- C (600,0)        F (1000,1000) -- G (1100,1000)
                                                  (a separate 100 m piece: dropped)
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from linli.planning.core import LocalProjection, WalkNetwork, build_network

PROJ = LocalProjection.around(120.15, 30.25)

STREETS = [
    [(0, 0), (300, 0), (600, 0)],
    [(300, 0), (300, 400)],
    [(1000, 1000), (1100, 1000)],
]
# id, (x, y), community, elderly 60+, pre-school 3-6
BUILDINGS = [
    ("b1", (50, 20), "C1", 10, 4),
    ("b2", (580, -10), "C1", 6, 2),
    ("b3", (310, 380), "C2", 8, 5),
]
FACILITIES = [
    ("canteen-1", "elderly_canteen", (100, -5)),
    ("kg-1", "kindergarten", (320, 150)),
]
COMMUNITIES = [
    ("C1", [(-50, -50), (650, -50), (650, 50), (-50, 50)]),
    ("C2", [(250, 50), (350, 50), (350, 450), (250, 450)]),
]
CANDIDATES = [
    ("cand-1", (590, 5)),
    ("cand-2", (300, 300)),
    ("cand-3", (300, 50)),
]

RULES_TOML = """
version = 1
source = "test rules"
required_weight_factor = 2.0

[[circles]]
code = "min5"
name_zh = "5分钟生活圈"
name_en = "5-minute life circle"
minutes = 5
distance_m = 300

[[age_bands]]
code = "a3_6"
property = "pop_3_6"
min_age = 3
max_age = 6

[[age_bands]]
code = "a60_plus"
property = "pop_60_plus"
min_age = 60

[[age_groups]]
code = "preschool"
name_zh = "学龄前儿童"
name_en = "pre-school"
bands = ["a3_6"]

[[age_groups]]
code = "elderly"
name_zh = "老年人"
name_en = "elderly"
bands = ["a60_plus"]

[[categories]]
code = "elderly_canteen"
name_zh = "老年食堂"
name_en = "Elderly canteen"
circle = "min5"
radius_m = 300
required = false
age_group = "elderly"
weight = 3
source = "test"

[[categories]]
code = "kindergarten"
name_zh = "幼儿园"
name_en = "Kindergarten"
circle = "min5"
radius_m = 300
required = true
age_group = "preschool"
weight = 2
source = "test"
"""


def lonlat(x: float, y: float) -> list[float]:
    lon, lat = PROJ.inverse(x, y)
    return [float(lon), float(lat)]


def network_of_lines(lines: Sequence[Sequence[tuple[float, float]]]) -> WalkNetwork:
    """A walk network of polylines in metres (points of the same coordinates are one node), through PROJ."""
    index: dict[tuple[float, float], int] = {}
    a: list[int] = []
    b: list[int] = []
    for line in lines:
        ids = [index.setdefault(pt, len(index)) for pt in line]
        a += ids[:-1]
        b += ids[1:]
    xs, ys = zip(*index, strict=True)
    lon, lat = PROJ.inverse(np.array(xs, float), np.array(ys, float))
    return build_network(lon, lat, a, b, projection=PROJ)


def feature_collection(features: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": features}


def point_feature(x: float, y: float, props: dict[str, Any]) -> dict[str, Any]:
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": lonlat(x, y)}, "properties": props}


def write_city(d: Path) -> dict[str, Path]:
    """Write network, buildings, facilities, communities, candidates and rules into ``d``."""
    files = {
        "network": feature_collection([
            {"type": "Feature", "properties": {"highway": "residential"},
             "geometry": {"type": "LineString", "coordinates": [lonlat(*p) for p in line]}}
            for line in STREETS
        ]),
        "buildings": feature_collection([
            point_feature(*xy, {"id": bid, "community": c, "pop_60_plus": e, "pop_3_6": k})
            for bid, xy, c, e, k in BUILDINGS
        ]),
        "facilities": feature_collection(
            [point_feature(*xy, {"id": fid, "category": cat}) for fid, cat, xy in FACILITIES]
        ),
        "communities": feature_collection([
            {"type": "Feature", "properties": {"code": code},
             "geometry": {"type": "Polygon", "coordinates": [[lonlat(*p) for p in [*ring, ring[0]]]]}}
            for code, ring in COMMUNITIES
        ]),
        "candidates": feature_collection(
            [point_feature(*xy, {"id": cid, "category": "elderly_canteen"}) for cid, xy in CANDIDATES]
        ),
    }  # fmt: skip
    out = {}
    for name, data in files.items():
        p = d / f"{name}.geojson"
        p.write_text(json.dumps(data), encoding="utf-8")
        out[name] = p
    out["rules"] = d / "rules.toml"
    out["rules"].write_text(RULES_TOML, encoding="utf-8")
    return out
