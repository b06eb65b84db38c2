"""Solves begun after a piece's stop end on the clock, not only in deterministic
time (optimizer.model.cpsat_run.set_limits), within the grace the stop flag gives
(optimizer.search.stop.StopFlag.grace_s: until the run's own end, at least
HURRIED_WALL_S after the stop), and a piece stopped before any plan tries the counts
only while that grace lasts (optimizer.search.piece).

bench/wild.py seeds 196 and 200 (15 s, one worker, at load 3): a piece handed out
after the clock had stopped it ran four hurried ordering models (0.7 s each) and then
the flow model's 5 deterministic seconds for a first plan, 14 s on the clock, none
found: 11 s past the limit. Seed 172: its hurried ordering model (0.25 deterministic
seconds) was cut at 0.25 wall seconds, short of the plan it finds at its second count."""

from __future__ import annotations

import math
import time
from typing import Any

import numpy as np
import pytest
from ortools.sat.python import cp_model

import optimizer.search.dispatch as dispatch
from optimizer.graph import components
from optimizer.model.cpsat_run import HURRIED_PROOF_S, set_limits
from optimizer.model.piece import piece_data
from optimizer.plan.exemption import Exemption
from optimizer.scenario.build import grid_scenario
from optimizer.search import piece_exact
from optimizer.search.attempt import Attempt, Choice
from optimizer.search.clock import timed
from optimizer.search.piece_exact import NoPlanFound
from optimizer.search.piece_types import PieceResult, PieceTask
from optimizer.search.stop import HURRIED_WALL_S, StopFlag
from optimizer.status import Status


def _big_model() -> cp_model.CpModel:
    m = cp_model.CpModel()
    xs = [m.new_bool_var(f"x{i}") for i in range(3_000)]    # above the small models
    m.add(sum(xs) >= 5)
    return m


def _small_model() -> cp_model.CpModel:
    m = cp_model.CpModel()
    xs = [m.new_bool_var(f"x{i}") for i in range(50)]       # solved to its proof
    m.add(sum(xs) >= 5)
    return m


def _raised(**kw: Any) -> StopFlag:
    flag = StopFlag(**kw)
    flag.set()
    return flag


def test_a_stopped_deterministic_solve_ends_on_the_clock_too() -> None:
    solver = cp_model.CpSolver()
    set_limits(solver, _big_model(), time_s=5.0, deterministic=True, stopped=True,
               first_cap_s=10.0, grace_s=_raised().grace_s())
    p = solver.parameters
    assert p.stop_after_first_solution and p.max_deterministic_time == 5.0
    assert p.max_time_in_seconds <= HURRIED_WALL_S      # before: no wall limit at all


def test_the_grace_does_not_shorten_a_deterministic_limit() -> None:
    # seed 172: 0.25 deterministic seconds (0.45 s of wall time at load 3) read as
    # 0.25 wall seconds: its second count's plan was never reached
    solver = cp_model.CpSolver()
    set_limits(solver, _small_model(), time_s=1.0, deterministic=True, stopped=True,
               first_cap_s=10.0, grace_s=1.2)
    p = solver.parameters
    assert p.max_deterministic_time == HURRIED_PROOF_S
    assert p.max_time_in_seconds == pytest.approx(1.2)


def test_a_stopped_wall_clock_solve_ends_within_its_grace() -> None:
    solver = cp_model.CpSolver()
    set_limits(solver, _big_model(), time_s=5.0, deterministic=False, stopped=True,
               first_cap_s=10.0, grace_s=0.0)
    assert solver.parameters.max_time_in_seconds == pytest.approx(0.05)
    later = cp_model.CpSolver()
    set_limits(later, _big_model(), time_s=5.0, deterministic=False, stopped=True,
               first_cap_s=10.0, grace_s=0.75)
    assert later.parameters.max_time_in_seconds == pytest.approx(0.75)


def test_an_unstopped_deterministic_solve_keeps_no_wall_limit() -> None:
    solver = cp_model.CpSolver()            # the plan must not depend on the load
    set_limits(solver, _big_model(), time_s=5.0, deterministic=True, stopped=False,
               first_cap_s=10.0, grace_s=StopFlag().grace_s())
    assert math.isinf(solver.parameters.max_time_in_seconds)
    assert solver.parameters.max_deterministic_time == 5.0


def test_the_grace_counts_from_the_first_raise() -> None:
    flag = StopFlag()
    assert math.isinf(flag.grace_s())
    flag.set()
    first = flag.grace_s()
    assert first == pytest.approx(HURRIED_WALL_S, abs=0.5)
    time.sleep(0.02)
    flag.set()                              # a second raise does not restart it
    assert flag.grace_s() <= first - 0.01


