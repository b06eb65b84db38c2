"""Whole units in the Lagrangian's subproblems (optimizer/model/lagrange_int.py): each
center's knapsack is solved exactly (against enumeration of every subset), its bound
at the same multipliers is at least the LP's, and still below the true optimum."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from optimizer.graph import decompose
from optimizer.model.lagrange import (
    _exact,
    _initial,
    _pick,
    _relaxation,
    lagrangian_bound,
    lagrangian_solution,
)
from optimizer.model.lagrange_int import (
    ITEM_CELLS,
    knapsack_work,
    whole_unit_dual,
    whole_unit_solution,
    whole_unit_steps,
)
from optimizer.model.piece import piece_data
from optimizer.scenario.build import grid_scenario
from optimizer.scenario.model import Scenario
from optimizer.search import solve
from tests.helpers.bruteforce import brute_force, variant_scenario


def _enumerated(base: np.ndarray, cap_lo: np.ndarray, cap_hi: np.ndarray, start: np.ndarray,
                w: np.ndarray, r: np.ndarray) -> np.ndarray:
    """Every subset of every center's members, every segment."""
    n, segs = base.shape
    end = np.append(start[1:], len(w))
    out = np.full(n, math.inf)
    for j in range(n):
        items = list(range(int(start[j]), int(end[j])))
        for size in range(len(items) + 1):
            for sub in itertools.combinations(items, size):
                h = int(w[list(sub)].sum())
                cost = float(r[list(sub)].sum())
                for t in range(segs):
                    if math.isfinite(base[j, t]) and cap_lo[j, t] <= h <= cap_hi[j, t]:
                        out[j] = min(out[j], base[j, t] + cost)
    return out


@pytest.mark.parametrize("seed", range(8))
def test_whole_unit_values_match_enumeration(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, segs = 4, 2
    counts = rng.integers(0, 8, size=n)
    start = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    w = rng.integers(1, 60, size=int(counts.sum())).astype(float)
    r = rng.normal(0.0, 50.0, size=len(w))
    base = rng.uniform(100.0, 200.0, size=(n, segs))
    base[rng.random((n, segs)) < 0.2] = math.inf
    cap_lo = np.sort(rng.integers(0, 120, size=(n, segs)), axis=1).astype(float)
    cap_hi = cap_lo + rng.integers(0, 80, size=(n, segs))
    got = whole_unit_solution(base, cap_lo, cap_hi, start, w, r, members=False)[0]
    want = _enumerated(base, cap_lo, cap_hi, start, w, r)
    assert np.array_equal(np.isinf(got), np.isinf(want))
    fin = np.isfinite(want)
    assert np.allclose(got[fin], want[fin], rtol=0.0, atol=1e-9)


def _scenario(seed: int, rural: bool) -> Scenario:
    rng = np.random.default_rng(seed)
    top = 300 if rural else 900
    grid = rng.integers(top // 5, top, size=(5, 6)).tolist()
    return grid_scenario(grid, kind="rural" if rural else "urban", cell_m=900.0)


@pytest.mark.parametrize(("seed", "rural"), [(1, True), (2, False), (3, True), (4, False)])
def test_whole_units_at_least_the_lp_at_the_same_multipliers(seed: int, rural: bool) -> None:
    s = _scenario(seed, rural)
    comps, _ = decompose(s)
    data = piece_data(s, comps[0].key, comps[0].units)
    rel = _relaxation(s, data)
    assert rel is not None
    rng = np.random.default_rng(seed)
    lam0 = _initial(rel, data)
    gained = 0
    for _ in range(5):
        lam = lam0 * rng.uniform(0.5, 3.0, size=len(lam0))
        lp = _exact(rel, lam)
        whole = whole_unit_dual(rel, lam, lambda v, t: _pick(rel, v, t))[0]
        assert whole >= lp - 1e-6 * abs(lp)
        gained += whole > lp + 1.0
    assert gained > 0          # part-units matter on these grids: the evaluation adds


@pytest.mark.parametrize("variant", ["sites", "no_build", "codevelop", "rural", "zero"])
def test_bound_with_whole_units_below_brute_force_optimum(variant: str) -> None:
    s = variant_scenario(variant)
    comps, _ = decompose(s)
    data = piece_data(s, comps[0].key, comps[0].units)
    best = brute_force(s)
    value, lam = lagrangian_solution(s, data, time_s=2.0)
    assert lam is not None
    rel = _relaxation(s, data)
    assert rel is not None
    steps = whole_unit_steps(rel, lam, lambda v, t: _pick(rel, v, t), steps=60, upper=best,
                             t_end=math.inf, stop=None)
    assert _exact(rel, lam) - 1e-6 <= value <= best + 1e-6
    assert steps <= best + 1e-6
    assert lagrangian_bound(s, data, time_s=2.0) <= best + 1e-6


@pytest.mark.parametrize(("seed", "rural"), [(1, True), (2, False), (3, True), (4, False)])
def test_steps_lift_the_whole_unit_dual_and_stay_below_plans(seed: int, rural: bool) -> None:
    """From the LP's multipliers, whole-unit steps give at least λ's own evaluation,
    and stay below a plan the solver found (a true upper bound)."""
    s = _scenario(seed, rural)
    comps, _ = decompose(s)
    data = piece_data(s, comps[0].key, comps[0].units)
    rel = _relaxation(s, data)
    assert rel is not None
    _, lam = lagrangian_solution(s, data, time_s=2.0, max_iter=40)
    assert lam is not None
    upper = solve(s, time_limit_s=3, workers=1, seed=1).objective
    assert upper is not None

    def pick(v: np.ndarray, t: float) -> tuple[np.ndarray | None, float]:
        return _pick(rel, v, t)
    one = whole_unit_steps(rel, lam, pick, steps=1, upper=None, t_end=math.inf, stop=None)
    many = whole_unit_steps(rel, lam, pick, steps=30, upper=None, t_end=math.inf, stop=None)
    assert one == pytest.approx(whole_unit_dual(rel, lam, pick)[0] - 1e-6)
    assert one <= many <= upper + 1e-6


def test_work_estimate_counts_members_times_capacity() -> None:
    start = np.array([0, 3, 3])
    cap_hi = np.array([[100.0, 200.0], [50.0, math.inf], [10.0, 20.0]])
    extra = ITEM_CELLS
    assert knapsack_work(start, 5, cap_hi) == 3 * (200 + extra) + 2 * (20 + extra)
