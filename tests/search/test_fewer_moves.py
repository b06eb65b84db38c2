"""One community fewer by single-village moves (optimizer.search.fewer_moves): from a
rural plan of five communities whose households fit four, a legal plan of four
(every unit once, bounds, contiguity, the cheapest allowed center each), the same
for the same seed; nothing where the households cannot fit one fewer; and
solve_large takes it on a rural piece where lns_fewer finds nothing."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from optimizer.graph import components
from optimizer.model.piece import PieceData, piece_data
from optimizer.scenario.build import grid_scenario
from optimizer.scenario.model import Scenario
from optimizer.search import lns_fewer, piece_large
from optimizer.search.attempt import Choice
from optimizer.search.fewer_moves import one_fewer
from optimizer.search.piece_common import plan_cost
from optimizer.search.piece_types import PieceTask
from optimizer.search.starts import Start
from optimizer.search.stop import StopFlag
from tests.helpers.plans import assert_legal, legal_plan

ROWS, COLS = 6, 10


def _town(seed: int = 2) -> tuple[Scenario, PieceData, list[Choice]]:
    """60 villages of 84-100 households (about 5,500: four communities of at most
    1,500 hold them, 92% full) as five strips of two columns (1,008-1,200 each)."""
    rng = np.random.default_rng(seed)
    s = grid_scenario(rng.integers(84, 101, size=(ROWS, COLS)).tolist(), kind="rural")
    [comp] = components(s)
    data = piece_data(s, comp.key, comp.units)
    out = legal_plan(s, data, [[r * COLS + c for r in range(ROWS) for c in (2 * k, 2 * k + 1)]
                               for k in range(COLS // 2)])
    return s, data, out


@pytest.mark.parametrize("seed", [2, 3, 4])
def test_one_fewer_gives_a_legal_plan_of_one_community_less(seed: int) -> None:
    s, data, plan = _town(seed)
    assert data.total <= 4 * data.hi
    out, stats = one_fewer(s, data, plan, work_s=20.0, seed=1, stop=StopFlag())
    assert out is not None and stats.found and len(out) == 4
    assert_legal(s, data, out)
    assert plan_cost(s, out) < plan_cost(s, plan)             # a community's fixed costs
    again, _ = one_fewer(s, data, plan, work_s=20.0, seed=1, stop=StopFlag())
    assert again == out                                       # deterministic


def test_nothing_where_one_fewer_cannot_hold_the_households() -> None:
    s, data, plan = _town()
    four, _ = one_fewer(s, data, plan, work_s=20.0, seed=1, stop=StopFlag())
    assert four is not None
    assert data.total > 3 * data.hi
    three, stats = one_fewer(s, data, four, work_s=20.0, seed=1, stop=StopFlag())
    assert three is None and stats.attempts == 0 and stats.used_s == 0.0
    none, stats = one_fewer(s, data, plan, work_s=0.0, seed=1, stop=StopFlag())
    assert none is None and stats.moves == 0


def test_rural_large_piece_takes_one_fewer(monkeypatch: pytest.MonkeyPatch) -> None:
    """solve_large from the five strips, lns_fewer finding nothing: four communities
    (the base kept five: its neighbourhoods of three never hold one fewer here)."""
    s, data, plan = _town()
    monkeypatch.setattr(piece_large, "grow_regions",
                        lambda d, **_: [sorted(int(np.flatnonzero(d.units == u)[0])
                                          for u in ch.members) for ch in plan])
    monkeypatch.setattr(piece_large, "tree_start", lambda *a, **k: Start(None, 0.0, 0, 0))

    def nothing(scenario: Any, data: Any, choices: list[Choice], **kw: Any) -> Any:
        return list(choices), lns_fewer.FewerStats()

    monkeypatch.setattr(piece_large, "fewer_communities", nothing)
    task = PieceTask(0, data.key, data.units, None, budget_s=4.0, seed=1, threads=1,
                     deterministic=True)
    res = piece_large.solve_large(s, data, task, StopFlag(), whole=False, model_vars=0)
    assert len(res.choices) == 4 and "anneal(-1" in res.method
    assert_legal(s, data, list(res.choices))
