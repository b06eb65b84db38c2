"""Large listings by the LP and restricted integer solves (optimizer/model/master.py,
optimizer/search/colmaster.py): the bound recomputed from the duals never passes the
optimum found by enumerating every partition, the k-branching bound is at least the
free LP's, and the restricted integer solves reach that optimum and prove it.

Grids: the 3x3 brute-force instances (tests/helpers/bruteforce.py) and a 4x4 urban
grid whose optimum is found by set partitioning over every listed community.
"""

from __future__ import annotations

import numpy as np
import pytest

from optimizer.graph import components
from optimizer.model.count_floor import count_floor
from optimizer.model.master import count_bound, incidence, master_bound, solve_master
from optimizer.model.piece import piece_data
from optimizer.model.setpart import build_setpart, solve_setpart
from optimizer.scenario.build import grid_scenario
from optimizer.search.colmaster import NoPlan, solve_by_master, solve_without_start
from optimizer.search.columns import build_columns
from optimizer.search.heuristic import best_choice, grow_regions
from optimizer.search.stop import StopFlag
from tests.helpers.bruteforce import VARIANTS, brute_force, variant_scenario

GRID4 = [[700, 800, 650, 900], [900, 600, 750, 400], [500, 850, 700, 1200],
         [300, 950, 600, 800]]


def _listing(s):  # type: ignore[no-untyped-def]
    [comp] = components(s)
    data = piece_data(s, comp.key, comp.units)
    cols = build_columns(s, data)
    assert cols is not None
    return data, cols


