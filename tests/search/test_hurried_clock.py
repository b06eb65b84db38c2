"""Solves begun after a piece's stop end on the clock, not only in deterministic
time (optimizer.model.cpsat_run.set_limits), and a piece stopped before any plan asks
the ordering model for one hurried plan, not one per count (optimizer.search.piece).

bench/wild.py seeds 196 and 200 (15 s, one worker, at load 3): a piece handed out
after the clock had stopped it ran four hurried ordering models (0.7 s each) and then
the flow model's 5 deterministic seconds for a first plan, 14 s on the clock, none
found: 11 s past the limit."""

from __future__ import annotations

import math
import time

import numpy as np
import pytest
from ortools.sat.python import cp_model

from optimizer.graph import components
from optimizer.model.cpsat_run import HURRIED_WALL_S, set_limits
from optimizer.model.piece import piece_data
from optimizer.scenario.build import grid_scenario
from optimizer.search import piece
from optimizer.search.attempt import Attempt, Choice
from optimizer.search.piece_types import PieceTask
from optimizer.search.stop import StopFlag
from optimizer.status import Status


def _big_model() -> cp_model.CpModel:
    m = cp_model.CpModel()
    xs = [m.new_bool_var(f"x{i}") for i in range(3_000)]    # above the small models
    m.add(sum(xs) >= 5)
    return m


def test_a_stopped_deterministic_solve_ends_on_the_clock_too() -> None:
    solver = cp_model.CpSolver()
    set_limits(solver, _big_model(), time_s=5.0, deterministic=True, stopped=True,
               first_cap_s=10.0)
    p = solver.parameters
    assert p.stop_after_first_solution and p.max_deterministic_time == 5.0
    assert p.max_time_in_seconds <= 1.0     # before: no wall limit at all


def test_the_grace_counts_from_the_stop() -> None:
    solver = cp_model.CpSolver()
    set_limits(solver, _big_model(), time_s=5.0, deterministic=False, stopped=True,
               first_cap_s=10.0, stopped_for_s=HURRIED_WALL_S + 3.0)
    assert solver.parameters.max_time_in_seconds == pytest.approx(0.05)
    later = cp_model.CpSolver()
    set_limits(later, _big_model(), time_s=5.0, deterministic=False, stopped=True,
               first_cap_s=10.0, stopped_for_s=HURRIED_WALL_S / 4)
    assert later.parameters.max_time_in_seconds == pytest.approx(0.75 * HURRIED_WALL_S)


def test_an_unstopped_deterministic_solve_keeps_no_wall_limit() -> None:
    solver = cp_model.CpSolver()            # the plan must not depend on the load
    set_limits(solver, _big_model(), time_s=5.0, deterministic=True, stopped=False,
               first_cap_s=10.0)
    assert math.isinf(solver.parameters.max_time_in_seconds)
    assert solver.parameters.max_deterministic_time == 5.0


def test_stopped_for_counts_from_the_first_raise() -> None:
    flag = StopFlag()
    assert flag.stopped_for_s() == 0.0
    flag.set()
    first = flag.stopped_for_s()
    time.sleep(0.02)
    flag.set()                              # a second raise does not restart it
    assert flag.stopped_for_s() >= first + 0.01


class _Clocked(StopFlag):
    """Raised; each model run moves its clock on by ``step`` seconds."""

    def __init__(self, step: float) -> None:
        super().__init__()
        self.step, self.since = step, 0.0
        self.set()

    def stopped_for_s(self) -> float:
        return self.since


def _stopped_piece(monkeypatch: pytest.MonkeyPatch, flag: _Clocked,
                   found_at: int | None) -> tuple[list[str], object]:
    rng = np.random.default_rng(3)
    s = grid_scenario(rng.integers(300, 1400, size=(4, 6)).tolist())
    [comp] = [c for c in components(s) if len(c.units) > 1]
    data = piece_data(s, comp.key, comp.units)
    task = PieceTask(0, data.key, data.units, None, budget_s=1.0, seed=1, threads=1,
                     deterministic=True)
    ks = piece._counts(data, task)
    assert len(ks) > 2
    calls: list[str] = []
    plan = tuple(Choice(int(u), (int(u),), "build", None, None) for u in data.units)

    def attempt(*a: object, **k: object) -> Attempt:
        calls.append(str(k["contiguity"]))
        flag.since += flag.step
        if found_at is not None and len(calls) == found_at + 1:
            return Attempt(Status.FEASIBLE, plan, 1.0, 0.0, 0, flag.step, flag.step)
        return Attempt(Status.UNKNOWN, (), 0.0, 0.0, 0, flag.step, flag.step)

    monkeypatch.setattr(piece, "heuristic_start", lambda sc, d: None)
    monkeypatch.setattr(piece, "run_attempt", attempt)
    monkeypatch.setattr(piece, "split_plan", lambda sc, d: None)
    monkeypatch.setattr(piece, "_no_plan", lambda *a, **k: "no plan")
    return calls, piece._exact(s, data, task, flag, "flow")


def test_a_piece_stopped_before_any_plan_tries_counts_only_within_the_grace(
        monkeypatch: pytest.MonkeyPatch) -> None:
    flag = _Clocked(step=0.6 * HURRIED_WALL_S)
    calls, got = _stopped_piece(monkeypatch, flag, found_at=None)
    assert got == "no plan"
    assert calls == ["order", "order", "flow"]   # before: one ordering model per count


def test_a_stopped_piece_still_takes_a_later_count_s_plan_within_the_grace(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # bench/wild.py seed 172: the first count found nothing, the second a plan (0.45 s)
    flag = _Clocked(step=0.3 * HURRIED_WALL_S)
    calls, got = _stopped_piece(monkeypatch, flag, found_at=1)
    assert calls == ["order", "order"]      # then stopped with a plan in hand: no bound model
    assert got != "no plan"
