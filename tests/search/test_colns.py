"""Neighbourhoods over a complete listing (optimizer.search.colns)."""

from __future__ import annotations

import numpy as np
import pytest

from optimizer.graph import components
from optimizer.model.master import incidence
from optimizer.model.piece import piece_data
from optimizer.model.setpart import build_setpart, solve_setpart
from optimizer.scenario.build import grid_scenario
from optimizer.search.colns import column_neighbourhoods
from optimizer.search.columns import build_columns
from optimizer.search.stop import StopFlag


def _line(n: int) -> tuple:  # type: ignore[type-arg]
    """Units on a line; every interval of 1-3 units a column, 10 yuan fixed + 1 a unit."""
    members = [tuple(range(i, j)) for i in range(n) for j in range(i + 1, min(n, i + 3) + 1)]
    cost = np.array([10.0 + len(g) for g in members])
    nbrs = tuple(tuple(j for j in (i - 1, i + 1) if 0 <= j < n) for i in range(n))
    return members, cost, nbrs


def test_three_communities_that_fit_in_two_become_two() -> None:
    members, cost, nbrs = _line(6)
    index = {g: k for k, g in enumerate(members)}
    start = [index[(0, 1)], index[(2, 3)], index[(4, 5)]]
    plan, stats = column_neighbourhoods(incidence(6, members), cost, nbrs, np.ones(6),
                                        start, work_s=10.0, stop=StopFlag())
    assert sorted(members[k] for k in plan) == [(0, 1, 2), (3, 4, 5)]
    assert stats.removed == 1 and stats.improved >= 1 and stats.used_s > 0


def test_a_spent_budget_or_a_raised_flag_keeps_the_plan() -> None:
    members, cost, nbrs = _line(6)
    index = {g: k for k, g in enumerate(members)}
    start = [index[(0, 1)], index[(2, 3)], index[(4, 5)]]
    a = incidence(6, members)
    plan, stats = column_neighbourhoods(a, cost, nbrs, np.ones(6), start, work_s=0.0,
                                        stop=StopFlag())
    assert plan == sorted(start) and stats.groups == 0
    flag = StopFlag()
    flag.set()
    plan, _ = column_neighbourhoods(a, cost, nbrs, np.ones(6), start, work_s=10.0, stop=flag)
    assert plan == sorted(start)


GRID = [[700, 800, 650, 900, 500], [900, 600, 750, 400, 820], [500, 850, 700, 1200, 640],
        [300, 950, 600, 800, 710]]


def test_on_a_listed_street_it_stays_a_partition_never_costs_more_and_repeats() -> None:
    s = grid_scenario(GRID, kind="urban")
    [comp] = components(s)
    data = piece_data(s, comp.key, comp.units)
    cols = build_columns(s, data)
    assert cols is not None
    a = incidence(data.n, cols.members)
    exact = solve_setpart(build_setpart(data.n, cols.members, cols.cost_yuan), time_s=30,
                          workers=1, seed=0, deterministic=True, stop=StopFlag())
    optimum = float(cols.cost_yuan[list(exact.chosen)].sum())
    # The dearest plan CP-SAT finds (the objective negated): a poor start.
    worst = solve_setpart(build_setpart(data.n, cols.members, -cols.cost_yuan), time_s=30,
                          workers=1, seed=0, deterministic=True, stop=StopFlag())
    start = list(worst.chosen)
    runs = [column_neighbourhoods(a, cols.cost_yuan, data.nbrs, data.households, start,
                                  work_s=20.0, stop=StopFlag(), seed=3) for _ in range(2)]
    plan = runs[0][0]
    assert plan == runs[1][0]
    assert sorted(i for k in plan for i in cols.members[k]) == list(range(data.n))
    got = float(cols.cost_yuan[plan].sum())
    assert optimum - 1e-6 <= got < float(cols.cost_yuan[start].sum())
    assert got == pytest.approx(optimum, rel=0.02)


def test_a_group_with_too_many_columns_inside_is_skipped(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import optimizer.search.colns as colns
    monkeypatch.setattr(colns, "GROUP_COLUMNS", 5)
    members, cost, nbrs = _line(6)
    index = {g: k for k, g in enumerate(members)}
    start = [index[(0, 1)], index[(2, 3)], index[(4, 5)]]
    plan, stats = column_neighbourhoods(incidence(6, members), cost, nbrs, np.ones(6),
                                        start, work_s=10.0, stop=StopFlag())
    assert plan == sorted(start) and stats.groups == 0 and stats.used_s > 0
