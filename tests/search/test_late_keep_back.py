"""One worker: a piece's clock leaves the pieces after it the time their first plans
take should the clock stop them before they start (optimizer.search.clock.
first_plans_s). bench/wild.py seed 288 at 10 s, load 2.5-4.7: its first piece
kept the clock to 0.9 s before the deadline and the four after it ran 3 s past it."""

from __future__ import annotations

import time
from typing import Any

import pytest

import optimizer.search.dispatch as dispatch
from optimizer.graph import components
from optimizer.scenario.build import grid_scenario
from optimizer.search.dispatch import run_pieces
from optimizer.search.executors import InProcessExecutor
from optimizer.search.piece import PieceResult, PieceTask
from optimizer.search.stop import StopFlag


def test_the_keep_back_grows_with_the_pieces_left(monkeypatch: pytest.MonkeyPatch) -> None:
    s = grid_scenario([[700] * 30] * 3, street=[["A"] * 30, ["B"] * 30, ["C"] * 30])
    comps = components(s)
    assert [len(c.units) for c in comps] == [30, 30, 30]
    tasks = [PieceTask(k, c.key, c.units, None, budget_s=1.0, seed=k, threads=1)
             for k, c in enumerate(comps)]
    seen: list[float | None] = []
    ends: list[float | None] = []

    def fake(scenario: Any, task: PieceTask, stop: StopFlag) -> PieceResult:
        seen.append(task.wall_s)
        ends.append(task.run_s)
        return PieceResult(task.index, (), (), "FEASIBLE", 0.0, 0.0, "fake", used_s=0.0)

    monkeypatch.setattr(dispatch, "_work", fake)
    # Deterministic budgets far past the clock (200 s each against 10 s): each piece is
    # stopped at the clock left less what the pieces after it need for a first plan.
    run_pieces(s, tasks, 1, StopFlag(), lambda r: None, deadline=time.perf_counter() + 10,
               executor=InProcessExecutor(), det_budget=600.0)
    assert all(w is not None for w in seen)
    first, second, last = (10.0 - w for w in seen if w is not None)
    assert first > second + 0.3 > last + 0.6 > 0.6     # three pieces' first plans, two, one

    from optimizer.search.clock import RETURN_MAX_S, first_plans_s
    # the later pieces' first plans and its own return once stopped (at most RETURN_MAX_S)
    own = min(RETURN_MAX_S, first_plans_s([30]))
    assert first == pytest.approx(first_plans_s([30, 30]) + own, abs=0.2)
    assert second == pytest.approx(first_plans_s([30]) + own, abs=0.2)
    assert last == pytest.approx(own, abs=0.2)
    # and the grace of a piece stopped at its clock (hurried solves begun after the
    # stop) ends where the later pieces' keep-back begins, its own first plan after the
    # stop, not at the run's end (wild seed 268: 4 s past the stop)
    grace = [e - w for e, w in zip(ends, seen, strict=True) if e is not None and w is not None]
    assert grace == pytest.approx([own] * 3, abs=0.05)


def test_the_keep_back_counts_units_and_pieces() -> None:
    from optimizer.search.clock import first_plans_s

    assert first_plans_s([]) == 0.0
    assert first_plans_s([200]) > first_plans_s([100]) \
        > first_plans_s([50, 50]) - first_plans_s([1, 1]) > 0.0


def test_at_most_half_the_clock_is_kept_back(monkeypatch: pytest.MonkeyPatch) -> None:
    """Later pieces needing more than the clock left: the first piece keeps half of it
    (wild seed 268 at 10 s: 4.6 s wanted of 4 s, the first piece started stopped)."""
    s = grid_scenario([[700] * 30] * 3, street=[["A"] * 30, ["B"] * 30, ["C"] * 30])
    tasks = [PieceTask(k, c.key, c.units, None, budget_s=1.0, seed=k, threads=1)
             for k, c in enumerate(components(s))]
    seen: list[float | None] = []

    def fake(scenario: Any, task: PieceTask, stop: StopFlag) -> PieceResult:
        seen.append(task.wall_s)
        return PieceResult(task.index, (), (), "FEASIBLE", 0.0, 0.0, "fake", used_s=0.0)

    monkeypatch.setattr(dispatch, "_work", fake)
    run_pieces(s, tasks, 1, StopFlag(), lambda r: None, deadline=time.perf_counter() + 0.8,
               executor=InProcessExecutor(), det_budget=600.0)
    assert seen[0] == pytest.approx(0.4, abs=0.05)
