"""MCLP and set covering against brute force on small random instances."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy import sparse

from linli.planning.core import greedy_mclp, lp_bound_mclp, reduce_mclp, solve_mclp, solve_set_cover


def _instance(seed: int) -> tuple[sparse.csr_array, np.ndarray, int]:
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(3, 14)), int(rng.integers(2, 9))
    a = (rng.random((n, m)) < rng.uniform(0.1, 0.5)).astype(float)
    w = rng.integers(0, 20, n).astype(float)
    k = int(rng.integers(1, m + 1))
    return sparse.csr_array(a), w, k


def _covered(a: np.ndarray, w: np.ndarray, sel: tuple[int, ...]) -> float:
    return float(w[a[:, list(sel)].sum(axis=1) > 0].sum()) if sel else 0.0


@pytest.mark.parametrize("seed", range(60))
def test_mclp_equals_brute_force(seed: int) -> None:
    cov, w, k = _instance(seed)
    a = cov.toarray()
    m = a.shape[1]
    best = max(_covered(a, w, s) for r in range(k + 1) for s in itertools.combinations(range(m), r))
    sol = solve_mclp(cov, w, k)
    assert sol.optimal and len(sol.selected) <= k
    assert sol.objective == pytest.approx(best)
    assert _covered(a, w, sol.selected) == pytest.approx(best)
    # greedy: feasible, never better than the optimum; LP bound never below it
    g = greedy_mclp(cov, w, k)
    assert len(g.selected) <= k and g.objective == pytest.approx(_covered(a, w, g.selected))
    assert g.objective <= best + 1e-9
    assert lp_bound_mclp(cov, w, k) >= best - 1e-6
    # forced large-case path: greedy with a valid gap
    big = solve_mclp(cov, w, k, exact_max_nnz=0)
    assert big.upper_bound >= best - 1e-6 and big.objective <= best + 1e-9
    assert 0.0 <= big.gap <= 1.0 or big.upper_bound == 0


@pytest.mark.parametrize("seed", range(40))
def test_set_cover_equals_brute_force(seed: int) -> None:
    cov, w, _ = _instance(seed)
    a = cov.toarray()
    n, m = a.shape
    need = (w > 0) & (a.sum(axis=1) > 0)
    smallest = next(
        r for r in range(m + 1)
        if any(all(a[i, list(s)].any() for i in np.flatnonzero(need)) for s in itertools.combinations(range(m), r))
    )  # fmt: skip
    sol = solve_set_cover(cov, w)
    assert sol.optimal and len(sol.selected) == smallest
    assert all(a[i, list(sol.selected)].any() for i in np.flatnonzero(need))
    assert sol.uncoverable == tuple(int(i) for i in np.flatnonzero((w > 0) & (a.sum(axis=1) == 0)))
    assert n == a.shape[0]


def test_explicit_zero_distance_still_covers() -> None:
    # a stored zero (demand exactly at the candidate) is coverage
    cov = sparse.csr_array((np.array([0.0, 5.0]), np.array([0, 1]), np.array([0, 1, 2])), shape=(2, 2))
    assert solve_mclp(cov, [3.0, 1.0], 1).selected == (0,)


def _optimum(a: np.ndarray, w: np.ndarray, k: int) -> float:
    m = a.shape[1]
    return max(_covered(a, w, s) for r in range(min(k, m) + 1) for s in itertools.combinations(range(m), r))


def test_reduction_on_a_hand_built_case() -> None:
    # columns: 0 covers {0, 1}; 1 covers {0} (inside 0: dropped); 2 covers {2, 3}; 3 covers {2, 3} (equal to 2:
    # the later one is dropped); 4 covers {4}; nothing covers point 5; point 6 weighs 0
    a = np.zeros((7, 5))
    a[[0, 1], 0] = a[0, 1] = a[[2, 3], 2] = a[[2, 3], 3] = a[4, 4] = a[6, 4] = 1
    w = np.array([5.0, 1.0, 2.0, 3.0, 4.0, 9.0, 0.0])
    red = reduce_mclp(sparse.csr_array(a), w)
    assert red.candidates.tolist() == [0, 2, 4]
    # points 2 and 3 have the same remaining candidates: one row weighing 5
    assert red.group.tolist() == [0, 0, 1, 1, 2, -1, -1]  # points 0 and 1 too (only candidate 0 is left)
    assert red.weights.tolist() == [6.0, 5.0, 4.0]
    assert red.cover.toarray().tolist() == [[1, 0, 0], [0, 1, 0], [0, 0, 1]]
    for k in range(4):
        assert _optimum(red.cover.toarray(), red.weights, k) == _optimum(a, w, k)
        assert solve_mclp(sparse.csr_array(a), w, k).objective == _optimum(a, w, k)


@pytest.mark.parametrize("seed", range(40))
def test_reduced_problem_has_the_same_optimum(seed: int) -> None:
    rng = np.random.default_rng(1000 + seed)
    n, m = int(rng.integers(4, 16)), int(rng.integers(2, 9))
    # few distinct columns and rows, so that dominated candidates and equal rows are common
    base = rng.random((n, 3)) < 0.5
    a = np.column_stack([base[:, rng.integers(0, 3)] & (rng.random(n) < 0.8) for _ in range(m)]).astype(float)
    w = rng.integers(0, 10, n).astype(float)
    red = reduce_mclp(sparse.csr_array(a), w)
    r = red.cover.toarray()
    assert r.shape == (red.weights.size, red.candidates.size) and r.shape[0] <= n and r.shape[1] <= m
    # every group's row is the original row restricted to the kept candidates, and the weights add up
    for i in np.flatnonzero(red.group >= 0):
        assert (r[red.group[i]] == a[i, red.candidates]).all()
    assert red.weights.sum() == pytest.approx(w[(w > 0) & (a.sum(axis=1) > 0)].sum())
    for k in range(1, m + 1):
        best = _optimum(a, w, k)
        assert (_optimum(r, red.weights, k) if r.size else 0.0) == pytest.approx(best)
        reduced, plain = solve_mclp(sparse.csr_array(a), w, k), solve_mclp(sparse.csr_array(a), w, k, reduce=False)
        assert reduced.objective == pytest.approx(best) == plain.objective
        assert len(reduced.selected) <= k and _covered(a, w, reduced.selected) == pytest.approx(best)


def test_without_the_dominance_step_equal_rows_are_still_merged(monkeypatch: pytest.MonkeyPatch) -> None:
    from linli.planning.core import siting

    monkeypatch.setattr(siting, "DOMINANCE_MAX_CANDIDATES", 1)  # as on an instance with very many candidates
    a = np.array([[1, 1, 0], [1, 1, 0], [0, 1, 1], [0, 0, 0]], dtype=float)
    w = np.array([2.0, 3.0, 4.0, 5.0])
    red = reduce_mclp(sparse.csr_array(a), w)
    assert red.candidates.tolist() == [0, 1, 2] and red.weights.tolist() == [5.0, 4.0]
    assert solve_mclp(sparse.csr_array(a), w, 1).objective == _optimum(a, w, 1) == 9.0
