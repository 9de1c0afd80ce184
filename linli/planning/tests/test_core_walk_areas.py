"""Pedestrian areas, platforms, elevators and walking profiles, on hand-built OSM XML.

Every distance is checked against scipy's Dijkstra on a graph the test builds itself
from the coordinates it wrote (or against a value worked out by hand).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from scipy import sparse
from scipy.sparse.csgraph import dijkstra

from linli.planning.core import (
    LocalProjection,
    RulesError,
    WalkNetwork,
    load_network,
    load_rules,
    node_distances,
    parse_rules,
    snap_xy,
)
from linli.planning.core.network import EDGE_KINDS, is_walk_area, walk_kind
from linli.planning.core.profiles import STANDARD, for_profile

from .handmade import RULES_TOML

PROJ = LocalProjection.around(120.15, 30.25)


def _osm(tmp_path: Path, nodes: dict[int, tuple[float, float]], ways: str, relations: str = "") -> Path:
    """An OSM XML file from nodes in metres (around PROJ) and raw way/relation elements."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<osm version="0.6" generator="test">']
    for i, (x, y) in nodes.items():
        lon, lat = PROJ.inverse(x, y)
        lines.append(f'  <node id="{i}" lat="{float(lat):.9f}" lon="{float(lon):.9f}"/>')
    lines += [ways, relations, "</osm>"]
    p = tmp_path / "case.osm"
    p.write_text("\n".join(lines), encoding="utf-8")
    return p


def _way(wid: int, refs: list[int], **tags: str) -> str:
    nds = "".join(f'<nd ref="{r}"/>' for r in refs)
    tg = "".join(f'<tag k="{k.replace("__", ":")}" v="{v}"/>' for k, v in tags.items())
    return f'  <way id="{wid}">{nds}{tg}</way>'


def _xy(net: WalkNetwork, osm_id: int) -> int:
    return int(np.flatnonzero(net.node_ids == osm_id)[0])


def _scipy_distances(coords: dict[int, tuple[float, float]], segments: list[tuple[int, int]], net: WalkNetwork) -> dict:
    """All-pairs distances on the test's own graph, nodes by OSM id.

    Coordinates: where the network put each node (OSM stores 1e-7 degree, about 1 cm), lengths and
    edges the test's own.
    """
    ids = sorted(coords)
    pos = {i: k for k, i in enumerate(ids)}
    x = np.array([net.x[_xy(net, i)] for i in ids])
    y = np.array([net.y[_xy(net, i)] for i in ids])
    r = [pos[a] for a, _ in segments]
    c = [pos[b] for _, b in segments]
    w = [math.hypot(x[pos[a]] - x[pos[b]], y[pos[a]] - y[pos[b]]) for a, b in segments]
    g = sparse.csr_array((w, (r, c)), shape=(len(ids), len(ids)))
    d = dijkstra(g, directed=False)
    return {(a, b): d[pos[a], pos[b]] for a in ids for b in ids}


def _net_distances(net: WalkNetwork, ids: list[int]) -> dict:
    d = dijkstra(net.graph, directed=True)
    return {(a, b): d[_xy(net, a), _xy(net, b)] for a in ids for b in ids}


# --- a square with four entrances ------------------------------------------------

SQUARE = {1: (0.0, 0.0), 2: (50.0, 0.0), 3: (100.0, 0.0), 4: (100.0, 50.0), 5: (100.0, 100.0),
          6: (50.0, 100.0), 7: (0.0, 100.0), 8: (0.0, 50.0),
          12: (50.0, -80.0), 14: (180.0, 50.0), 16: (50.0, 170.0), 18: (-60.0, 50.0)}  # fmt: skip


def test_square_with_four_entrances_is_crossed_straight(tmp_path: Path) -> None:
    ways = "\n".join([
        _way(100, [1, 2, 3, 4, 5, 6, 7, 8, 1], highway="pedestrian", area="yes"),
        _way(101, [12, 2], highway="footway"), _way(102, [14, 4], highway="footway"),
        _way(103, [16, 6], highway="footway"), _way(104, [18, 8], highway="footway"),
    ])  # fmt: skip
    net = load_network(_osm(tmp_path, SQUARE, ways))
    assert net.areas.areas == 1
    # a convex square: exactly the complete graph on its four entrances
    outline = [(1, 2), (2, 3), (3, 4), (4, 5), (5, 6), (6, 7), (7, 8), (8, 1)]
    feeders = [(12, 2), (14, 4), (16, 6), (18, 8)]
    across = [(2, 4), (2, 6), (2, 8), (4, 6), (4, 8), (6, 8)]
    assert net.n_edges == len(outline) + len(feeders) + len(across)
    expected = _scipy_distances(SQUARE, outline + feeders + across, net)
    ours = _net_distances(net, sorted(SQUARE))
    for key, value in expected.items():
        assert ours[key] == pytest.approx(value, abs=1e-9)
    # south to north straight across: 80 + 100 + 70, not round the outline
    assert ours[(12, 16)] == pytest.approx(250.0, abs=0.05)


