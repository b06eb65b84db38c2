"""The last resorts of a piece with no plan within the bounds in time, and of a pocket
with no place for a center (issue 16: plans that pass their own check).

- ``stopped_start``: a piece the clock stopped tries tree partitions within the time
  left to the run's end before the split search (wild seed 1124: a 100-village part
  the split search found no split of in 3 M steps, the tree partitions in 0.1 s).
- ``centerless``: a unit no community within the bounds can hold at all is not
  "without a center within the bounds" (wild seed 1088: a build stood in where no_build
  forbids it, exempt from ONE-STATION, which the checker rightly rejects).
- ``with_center``: such a unit, a pocket of its own, takes the lightest path to a place
  for a center, unless that cuts off units no whole number of communities fits.
"""

from __future__ import annotations

import time

import numpy as np
import pytest

from optimizer.graph import components
from optimizer.graph.center import centerless
from optimizer.model.piece import piece_data
from optimizer.scenario.build import grid_scenario
from optimizer.search import piece_large, stopped_start
from optimizer.search.piece_types import PieceTask
from optimizer.search.pocketed import with_center
from optimizer.search.stop import StopFlag


def _village_piece():  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(3)
    s = grid_scenario(rng.integers(60, 240, size=(8, 10)).tolist(), kind="rural")
    [comp] = components(s)
    return s, piece_data(s, comp.key, comp.units)


def _within(s, data, plan) -> None:  # type: ignore[no-untyped-def]
    assert sorted(u for ch in plan for u in ch.members) == sorted(data.units.tolist())
    for ch in plan:
        assert data.lo <= int(s.households[list(ch.members)].sum()) <= data.hi


def _stopped(grace_s: float) -> StopFlag:
    flag = StopFlag(grace_until=time.monotonic() + grace_s)
    flag.set()
    return flag


def test_a_stopped_piece_takes_tree_partitions_while_the_run_has_time(
        monkeypatch: pytest.MonkeyPatch) -> None:
    s, data = _village_piece()
    # the split search finding nothing, as on wild 1124's 100 villages
    monkeypatch.setattr(stopped_start, "split_plan", lambda *a, **k: None)
    plan, how = stopped_start.stopped_start(s, data, _stopped(30.0), seed=1)
    assert plan is not None and how == "tree"
    _within(s, data, plan)
    # the run's deadline passed: no tree partitions, the split search alone
    assert stopped_start.stopped_start(s, data, _stopped(-1.0), seed=1) == (None, "")


def test_the_tree_partitions_keep_to_their_share_of_the_time_left(
        monkeypatch: pytest.MonkeyPatch) -> None:
    s, data = _village_piece()
    asked: list[float] = []
    real = stopped_start.tree_start

    def tree(*a, **k):  # type: ignore[no-untyped-def]
        asked.append(k["time_s"])
        return real(*a, **k)

    monkeypatch.setattr(stopped_start, "tree_start", tree)
    stopped_start.stopped_start(s, data, _stopped(2.5), seed=1)
    assert asked and asked[0] <= stopped_start.TREE_SHARE * (2.5 - 0.5) + 1e-6
    asked.clear()
    stopped_start.stopped_start(s, data, StopFlag(grace_until=time.monotonic() + 30), seed=1)
    assert not asked            # not stopped: the split search, as before


def test_a_stopped_large_piece_starts_from_the_tree_partition(
        monkeypatch: pytest.MonkeyPatch) -> None:
    s, data = _village_piece()
    monkeypatch.setattr(piece_large, "grow_regions", lambda d, **_: [list(range(d.n))])
    monkeypatch.setattr(piece_large, "search_from", lambda sc, d, t, start, lns_time, stop:
                        (list(start), 0.0, "lns(0 rounds)"))
    monkeypatch.setattr(stopped_start, "split_plan", lambda *a, **k: None)
    task = PieceTask(0, data.key, data.units, None, budget_s=1.0, seed=1, threads=1,
                     deterministic=False)
    res = piece_large.solve_large(s, data, task, _stopped(30.0), whole=False)
    _within(s, data, res.choices)
    assert res.method.startswith("tree+") and not any(res.exemptions)


def test_a_unit_in_no_community_within_the_bounds_is_not_centerless_within_them() -> None:
    # 888 households, no_build and no site; with either neighbour above 3,000
    s = grid_scenario([[2200, 888, 2300]], no_build=["r0c1"])
    [comp] = components(s)
    found = centerless(s, comp.units.tolist(), 2000, 3000)
    assert found.within_bounds == () and found.at_any_size == ()
    # beside a neighbour it can share a community with, it is
    s = grid_scenario([[2200, 888, 1500]], no_build=["r0c1", "r0c2"])
    [comp] = components(s)
    assert 1 in centerless(s, comp.units.tolist(), 2000, 3000).within_bounds


def test_a_pocket_without_a_center_takes_the_lightest_path_to_one() -> None:
    s = grid_scenario([[2200, 888, 2300, 2400]], no_build=["r0c0", "r0c1"])
    free = {0, 2, 3}
    assert with_center(s, (1,), free) == (1, 2)      # r0c0 cannot hold a center
    assert with_center(s, (2,), free) == (2,)         # r0c2 holds its own
    # taking r0c2 would leave r0c3 of 500 households alone, short of any community
    s = grid_scenario([[2200, 888, 2300, 500]], no_build=["r0c0", "r0c1"])
    assert with_center(s, (1,), free) == (1,)
