"""The threads of a pool's idle slots go to the running wall-clock pieces
(StopFlag.cores, LocalPoolExecutor): a two-piece town left its second core idle once
the small rural piece ended (10-25 s of a 60-s run, bench/JOURNAL.md session 28),
while the street's neighbourhood search went on with one thread. Deterministic
solves never read it: the same input, seed and one worker give the same plan."""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pytest

from optimizer.graph import components
from optimizer.model.piece import PieceData, piece_data
from optimizer.scenario.build import grid_scenario
from optimizer.scenario.model import Scenario
from optimizer.search import lns, piece_large
from optimizer.search.clock import timed
from optimizer.search.executors import LocalPoolExecutor
from optimizer.search.heuristic import best_choice
from optimizer.search.memory import guarded
from optimizer.search.piece_types import PieceTask
from optimizer.search.stop import StopFlag


def _cores_seen(shared: Any, item: str, stop: StopFlag) -> tuple[str, int, int]:
    """``fast`` returns at once; ``slow`` watches its flag's cores for up to 20 s: what
    it saw first and at most."""
    first = stop.cores()
    if item == "fast":
        return item, first, first
    most, end = first, time.monotonic() + 20
    while most < 2 and time.monotonic() < end:
        time.sleep(0.05)
        most = max(most, stop.cores())
    return item, first, most


def test_an_idle_slot_with_nothing_left_to_hand_out_gives_its_thread() -> None:
    got = {item: (first, most) for item, first, most in
           LocalPoolExecutor(2).map_unordered(_cores_seen, None, ["slow", "fast"])}
    assert got["fast"][0] == 1
    # The slow task began beside the fast one (one thread), then had the whole pool.
    assert got["slow"] == (1, 2)


def test_no_thread_is_offered_while_tasks_wait() -> None:
    # Three tasks on two slots: the second fast one takes the freed slot with one
    # thread; the slow one gets the idle slot's only once nothing is left to hand out.
    got = list(LocalPoolExecutor(2).map_unordered(_cores_seen, None,
                                                  ["slow", "fast", "fast"]))
    assert sorted(first for item, first, _ in got if item == "fast") == [1, 1]
    assert [(first, most) for item, first, most in got if item == "slow"] == [(1, 2)]


def test_the_derived_flags_keep_the_cores() -> None:
    outer = StopFlag(cores=lambda: 3)
    with timed(outer, 10.0) as clock:
        assert clock.flag.cores() == 3
    with guarded(outer, 1) as flag:     # a memory budget's own flag
        assert flag.cores() == 3
    assert StopFlag().cores() == 1


def _street() -> tuple[Scenario, PieceData]:
    rng = np.random.default_rng(3)
    s = grid_scenario(rng.integers(400, 700, size=(5, 6)).tolist())
    [comp] = [c for c in components(s) if len(c.units) > 1]
    return s, piece_data(s, comp.key, comp.units)


def _plan(s: Scenario, data: PieceData) -> list[Any]:
    strips = [[r * 6 + c for r in range(5) for c in (2 * k, 2 * k + 1)] for k in range(3)]
    plan = [best_choice(s, data, r) for r in strips]
    assert all(ch is not None for ch in plan)
    return plan


def test_a_spare_search_takes_the_offered_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    s, data = _street()
    seen: list[int] = []
    real = lns.run_model

    def spy(*a: Any, **kw: Any) -> Any:
        seen.append(kw["workers"])
        return real(*a, **kw)

    monkeypatch.setattr(lns, "run_model", spy)
    lns.improve(s, data, _plan(s, data), time_s=5, seed=1, stop=StopFlag(cores=lambda: 2),
                communities=2, sub_time_s=0.05, max_rounds=2, spare=True)
    lns.improve(s, data, _plan(s, data), time_s=5, seed=1, stop=StopFlag(cores=lambda: 2),
                communities=2, sub_time_s=0.05, max_rounds=2)
    assert seen == [2, 2, 1, 1]


@pytest.mark.parametrize("det", [True, False])
def test_the_large_piece_offers_the_threads_to_wall_clock_searches_only(
        monkeypatch: pytest.MonkeyPatch, det: bool) -> None:
    s, data = _street()
    spare: list[bool] = []
    real = piece_large.improve

    def spy(*a: Any, **kw: Any) -> Any:
        spare.append(kw.get("spare", False))
        return real(*a, **kw)

    monkeypatch.setattr(piece_large, "improve", spy)
    task = PieceTask(0, data.key, data.units, None, budget_s=3.0, seed=1, threads=1,
                     deterministic=det)
    piece_large.solve_large(s, data, task, StopFlag(cores=lambda: 2), whole=True,
                            model_vars=1000)
    assert spare and all(x is (not det) for x in spare)


def test_one_worker_same_plan_whatever_the_cores_offered() -> None:
    s, data = _street()
    task = PieceTask(0, data.key, data.units, None, budget_s=3.0, seed=1, threads=1,
                     deterministic=True)
    plans = [piece_large.solve_large(s, data, task, StopFlag(cores=lambda n=n: n), whole=True,
                                     model_vars=1000) for n in (1, 2)]
    assert [sorted(ch.members) for ch in plans[0].choices] == \
        [sorted(ch.members) for ch in plans[1].choices]
    assert (plans[0].bound, plans[0].method) == (plans[1].bound, plans[1].method)