def test_closed_pedestrian_way_without_area_yes_is_a_loop(tmp_path: Path) -> None:
    ways = "\n".join([
        _way(100, [1, 2, 3, 4, 5, 6, 7, 8, 1], highway="pedestrian"),
        _way(101, [12, 2], highway="footway"), _way(103, [16, 6], highway="footway"),
    ])  # fmt: skip
    net = load_network(_osm(tmp_path, SQUARE, ways))
    d = _net_distances(net, [12, 16])
    assert d[(12, 16)] == pytest.approx(80 + 50 + 100 + 50 + 70, abs=0.05)  # round, not across


# --- a multipolygon square with a hole ---------------------------------------------

HOLED = {1: (0.0, 0.0), 2: (100.0, 0.0), 3: (100.0, 50.0), 4: (100.0, 100.0), 5: (0.0, 100.0), 6: (0.0, 50.0),
         11: (30.0, 30.0), 12: (70.0, 30.0), 13: (70.0, 70.0), 14: (30.0, 70.0),
         21: (-50.0, 50.0), 22: (150.0, 50.0)}  # fmt: skip


def test_multipolygon_square_with_a_hole_goes_round_the_hole(tmp_path: Path) -> None:
    ways = "\n".join([
        _way(200, [1, 2, 3, 4]), _way(201, [4, 5, 6, 1]), _way(202, [11, 12, 13, 14, 11]),
        _way(203, [21, 6], highway="footway"), _way(204, [3, 22], highway="footway"),
    ])  # fmt: skip
    rel = (
        '  <relation id="300"><member type="way" ref="200" role="outer"/>'
        '<member type="way" ref="201" role="outer"/><member type="way" ref="202" role="inner"/>'
        '<tag k="type" v="multipolygon"/><tag k="highway" v="pedestrian"/></relation>'
    )
    net = load_network(_osm(tmp_path, HOLED, ways, rel))
    assert net.areas.areas == 1
    d = _net_distances(net, [21, 22, 6, 3])
    # west to east: not straight through the fountain (100 m) but round its corners: 2 * hypot(30, 20) + 40
    assert d[(6, 3)] == pytest.approx(2 * math.hypot(30, 20) + 40, abs=0.05)
    assert d[(21, 22)] == pytest.approx(100 + 2 * math.hypot(30, 20) + 40, abs=0.05)
    # no added segment runs through the hole
    for u, v in zip(net.edge_u, net.edge_v, strict=True):
        mx, my = (net.x[u] + net.x[v]) / 2, (net.y[u] + net.y[v]) / 2
        hx, hy = PROJ.inverse(np.array([50.0]), np.array([50.0]))
        cx, cy = net.projection.forward(hx, hy)
        assert not (abs(mx - cx[0]) < 19.9 and abs(my - cy[0]) < 19.9)


def test_untagged_multipolygon_members_are_not_walked_alone(tmp_path: Path) -> None:
    ways = "\n".join([_way(200, [1, 2, 3, 4]), _way(201, [4, 5, 6, 1]), _way(203, [21, 6], highway="footway")])
    rel = (
        '  <relation id="300"><member type="way" ref="200" role="outer"/>'
        '<member type="way" ref="201" role="outer"/><tag k="type" v="multipolygon"/>'
        '<tag k="landuse" v="grass"/></relation>'
    )
    net = load_network(_osm(tmp_path, HOLED, ways, rel))
    assert net.n_edges == 1 and net.areas.areas == 0


# --- platforms and elevators --------------------------------------------------------


