"""The least-miss start of a piece with no split (optimizer.graph.tight.least_miss) runs
CP-SAT for a deterministic second per count, which is no wall-clock bound: bench/wild.py
seed 313 (10 s, one worker, load 3.6) handed its 40-village rest out at the limit and
ran the model 2.3 s past it. The piece's stop flag now ends the model and skips it once
raised (the soft model is skipped then too: region growing's plan is taken)."""

from __future__ import annotations

import time
from typing import Any

import pytest

from optimizer.graph import components, diagnose
from optimizer.graph.tight import least_miss
from optimizer.model.piece import piece_data
from optimizer.search import piece_common
from optimizer.search.attempt import Attempt
from optimizer.search.piece_types import PieceTask
from optimizer.search.stop import StopFlag
from optimizer.status import Status
from tests.search.test_tight_split import necked


def _raised() -> StopFlag:
    stop = StopFlag()
    stop.set()
    return stop


def test_a_raised_flag_ends_the_model_before_a_count() -> None:
    s = necked(305)
    [c] = components(s)
    assert least_miss(s, c.units.tolist(), 1000, 1500) is not None     # unstopped
    t0 = time.perf_counter()
    assert least_miss(s, c.units.tolist(), 1000, 1500, stop=_raised()) is None
    assert time.perf_counter() - t0 < 0.5


def test_a_stopped_soft_piece_takes_region_growing_without_the_model(
        monkeypatch: pytest.MonkeyPatch) -> None:
    s = necked(305)
    [c] = components(s)
    data = piece_data(s, c.key, c.units)
    [d] = diagnose(s)
    assert d.record is not None and d.record.kind == "no-partition"
    calls = [0]
    real = piece_common.least_miss

    def spy(*a: Any, **k: Any) -> Any:
        calls[0] += 1
        return real(*a, **k)

    monkeypatch.setattr(piece_common, "least_miss", spy)
    monkeypatch.setattr(piece_common, "run_attempt", lambda *a, **k: Attempt(
        Status.UNKNOWN, (), 0.0, 0.0, 0, 1.0, 1.0))       # the soft model: nothing in time
    task = PieceTask(0, data.key, data.units, None, budget_s=10.0, seed=1, threads=1)
    res = piece_common.soft_result(s, data, task, _raised(), d.record)
    assert calls[0] == 0
    assert sorted(u for ch in res.choices for u in ch.members) == sorted(data.units.tolist())
    # unstopped, the model runs (the start that misses least: tests/search/test_least_miss.py)
    piece_common.soft_result(s, data, task, StopFlag(), d.record)
    assert calls[0] == 1
