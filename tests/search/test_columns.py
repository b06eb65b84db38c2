"""Exact pieces by columns (optimizer/search/columns.py): the enumeration lists every
connected group within the bounds once, each column costs exactly what the plan's
pricing gives, and set partitioning reaches the brute-force optimum.

Grids: the 3x3 urban grid of tests/test_solve_bruteforce.py (its helpers are reused),
and irregular ones with holes and empty (0-household) units.
"""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest

from optimizer.checker.checker import check
from optimizer.graph import components
from optimizer.model.piece import PieceData, piece_data
from optimizer.rules.costs import ObjectiveWeights
from optimizer.scenario.build import grid_scenario
from optimizer.scenario.model import Scenario
from optimizer.search import solve
from optimizer.search.assemble import cut_edges_yuan, price
from optimizer.search.columns import build_columns, connected_groups, plan_by_columns
from optimizer.search.heuristic import best_choice
from optimizer.search.piece import PieceTask, solve_piece
from optimizer.search.stop import StopFlag
from tests.helpers.bruteforce import GRID, SITES, VARIANTS, brute_force, variant_scenario

HOLEY = [[700, 0, 650, 900], [None, 600, 0, 750], [500, 850, None, 700]]
CURRENT = [["A", "A", "B"], ["A", "B", "B"], ["C", "C", "B"]]


def _piece(s: Scenario) -> PieceData:
    [comp] = [c for c in components(s) if len(c.units) > 1]
    return piece_data(s, comp.key, comp.units)


def _brute_groups(data: PieceData) -> set[tuple[int, ...]]:
    g = nx.Graph()
    g.add_nodes_from(range(data.n))
    g.add_edges_from((u, v) for u in range(data.n) for v in data.nbrs[u])
    out = set()
    for mask in range(1, 1 << data.n):
        members = tuple(i for i in range(data.n) if mask >> i & 1)
        weight = int(data.households[list(members)].sum())
        if data.lo <= weight <= data.hi and nx.is_connected(g.subgraph(members)):
            out.add(members)
    return out


