"""Column generation with exact pricing (optimizer.search.colgen, .pricing): checked
against the full listing of a piece small enough to list (optimizer.search.columns).

If pricing missed a column of negative reduced cost, column generation would stop
at an LP value above the full listing's, or report a floor above the listing's
least reduced cost: both are compared here, on pieces with sites, a co-build
obligation, pipeline rooms, current communities and a cut-edge weight."""

from __future__ import annotations

import math

import numpy as np
import pytest

from optimizer.graph import components
from optimizer.model.master import incidence, solve_master
from optimizer.model.piece import PieceData, piece_data
from optimizer.rules.costs import ObjectiveWeights
from optimizer.scenario.build import grid_scenario
from optimizer.scenario.model import Scenario
from optimizer.search.colgen import generate, lagrangian_value
from optimizer.search.colgen_plan import integer_plan
from optimizer.search.columns import ColumnSet, build_columns, plan_by_columns
from optimizer.search.heuristic import grow_regions
from optimizer.search.pricing import TOLERANCE, Pricer
from optimizer.search.stop import StopFlag
from optimizer.status import Status

SITES = [
    dict(site_id="S-own", unit_id="r0c0", area_m2=450, owned=True, max_area_m2=700),
    dict(site_id="S-own-big", unit_id="r3c4", area_m2=620, owned=True, max_area_m2=620),
    dict(site_id="S-sale", unit_id="r1c3", area_m2=380, owned=False, max_area_m2=650,
         purchase_price_yuan=900_000),
    dict(site_id="S-pipe", unit_id="r4c1", area_m2=300, owned=True, max_area_m2=800,
         status="planned", available_year=2014),
]


def _scenario(seed: int, variant: str) -> Scenario:
    rng = np.random.default_rng(seed)
    grid = rng.integers(250, 1100, size=(5, 6)).tolist()
    kwargs: dict = {}
    if variant == "rich":
        kwargs = {"sites": SITES, "new_development": ["r2c2"],
                  "current": [[f"A{(r // 2) * 3 + c // 2}" for c in range(6)]
                              for r in range(5)],
                  "objective": ObjectiveWeights(cut_edge_yuan=4_000.0)}
    return grid_scenario(grid, **kwargs)


def _piece(s: Scenario) -> PieceData:
    [comp] = [c for c in components(s) if len(c.units) > 1]
    return piece_data(s, comp.key, comp.units)


CASES = [(1, "plain"), (2, "rich"), (3, "rich")]


def random_duals(seed: int, variant: str
                 ) -> tuple[Scenario, PieceData, Pricer, ColumnSet, list[np.ndarray]]:
    """A case's piece, its pricer, its full listing and three random multiplier
    vectors around the listing's mean cost a unit (for the pricing's floor tests)."""
    s = _scenario(seed, variant)
    data = _piece(s)
    cols = build_columns(s, data, max_columns=10**6, max_steps=10**7)
    assert cols is not None
    rng = np.random.default_rng(seed)
    mean = float(cols.cost_yuan.mean()) / np.mean([len(g) for g in cols.members])
    duals = [rng.uniform(0.6, 1.4, data.n) * mean for _ in range(3)]
    return s, data, Pricer(s, data), cols, duals


@pytest.mark.parametrize(("seed", "variant"), CASES)
def test_the_lp_over_generated_columns_is_the_lp_over_every_column(seed: int,
                                                                   variant: str) -> None:
    s = _scenario(seed, variant)
    data = _piece(s)
    cols = build_columns(s, data, max_columns=10**6, max_steps=10**7)
    assert cols is not None and len(cols.members) > 200
    full = solve_master(incidence(data.n, cols.members), cols.cost_yuan)
    res = generate(s, data, [tuple(r) for r in grow_regions(data)], max_rounds=200)
    assert res.converged
    assert res.lp_yuan == pytest.approx(full.value, rel=1e-9, abs=1e-3)
    # Converged: the bound is the LP's value, less the tolerance per centre.
    assert full.value - data.n * TOLERANCE - 1.0 <= res.bound_yuan <= full.value + 1e-3
    # Every generated column is one of the listing's, at the listing's cost.
    listed = dict(zip(cols.members, cols.cost_yuan.tolist(), strict=True))
    for g, c in zip(res.pool.members, res.pool.cost, strict=True):
        assert listed[g] == pytest.approx(c, rel=1e-12)


@pytest.mark.parametrize(("seed", "variant"), CASES)
def test_pricing_finds_the_least_reduced_cost(seed: int, variant: str) -> None:
    """Under duals far from optimal (random, large), the least floor over centres is
    the least reduced cost over the listing, and no centre's floor is above the
    reduced cost of a column it can be the center of."""
    s = _scenario(seed, variant)
    data = _piece(s)
    cols = build_columns(s, data, max_columns=10**6, max_steps=10**7)
    assert cols is not None
    pr = Pricer(s, data)
    rng = np.random.default_rng(seed)
    mean = float(cols.cost_yuan.mean()) / np.mean([len(g) for g in cols.members])
    for _ in range(3):
        pi = rng.uniform(0.6, 1.4, data.n) * mean
        reduced = cols.cost_yuan - np.array([pi[list(g)].sum() for g in cols.members])
        floors = [pr.price_center(c, pi, 2, None, 10**7) for c in range(data.n)]
        assert all(f.complete for f in floors)
        least = min(f.floor for f in floors)
        assert least <= float(reduced.min()) + 1e-6
        if reduced.min() < -TOLERANCE:
            assert least == pytest.approx(float(reduced.min()), rel=1e-9, abs=1e-6)
            found = {g for f in floors for _, g in f.found}
            assert min(reduced[k] for k, g in enumerate(cols.members) if g in found) \
                == pytest.approx(float(reduced.min()), rel=1e-9, abs=1e-6)


