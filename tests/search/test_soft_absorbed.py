"""The soft plan (optimizer.search.piece_common.soft_result) keeps every unit where a
grown region has no place for a center: bench/wild.py seed 25 ended with "no plan at
all for Dongtai / 庆丰镇 / urban" (exit 1, 16 s past a 15-s limit) because the region
holding a pipeline site too small for it was dropped from the start, the soft model
(stopped) found nothing, and neither the whole piece nor stand-ins could centre one
community (the site is imposed on any community holding it)."""

from __future__ import annotations

import numpy as np
import pytest

from optimizer.graph import components
from optimizer.model.piece import piece_data
from optimizer.scenario.build import grid_scenario
from optimizer.search import piece_common
from optimizer.search.attempt import Attempt
from optimizer.search.heuristic import absorbed, best_choice
from optimizer.search.piece_types import PieceTask
from optimizer.search.stop import StopFlag
from optimizer.status import Status

SITE = {"site_id": "p1", "unit_id": "r0c0", "area_m2": 0.0, "owned": True,
        "max_area_m2": 450.0, "purchase_price_yuan": None, "status": "planned",
        "available_year": 2014}


def _piece():        # 5x6 urban compounds, the two left columns no_build, p1 in r0c0
    rng = np.random.default_rng(3)
    s = grid_scenario(rng.integers(400, 700, size=(5, 6)).tolist(), sites=[SITE],
                      no_build=[f"r{r}c{c}" for r in range(5) for c in (0, 1)])
    [comp] = [c for c in components(s) if len(c.units) > 1]
    regions = [[r * 6 + c for r in range(5) for c in (2 * k, 2 * k + 1)] for k in range(3)]
    return s, piece_data(s, comp.key, comp.units), regions


def test_absorbed_hands_a_centreless_region_s_units_on() -> None:
    s, data, regions = _piece()
    grown = [best_choice(s, data, r) for r in regions]
    assert grown[0] is None and best_choice(s, data, list(range(data.n))) is None
    plan = absorbed(s, data, regions, grown)
    assert plan is not None
    assert sorted(u for ch in plan for u in ch.members) == sorted(data.units.tolist())
    # r0c0's community is centred on p1, the rooms imposed on it (PIPELINE)
    [held] = [ch for ch in plan if s.unit_ids.index("r0c0") in ch.members]
    assert held.site is not None and s.sites.site_ids[held.site] == "p1"


def test_the_soft_plan_keeps_every_unit(monkeypatch: pytest.MonkeyPatch) -> None:
    s, data, regions = _piece()
    monkeypatch.setattr(piece_common, "grow_regions", lambda d, **_: [list(r) for r in regions])
    monkeypatch.setattr(piece_common, "run_attempt", lambda *a, **k: Attempt(
        Status.UNKNOWN, (), 0.0, 0.0, 0, 1.0, 1.0))       # the soft model: nothing in time
    stop = StopFlag()
    stop.set()
    task = PieceTask(0, data.key, data.units, None, budget_s=1.0, seed=1, threads=1,
                     deterministic=False)
    reason = piece_common.no_plan_reason(s, data, "none found in time")
    res = piece_common.soft_result(s, data, task, stop, reason)
    assert sorted(u for ch in res.choices for u in ch.members) == sorted(data.units.tolist())
    assert res.bound > 0
