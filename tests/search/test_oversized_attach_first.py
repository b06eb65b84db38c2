"""A stranded group's set partitioning (the fewest joining, then the cheapest) cut by
the clock before its first plan is not a proof that the fewest leaves some community
no place for a center: the group takes a first partition of its columns instead of the
no-center fallbacks (bench/wild.py seed 84 at 10 s, one worker, load 4: a 19-village
town whose 6,027 columns' solve was cut at 1 s; the fallbacks ran 9 s past the limit,
found nothing, and the town ended `soft`, failing SIZE-RURAL in its own check)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from optimizer.checker import check
from optimizer.model.setpart import SetPartResult
from optimizer.scenario.build import grid_scenario
from optimizer.search import oversized_attach
from optimizer.search.driver import solve
from optimizer.search.oversized_least import first_partition
from optimizer.search.piece_types import PieceTask
from optimizer.search.stop import StopFlag
from optimizer.status import Status

# r0c0 above the urban maximum; r0c1..r0c4 (3,300 households) hold one community of
# 2,000-3,000 and the rest joins r0c0.
ROW = [[4566, 300, 1000, 800, 1200]]


def _cut_by_the_clock(cuts: list[int]) -> Any:
    def fake(built: Any, **kw: Any) -> SetPartResult:
        kw["stop"].set()            # the piece's clock fires during this solve ...
        cuts.append(built.columns)
        return SetPartResult(Status.UNKNOWN, (), -float("inf"), 1.0)   # ... before a plan
    return fake


def test_a_stopped_attach_keeps_a_partition_of_its_columns(
        monkeypatch: pytest.MonkeyPatch) -> None:
    cuts: list[int] = []
    monkeypatch.setattr(oversized_attach, "solve_setpart", _cut_by_the_clock(cuts))

    def no_center_fallbacks(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the no-center fallbacks, for a solve the clock cut")
    monkeypatch.setattr(oversized_attach, "_models_then_wider", no_center_fallbacks)
    sc = grid_scenario(ROW)
    plan = solve(sc, time_limit_s=20, workers=1, seed=0)
    assert cuts, "the attach step's set partitioning was never reached"
    assert sum(c.households for c in plan.communities) == int(sc.households.sum())
    big = next(c for c in plan.communities if "r0c0" in c.exemption)
    assert big.households == 4566 + 300     # the fewest: r0c1 joins, r0c2..r0c4 one
    fails = [r for r in check(sc, plan).rows if r.status == "fail"]
    assert not fails, fails



def test_the_first_partition_joins_the_fewest_then_costs_least() -> None:
    """Units 0-2; unit 0 is the oversized one. Joining 1 and 2 to it (one column, cost
    10) is the cheapest plan, but 1 and 2 apart (cost 30) join nothing: the fewest
    joining comes first. Among plans joining as few, the cheaper one."""
    members = [(0,), (1,), (2,), (1, 2), (0, 1, 2)]
    cost = np.array([5.0, 10.0, 10.0, 12.0, 10.0])
    attached = np.array([0, 0, 0, 0, 700])
    task = PieceTask(0, ("c", "s", "urban"), np.arange(3), None, budget_s=1.0, seed=0,
                     threads=1, deterministic=False)
    stop = StopFlag()
    stop.set()
    chosen, exact = first_partition(members, cost, attached, 3, task, stop)
    assert (sorted(chosen), exact) == ([0, 3], True)
