"""A listing that found no plan in its time counts in what the piece used
(optimizer.search.piece._charged): with one worker that count, not the clock, decides
the time handed on to the next pieces (optimizer.search.clock).

Wild seed 693 (one worker, 20 s): a 119-compound street listed 257,032 communities,
its set partitioning found no plan in its seconds and the models took over with what
was left; the piece reported 0.84 s used of its 11.02-s budget (only the models'), so
10 s were handed on to pieces the clock then stopped."""

from __future__ import annotations

import math

import pytest

from optimizer.graph import decompose
from optimizer.scenario.build import grid_scenario
from optimizer.search import piece as piece_mod
from optimizer.search.columns import ColumnPlan
from optimizer.search.piece_types import PieceTask
from optimizer.search.stop import StopFlag
from optimizer.status import Status

ROWS = [[700, 800, 900, 600], [500, 900, 700, 800], [600, 700, 800, 900]]


def test_a_listing_without_a_plan_counts_in_the_piece_s_use(
        monkeypatch: pytest.MonkeyPatch) -> None:
    s = grid_scenario(ROWS)
    [comp], _ = decompose(s)
    task = PieceTask(0, comp.key, comp.units, None, budget_s=8.0, seed=0, threads=1,
                     deterministic=True)

    def no_plan(*_a: object, **_k: object) -> ColumnPlan:
        return ColumnPlan(Status.UNKNOWN, (), -math.inf, 6.5, 1234)

    monkeypatch.setattr(piece_mod, "plan_by_columns", no_plan)
    got = piece_mod.solve_piece(s, task, StopFlag())
    assert got.choices and not got.method.startswith("columns")     # the models' plan
    assert got.used_s >= 6.5, (got.used_s, got.method)


def test_models_that_found_no_plan_count_too(monkeypatch: pytest.MonkeyPatch) -> None:
    """The exact model's seconds before the last resorts (wild seed 529: a 65-village
    piece's exact model took 5.4 deterministic s of its 3.6-s budget; the piece
    reported 2.9 used after 23 s of wall): counted. The last resorts keep the whole
    budget (cores and pockets need it after a proof of no plan)."""
    from optimizer.search.piece_common import no_plan_reason
    from optimizer.search.piece_exact import NoPlanFound

    s = grid_scenario(ROWS)
    [comp], _ = decompose(s)
    task = PieceTask(0, comp.key, comp.units, None, budget_s=8.0, seed=0, threads=1,
                     deterministic=True)
    budgets: list[float] = []
    real_no_plan = piece_mod._no_plan

    def no_plan(sc: object, data: object, t: PieceTask, *a: object, **k: object) -> object:
        budgets.append(t.budget_s)
        return real_no_plan(sc, data, t, *a, **k)      # type: ignore[arg-type]

    def none_found(sc: object, data: object, *_a: object) -> NoPlanFound:
        return NoPlanFound(no_plan_reason(sc, data, "none found in time"), 6.5)  # type: ignore[arg-type]

    monkeypatch.setattr(piece_mod, "plan_by_columns", lambda *a, **k: None)
    monkeypatch.setattr(piece_mod, "exact_counts", none_found)
    monkeypatch.setattr(piece_mod, "_no_plan", no_plan)
    got = piece_mod.solve_piece(s, task, StopFlag())
    assert got.choices and got.used_s >= 6.5, (got.used_s, got.method)
    assert budgets and budgets[0] > 8.0 - 6.5     # the models' budget, not what was left
