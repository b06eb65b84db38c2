"""The Lagrangian bound (optimizer/model/lagrange.py) is a true lower bound, and a
much stronger one than the arithmetic bound on a mid-size rural piece."""

from __future__ import annotations

import math

import numpy as np
import pytest

from optimizer.graph import decompose
from optimizer.model.bounds import arithmetic_bound
from optimizer.model.lagrange import _cost_table, _reach_matrix, lagrangian_bound
from optimizer.model.piece import PieceData, piece_data
from optimizer.scenario.build import grid_scenario
from optimizer.scenario.model import Scenario
from optimizer.search import solve
from optimizer.search.assemble import price
from optimizer.search.attempt import Choice
from optimizer.search.heuristic import best_choice, grow_regions
from tests.helpers.bruteforce import brute_force, variant_scenario


def _piece(s: Scenario) -> PieceData:
    comps, _ = decompose(s)
    assert len(comps) == 1
    return piece_data(s, comps[0].key, comps[0].units)




@pytest.mark.parametrize("variant", ["sites", "no_build", "codevelop", "rural", "year2015",
                                     "zero"])
def test_bound_below_brute_force_optimum(variant: str) -> None:
    s = variant_scenario(variant)
    data = _piece(s)
    best = brute_force(s)
    assert math.isfinite(best)
    bound = lagrangian_bound(s, data, time_s=2.0)
    assert 0.9 * best <= bound <= best + 1e-6
    assert lagrangian_bound(s, data, time_s=2.0, upper=best) <= best + 1e-6


def test_cost_table_is_below_every_priced_community() -> None:
    """cost[j, h] ≤ the exact price of any community of h households centred at j."""
    s = variant_scenario("sites")
    data = _piece(s)
    cost, hs, _ = _cost_table(s, data, _reach_matrix(data))
    rng = np.random.default_rng(0)
    checked = 0
    for _ in range(300):
        members = sorted(rng.choice(data.n, size=int(rng.integers(2, 5)), replace=False))
        hh = int(data.households[members].sum())
        if not data.lo <= hh <= data.hi:
            continue
        ch = best_choice(s, data, [int(m) for m in members])
        assert ch is not None
        p = price(s, Choice(ch.center, ch.members, ch.remedy, ch.site, ch.credit_site))
        j = int(np.flatnonzero(data.units == ch.center)[0])
        assert cost[j, hh - hs[0]] <= p.horizon_yuan + 1e-6   # the objective's yearly cost
        checked += 1
    assert checked > 20


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_bound_below_solver_plan_on_generated_pieces(seed: int) -> None:
    """Random grids (with a current community map: moved households count), solved by
    the engine to optimality or near it: the bound never exceeds its plan."""
    rng = np.random.default_rng(seed)
    rural = seed % 2 == 1
    top = 400 if rural else 800
    grid = rng.integers(top // 4, top, size=(3, 5)).tolist()
    current = [[f"C{(r * 5 + c) // 4}" for c in range(5)] for r in range(3)]
    sites = [dict(site_id="S1", unit_id="r1c1", area_m2=450, owned=True, max_area_m2=800),
             dict(site_id="S2", unit_id="r0c4", area_m2=300, owned=False, max_area_m2=700,
                  purchase_price_yuan=500_000)]
    s = grid_scenario(grid, kind="rural" if rural else "urban", sites=sites, current=current)
    data = _piece(s)
    plan = solve(s, time_limit_s=10, workers=1, seed=0)
    objective = plan.summary["objective"]
    bound = lagrangian_bound(s, data, time_s=2.0)
    assert bound <= objective + 1e-6
    assert bound >= arithmetic_bound(s, data) * 0.95


def test_mid_size_rural_piece_much_stronger_than_arithmetic() -> None:
    """A 300-unit rural piece of small villages 1.2 km apart (about 15,000
    households): the Lagrangian bound closes most of the arithmetic bound's gap to
    a plan (region growing)."""
    rng = np.random.default_rng(7)
    grid = rng.integers(20, 80, size=(15, 20)).tolist()
    sites = [dict(site_id=f"S{k}", unit_id=f"r{r}c{c}", area_m2=420, owned=True,
                  max_area_m2=900) for k, (r, c) in enumerate([(2, 3), (7, 12), (12, 5)])]
    s = grid_scenario(grid, kind="rural", sites=sites, cell_m=1200.0)
    data = _piece(s)
    arith = arithmetic_bound(s, data)
    bound = lagrangian_bound(s, data, time_s=4.0)
    plan = [best_choice(s, data, r) for r in grow_regions(data)]
    assert all(ch is not None and data.lo <= int(s.households[list(ch.members)].sum())
               <= data.hi for ch in plan)
    cost = sum(price(s, ch).objective_yuan for ch in plan if ch is not None)
    assert arith < bound <= cost
    assert cost - bound < 0.5 * (cost - arith)


def test_edge_cases_give_zero() -> None:
    # No number of communities fits: 500 households, urban (2,000-3,000).
    assert lagrangian_bound(grid_scenario([[300, 200]]), _piece(grid_scenario([[300, 200]])),
                            time_s=1.0) == 0.0
    # No unit can hold a center: nowhere to build, no site.
    s = grid_scenario([[700, 800], [900, 600]], no_build=["r0c0", "r0c1", "r1c0", "r1c1"])
    assert lagrangian_bound(s, _piece(s), time_s=1.0) == 0.0
    # A unit no possible center reaches: centers only at r0c0 and r0c1, whose reach
    # (paths of ≤ 3,000 households) stops before r0c4.
    s = grid_scenario([[800] * 5], no_build=["r0c2", "r0c3", "r0c4"])
    assert lagrangian_bound(s, _piece(s), time_s=1.0) == 0.0


def test_deterministic() -> None:
    s = variant_scenario("rural")
    data = _piece(s)
    a = lagrangian_bound(s, data, time_s=10.0, max_iter=80)
    b = lagrangian_bound(s, data, time_s=10.0, max_iter=80)
    assert a == b
