"""The least-miss start of a piece with no split (optimizer.graph.tight.least_miss) runs
CP-SAT for a deterministic second per count, which is no wall-clock bound: bench/wild.py
seed 313 (10 s, one worker, load 3.6) handed its 40-village rest out at the limit and
ran the model 2.3 s past it. Now the piece's stop flag ends it, and a count begun after
the stop ends within the flag's grace (the search's rule for every solve begun after
the stop, optimizer.model.cpsat_run.set_limits); none begins once the grace is gone."""

from __future__ import annotations

import time

import pytest

from optimizer.graph import components, diagnose
from optimizer.graph.tight import least_miss
from optimizer.model.piece import piece_data
from optimizer.search import piece_common
from optimizer.search import stop as stop_mod
from optimizer.search.attempt import Attempt
from optimizer.search.piece_types import PieceTask
from optimizer.search.stop import StopFlag
from optimizer.status import Status
from tests.search.test_tight_split import necked


def _spent(monkeypatch: pytest.MonkeyPatch) -> StopFlag:
    """A flag raised with no grace left (the run's end passed too)."""
    monkeypatch.setattr(stop_mod, "HURRIED_WALL_S", 0.0)
    stop = StopFlag(grace_until=time.monotonic() - 1.0)
    stop.set()
    return stop


def _miss(sizes: list[int]) -> int:
    return sum(max(0, 1000 - x) + max(0, x - 1500) for x in sizes)


def test_no_count_begins_once_the_grace_is_gone(monkeypatch: pytest.MonkeyPatch) -> None:
    s = necked(305)
    [c] = components(s)
    assert least_miss(s, c.units.tolist(), 1000, 1500) is not None     # unstopped
    t0 = time.perf_counter()
    assert least_miss(s, c.units.tolist(), 1000, 1500, stop=_spent(monkeypatch)) is None
    assert time.perf_counter() - t0 < 0.5


def test_a_count_begun_after_the_stop_keeps_to_its_grace() -> None:
    s = necked(305)
    [c] = components(s)
    stop = StopFlag()
    stop.set()                      # HURRIED_WALL_S of grace from now
    t0 = time.perf_counter()
    least_miss(s, c.units.tolist(), 1000, 1500, budget_s=60.0, stop=stop)
    assert time.perf_counter() - t0 < stop_mod.HURRIED_WALL_S + 1.0


def test_a_stopped_soft_piece_out_of_grace_takes_region_growing(
        monkeypatch: pytest.MonkeyPatch) -> None:
    s = necked(305)
    [c] = components(s)
    data = piece_data(s, c.key, c.units)
    [d] = diagnose(s)
    assert d.record is not None and d.record.kind == "no-partition"
    monkeypatch.setattr(piece_common, "run_attempt", lambda *a, **k: Attempt(
        Status.UNKNOWN, (), 0.0, 0.0, 0, 1.0, 1.0))       # the soft model: nothing in time
    task = PieceTask(0, data.key, data.units, None, budget_s=10.0, seed=1, threads=1)
    res = piece_common.soft_result(s, data, task, _spent(monkeypatch), d.record)
    sizes = [int(s.households[list(ch.members)].sum()) for ch in res.choices]
    assert sum(sizes) == 3003 and _miss(sizes) == 112     # region growing's 888 + ...
    # unstopped, the model's start misses less (tests/search/test_least_miss.py)
    res = piece_common.soft_result(s, data, task, StopFlag(), d.record)
    assert _miss([int(s.households[list(ch.members)].sum()) for ch in res.choices]) < 112


def test_a_stopped_soft_piece_hurries_its_widened_floor(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Once stopped, the soft plan's widened floor (a bound only) takes the piece's
    hurry and whole units only at the last multipliers, as solve_data's floor does:
    wild seed 951's 134-compound street spent 1 s on it after its stop, 15 s limit.
    Unstopped it keeps WIDE_S and its whole-unit steps; both floors stay below the
    plan."""
    s = necked(305)
    [c] = components(s)
    data = piece_data(s, c.key, c.units)
    [d] = diagnose(s)
    assert d.record is not None
    calls: list[tuple[float, int | None]] = []
    real = piece_common.lagrangian_bound

    def spy(*a, **k):  # type: ignore[no-untyped-def]
        calls.append((k["time_s"], k.get("whole_steps")))
        return real(*a, **k)
    monkeypatch.setattr(piece_common, "lagrangian_bound", spy)
    task = PieceTask(0, data.key, data.units, None, budget_s=10.0, seed=1, threads=1,
                     hurry_s=0.3)
    stopped = piece_common.soft_result(s, data, task, _spent(monkeypatch), d.record)
    assert calls == [(0.3, 1)]
    calls.clear()
    res = piece_common.soft_result(s, data, task, StopFlag(), d.record)
    assert calls == [(piece_common.WIDE_S, None)]
    for r in (stopped, res):
        assert 0 < r.bound <= piece_common.plan_cost(s, r.choices) + 1e-6
