"""Walkable-way filtering, OSM XML loading, GeoJSON loading and snapping details."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from linli.planning.core import LocalProjection, build_network, is_walkable, load_network, snap_xy

DATA = Path(__file__).resolve().parent / "data"


def test_filter_fixture_keeps_exactly_the_walkable_ways() -> None:
    net = load_network(DATA / "filters.osm")
    text = (DATA / "filters.osm").read_text()
    kept_ways = {line.split('name" v="')[1].split('"')[0] for line in text.splitlines() if "<way" in line}
    expected_kept = {w for w in kept_ways if w.startswith("keep-")}
    # every "keep" way contributes its own end node (plus the area's extra ring node)
    assert net.n_edges == len(expected_kept) + 2
    assert net.n_nodes == 1 + len(expected_kept) + 1
    assert net.dropped.nodes == 0


@pytest.mark.parametrize(
    ("tags", "walkable"),
    [
        ({"highway": "living_street"}, True),
        ({"highway": "primary", "sidewalk": "both"}, True),
        ({"highway": "trunk_link"}, False),
        ({"highway": "service", "access": "private", "foot": "permissive"}, True),
        ({"highway": "footway", "foot": "use_sidepath"}, False),
        ({"highway": "cycleway"}, True),
        ({"highway": "bus_guideway"}, False),
        ({"building": "yes"}, False),
    ],
)
def test_is_walkable(tags: dict[str, str], walkable: bool) -> None:
    assert is_walkable(tags) is walkable


def test_geojson_multilinestring_joins_on_shared_vertices(tmp_path: Path) -> None:
    proj = LocalProjection.around(120.2, 30.3)

    def ll(x: float, y: float) -> list[float]:
        lon, lat = proj.inverse(x, y)
        return [float(lon), float(lat)]

    fc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {}, "geometry": {"type": "MultiLineString", "coordinates": [
            [ll(0, 0), ll(100, 0)], [ll(100, 0), ll(100, 100)]]}},
        {"type": "Feature", "properties": {"highway": "motorway"},
         "geometry": {"type": "LineString", "coordinates": [ll(0, 0), ll(0, 100)]}},
        {"type": "Feature", "properties": {"foot": "no"},
         "geometry": {"type": "LineString", "coordinates": [ll(100, 100), ll(0, 100)]}},
    ]}  # fmt: skip
    p = tmp_path / "net.geojson"
    p.write_text(json.dumps(fc))
    net = load_network(p)
    assert (net.n_nodes, net.n_edges) == (3, 2)
    assert net.total_length_m == pytest.approx(200, abs=0.01)


def test_snap_to_edge_interior_not_node() -> None:
    proj = LocalProjection.around(120.0, 30.0)
    lon, lat = proj.inverse(np.array([0.0, 1000.0, 1000.0]), np.array([0.0, 0.0, 1000.0]))
    net = build_network(lon, lat, [0, 1], [1, 2], projection=proj)
    s = snap_xy(net, [400.0, 1030.0, -10.0], [30.0, 600.0, -10.0])
    assert list(s.distance_m) == pytest.approx([30.0, 30.0, np.hypot(10, 10)])
    lengths = net.edge_length[s.edge]
    # offsets measured from edge_u: either o or length - o, depending on the stored direction
    assert min(s.offset_m[0], lengths[0] - s.offset_m[0]) == pytest.approx(400.0)
    assert min(s.offset_m[1], lengths[1] - s.offset_m[1]) == pytest.approx(400.0)
    assert s.offset_m[2] in (0.0, lengths[2])
