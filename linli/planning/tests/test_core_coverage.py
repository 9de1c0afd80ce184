"""Coverage, supply index, gaps and site selection on the hand-made city (see handmade.py).

Hand computation (metres; a point reaches its street by a straight walk, then
walks along the street; the street network is A-B-C on y=0 and B-D on x=300):

Snaps: b1 (50,20) -> AB at x=50, 20 m;  b2 (580,-10) -> BC at x=580, 10 m;
       b3 (310,380) -> BD at y=380, 10 m;  canteen (100,-5) -> AB at x=100, 5 m;
       kindergarten (320,150) -> BD at y=150, 20 m.

Elderly canteen (radius 300, elderly):
  b1: same street  20 + 5 + |100-50|          =  75  covered
  b2: 10 + (580-300) + (300-100) + 5          = 495  gap
  b3: 10 + 380 + 200 + 5                      = 595  gap
Kindergarten (radius 300, pre-school):
  b1: 20 + 250 + 150 + 20                     = 440  gap
  b2: 10 + 280 + 150 + 20                     = 460  gap
  b3: same street 10 + 20 + |380-150|         = 260  covered

Communities: C1 = [-50,650]x[-50,50] (b1, b2, canteen inside), centroid (300,0) = node B;
             C2 = [250,350]x[50,450] (b3, kindergarten inside), centroid (300,250) on BD.
  (b) canteen:       C1 200 + 5 = 205 within;  C2 250 + 200 + 5 = 455 not
      kindergarten:  C1 150 + 20 = 170 within; C2 |250-150| + 20 = 120 within
  (c) canteen: 10 of 24 elderly;  kindergarten: 5 of 11 pre-school children

Index (w' = weight x 2 if required): canteen 3, kindergarten 2 x 2 = 4
  C1: canteen 10/16, kindergarten 0/6 -> 100 * (3 * 0.625 + 4 * 0) / 7 = 26.7857
  C2: canteen 0/8,   kindergarten 5/5 -> 100 * (3 * 0 + 4 * 1) / 7     = 57.1429

Site selection for the canteen, uncovered elderly b2 (6) and b3 (8):
  cand-1 (590,5) -> BC at x=590, 5 m: b2 10 + 5 + 10 = 25 covers; b3 10+380+290+5 = 685 no
  cand-2 (300,300) -> BD at y=300: b3 10 + 80 = 90 covers; b2 10 + 280 + 300 = 590 no
  cand-3 (300,50) -> BD at y=50: b2 340, b3 340: covers nobody
  k=1 -> cand-2 (8 residents); k=2 -> cand-1 + cand-2 (14); set cover {cand-1, cand-2}.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from linli.planning.core import (
    SitingRequest,
    analyse,
    load_network,
    load_rules,
    read_buildings,
    read_communities,
    read_facilities,
    run_plan,
)

from .handmade import write_city

TOL = 0.05  # metres: the network's own projection is centred elsewhere than the test's


@pytest.fixture()
def city(tmp_path: Path) -> dict[str, Path]:
    return write_city(tmp_path)


def test_network_drops_the_separate_piece(city: dict[str, Path]) -> None:
    net = load_network(city["network"])
    assert net.n_nodes == 4 and net.n_edges == 3
    assert net.total_length_m == pytest.approx(1000, abs=TOL)
    d = net.dropped
    assert (d.components, d.nodes, d.edges) == (1, 2, 1)
    assert d.length_m == pytest.approx(100, abs=TOL)


def test_coverage_index_and_gaps_by_hand(city: dict[str, Path]) -> None:
    rules = load_rules(city["rules"])
    net = load_network(city["network"])
    a = analyse(
        net,
        rules,
        read_buildings(city["buildings"], rules),
        read_facilities(city["facilities"], rules),
        read_communities(city["communities"]),
    )
    can, kg = a.coverage
    assert can.category == "elderly_canteen" and kg.category == "kindergarten"
    assert list(can.building_distance_m) == pytest.approx([75, 495, 595], abs=TOL)
    assert list(kg.building_distance_m) == pytest.approx([440, 460, 260], abs=TOL)
    # (a) inside, (b) centre within radius, (c) residents within radius
    assert [p.facilities_inside for p in can.per_community] == [1, 0]
    assert [p.facilities_inside for p in kg.per_community] == [0, 1]
    assert can.communities_with_facility_inside == 1 and kg.communities_with_facility_inside == 1
    assert [p.centre_distance_m for p in can.per_community] == pytest.approx([205, 455], abs=TOL)
    assert [p.centre_distance_m for p in kg.per_community] == pytest.approx([170, 120], abs=TOL)
    assert can.communities_within_radius == 1 and kg.communities_within_radius == 2
    assert (can.covered_residents, can.served_residents) == (10, 24)
    assert (kg.covered_residents, kg.served_residents) == (5, 11)
    # supply index
    idx = {s.community: s for s in a.index}
    assert idx["C1"].index == pytest.approx(100 * (3 * 0.625) / 7)
    assert idx["C2"].index == pytest.approx(100 * 4 / 7)
    assert idx["C1"].required_uncovered == ("kindergarten",) and idx["C2"].required_uncovered == ()
    # gaps: building, residents, distance to the nearest
    gaps = {(g.category, g.building): g for g in a.gaps}
    assert set(gaps) == {
        ("elderly_canteen", "b2"),
        ("elderly_canteen", "b3"),
        ("kindergarten", "b1"),
        ("kindergarten", "b2"),
    }
    g = gaps[("elderly_canteen", "b3")]
    assert (g.residents, g.community, g.age_group, g.nearest_facility) == (8, "C2", "elderly", "canteen-1")
    assert g.distance_m == pytest.approx(595, abs=TOL)


def test_runner_end_to_end(city: dict[str, Path]) -> None:
    calls: list[tuple[int, int, str]] = []
    res = run_plan(
        city["network"], city["facilities"], city["buildings"], city["rules"], city["communities"],
        siting=[SitingRequest("elderly_canteen", 1, city["candidates"]),
                SitingRequest("elderly_canteen", 2, city["candidates"])],
        progress=lambda d, t, m: calls.append((d, t, m)),
    )  # fmt: skip
    data = json.loads(res.to_json())
    assert set(data["inputs"]) >= {"network", "facilities", "buildings", "rules", "communities"}
    assert all(len(v["sha256"]) == 64 for v in data["inputs"].values())
    assert data["network"]["dropped"]["nodes"] == 2 and res.warnings
    assert [c["covered_residents"] for c in data["coverage"]] == [10, 5]
    k1, k2 = data["siting"]
    assert (k1["selected"], k1["newly_covered"], k1["uncovered_before"]) == (["cand-2"], 8, 14)
    assert (sorted(k2["selected"]), k2["newly_covered"], k2["optimal"]) == (["cand-1", "cand-2"], 14, True)
    assert sorted(k2["set_cover"]) == ["cand-1", "cand-2"] and k2["not_coverable"] == []
    # progress: monotone, ends at total
    assert calls[-1][0] == calls[-1][1] and all(a[0] <= b[0] for a, b in itertools.pairwise(calls))
    # same inputs, same result (except timing)
    again = json.loads(
        run_plan(city["network"], city["facilities"], city["buildings"], city["rules"], city["communities"]).to_json()
    )
    for key in ("inputs", "coverage", "index", "gaps", "network"):
        assert again[key] == {**data}[key] or key == "inputs"


def test_default_rules_file() -> None:
    rules = load_rules()
    codes = set(rules.category_codes)
    assert len(codes) == 21  # the 20 items of the index, and the bus stop reported outside it
    for need in (
        "kindergarten",
        "elderly_day_care",
        "community_service_station",
        "elderly_canteen",
        "after_school_class",
        "childcare",
        "primary_school",
        "middle_school",
        "market",
        "health_centre",
        "culture_centre",
        "culture_station",
        "sports_ground",
    ):
        assert need in codes
    assert {c.code: c.distance_m for c in rules.circles} == {"min5": 300, "min10": 500, "min15": 1000}
    r = {c.code: c for c in rules.categories}
    assert r["kindergarten"].radius_m == 300 and r["primary_school"].radius_m == 500
    assert r["middle_school"].radius_m == 1000 and r["elderly_canteen"].age_group == "elderly"
    assert r["childcare"].age_group == "infants" and r["after_school_class"].age_group == "pupils"
    assert all(c.source for c in rules.categories)