def test_platform_area_and_linear_platform_are_walkable(tmp_path: Path) -> None:
    nodes = {1: (0.0, 0.0), 2: (200.0, 0.0), 3: (200.0, 10.0), 4: (0.0, 10.0), 5: (-40.0, 5.0), 6: (0.0, 5.0),
             7: (200.0, 5.0), 8: (240.0, 5.0), 9: (240.0, 60.0)}  # fmt: skip
    ways = "\n".join([
        _way(1, [1, 2, 7, 3, 4, 6, 1], railway="platform"),  # a closed platform: an area without area=yes
        _way(2, [5, 6], highway="footway"), _way(3, [7, 8], highway="footway"),
        _way(4, [8, 9], highway="platform", public_transport="platform"),
    ])  # fmt: skip
    net = load_network(_osm(tmp_path, nodes, ways))
    assert net.areas.areas == 1
    d = _net_distances(net, [5, 8, 9])
    assert d[(5, 8)] == pytest.approx(40 + 200 + 40, abs=0.05)  # straight along the platform's middle
    assert d[(5, 9)] == pytest.approx(280 + 55, abs=0.05)


def test_elevator_joins_two_levels(tmp_path: Path) -> None:
    nodes = {1: (0.0, 0.0), 2: (50.0, 0.0), 3: (50.0, 0.5), 4: (0.0, 0.5), 5: (50.0, 300.0)}
    ways = "\n".join([
        _way(1, [1, 2], highway="footway", level="0"),
        _way(2, [2, 3], highway="elevator"),
        _way(3, [3, 4], highway="footway", level="1"),
        _way(4, [1, 5], highway="steps"),
    ])  # fmt: skip
    net = load_network(_osm(tmp_path, nodes, ways))
    kinds = {(int(net.node_ids[u]), int(net.node_ids[v])): EDGE_KINDS[k]
             for u, v, k in zip(net.edge_u, net.edge_v, net.kinds(), strict=True)}  # fmt: skip
    assert kinds[(2, 3)] == "elevator"
    d = _net_distances(net, [1, 4])
    assert d[(1, 4)] == pytest.approx(50 + 0.5 + 50, abs=0.05)


# --- steps, ramps and the walking profiles -------------------------------------------

STEPS = {1: (0.0, 0.0), 2: (20.0, 0.0), 3: (10.0, 25.0), 9: (-30.0, 0.0), 10: (50.0, 0.0)}


def _steps_case(tmp_path: Path, *, ramp: bool, steps_tags: dict[str, str] | None = None) -> WalkNetwork:
    ways = [
        _way(1, [9, 1], highway="footway"),
        _way(2, [2, 10], highway="footway"),
        _way(3, [1, 2], highway="steps", **(steps_tags or {})),
    ]
    if ramp:  # a ramp round the steps: 2 * hypot(10, 25) = 53.85 m against 20 m of steps
        ways.append(_way(4, [1, 3, 2], highway="footway", incline="5%"))
    return load_network(_osm(tmp_path, STEPS, "\n".join(ways)))


def _d(net: WalkNetwork, a: int, b: int) -> float:
    src = snap_xy(net, net.x[[_xy(net, a)]], net.y[[_xy(net, a)]])
    dist, _ = node_distances(net, src)
    return float(dist[_xy(net, b)])


RAMP = 2 * math.hypot(10, 25)


def test_elder_avoids_steps_when_a_ramp_exists(tmp_path: Path) -> None:
    rules = load_rules()
    net = _steps_case(tmp_path, ramp=True)
    elder, chair = rules.profile("elder"), rules.profile("wheelchair")
    assert _d(net, 9, 10) == pytest.approx(30 + 20 + 30, abs=0.05)  # everyone: the steps
    assert _d(for_profile(net, elder), 9, 10) == pytest.approx(30 + RAMP + 30, abs=0.05)
    assert _d(for_profile(net, chair), 9, 10) == pytest.approx(30 + RAMP + 30, abs=0.05)


def test_elder_uses_steps_when_no_ramp_exists_and_wheelchair_cannot(tmp_path: Path) -> None:
    rules = load_rules()
    net = _steps_case(tmp_path, ramp=False)
    elder, chair = rules.profile("elder"), rules.profile("wheelchair")
    assert _d(for_profile(net, elder), 9, 10) == pytest.approx(30 + 20 * elder.factor("steps") + 30, abs=0.05)
    assert _d(for_profile(net, chair), 9, 10) == math.inf
    # steps with a ramp tagged on them are usable in a wheelchair, at the ramp factor
    for tags in ({"ramp": "yes"}, {"wheelchair": "yes"}, {"ramp__wheelchair": "yes"}):
        tagged = _steps_case(tmp_path, ramp=False, steps_tags=tags)
        assert _d(for_profile(tagged, chair), 9, 10) == pytest.approx(
            30 + 20 * chair.factor("ramp_steps") + 30, abs=0.05
        )


