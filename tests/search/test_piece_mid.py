"""Mid-size pieces (optimizer.search.piece): too many columns to list, too small for
the large-piece search by model size. Those of many communities get the large
pieces' search (tree partitions, fewer-community moves, neighbourhood search) for
their whole budget, bounded by the floors (the "adjacent" bound model was dropped:
below the Lagrangian floor on every bench piece that took it, bench/JOURNAL.md helper
`adj`); those of a few keep the ordering model per count."""

from __future__ import annotations

import numpy as np
import pytest

from optimizer.checker.checker import check
from optimizer.graph import components, feasible_community_counts, is_connected
from optimizer.model.piece import piece_data
from optimizer.scenario.build import grid_scenario
from optimizer.scenario.model import Scenario
from optimizer.search import driver, piece, solve
from optimizer.search.piece_common import plan_cost
from optimizer.search.piece_types import PieceTask
from optimizer.search.stop import StopFlag


def _street(rows: int, cols: int, seed: int) -> Scenario:
    rng = np.random.default_rng(seed)
    return grid_scenario(rng.integers(400, 700, size=(rows, cols)).tolist())


def _mid(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every piece mid-size: no listing, the flow model's threshold below it."""
    monkeypatch.setattr(piece, "plan_by_columns", lambda *a, **k: None)
    monkeypatch.setattr(piece, "FLOW_X", 10)


def _solve_piece(s: Scenario, budget: float) -> tuple[object, object]:
    [comp] = [c for c in components(s) if len(c.units) > 1]
    data = piece_data(s, comp.key, comp.units)
    task = PieceTask(0, data.key, data.units, None, budget_s=budget, seed=1, threads=1)
    return data, piece.solve_data(s, data, task, StopFlag())


def test_mid_piece_of_many_communities_gets_the_neighbourhood_search(
        monkeypatch: pytest.MonkeyPatch) -> None:
    _mid(monkeypatch)
    s = _street(6, 8, 3)                # ~26,000 households: 9+ urban communities
    data, res = _solve_piece(s, 8.0)
    # On 2cad96c: "exact(k=...)", the ordering model's plan, no neighbourhood search.
    assert "lns(" in res.method and "lagrangian bound" in res.method, res.method
    assert "adjacent" not in res.method
    assert feasible_community_counts(data.total, data.lo, data.hi)[0] >= piece.MID_COMMUNITIES
    assert all(is_connected(ch.members, s.neighbours) for ch in res.choices)
    assert all(data.lo <= int(s.households[list(ch.members)].sum()) <= data.hi
               for ch in res.choices)
    assert 0 < res.bound <= plan_cost(s, res.choices) + 1e-6


def test_mid_piece_of_few_communities_keeps_the_ordering_model(
        monkeypatch: pytest.MonkeyPatch) -> None:
    _mid(monkeypatch)
    s = _street(3, 4, 4)                # ~6,600 households: 3 urban communities at most
    data, res = _solve_piece(s, 6.0)
    assert feasible_community_counts(data.total, data.lo, data.hi)[0] < piece.MID_COMMUNITIES
    assert res.method.startswith("exact("), res.method


def test_mid_path_plan_passes_the_checker(monkeypatch: pytest.MonkeyPatch) -> None:
    _mid(monkeypatch)
    monkeypatch.setattr(driver, "DET_PER_S", 0.125)    # the clock's net far off (load)
    s = _street(6, 8, 5)
    plan = solve(s, time_limit_s=10, workers=1)
    assert any("lns(" in p.method for p in plan.pieces), [p.method for p in plan.pieces]
    assert 0 < plan.bound <= plan.objective
    assert check(s, plan).passed