def _optimum(s: Scenario, data: PieceData) -> float:
    """The piece's proven optimum, by the full listing (its CP-SAT partitioning)."""
    best = plan_by_columns(s, data, budget_s=60.0, workers=1, seed=0, deterministic=True,
                           stop=StopFlag(), hint=lambda: None)
    assert best is not None and best.status == Status.OPTIMAL
    return sum(_cost(s, data, ch.members) for ch in best.choices)


@pytest.mark.parametrize(("seed", "variant"), CASES)
def test_every_rounds_bound_is_below_the_optimum(seed: int, variant: str) -> None:
    s = _scenario(seed, variant)
    data = _piece(s)
    optimum = _optimum(s, data)
    res = generate(s, data, [tuple(r) for r in grow_regions(data)], max_rounds=200)
    assert len(res.rounds) >= 2
    for r in res.rounds:
        assert r.bound_yuan <= optimum + 1e-6
    assert res.bound_yuan <= optimum + 1e-6
    # Pricing cut short (a node cap): still a bound, from the roots' floors.
    cut = generate(s, data, [tuple(r) for r in grow_regions(data)], max_rounds=3,
                   max_nodes=5)
    assert any(r.open_centers for r in cut.rounds)
    assert all(r.bound_yuan <= optimum + 1e-6 for r in cut.rounds)


def _cost(s: Scenario, data: PieceData, members: tuple[int, ...]) -> float:
    cols = build_columns(s, data, max_columns=10**6, max_steps=10**7)
    assert cols is not None
    local = {int(u): k for k, u in enumerate(data.units)}
    key = tuple(sorted(local[u] for u in members))
    return float(cols.cost_yuan[cols.members.index(key)])


def test_the_facility_floor_is_below_every_groups_cost_and_grows() -> None:
    """The pricing's bound assumes the cheapest option at a centre never gets cheaper
    with more households, and floors the cost of any group's option there."""
    s = _scenario(2, "rich")
    data = _piece(s)
    pr = Pricer(s, data)
    cols = build_columns(s, data, max_columns=10**6, max_steps=10**7)
    assert cols is not None
    for c in range(data.n):
        for level in range(3):
            values = [pr._floor_at(c, level, hh) for hh in range(data.lo, data.hi + 1, 7)]
            assert all(b >= a - 1e-9 for a, b in zip(values, values[1:], strict=False))
    h = data.households
    for g in cols.members[::7]:
        hh = int(h[list(g)].sum())
        level = max(pr.first[u] for u in g)
        for c in g:
            exact = pr.facility.at(c, g, hh)
            assert pr.fac_floor(c, level, hh) <= exact + 1e-9
            # The grid rounds down: never above the floor at the households themselves.
            assert pr.fac_floor(c, level, hh) <= pr._floor_at(c, level, hh) + 1e-9


def test_the_bound_takes_the_count_and_distinct_centres() -> None:
    pi = np.array([10.0, 10.0, 10.0, 10.0])
    floors = np.array([-3.0, -1.0, 2.0, math.inf])
    # k in 1..2: the two smallest (-4); k fixed to 3: -2.
    assert lagrangian_value(pi, floors, 1, 2) == pytest.approx(36.0, abs=1e-3)
    assert lagrangian_value(pi, floors, 3, 3) == pytest.approx(38.0, abs=1e-3)
    assert lagrangian_value(pi, np.array([-1.0, -math.inf]), 1, 2) == -math.inf


def test_a_raised_stop_prices_nothing_and_claims_no_bound() -> None:
    s = _scenario(1, "plain")
    data = _piece(s)
    flag = StopFlag()
    flag.set()
    res = generate(s, data, [tuple(r) for r in grow_regions(data)], max_rounds=5, stop=flag)
    assert res.rounds == () and res.bound_yuan == -math.inf and not res.converged


def test_the_plan_over_the_pool_is_no_worse_than_its_start() -> None:
    s = _scenario(2, "rich")
    data = _piece(s)
    start = [tuple(r) for r in grow_regions(data)]
    res = generate(s, data, start, max_rounds=200)
    got = integer_plan(data, res, start, time_s=5.0, workers=1, seed=0, deterministic=True,
                       stop=StopFlag())
    cost = dict(zip(res.pool.members, res.pool.cost, strict=True))
    assert got.cost_yuan <= sum(cost[g] for g in start) + 1e-6
    assert got.cost_yuan >= res.bound_yuan - 1e-6
    assert sorted(u for g in got.groups for u in g) == list(range(data.n))