def test_profile_network_matches_scipy_on_its_own_weights(tmp_path: Path) -> None:
    net = _steps_case(tmp_path, ramp=True)
    elder = load_rules().profile("elder")
    weighted = for_profile(net, elder)
    assert for_profile(net, elder) is weighted and for_profile(net, STANDARD) is net
    factor = np.where(net.kinds() == EDGE_KINDS.index("steps"), elder.factor("steps"), 1.0)
    g = sparse.csr_array((net.edge_length * factor, (net.edge_u, net.edge_v)), shape=(net.n_nodes,) * 2)
    ref = dijkstra(g, directed=False, indices=_xy(net, 9))
    ours, _ = node_distances(weighted, snap_xy(weighted, net.x[[_xy(net, 9)]], net.y[[_xy(net, 9)]]))
    assert np.allclose(ours, ref, rtol=0, atol=1e-9)


@pytest.mark.parametrize(
    ("tags", "kind"),
    [
        ({"highway": "steps"}, "steps"),
        ({"highway": "steps", "ramp": "yes"}, "ramp_steps"),
        ({"highway": "steps", "conveying": "yes"}, "steps"),
        ({"highway": "elevator"}, "elevator"),
        ({"highway": "footway", "wheelchair": "no"}, "no_wheelchair"),
        ({"highway": "platform"}, "level"),
        ({"railway": "platform"}, "level"),
        ({"highway": "corridor"}, "level"),
        ({"railway": "platform", "foot": "no"}, None),
        ({"highway": "pedestrian", "access": "private"}, None),
        ({"railway": "rail"}, None),
        ({"highway": "motorway", "railway": "platform"}, None),
    ],
)
def test_walk_kind(tags: dict[str, str], kind: str | None) -> None:
    got = walk_kind(tags)
    assert (None if got is None else EDGE_KINDS[got]) == kind


def test_which_closed_ways_are_areas() -> None:
    assert is_walk_area({"highway": "pedestrian", "area": "yes"}, relation=False)
    assert not is_walk_area({"highway": "pedestrian"}, relation=False)
    assert is_walk_area({"highway": "pedestrian"}, relation=True)
    assert is_walk_area({"railway": "platform"}, relation=False)
    assert not is_walk_area({"railway": "platform", "area": "no"}, relation=False)
    assert not is_walk_area({"landuse": "grass"}, relation=True)


# --- rules: speeds and profiles ---------------------------------------------------------


def test_default_rules_speeds_and_profiles() -> None:
    rules = load_rules()
    assert rules.group("elderly").walk_speed_m_s == 0.9
    assert rules.group("all").walk_speed_m_s == 1.2
    assert rules.group("elderly").minutes(540) == pytest.approx(10.0)
    assert [p.code for p in rules.profiles] == ["standard", "elder", "wheelchair"]
    assert rules.profile("").code == "standard"
    assert rules.profile("wheelchair").factor("steps") == math.inf


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ('[[profiles]]\ncode = "standard"\nname_zh = "x"\nname_en = "x"\n', "built in"),
        ('[[profiles]]\ncode = "p"\nname_zh = "x"\nname_en = "x"\nsteps = 0.5\n', "'steps' must be a number >= 1"),
        ('[[profiles]]\ncode = "p"\nname_zh = "x"\nname_en = "x"\nstairs = 2\n', "unknown key 'stairs'"),
        ('[[profiles]]\ncode = "p"\nname_zh = "x"\nname_en = "x"\nlevel = 2\n', "'level' is the unit"),
    ],
)
def test_bad_profiles_are_refused(extra: str, message: str) -> None:
    import tomllib

    text = RULES_TOML + "\n" + extra
    with pytest.raises(RulesError, match=message):
        parse_rules(tomllib.loads(text), text=text)


def test_bad_walk_speed_is_refused() -> None:
    import tomllib

    text = RULES_TOML.replace('bands = ["a60_plus"]', 'bands = ["a60_plus"]\nwalk_speed_m_s = 9', 1)
    assert text != RULES_TOML
    with pytest.raises(RulesError, match="walk_speed_m_s must be between"):
        parse_rules(tomllib.loads(text), text=text)
    with pytest.raises(RulesError, match="unknown walking profile 'nope'"):
        load_rules().profile("nope")


# --- the visibility test itself, on random concave areas with holes ---------------------------


