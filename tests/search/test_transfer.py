"""Border moves and swaps (optimizer.search.transfer): on a rural grid cut into
badly shaped communities every move kept lowers the cost, the result is legal
(every unit once, bounds, contiguity, a center best_choice allows) and cheaper, and
the same input gives the same plan."""

from __future__ import annotations

import numpy as np

from optimizer.graph import components
from optimizer.model.piece import PieceData, piece_data
from optimizer.scenario.build import grid_scenario
from optimizer.scenario.model import Scenario
from optimizer.search import piece_large
from optimizer.search.attempt import Choice
from optimizer.search.piece_common import plan_cost
from optimizer.search.piece_types import PieceTask
from optimizer.search.starts import Start
from optimizer.search.stop import StopFlag
from optimizer.search.transfer import polish
from tests.helpers.plans import assert_legal, legal_plan

ROWS, COLS = 6, 8


def _town(seed: int = 5) -> tuple[Scenario, PieceData]:
    """48 villages of 85-120 households (about 4,900: four communities of 1,000-1,500
    at least)."""
    rng = np.random.default_rng(seed)
    s = grid_scenario(rng.integers(85, 121, size=(ROWS, COLS)).tolist(), kind="rural")
    [comp] = components(s)
    return s, piece_data(s, comp.key, comp.units)


def _strips(s: Scenario, data: PieceData) -> list[Choice]:
    """Four communities of two columns each, top to bottom (12 villages, 1,020-1,440
    households each): legal but long, villages at the ends far from their centers."""
    out = legal_plan(s, data, [[r * COLS + c for r in range(ROWS) for c in (2 * k, 2 * k + 1)]
                               for k in range(COLS // 2)])
    return out


def test_polish_lowers_the_cost_and_keeps_the_plan_legal() -> None:
    s, data = _town()
    plan = _strips(s, data)
    before = plan_cost(s, plan)
    out, stats = polish(s, data, plan, work_s=10.0, stop=StopFlag())
    assert stats.moves > 0 and stats.passes >= 1
    assert_legal(s, data, out)
    after = plan_cost(s, out)
    assert after < before
    assert abs((before - after) - stats.gain_yuan) < 1e-3
    again, _ = polish(s, data, plan, work_s=10.0, stop=StopFlag())
    assert again == out                                       # deterministic


def test_polish_never_returns_a_dearer_plan_and_respects_its_work() -> None:
    s, data = _town(seed=9)
    plan = _strips(s, data)
    out, stats = polish(s, data, plan, work_s=0.0, stop=StopFlag())
    assert out == plan and stats.moves == 0                   # no work: the start
    for seed in range(4):
        s, data = _town(seed=seed)
        start = _strips(s, data)
        out, _ = polish(s, data, start, work_s=10.0, stop=StopFlag())
        assert_legal(s, data, out)
        assert plan_cost(s, out) <= plan_cost(s, start)
        # A polished plan is a fixed point: a second polish keeps it.
        again, _ = polish(s, data, out, work_s=10.0, stop=StopFlag())
        assert plan_cost(s, again) <= plan_cost(s, out)


def test_rural_large_piece_polishes_its_start(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """solve_large on a rural piece: the start (here the strips) is polished before
    the neighbourhood search (the base went straight to the search's rounds)."""
    s, data = _town()
    start = _strips(s, data)
    monkeypatch.setattr(piece_large, "grow_regions",
                        lambda d, **_: [sorted(int(np.flatnonzero(d.units == u)[0])
                                          for u in ch.members) for ch in start])
    monkeypatch.setattr(piece_large, "tree_start", lambda *a, **k: Start(None, 0.0, 0, 0))
    task = PieceTask(0, data.key, data.units, None, budget_s=0.3, seed=1, threads=1,
                     deterministic=True)
    res = piece_large.solve_large(s, data, task, StopFlag(), whole=False, model_vars=0)
    assert_legal(s, data, list(res.choices))
    assert "moves(" in res.method
    assert plan_cost(s, res.choices) < plan_cost(s, start)
