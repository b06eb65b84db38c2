"""The time a large piece's search leaves unused goes to column generation's bound
(optimizer.search.leftover): the bound stays below the brute-force optimum, the plan is
the search's, deterministic mode charges it within the budget, and a piece that is
not large, or whose search used its budget, is left as it was."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace
from typing import cast

import pytest

from optimizer.graph import decompose
from optimizer.model.piece import PieceData, piece_data
from optimizer.scenario.build import grid_scenario
from optimizer.search import leftover as lo
from optimizer.search import piece as piece_mod
from optimizer.search.attempt import Choice
from optimizer.search.colgen_floor import MAX_ROUNDS
from optimizer.search.piece_types import PieceResult, PieceTask
from optimizer.search.recentre import PER_UNIT_S
from optimizer.search.stop import StopFlag
from optimizer.status import Status
from tests.helpers.bruteforce import brute_force
from tests.search.test_piece_floor import TIGHT


def _solve(monkeypatch: pytest.MonkeyPatch, used: float, large: bool, deterministic: bool
           ) -> tuple[PieceResult, float, PieceResult]:
    """TIGHT's piece with a search that used ``used`` of a 10-s budget: the result,
    the brute-force optimum and the search's own result."""
    s = grid_scenario(TIGHT)
    [comp], _ = decompose(s)
    data = piece_data(s, comp.key, comp.units)
    plan = tuple(Choice(u, (u,), "build", None, None) for u in range(4))
    searched = PieceResult(0, plan, ((),) * 4, Status.FEASIBLE, 0.0, used, "lns(1 rounds)")
    monkeypatch.setattr(piece_mod, "_solve", lambda *a: (searched, 1.0, 0.0, large))
    task = PieceTask(0, comp.key, comp.units, None, budget_s=10.0, seed=0, threads=1,
                     deterministic=deterministic)
    return piece_mod.solve_data(s, data, task, StopFlag()), brute_force(s), searched


@pytest.mark.parametrize("deterministic", [False, True])
def test_a_converged_search_s_time_lifts_the_floor(monkeypatch: pytest.MonkeyPatch,
                                                    deterministic: bool) -> None:
    small, best, _ = _solve(monkeypatch, 0.1, large=False, deterministic=deterministic)
    res, _, searched = _solve(monkeypatch, 0.1, large=True, deterministic=deterministic)
    assert small.bound < res.bound <= best + 1e-6      # one pricing round: 3.957 -> 3.990 M
    assert "+colgen bound" in res.method and "+colgen bound" not in small.method
    assert res.choices == searched.choices              # the plan is the search's
    if deterministic:
        assert small.used_s < res.used_s <= 10.0 + 1e-6    # charged, within the budget


def test_a_search_that_used_its_budget_is_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    small, _, _ = _solve(monkeypatch, 9.0, large=False, deterministic=True)
    res, _, _ = _solve(monkeypatch, 9.0, large=True, deterministic=True)
    # Only the re-centring's fixed charge (optimizer.search.recentre: 4 units) differs.
    assert res.used_s == pytest.approx(small.used_s + 4 * PER_UNIT_S)
    assert dataclasses.replace(res, time_s=0.0, used_s=0.0) \
        == dataclasses.replace(small, time_s=0.0, used_s=0.0)


def test_what_is_left() -> None:
    task = PieceTask(0, ("a", "b", "c"), cast("object", None), None,  # type: ignore[arg-type]
                     budget_s=60.0, seed=0, threads=1, deterministic=True)
    assert lo.leftover_s(task, used_s=40.0, elapsed_s=55.0) == pytest.approx(20.0)
    assert lo.leftover_s(task, used_s=40.0, elapsed_s=55.0, reserved_s=5.0) \
        == pytest.approx(15.0)
    assert lo.leftover_s(task, used_s=59.0, elapsed_s=0.0) == 0.0    # below MIN_LEFT_S
    assert lo.leftover_s(task, used_s=61.0, elapsed_s=0.0) == 0.0    # past the budget
    wall = PieceTask(0, ("a", "b", "c"), cast("object", None), None,  # type: ignore[arg-type]
                     budget_s=60.0, seed=0, threads=1, deterministic=False)
    assert lo.leftover_s(wall, used_s=0.0, elapsed_s=40.0) \
        == pytest.approx(20.0 - lo.WALL_KEEP_S)                   # the clock's


def test_all_rounds_only_where_pricing_can_finish() -> None:
    street = cast(PieceData, SimpleNamespace(n=300, total=180_000, hi=3000))  # 5 a community
    town = cast(PieceData, SimpleNamespace(n=159, total=34_398, hi=1500))     # 6.6
    mid = cast(PieceData, SimpleNamespace(n=100, total=60_000, hi=3000))      # 100 units
    small = cast(PieceData, SimpleNamespace(n=50, total=30_000, hi=3000))     # 50 units
    assert lo.leftover_rounds(street, 60) == MAX_ROUNDS
    assert lo.leftover_rounds(mid, 20) == MAX_ROUNDS   # from 60 units at central duals
    assert lo.leftover_rounds(town, 24) == lo.PRICED_ROUNDS
    assert lo.leftover_rounds(small, 10) == lo.PRICED_ROUNDS     # 5 a community
    assert lo.leftover_rounds(town, 12) == 0                      # 13 a community: none
    assert lo.leftover_rounds(small, 6) == 0                      # 8.3 a community: none
    assert lo.leftover_rounds(small, 7) == lo.PRICED_ROUNDS      # 7.1: one



def test_a_raised_stop_prices_nothing() -> None:
    s = grid_scenario(TIGHT)
    [comp], _ = decompose(s)
    data = piece_data(s, comp.key, comp.units)
    plan = tuple(Choice(u, (u,), "build", None, None) for u in range(4))
    flag = StopFlag()
    flag.set()
    for det in (False, True):
        task = PieceTask(0, comp.key, comp.units, None, budget_s=10.0, seed=0, threads=1,
                         deterministic=det)
        got = lo.leftover_floor(s, data, plan, 4, task, 0.0, 1.0, 1.0, flag, large=True)
        assert got is not None and got.used_s == 0.0 and got.bound == float("-inf")