@pytest.mark.parametrize("grid,kind", [(GRID, "urban"), (HOLEY, "urban"),
                                       ([[h // 2 for h in r] for r in GRID], "rural"),
                                       ([[0, 0, 0, 0], [1200, 0, 900, 1100], [0, 0, 0, 800]],
                                        "urban")])
def test_enumeration_lists_every_connected_group_once(grid: list, kind: str) -> None:
    data = _piece(grid_scenario(grid, kind=kind))
    found = connected_groups(data)
    assert found is not None
    groups, steps = found
    assert len(groups) == len(set(groups))          # each group once
    assert set(groups) == _brute_groups(data)
    assert steps >= len(groups)


def test_random_graphs_match_brute_force() -> None:
    rng = np.random.default_rng(11)
    for _ in range(6):
        hh = rng.integers(0, 1300, size=(3, 4))
        grid = [[None if rng.random() < 0.15 else int(v) for v in row] for row in hh]
        s = grid_scenario(grid)
        for comp in components(s):
            data = piece_data(s, comp.key, comp.units)
            found = connected_groups(data)
            assert found is not None
            assert sorted(found[0]) == sorted(_brute_groups(data))


def _column_scenario() -> Scenario:
    """Sites with every remedy (swap included), today's communities, cut-edge weight."""
    return grid_scenario(GRID, sites=SITES, current=CURRENT, new_development=["r1c1"],
                         objective=ObjectiveWeights(cut_edge_yuan=1234.5))


def test_column_costs_equal_price_plus_cut_edges() -> None:
    s = _column_scenario()
    data = _piece(s)
    cols = build_columns(s, data)
    assert cols is not None and len(cols.members) > 20
    edges = [(a, b) for a, b in s.edges.tolist()]
    for members, cost in zip(cols.members, cols.cost_yuan.tolist(), strict=True):
        ch = best_choice(s, data, list(members))
        assert ch is not None
        glob = set(ch.members)
        leaving = sum(1 for a, b in edges if (a in glob) != (b in glob))
        expected = price(s, ch).objective_yuan + s.objective.cut_edge_yuan * leaving / 2
        assert cost == pytest.approx(expected, rel=1e-12, abs=1e-6)
    assert any(price(s, best_choice(s, data, list(m))).moved_households for m in cols.members)


def test_plan_cost_is_the_sum_of_its_columns_and_checks() -> None:
    s = _column_scenario()
    data = _piece(s)
    got = plan_by_columns(s, data, budget_s=10, workers=1, seed=0, deterministic=True,
                          stop=StopFlag(), hint=lambda: None)
    assert got is not None and got.status == "OPTIMAL"
    cols = build_columns(s, data)
    assert cols is not None
    index = {g: k for k, g in enumerate(cols.members)}
    local = {int(u): k for k, u in enumerate(data.units)}
    total = sum(float(cols.cost_yuan[index[tuple(sorted(local[u] for u in ch.members))]])
                for ch in got.choices)
    exact = sum(price(s, ch).objective_yuan for ch in got.choices) \
        + cut_edges_yuan(s, got.choices)
    assert exact == pytest.approx(total, abs=1e-6)
    assert got.bound_yuan <= exact and exact - got.bound_yuan < 2.0
    plan = solve(s, time_limit_s=10, workers=1, seed=0)
    assert plan.objective == pytest.approx(exact, abs=0.01)   # summary: 2 decimals
    assert check(s, plan).passed


@pytest.mark.parametrize("variant", VARIANTS)
def test_set_partitioning_reaches_brute_force_optimum(variant: str) -> None:
    s = variant_scenario(variant)
    expected = brute_force(s)
    plan = solve(s, time_limit_s=10, workers=1, seed=0)
    [method] = [p.method for p in plan.pieces]
    assert method.startswith("columns(")
    assert plan.status == "OPTIMAL"
    assert plan.objective == pytest.approx(expected, abs=0.01)
    assert plan.bound <= plan.objective + 1e-6
    assert plan.gap < 1e-5
    report = check(s, plan)
    assert report.passed, report.summary_text()


def test_same_seed_one_worker_same_plan_and_stop_gives_a_plan() -> None:
    s = grid_scenario(HOLEY, sites=SITES[:1])
    data = _piece(s)
    runs = [plan_by_columns(s, data, budget_s=5, workers=1, seed=3, deterministic=True,
                            stop=StopFlag(), hint=lambda: None) for _ in range(2)]
    assert runs[0] is not None and runs[1] is not None
    assert runs[0].choices == runs[1].choices
    stopped = StopFlag()
    stopped.set()
    hurried = plan_by_columns(s, data, budget_s=5, workers=1, seed=3, deterministic=True,
                              stop=stopped, hint=lambda: None)
    assert hurried is not None and hurried.choices
    assert math.isfinite(hurried.bound_yuan)


def test_too_many_groups_abort_and_the_models_take_over() -> None:
    data = _piece(grid_scenario(GRID))
    assert connected_groups(data, max_columns=3) is None
    assert connected_groups(data, max_steps=5) is None
    # Villagers' groups of 40-110 households: ~15 per community, far too many groups.
    rng = np.random.default_rng(5)
    s = grid_scenario(rng.integers(40, 111, size=(8, 8)).tolist(), kind="rural",
                      cell_m=400.0)
    assert build_columns(s, _piece(s)) is None
    plan = solve(s, time_limit_s=4, workers=1)
    assert not any(p.method.startswith("columns") for p in plan.pieces)
    assert check(s, plan).passed


def test_no_partition_of_a_long_piece_is_proved_and_its_core_exempt() -> None:
    """11 units in a row (too many for the diagnosis's exhaustive check): 1,500 +
    1,000 + empty units + 1,500 fits two communities by arithmetic, no split fits.
    Its core's community alone breaks the bounds (optimizer.search.cored; the soft
    model before)."""
    s = grid_scenario([[1500, 1000] + [0] * 8 + [1500]])
    data = _piece(s)
    comp = components(s)[0]
    task = PieceTask(index=0, key=comp.key, units=comp.units, diagnosis=None, budget_s=5,
                     seed=0, threads=1)
    res = solve_piece(s, task, StopFlag())
    assert res.method.startswith("core(1 exempt")
    assert "proved impossible" in res.reason and "possible communities" in res.reason
    assert sum(len(ch.members) for ch in res.choices) == data.n
    assert sum(1 for ex in res.exemptions if ex) == 1