@pytest.mark.parametrize("seed", range(6))
def test_crossings_stay_inside_and_give_the_shortest_walk(seed: int) -> None:
    from scipy.spatial.distance import cdist

    from linli.planning.core.areas import corners, visible_pairs
    from linli.planning.core.geo import points_in_polygon

    rng = np.random.default_rng(seed)
    k = 24  # a star-shaped outline (concave) and a small square hole off its centre
    ang = np.sort(rng.uniform(0, 2 * np.pi, k))
    rad = rng.uniform(60, 120, k)
    ox, oy = rad * np.cos(ang), rad * np.sin(ang)
    hx, hy = np.array([10.0, 30.0, 30.0, 10.0]), np.array([-10.0, -10.0, 10.0, 10.0])
    x, y = np.r_[ox, hx], np.r_[oy, hy]
    rings = [np.arange(k), np.arange(k, k + 4)]
    ent = rng.choice(k, 8, replace=False)
    corner = corners(x, y, rings, [True, False], ent)
    a, b = visible_pairs(x, y, rings, corner)
    assert a.size > 0
    polys = [np.column_stack([x[r], y[r]]) for r in rings]
    t = np.linspace(0.02, 0.98, 49)
    outline = {
        (min(int(p), int(q)), max(int(p), int(q))) for r in rings for p, q in zip(r, np.roll(r, -1), strict=True)
    }
    for u, v in zip(a, b, strict=True):
        if (min(u, v), max(u, v)) in outline:
            continue  # an outline edge itself: its points are on the boundary
        px, py = x[u] + t * (x[v] - x[u]), y[u] + t * (y[v] - y[u])
        assert points_in_polygon(px, py, polys).all()
    # shortest walks between entrances on the visibility graph (with the outline) are never longer than on a fine
    # grid of points inside the area joined to their 8 neighbours (which only approximates straight lines)
    ea = np.concatenate(rings)
    eb = np.concatenate([np.roll(r, -1) for r in rings])
    pairs = np.unique(np.sort(np.column_stack([np.r_[a, ea], np.r_[b, eb]]), axis=1), axis=0)  # coo would add twins
    uu, vv = pairs[:, 0], pairs[:, 1]
    w = np.hypot(x[uu] - x[vv], y[uu] - y[vv])
    g = sparse.coo_array((w, (uu, vv)), shape=(x.size,) * 2).tocsr()
    d = dijkstra(g, directed=False, indices=ent)[:, ent]
    straight = cdist(np.column_stack([x[ent], y[ent]]), np.column_stack([x[ent], y[ent]]))
    assert (d >= straight - 1e-9).all()  # never shorter than a straight line
    # and exactly straight wherever the straight segment stays inside
    for i, p in enumerate(ent):
        for j, q in enumerate(ent):
            px, py = x[p] + t * (x[q] - x[p]), y[p] + t * (y[q] - y[p])
            if p != q and points_in_polygon(px, py, polys).all():
                assert d[i, j] == pytest.approx(straight[i, j], abs=1e-9)


def test_a_path_ending_inside_a_square_is_joined_across_it(tmp_path: Path) -> None:
    nodes = {**SQUARE, 30: (40.0, 60.0), 31: (60.0, 60.0)}  # a short path in the middle of the square
    ways = "\n".join([
        _way(100, [1, 2, 3, 4, 5, 6, 7, 8, 1], highway="pedestrian", area="yes"),
        _way(101, [12, 2], highway="footway"),
        _way(105, [30, 31], highway="footway"),
    ])  # fmt: skip
    net = load_network(_osm(tmp_path, nodes, ways))
    assert net.dropped.nodes == 0  # not a separate piece: joined to the square
    d = _net_distances(net, [12, 30, 31])
    assert d[(12, 30)] == pytest.approx(80 + math.hypot(10, 60), abs=0.05)
    assert d[(12, 31)] == pytest.approx(80 + math.hypot(10, 60), abs=0.05)


def test_a_bridge_over_a_square_is_not_joined_to_it(tmp_path: Path) -> None:
    nodes = {**SQUARE, 40: (-50.0, 60.0), 41: (50.0, 60.0), 42: (150.0, 60.0)}
    ways = "\n".join([
        _way(100, [1, 2, 3, 4, 5, 6, 7, 8, 1], highway="pedestrian", area="yes"),
        _way(101, [12, 2], highway="footway"),
        _way(106, [40, 41, 42], highway="footway", bridge="yes", layer="1"),
    ])  # fmt: skip
    net = load_network(_osm(tmp_path, nodes, ways))
    assert net.dropped.nodes == 3  # the bridge stays a piece of its own, not walked down into the square
