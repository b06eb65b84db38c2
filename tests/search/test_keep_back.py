"""In wall-clock mode a piece's search is stopped by the clock before the seconds its
floors were given (optimizer.search.clock.keep_back): the Lagrangian floor then runs
its full steps within that reserve, not the hurried second a piece stopped by its own
deadline gets (big-street-300's street at 60 s, two workers: 32.39 M yuan hurried
against 33.20 M; bench/JOURNAL.md, session 25, helper `street`)."""

from __future__ import annotations

import time

import pytest

from optimizer.graph import decompose
from optimizer.model.piece import piece_data
from optimizer.scenario.build import grid_scenario
from optimizer.search import clock as clock_mod
from optimizer.search import piece as piece_mod
from optimizer.search.attempt import Choice
from optimizer.search.clock import keep_back, timed
from optimizer.search.piece_types import PieceResult, PieceTask
from optimizer.search.stop import StopFlag
from optimizer.status import Status
from tests.helpers.bruteforce import brute_force

# 8,800 households, urban (2,000-3,000): 4 communities (as tests/search/test_piece_floor.py).
TIGHT = [[2100, 1200, 500], [600, 600, 400], [1800, 400, 1200]]


def _run(monkeypatch: pytest.MonkeyPatch, deterministic: bool, budget_s: float
         ) -> tuple[list[dict[str, object]], list[float], float, PieceResult, int]:
    """TIGHT's piece with a search that runs until its flag is raised, under a clock
    of ``budget_s`` (wall-clock mode) or none (deterministic); the floor's calls,
    when the search was stopped (seconds before the clock's deadline), the reserve,
    the result and the floor's steps unhurried."""
    s = grid_scenario(TIGHT)
    [comp], _ = decompose(s)
    data = piece_data(s, comp.key, comp.units)
    plan = tuple(Choice(u, (u,), "build", None, None) for u in range(4))
    unproven = PieceResult(0, plan, ((),) * 4, Status.FEASIBLE, 0.0, 0.1, "lns(1 rounds)")
    stopped_at: list[float] = []
    deadline: list[float] = []

    def search(_s: object, _d: object, task: PieceTask, stop: StopFlag, _how: str
               ) -> PieceResult:
        # a search that overruns its budget under a clock (none: it ends at once)
        end = time.monotonic() + (task.budget_s + 30.0 if stop.deadline is not None else 0.0)
        while not stop.is_set() and time.monotonic() < end:
            time.sleep(0.01)
        stopped_at.append(deadline[0] - time.monotonic() if deadline else 0.0)
        return unproven

    calls: list[dict[str, object]] = []
    real = piece_mod.counted_lagrangian_bound

    def counted(*a: object, **k: object) -> tuple[float, int]:
        calls.append(dict(k))
        return real(*a, **k)                # type: ignore[arg-type]

    monkeypatch.setattr(piece_mod, "_by_columns", lambda _s, _d, task, _st: (None, task, 0.0))
    monkeypatch.setattr(piece_mod, "exact_counts", search)
    monkeypatch.setattr(piece_mod, "counted_lagrangian_bound", counted)
    task = PieceTask(0, comp.key, comp.units, None, budget_s=budget_s, seed=0, threads=1,
                     deterministic=deterministic, hurry_s=0.2)
    reserve = min(0.25 * budget_s, piece_mod._lag_time(data.n))
    steps = piece_mod.LAG_STEPS // piece_mod._lag_runs(data, 4)
    if deterministic:
        return calls, stopped_at, reserve, piece_mod.solve_data(s, data, task, StopFlag()), \
            steps
    with timed(StopFlag(), budget_s) as clock:
        assert clock.flag.deadline is not None
        deadline.append(clock.flag.deadline)
        res = piece_mod.solve_data(s, data, task, clock.flag)
    return calls, stopped_at, reserve, res, steps


def test_the_search_stops_before_the_floor_s_reserve(monkeypatch: pytest.MonkeyPatch) -> None:
    calls, stopped_at, reserve, res, steps = _run(monkeypatch, False, 4.0)
    # The search was stopped about the reserve before the piece's deadline (base: at it).
    assert len(stopped_at) == 1 and stopped_at[0] >= reserve - 0.3
    # ... so the floor ran unhurried: the reserve's seconds, not the task's hurry_s.
    assert [c["time_s"] for c in calls] == [max(reserve, 0.5)]
    assert [c["max_iter"] for c in calls] == [steps]
    assert res.bound <= brute_force(grid_scenario(TIGHT)) + 1e-6


def test_deterministic_mode_is_untouched(monkeypatch: pytest.MonkeyPatch) -> None:
    """No clock: the search is stopped by nothing here (the fake ends on its own after
    its budget), and the floor takes the deterministic steps as before."""
    calls, _, _, res, _ = _run(monkeypatch, True, 0.2)
    assert [c["time_s"] for c in calls] == [piece_mod.LAG_CAP_S]
    assert res.bound <= brute_force(grid_scenario(TIGHT)) + 1e-6


def test_keep_back_leaves_deterministic_mode_and_short_clocks_alone() -> None:
    outer = StopFlag()
    with keep_back(outer, 1.0, deterministic=True) as flag:
        assert flag is outer                    # no clock in deterministic mode
    with timed(StopFlag(), 1.5) as clock, keep_back(clock.flag, 1.0, False) as flag:
        assert flag is clock.flag               # less than KEEP_BACK_X times the reserve
    with timed(StopFlag(), 10.0) as clock, keep_back(clock.flag, 1.0, False) as flag:
        assert flag is not clock.flag and flag.deadline is not None
        assert clock.flag.deadline is not None
        assert clock.flag.deadline - flag.deadline == pytest.approx(1.0, abs=0.05)
        assert clock_mod.KEEP_BACK_X * 1.0 <= 10.0


def test_the_caller_s_stop_still_stops_the_search() -> None:
    with timed(StopFlag(), 10.0) as clock, keep_back(clock.flag, 1.0, False) as flag:
        clock.flag.set()                        # Ctrl-C, or the piece's own clock
        assert flag.wait(1.0)
