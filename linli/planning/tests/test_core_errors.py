"""Bad input: one PlanningError hierarchy, messages that name the item."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from linli.planning.core import (
    EmptyNetworkError,
    InputError,
    PlanningError,
    RulesError,
    SnapError,
    analyse,
    build_network,
    load_network,
    load_rules,
    read_buildings,
    read_communities,
    read_facilities,
)

from .handmade import RULES_TOML, lonlat, write_city


def test_empty_network(tmp_path: Path) -> None:
    p = tmp_path / "empty.geojson"
    p.write_text(json.dumps({"type": "FeatureCollection", "features": []}))
    with pytest.raises(EmptyNetworkError, match=r"empty\.geojson: no walkable way found"):
        load_network(p)
    with pytest.raises(EmptyNetworkError):
        build_network([], [], [], [])
    osm = tmp_path / "motorway.osm"
    osm.write_text(
        '<?xml version="1.0"?><osm version="0.6">'
        '<node id="1" lat="30.25" lon="120.15"/><node id="2" lat="30.26" lon="120.15"/>'
        '<way id="9"><nd ref="1"/><nd ref="2"/><tag k="highway" v="motorway"/></way></osm>'
    )
    with pytest.raises(EmptyNetworkError, match=r"motorway\.osm: no walkable way"):
        load_network(osm)


def test_facility_far_from_any_way(tmp_path: Path) -> None:
    city = write_city(tmp_path)
    data = json.loads(city["facilities"].read_text())
    data["features"].append(
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": lonlat(100, 5100)},
            "properties": {"id": "far-canteen", "category": "elderly_canteen"},
        }
    )
    city["facilities"].write_text(json.dumps(data))
    rules = load_rules(city["rules"])
    # nearest walkable point: D (300, 400), hypot(200, 4700) = 4,704 m
    with pytest.raises(SnapError, match=r"facility 'far-canteen' is 4,704 m from the nearest walkable way"):
        analyse(
            load_network(city["network"]),
            rules,
            read_buildings(city["buildings"], rules),
            read_facilities(city["facilities"], rules),
            read_communities(city["communities"]),
        )


def test_unknown_facility_category(tmp_path: Path) -> None:
    city = write_city(tmp_path)
    data = json.loads(city["facilities"].read_text())
    data["features"][0]["properties"]["category"] = "casino"
    city["facilities"].write_text(json.dumps(data))
    with pytest.raises(InputError, match="facility 'canteen-1': unknown category 'casino'"):
        read_facilities(city["facilities"], load_rules(city["rules"]))


def test_bad_building_count(tmp_path: Path) -> None:
    city = write_city(tmp_path)
    data = json.loads(city["buildings"].read_text())
    data["features"][1]["properties"]["pop_60_plus"] = -3
    city["buildings"].write_text(json.dumps(data))
    with pytest.raises(InputError, match="building 'b2': pop_60_plus must be a count >= 0"):
        read_buildings(city["buildings"], load_rules(city["rules"]))


def _rules(tmp_path: Path, old: str, new: str, count: int = 1) -> Path:
    assert old in RULES_TOML
    p = tmp_path / "rules.toml"
    p.write_text(RULES_TOML.replace(old, new, count))
    return p


def _line(p: Path, needle: str) -> int:
    return next(i for i, line in enumerate(p.read_text().splitlines(), 1) if needle in line)


def test_rules_negative_radius(tmp_path: Path) -> None:
    p = _rules(tmp_path, "radius_m = 300", "radius_m = -300")
    n = _line(p, 'code = "elderly_canteen"')
    with pytest.raises(
        RulesError,
        match=rf"rules.toml \(line {n}\): category 'elderly_canteen': 'radius_m' must be between 50 and 5000, got -300",
    ):
        load_rules(p)


def test_rules_unknown_category_in_catalogue(tmp_path: Path) -> None:
    p = _rules(tmp_path, 'code = "kindergarten"', 'code = "kindergarden"')
    with pytest.raises(RulesError, match="category 'kindergarden': unknown category"):
        load_rules(p, catalogue={"kindergarten", "elderly_canteen"})


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('age_group = "elderly"', 'age_group = "retired"', "category 'elderly_canteen': unknown age group 'retired'"),
        ('circle = "min5"', 'circle = "min7"', "category 'elderly_canteen': unknown circle 'min7'"),
        ("weight = 3", "weight = -1", "category 'elderly_canteen': weight must be >= 0, got -1"),
        ("weight = 3", 'weight = "heavy"', "category 'elderly_canteen': 'weight' must be a number"),
        ('bands = ["a3_6"]', 'bands = ["a3_7"]', "age group 'preschool': unknown age band 'a3_7'"),
        ("distance_m = 300", "distance_m = 0", "circle 'min5': 'distance_m' must be between 50 and 5000, got 0"),
        ("required = false", 'required = "no"', "category 'elderly_canteen': 'required' must be true or false"),
        (
            'code = "kindergarten"',
            'code = "elderly_canteen"',
            r"rules.toml \(line 48\): category 'elderly_canteen': duplicate code",
        ),
        ("[[categories]]", "[[categories]", "invalid TOML"),
    ],
)
def test_rules_bad_items(tmp_path: Path, old: str, new: str, message: str) -> None:
    with pytest.raises(RulesError, match=message):
        load_rules(_rules(tmp_path, old, new))


def test_rules_json_line_numbers(tmp_path: Path) -> None:
    p = tmp_path / "rules.json"
    p.write_text('{"version": 1,\n "circles": [\n}')
    with pytest.raises(RulesError, match=r"rules.json \(line 3\): invalid JSON"):
        load_rules(p)


def test_everything_is_a_planning_error(tmp_path: Path) -> None:
    for exc in (EmptyNetworkError, InputError, RulesError, SnapError):
        assert issubclass(exc, PlanningError)
    with pytest.raises(PlanningError, match="does not exist"):
        load_rules(tmp_path / "nope.toml")
    with pytest.raises(PlanningError, match="unknown format"):
        load_network(tmp_path / "net.shp")