def test_the_grace_lasts_until_the_run_s_end_when_later() -> None:
    # one worker: a piece is stopped at its share of the clock, before the run's end
    assert _raised(grace_until=time.monotonic() + 30.0).grace_s() > 25.0
    assert _raised(grace_until=time.monotonic() - 5.0).grace_s() \
        == pytest.approx(HURRIED_WALL_S, abs=0.5)       # past it: the floor
    with timed(StopFlag(), 0.0, grace_s=30.0) as clock:  # stopped at once
        assert clock.flag.is_set() and clock.flag.grace_s() > 25.0


def test_a_late_start_brings_the_run_s_end_nearer() -> None:
    task = PieceTask(0, ("C", "S", "urban"), np.arange(3), None, budget_s=30.0, seed=0,
                     threads=1, wall_s=40.0, run_s=50.0, handed_at=100.0)
    assert dispatch.arrived(task, now=105.0).run_s == 45.0


@pytest.mark.parametrize("det", [False, True])
def test_each_piece_is_told_the_run_s_end(det: bool,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[float | None] = []

    def solve(scenario: Any, task: PieceTask, stop: StopFlag) -> PieceResult:
        seen.append(None if stop.grace_until is None else stop.grace_until - time.monotonic())
        return PieceResult(task.index, (), (), Status.FEASIBLE, 0.0, 0.0, "fake")

    monkeypatch.setattr(dispatch, "solve_piece", solve)
    s = grid_scenario([[700, 800]], street=[["A", "A"]])
    [comp] = components(s)
    task = PieceTask(0, comp.key, comp.units, None, budget_s=60.0, seed=0, threads=1,
                     deterministic=det)
    now = time.perf_counter()
    dispatch.run_pieces(s, [task], 1, StopFlag(), lambda r: None, deadline=now + 60.0,
                        run_end=now + 90.0, det_budget=60.0 if det else None)
    assert seen[0] is not None and 80.0 < seen[0] <= 90.0


class _Clocked(StopFlag):
    """Raised; each model run moves its clock on by ``step`` seconds."""

    def __init__(self, step: float) -> None:
        super().__init__()
        self.step, self.since = step, 0.0
        self.set()

    def grace_s(self) -> float:
        return max(0.0, HURRIED_WALL_S - self.since)


def _stopped_piece(monkeypatch: pytest.MonkeyPatch, flag: _Clocked,
                   found_at: int | None) -> tuple[list[str], object]:
    rng = np.random.default_rng(3)
    s = grid_scenario(rng.integers(300, 1400, size=(4, 6)).tolist())
    [comp] = [c for c in components(s) if len(c.units) > 1]
    data = piece_data(s, comp.key, comp.units)
    task = PieceTask(0, data.key, data.units, None, budget_s=1.0, seed=1, threads=1,
                     deterministic=True)
    ks = piece_exact.counts_to_try(data, task)
    assert len(ks) > 2
    calls: list[str] = []
    plan = tuple(Choice(int(u), (int(u),), "build", None, None) for u in data.units)

    def attempt(*a: object, **k: object) -> Attempt:
        calls.append(str(k["contiguity"]))
        flag.since += flag.step
        if found_at is not None and len(calls) == found_at + 1:
            return Attempt(Status.FEASIBLE, plan, 1.0, 0.0, 0, flag.step, flag.step)
        return Attempt(Status.UNKNOWN, (), 0.0, 0.0, 0, flag.step, flag.step)

    monkeypatch.setattr(piece_exact, "heuristic_start", lambda sc, d: None)
    monkeypatch.setattr(piece_exact, "run_attempt", attempt)
    monkeypatch.setattr(piece_exact, "stopped_start", lambda *a, **k: (None, ""))
    return calls, piece_exact.exact_counts(s, data, task, flag, "flow")


def test_a_piece_stopped_before_any_plan_tries_counts_only_within_the_grace(
        monkeypatch: pytest.MonkeyPatch) -> None:
    flag = _Clocked(step=0.6 * HURRIED_WALL_S)
    calls, got = _stopped_piece(monkeypatch, flag, found_at=None)
    assert isinstance(got, NoPlanFound)   # no plan: the caller's last resorts
    assert isinstance(got.record, Exemption) and got.used_s > 0.0
    assert calls == ["order", "order", "flow"]   # before: one ordering model per count


def test_a_stopped_piece_still_takes_a_later_count_s_plan_within_the_grace(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # bench/wild.py seed 172: the first count found nothing, the second a plan (0.45 s)
    flag = _Clocked(step=0.3 * HURRIED_WALL_S)
    calls, got = _stopped_piece(monkeypatch, flag, found_at=1)
    assert calls == ["order", "order"]      # then stopped with a plan in hand: no bound model
    assert isinstance(got, PieceResult) and got.choices