@pytest.mark.parametrize("variant", VARIANTS)
def test_the_dual_bound_never_passes_the_optimum(variant: str) -> None:
    s = variant_scenario(variant)
    data, cols = _listing(s)
    a = incidence(data.n, cols.members)
    free = solve_master(a, cols.cost_yuan)
    assert free.ok and free.bound <= free.value + 1e-6
    best = brute_force(s)
    k_lo, k_hi = -(-data.total // data.hi), data.total // data.lo
    bound, lp, _ = master_bound(a, cols.cost_yuan, k_lo, k_hi)
    assert free.bound - 1e-6 <= bound <= best + 1e-6
    # Any multipliers give a bound, e.g. half the LP's duals.
    r = cols.cost_yuan - a.T @ (lp.duals / 2)
    assert float((lp.duals / 2).sum() + np.minimum(r, 0).sum()) <= best + 1e-6


@pytest.mark.parametrize("grid", [GRID4, [[h // 2 for h in r] for r in GRID4]])
def test_restricted_integer_solves_reach_and_prove_the_optimum(grid: list) -> None:
    kind = "urban" if grid is GRID4 else "rural"
    s = grid_scenario(grid, kind=kind)
    data, cols = _listing(s)
    exact = solve_setpart(build_setpart(data.n, cols.members, cols.cost_yuan), time_s=30,
                          workers=1, seed=0, deterministic=True, stop=StopFlag())
    assert exact.status == "OPTIMAL"
    optimum = float(cols.cost_yuan[list(exact.chosen)].sum())
    index = {g: k for k, g in enumerate(cols.members)}
    start = [index[tuple(sorted(r))] for r in grow_regions(data)
             if tuple(sorted(r)) in index]
    if sum(len(cols.members[k]) for k in start) != data.n:
        start = list(exact.chosen)          # region growing missed: any plan will do
    count = (-(-data.total // data.hi), data.total // data.lo)
    got = solve_by_master(data.n, cols.members, cols.cost_yuan, start, budget_s=20,
                          workers=1, seed=0, deterministic=True, stop=StopFlag(),
                          count=count)
    assert got is not None and got.status == "OPTIMAL"
    assert float(cols.cost_yuan[list(got.chosen)].sum()) == pytest.approx(optimum, abs=1e-3)
    assert got.bound_yuan <= optimum + 1e-6
    assert sorted(i for k in got.chosen for i in cols.members[k]) == list(range(data.n))
    assert all(best_choice(s, data, list(cols.members[k])) for k in got.chosen)


def test_a_count_its_first_restricted_lp_cannot_reach_still_gets_its_lp(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # Six units on a line; singles are cheapest per unit, so column generation starts
    # from them alone. Three communities need the pairs: the restricted LP must stay
    # feasible (artificial columns outside the count) and price the pairs in, giving
    # the count's LP over every column, not a failure (which cost the count-fixed bound).
    import optimizer.model.master as master
    monkeypatch.setattr(master, "DIRECT_COLUMNS", 5)
    monkeypatch.setattr(master, "FIRST_COLUMNS", 6)
    members = [(i,) for i in range(6)] + [(i, i + 1) for i in range(5)]
    cost = np.array([1.0] * 6 + [3.0, 2.5, 3.0, 2.5, 3.0])
    a = incidence(6, members)
    direct = master._direct(a, cost, 3, np.arange(len(members)))
    got = solve_master(a, cost, count=3)
    assert direct.ok and got.ok and got.finished
    assert got.value == pytest.approx(direct.value) == pytest.approx(9.0)
    assert got.bound == pytest.approx(9.0, abs=1e-4) and got.bound <= 9.0


def test_the_neighbourhoods_run_on_the_plan_when_given_the_units_neighbours() -> None:
    s = grid_scenario(GRID4, kind="urban")
    data, cols = _listing(s)
    worst = solve_setpart(build_setpart(data.n, cols.members, -cols.cost_yuan), time_s=30,
                          workers=1, seed=0, deterministic=True, stop=StopFlag())
    count = (-(-data.total // data.hi), data.total // data.lo)
    got = solve_by_master(data.n, cols.members, cols.cost_yuan, list(worst.chosen),
                          budget_s=20, workers=1, seed=0, deterministic=True, stop=StopFlag(),
                          count=count, nbrs=data.nbrs, households=data.households)
    assert got is not None and got.resplit.startswith("resplit(")
    assert sorted(i for k in got.chosen for i in cols.members[k]) == list(range(data.n))
    assert got.bound_yuan <= float(cols.cost_yuan[list(got.chosen)].sum()) + 1e-6


def test_without_a_start_the_dives_plan_is_the_start_and_no_plan_says_its_time() -> None:
    # The 4x4 grid's listing with no plan in hand (optimizer.search.cored's call): the
    # dive's plan, a partition, bounded by the LP. Three units on a line listed only as
    # {0,1} and {1,2}: no partition, and the answer says what the LP and dive took, so
    # the caller charges that and not a guess.
    s = grid_scenario(GRID4, kind="urban")
    data, cols = _listing(s)
    count = (-(-data.total // data.hi), data.total // data.lo)
    got = solve_without_start(data.n, cols.members, cols.cost_yuan, budget_s=20, workers=1,
                              seed=0, deterministic=True, stop=StopFlag(), count=count)
    assert not isinstance(got, NoPlan) and got.dived
    assert sorted(i for k in got.chosen for i in cols.members[k]) == list(range(data.n))
    assert got.bound_yuan <= float(cols.cost_yuan[list(got.chosen)].sum()) + 1e-6
    none = solve_without_start(3, ((0, 1), (1, 2)), np.array([1.0, 1.0]), budget_s=5,
                               workers=1, seed=0, deterministic=True, stop=StopFlag(),
                               count=(1, 3))
    assert isinstance(none, NoPlan) and none.used_s > 0.0


def test_an_lp_count_below_the_fewest_proven_bounds_at_the_fewest() -> None:
    # Four units in a row: one cheap community of all four (the free LP takes it, Σx
    # = 1), or pairs. With at least two communities proven (optimizer.model.count_floor
    # gives it on real pieces), every plan is {0,1}{2,3} at 5 or {0}{1,2}{3} at 6: the
    # LP with the count fixed to 2 (3.5, fractional) bounds them, where the free LP's 1
    # was kept.
    members = [(0, 1, 2, 3), (0, 1), (2, 3), (1, 2), (0,), (3,)]
    cost = np.array([1.0, 2.5, 2.5, 2.0, 2.0, 2.0])
    a = incidence(4, members)
    free = solve_master(a, cost)
    assert free.ok and free.count == pytest.approx(1.0)
    best = min(cost[[1, 2]].sum(), cost[[3, 4, 5]].sum())
    bound, work = count_bound(a, cost, free, 2, 4)
    assert work > 0
    assert free.bound + 1.0 <= bound <= best + 1e-6
    assert bound == pytest.approx(3.5, abs=1e-4)
    # The same from above: at most one community allowed (k_hi = 1) is the free LP's.
    assert count_bound(a, cost, free, 1, 1) == (free.bound, 0.0)


@pytest.mark.parametrize("variant", VARIANTS)
def test_the_count_bound_at_the_fewest_never_passes_the_optimum(variant: str) -> None:
    # On each 3x3 grid the free LP's Σx is 2.25 and the fewest communities proven 3:
    # the LP at 3 is the optimum to a cent here, where the free LP was 11-24% below.
    s = variant_scenario(variant)
    data, cols = _listing(s)
    a = incidence(data.n, cols.members)
    free = solve_master(a, cols.cost_yuan)
    best = brute_force(s)
    fewest = count_floor(data).least
    assert free.count < fewest
    bound, _ = count_bound(a, cols.cost_yuan, free, fewest, data.total // data.lo)
    assert bound <= best + 1e-6
    assert bound >= 0.999 * best > free.bound
