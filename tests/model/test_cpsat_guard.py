"""A CP-SAT solve the caller walks away from when it does not return in time
(optimizer/model/cpsat_guard.py, optimizer/model/setpart.py): a set-partitioning stage
on a 78-unit real map ignored its time limit and the stop for ~40 s.

The stalled solver is a stand-in that reports a plan through the callback and then
ignores every stop request until the test releases it; no timing is asserted, only
what the caller gets back and that it did not wait for the release.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import numpy as np
import pytest
from ortools.sat.python import cp_model

import optimizer.model.cpsat_guard as guard
import optimizer.model.setpart as setpart
from optimizer.model.cpsat import MILLI
from optimizer.model.setpart import build_setpart, solve_setpart, wait_s
from optimizer.search.stop import StopFlag
from optimizer.status import Status


class _Stalled:
    """Reports ``values`` (and ``bound``) as a solution, then ignores stop requests
    until ``release`` is set; ``returned`` is set when its solve returns."""

    def __init__(self, values: list[int], bound: float, release: threading.Event) -> None:
        self.values, self.bound, self.release = values, bound, release
        self.stops = 0
        self.returned = threading.Event()

    def solve(self, model: object, callback: object = None) -> int:
        if isinstance(callback, guard._Best):
            callback.keep(self.values, self.bound)
        self.release.wait(30)
        self.returned.set()
        return int(cp_model.OPTIMAL)

    def stop_search(self) -> None:
        self.stops += 1


@pytest.fixture
def release() -> Iterator[threading.Event]:
    ev = threading.Event()
    yield ev
    ev.set()            # let the left-behind thread end


def test_a_solver_that_returns_is_waited_for() -> None:
    m = cp_model.CpModel()
    x = m.new_bool_var("x")
    m.maximize(x)
    got = guard.solve_within(cp_model.CpSolver(), m, wait_s=60.0)
    assert got.code == int(cp_model.OPTIMAL) and got.values is None
    assert guard.solve_within(cp_model.CpSolver(), m, wait_s=None).code == int(cp_model.OPTIMAL)


def test_a_stalled_solver_is_left_behind_with_its_last_plan(monkeypatch, release) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(guard, "STOP_GRACE_S", 0.01)
    stalled = _Stalled([0, 1, 1], 7.0, release)
    got = guard.solve_within(stalled, cp_model.CpModel(), wait_s=0.01)  # type: ignore[arg-type]
    assert got.code is None and got.values == [0, 1, 1] and got.bound == 7.0
    assert stalled.stops == 1 and not stalled.returned.is_set()


def test_an_error_of_the_solve_reaches_the_caller() -> None:
    class Broken:
        def solve(self, model: object, callback: object = None) -> int:
            raise ValueError("bad model")

        def stop_search(self) -> None:
            pass

    with pytest.raises(ValueError, match="bad model"):
        guard.solve_within(Broken(), cp_model.CpModel(), wait_s=30.0)  # type: ignore[arg-type]


def test_solve_setpart_does_not_wait_past_the_pieces_deadline(monkeypatch, release) -> None:  # type: ignore[no-untyped-def]
    # Three units; columns {0}, {1}, {2}, {0,1,2}. The stalled solver has reported the
    # plan of the last column with a bound of 5 yuan, then ignores the piece's stop.
    # On the old code the call waited for the solver (here: until the release).
    monkeypatch.setattr(guard, "STOP_GRACE_S", 0.01)
    stalled = _Stalled([0, 0, 0, 1], 5.0 * MILLI, release)
    real = cp_model.CpSolver
    monkeypatch.setattr(setpart.cp_model, "CpSolver", lambda: _Parametrized(stalled, real()))
    built = build_setpart(3, [(0,), (1,), (2,), (0, 1, 2)], np.array([2.0, 2.0, 2.0, 5.0]))
    for deterministic in (True, False):
        stop = StopFlag(deadline=time.monotonic() + 0.01)
        res = solve_setpart(built, time_s=30.0, workers=1, seed=0,
                            deterministic=deterministic, stop=stop)
        assert res.left_behind and not stalled.returned.is_set()
        assert res.status == Status.FEASIBLE and res.chosen == (3,)
        assert res.bound_yuan == pytest.approx(5.0 - built.margin_yuan)


class _Parametrized:
    """The stalled stand-in with the parameters solve_setpart sets."""

    def __init__(self, inner: _Stalled, real: cp_model.CpSolver) -> None:
        self._real = real
        self.parameters = real.parameters
        self._inner = inner

    def solve(self, model: object, callback: object = None) -> int:
        return self._inner.solve(model, callback)

    def stop_search(self) -> None:
        self._inner.stop_search()


def test_how_long_a_set_partitioning_solve_is_waited_for() -> None:
    # Wall-clock limits: its own limit with some to spare, and never past the deadline.
    own = 10.0 + setpart.LATE_S + setpart.LATE_SHARE * 10.0
    assert wait_s(10.0, deterministic=False, stopped=False, seconds_left=None) == own
    assert wait_s(10.0, deterministic=False, stopped=False, seconds_left=3.0) == 3.0
    assert wait_s(10.0, deterministic=False, stopped=False, seconds_left=99.0) == own
    # Deterministic limits say nothing about the clock: the deadline alone, or none.
    assert wait_s(10.0, deterministic=True, stopped=False, seconds_left=3.0) == 3.0
    assert wait_s(10.0, deterministic=True, stopped=False, seconds_left=None) is None
    # Asked for a first plan after the stop: its whole (short) limit, deadline passed.
    assert wait_s(2.0, deterministic=True, stopped=True, seconds_left=0.0) == \
        2.0 + setpart.LATE_S + setpart.LATE_SHARE * 2.0


def test_the_listings_master_stops_its_stages_after_one_left_behind(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # Six units on a line, singles and pairs; every integer stage "does not return"
    # (left behind, no plan): the master keeps its start, runs no further stage on
    # cores the stalled one still holds, and says so.
    import optimizer.search.colmaster as colmaster
    from optimizer.model.setpart import SetPartResult

    calls: list[int] = []

    def stalled(built, **kw):  # type: ignore[no-untyped-def]
        calls.append(built.columns)
        return SetPartResult(Status.UNKNOWN, (), -np.inf, kw["time_s"], left_behind=True)

    monkeypatch.setattr(colmaster, "solve_setpart", stalled)
    members = tuple((i,) for i in range(6)) + tuple((i, i + 1) for i in range(5))
    cost = np.array([1.0] * 6 + [3.0, 2.5, 3.0, 2.5, 3.0])
    got = colmaster.solve_by_master(6, members, cost, list(range(6)), budget_s=30, workers=1,
                                    seed=0, deterministic=True, stop=StopFlag(), count=(3, 6))
    assert got is not None and len(calls) == 1 and got.stages == 1 and got.left_behind
    assert got.chosen == tuple(range(6)) and got.status == Status.FEASIBLE
