"""The ordering model per count (optimizer.search.piece_exact.exact_counts) on a piece whose bound
model is the "adjacent" relaxation: where no count's ordering model beats the
region-growing start in its time, the neighbourhood search from the start takes the
relaxations' time, so the piece never ends dearer than its start.

On the clock under load (oversized-rural-nosplit's 94 villages, 120 s, two workers)
the ordering model found nothing at any of its three counts, or a plan dearer than the
start, which then replaced it: 2.1% and 6.0% where the deterministic run is 0.5%
(bench/JOURNAL.md, session 30, helper attach110). Here the models are made to answer
as they did there, on a small grid."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np
import pytest

from optimizer.graph import components, is_connected
from optimizer.model.piece import PieceData, piece_data
from optimizer.scenario.build import grid_scenario
from optimizer.scenario.model import Scenario
from optimizer.search import piece, piece_exact
from optimizer.search.attempt import Attempt, Choice
from optimizer.search.piece_common import heuristic_start, plan_cost
from optimizer.search.piece_types import PieceResult, PieceTask
from optimizer.search.stop import StopFlag
from optimizer.status import Status

NOTHING = Attempt(Status.UNKNOWN, (), math.nan, 0.0, 0, 0.1, 0.1)


def _street(rows: int) -> Scenario:
    """An urban grid of 3-5 communities; region growing leaves room to improve."""
    rng = np.random.default_rng(4)
    return grid_scenario(rng.integers(400, 700, size=(rows, 5)).tolist())


def _data(s: Scenario) -> PieceData:
    [comp] = [c for c in components(s) if len(c.units) > 1]
    return piece_data(s, comp.key, comp.units)


def _solve(s: Scenario, data: PieceData, monkeypatch: pytest.MonkeyPatch,
           order: Attempt) -> PieceResult:
    """The piece by ``exact_counts``: every ordering model answers ``order``, every
    relaxation finds nothing in its time (no plan, no bound)."""
    monkeypatch.setattr(piece, "plan_by_columns", lambda *a, **k: None)
    monkeypatch.setattr(piece, "FLOW_X", 10)            # the "adjacent" relaxation
    monkeypatch.setattr(piece, "MID_COMMUNITIES", 99)   # _exact, not solve_large
    real = piece_exact.run_attempt

    def attempt(*a: Any, **k: Any) -> Attempt:
        if k.get("contiguity") == "order" and not k.get("soft"):
            return order
        if k.get("contiguity") == "adjacent":
            return NOTHING
        return real(*a, **k)

    monkeypatch.setattr(piece_exact, "run_attempt", attempt)
    task = PieceTask(0, data.key, data.units, None, budget_s=6.0, seed=1, threads=1)
    return piece.solve_data(s, data, task, StopFlag())


def _within(s: Scenario, data: PieceData, res: PieceResult) -> None:
    assert sorted(u for ch in res.choices for u in ch.members) == sorted(data.units.tolist())
    assert all(is_connected(ch.members, s.neighbours) for ch in res.choices)
    assert all(data.lo <= int(s.households[list(ch.members)].sum()) <= data.hi
               for ch in res.choices)
    assert 0 < res.bound <= plan_cost(s, res.choices) + 1e-6
    assert res.status != Status.OPTIMAL


def _dearer_than_the_start() -> tuple[Scenario, PieceData, tuple[Choice, ...], Attempt]:
    """The 4-column street, its region-growing start, and a lawful plan dearer than
    the start: the ordering model at one community more."""
    s = _street(4)
    data = _data(s)
    start = heuristic_start(s, data)
    assert start is not None
    k = len(start) + 1
    task = PieceTask(0, data.key, data.units, None, budget_s=4.0, seed=1, threads=1)
    dear = piece_exact.run_attempt(s, data, task, contiguity="order", soft=False, count=(k, k),
                             time_s=4.0, stop=StopFlag())
    assert dear.choices and plan_cost(s, dear.choices) > plan_cost(s, start) + 1.0
    return s, data, start, dear


def test_a_dearer_ordering_plan_does_not_replace_the_start(
        monkeypatch: pytest.MonkeyPatch) -> None:
    s, data, start, dear = _dearer_than_the_start()
    res = _solve(s, data, monkeypatch, dear)
    # On f1d0b0d: the dearer plan (its k communities), the start dropped.
    assert plan_cost(s, res.choices) <= plan_cost(s, start) + 1e-6, res.method
    assert "lns(" in res.method
    _within(s, data, res)


def test_no_ordering_plan_in_time_the_search_improves_the_start(
        monkeypatch: pytest.MonkeyPatch) -> None:
    s = _street(3)
    data = _data(s)
    start = heuristic_start(s, data)
    assert start is not None
    res = _solve(s, data, monkeypatch, NOTHING)
    # On f1d0b0d: the start as it is (the relaxations' time spent on no plan).
    assert plan_cost(s, res.choices) < plan_cost(s, start) - 1.0, res.method
    _within(s, data, res)


def test_a_proven_dearer_ordering_plan_keeps_the_start_and_the_relaxations(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # Every count's ordering model proven (within its shapes), region growing's plan
    # cheaper: the start is the plan, and the relaxations keep their time (they may
    # prove it); no neighbourhood search.
    s, data, start, dear = _dearer_than_the_start()
    res = _solve(s, data, monkeypatch, dataclasses.replace(dear, status=Status.OPTIMAL))
    # On f1d0b0d: the dearer plan.
    assert abs(plan_cost(s, res.choices) - plan_cost(s, start)) < 1e-6, res.method
    assert "lns(" not in res.method and res.method.endswith(", the start")
    _within(s, data, res)


def test_region_growing_missed_a_tree_partition_is_the_start(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Region growing misses the bounds, no ordering model and no exact model find a
    plan in time, nor the split search: the tree partitions at the least counts
    (optimizer.search.starts) give the start. Wild seed 529's 65-village piece (one
    worker): on 816b6dc the exact model took 5.65 deterministic s (13.6-38 s of wall)
    for nothing and the piece went `soft`, breaking the bounds."""
    s = _street(3)
    data = _data(s)
    monkeypatch.setattr(piece_exact, "heuristic_start", lambda *a, **k: None)
    monkeypatch.setattr(piece_exact, "stopped_start", lambda *a, **k: (None, ""))
    real = piece_exact.run_attempt

    def attempt(*a: Any, **k: Any) -> Attempt:
        if k.get("contiguity") == "flow":
            return NOTHING          # the exact model: nothing in its time either
        return real(*a, **k)

    monkeypatch.setattr(piece_exact, "run_attempt", attempt)
    res = _solve(s, data, monkeypatch, NOTHING)
    _within(s, data, res)
    assert "soft" not in res.method, res.method
