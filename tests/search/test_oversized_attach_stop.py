"""A group joined to units above the maximum, stopped by the clock during its attach
step, gets no bound model after the stop: the time limit is a promise about the clock
(held-out shapes-grown-r60-6 ran 7.7-9.5 s past its 30 s, 4.3 s of it in
``oversized_bound.bound_and_plan`` begun after the stop). Its bound stays the one the
attach step proved (valid, if weaker)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from optimizer.scenario.build import grid_scenario
from optimizer.search import oversized_attach
from optimizer.search.oversized_attach import Block, attach
from optimizer.search.piece_types import PieceTask
from optimizer.search.stop import StopFlag


def _task(s: Any) -> PieceTask:
    key = s.piece_key(0)
    return PieceTask(0, key, np.arange(s.n_units), None, budget_s=30.0, seed=0, threads=1,
                     deterministic=False)


def _stopping_attach(stop: StopFlag, block: Block) -> Any:
    def fake(*args: Any, **kwargs: Any) -> Block:
        stop.set()          # the clock stops the piece while the attach step runs
        return block
    return fake


def test_no_bound_model_once_the_clock_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    s = grid_scenario([[1500, 1200, 4000, 1500]])
    stop = StopFlag()
    block = Block((), (), 123.0, False, 29.0, "attach(2)")
    monkeypatch.setattr(oversized_attach, "_attach", _stopping_attach(stop, block))

    def no_bound(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("a bound model begun after the stop")
    monkeypatch.setattr(oversized_attach, "bound_and_plan", no_bound)
    got = attach(s, _task(s).key, [], {2: [2]}, _task(s), stop)
    assert got is block


def test_the_bound_model_runs_when_not_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same unproven block with time left does ask for the bound (the test above
    would pass vacuously if attach never asked)."""
    s = grid_scenario([[1500, 1200, 4000, 1500]])
    stop = StopFlag()
    block = Block((), (), 123.0, False, 5.0, "attach(2)")
    monkeypatch.setattr(oversized_attach, "_attach", lambda *a, **k: block)
    asked: list[float] = []

    class Asked(Exception):
        pass

    def bound(*args: Any, **kwargs: Any) -> None:
        asked.append(kwargs.get("time_s", 0.0))
        raise Asked
    monkeypatch.setattr(oversized_attach, "bound_and_plan", bound)
    with pytest.raises(Asked):
        attach(s, _task(s).key, [], {2: [2]}, _task(s), stop)
    assert asked
