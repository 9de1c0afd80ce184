"""The edge grid that snaps points: the same answer as projecting on every edge, wherever the point is."""

from __future__ import annotations

import numpy as np
import pytest

from linli.planning.core import LocalProjection, build_network
from linli.planning.core.snap import SegmentIndex, _project, segment_index_of


def _network(seed: int, n: int = 300) -> object:
    """Random points joined to near neighbours: short and long, diagonal and axis-aligned edges, empty areas."""
    rng = np.random.default_rng(seed)
    x = np.concatenate([rng.uniform(0, 2000, n), rng.uniform(5000, 5200, 20)])  # a far cluster leaves empty cells
    y = np.concatenate([rng.uniform(0, 1500, n), rng.uniform(0, 200, 20)])
    x[:10] = np.round(x[:10], -2)  # a few shared coordinates: equal distances to several edges
    y[:10] = np.round(y[:10], -2)
    a = rng.integers(0, x.size, 3 * x.size)
    b = (a + rng.integers(1, 6, a.size)) % x.size
    a = np.concatenate([a, [0, 1]])
    b = np.concatenate([b, [n + 5, n + 10]])  # kilometre-long edges across the gap
    lon, lat = LocalProjection.around(120.15, 30.25).inverse(x - 1000, y - 750)
    return build_network(lon, lat, a, b)


def _brute(net: object, qx: np.ndarray, qy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every point projected on every edge: the smallest distance, then the lowest edge index."""
    u, v = net.edge_u, net.edge_v  # type: ignore[attr-defined]
    xs, ys = net.x, net.y  # type: ignore[attr-defined]
    _, d, _, _ = _project(qx[:, None], qy[:, None], xs[u][None, :], ys[u][None, :], xs[v][None, :], ys[v][None, :])
    edge = np.argmin(d, axis=1)  # argmin returns the first (lowest) index among equal minima
    return edge, d[np.arange(qx.size), edge]


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("cell_m", [None, 7.0, 300.0])
def test_grid_snaps_like_projecting_on_every_edge(seed: int, cell_m: float | None) -> None:
    net = _network(seed)
    rng = np.random.default_rng(100 + seed)
    xs, ys = net.x, net.y  # type: ignore[attr-defined]
    qx = np.concatenate([
        rng.uniform(xs.min() - 500, xs.max() + 500, 300),  # anywhere, inside the empty areas and outside the grid
        xs[:40],  # on nodes (ties between the edges meeting there)
        xs[:40] + rng.uniform(-30, 30, 40),
        [xs.min() - 1e6, xs.max() + 3e6, (xs.min() + xs.max()) / 2],  # thousands of kilometres away
    ])  # fmt: skip
    qy = np.concatenate([
        rng.uniform(ys.min() - 500, ys.max() + 500, 300), ys[:40], ys[:40] + rng.uniform(-30, 30, 40),
        [ys.min(), ys.max() + 2e6, ys.min() - 7e6],
    ])  # fmt: skip
    got = SegmentIndex(net, cell_m=cell_m).nearest(qx, qy)  # type: ignore[arg-type]
    edge, dist = _brute(net, qx, qy)
    np.testing.assert_array_equal(got.edge, edge)
    np.testing.assert_array_equal(got.distance_m, dist)
    t = got.offset_m / net.edge_length[got.edge]  # type: ignore[attr-defined]
    u, v = net.edge_u[got.edge], net.edge_v[got.edge]  # type: ignore[attr-defined]
    np.testing.assert_allclose(got.px, xs[u] + t * (xs[v] - xs[u]), atol=1e-6)
    np.testing.assert_allclose(np.hypot(qx - got.px, qy - got.py), dist, atol=1e-6)


def test_index_is_built_once_per_network() -> None:
    net = _network(0)
    assert segment_index_of(net) is segment_index_of(net)  # type: ignore[arg-type]
    assert len(SegmentIndex(net).nearest(np.zeros(0), np.zeros(0))) == 0  # type: ignore[arg-type]
