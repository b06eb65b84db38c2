"""The neighbourhood search on several threads (optimizer.search.lns_lanes): a group
is drawn from communities no running re-solve holds; the plan that comes back is a legal partition
of the same units, never dearer; a stop reaches every solver running at once; a
large piece in wall-clock mode with two threads searches in two lanes, and with one
worker (deterministic) as before."""

from __future__ import annotations

import threading
import time
from typing import Any

import numpy as np
import pytest

from optimizer.graph import components
from optimizer.model.piece import PieceData, piece_data
from optimizer.scenario.build import grid_scenario
from optimizer.scenario.model import Scenario
from optimizer.search import lns_lanes, piece_large
from optimizer.search.attempt import Choice
from optimizer.search.driver import piece_threads
from optimizer.search.lns import community_adjacency
from optimizer.search.lns_lanes import free_group, improve_lanes
from optimizer.search.piece_common import plan_cost
from optimizer.search.piece_types import PieceTask
from optimizer.search.stop import StopFlag
from tests.helpers.plans import assert_legal, legal_plan

ROWS, COLS = 4, 12


def _street() -> tuple[Scenario, PieceData]:
    rng = np.random.default_rng(11)
    s = grid_scenario(rng.integers(520, 740, size=(ROWS, COLS)).tolist())
    [comp] = [c for c in components(s) if len(c.units) > 1]
    return s, piece_data(s, comp.key, comp.units)


def _rows_plan(s: Scenario, data: PieceData) -> list[Choice]:
    """Communities of four units in a row (1 x 4 strips): legal, and long and thin,
    so re-solving neighbours can make them rounder and cheaper."""
    return legal_plan(s, data, [[r * COLS + 4 * k + j for j in range(4)]
                                for r in range(ROWS) for k in range(COLS // 4)])


def test_a_group_is_drawn_from_communities_no_re_solve_holds() -> None:
    s, data = _street()
    plan = _rows_plan(s, data)
    adj = community_adjacency(s, plan)
    rng = np.random.default_rng(3)
    for _ in range(20):
        busy = {int(c) for c in rng.choice(len(plan), size=5, replace=False)}
        group = free_group(s, plan, rng, 3, busy)
        assert 1 <= len(group) <= 3
        assert not set(group) & busy                    # none held by another lane
        assert len(set(group)) == len(group)
        for c in group[1:]:                             # grown from adjacent ones
            assert adj[c] & set(group)
    assert free_group(s, plan, rng, 3, set(range(len(plan)))) == []


def test_two_lanes_give_a_legal_partition_never_dearer() -> None:
    s, data = _street()
    plan = _rows_plan(s, data)
    got, stats = improve_lanes(s, data, plan, time_s=6.0, seed=1, stop=StopFlag(),
                               lanes=2, communities=3, sub_time_s=0.5,
                               rng=np.random.default_rng(1))
    assert_legal(s, data, got, cheapest_center=False)
    assert stats.rounds >= 2
    assert plan_cost(s, got) <= plan_cost(s, plan) + 1e-6
    assert stats.improved >= 1
    assert plan_cost(s, got) < plan_cost(s, plan)


class _Solver:
    """Stands in for a CP-SAT solver: records that it was asked to stop."""

    def __init__(self) -> None:
        self.stopped = threading.Event()

    def stop_search(self) -> None:
        self.stopped.set()


def test_a_stop_reaches_every_solver_attached_from_its_own_thread() -> None:
    flag = StopFlag()
    solvers = [_Solver(), _Solver()]
    attached = threading.Barrier(3)
    release = threading.Event()

    def run(solver: _Solver) -> None:
        flag.attach(solver)     # type: ignore[arg-type]
        attached.wait()
        release.wait(5)
        flag.attach(None)

    threads = [threading.Thread(target=run, args=(sv,)) for sv in solvers]
    for t in threads:
        t.start()
    attached.wait()
    flag.set()
    release.set()
    for t in threads:
        t.join()
    assert all(sv.stopped.is_set() for sv in solvers)


def test_one_threads_end_detaches_only_its_own_solver() -> None:
    flag = StopFlag()
    mine, other = _Solver(), _Solver()
    flag.attach(mine)           # type: ignore[arg-type]

    def other_thread() -> None:
        flag.attach(other)      # type: ignore[arg-type]
        flag.attach(None)

    done = threading.Thread(target=other_thread)
    done.start()
    done.join()
    flag.set()
    assert mine.stopped.is_set() and not other.stopped.is_set()


def _task(threads: int, deterministic: bool) -> PieceTask:
    s, data = _street()
    return PieceTask(0, data.key, data.units, None, budget_s=6.0, seed=2, threads=threads,
                     deterministic=deterministic)


def test_wall_clock_piece_with_two_threads_searches_in_two_lanes() -> None:
    s, data = _street()
    res = piece_large.solve_large(s, data, _task(2, False), StopFlag(), whole=False,
                                  model_vars=0)
    assert "2 lanes" in res.method
    assert_legal(s, data, list(res.choices), cheapest_center=False)


def test_deterministic_piece_keeps_the_one_lane_search() -> None:
    s, data = _street()
    res = piece_large.solve_large(s, data, _task(1, True), StopFlag(), whole=False,
                                  model_vars=0)
    assert "lanes" not in res.method
    assert_legal(s, data, list(res.choices), cheapest_center=False)


def test_a_piece_that_fills_a_process_alone_gets_every_worker_in_wall_clock_mode() -> None:
    # Two workers, two processes: a 250-village town beside a 5-compound piece (99%
    # of the weight) takes both threads; two pieces of half the weight or less keep one.
    assert piece_threads(1, 2, 2, 0.99) == 2
    assert piece_threads(1, 2, 2, 0.5) == 2
    assert piece_threads(1, 2, 2, 0.49) == 1
    assert piece_threads(1, 4, 4, 0.3) == 4
    assert piece_threads(1, 4, 4, 0.2) == 1
    # One worker (deterministic) or one process: as before.
    assert piece_threads(1, 1, 1, 1.0) == 1
    assert piece_threads(2, 2, 1, 1.0) == 2


def test_re_solves_in_flight_at_once_never_share_a_unit(monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    s, data = _street()
    plan = _rows_plan(s, data)
    running: list[set[int]] = []
    overlaps: list[int] = []
    most = [0]
    lock = threading.Lock()
    real = lns_lanes.run_model

    def spy(scenario: Scenario, sub: PieceData, **kw: Any) -> Any:
        mine = {int(u) for u in sub.units}
        with lock:
            overlaps.extend(len(mine & other) for other in running)
            running.append(mine)
            most[0] = max(most[0], len(running))
        try:
            time.sleep(0.05)        # hold the lane so the other is drawn meanwhile
            return real(scenario, sub, **kw)
        finally:
            with lock:
                running.remove(mine)

    monkeypatch.setattr(lns_lanes, "run_model", spy)
    got, stats = improve_lanes(s, data, plan, time_s=3.0, seed=4, stop=StopFlag(),
                               lanes=3, communities=2, sub_time_s=0.3,
                               rng=np.random.default_rng(4))
    assert most[0] >= 2                     # re-solves did run at the same time
    assert overlaps and not any(overlaps)
    assert_legal(s, data, got, cheapest_center=False)
