"""A compound whose imposed rooms coming serve fewer households than it holds
(PIPELINE: any community holding it takes a pipeline site of its units as its center).

Wild seed 575 (one worker, 20 s) ended with "no plan at all": its compound 17 (2,600
households, rooms serving 2,160) has a legal center only in a community that also
holds compound 94's rooms (serving 3,000), 2,952 households along the lightest path.
Region growing from the periphery never put both in one region, every start had a
region without a center, and the stand-in last resort could not centre it either.
Now region growing seeds such a compound's region with that path
(optimizer.search.heuristic._to_rooms), and where no such path exists the last
resort centres its region on its largest pipeline site at full reach, short, and
unproven: a plan with every unit in it, marked "none found in time"
(optimizer.search.piece_common.last_resort)."""

from __future__ import annotations

from typing import Any

from optimizer.graph import components
from optimizer.model.piece import PieceData, piece_data
from optimizer.scenario.build import grid_scenario
from optimizer.scenario.model import Scenario
from optimizer.search import piece_common
from optimizer.search.heuristic import best_choice
from optimizer.search.piece_common import heuristic_start, last_resort, with_stand_ins
from optimizer.search.piece_types import PieceTask
from optimizer.search.stop import StopFlag


def _rooms(site: str, unit: str, m2: float) -> dict[str, Any]:
    return {"site_id": site, "unit_id": unit, "area_m2": 0.0, "owned": True,
            "max_area_m2": m2, "purchase_price_yuan": None, "status": "planned",
            "available_year": 2014}


def _piece(households: list[list[int]], sites: list[dict[str, Any]]
           ) -> tuple[Scenario, PieceData]:
    s = grid_scenario(households, sites=sites)
    [comp] = [c for c in components(s) if len(c.units) > 1]
    return s, piece_data(s, comp.key, comp.units)


def _street() -> tuple[Scenario, PieceData]:
    """r0c0 (2,600 households) has rooms of 432 m² (serving 2,160 at 20 m² per 100);
    r0c2's 600 m² serve 3,000, and r0c0-r0c1-r0c2 hold 2,950: its only legal
    community (with at most 50 more). The rest splits as 2,700 + 2,900 + 2,900."""
    return _piece([[2600, 150, 200, 900], [800, 700, 900, 1000], [1200, 1100, 900, 1000]],
                  [_rooms("short", "r0c0", 432.0), _rooms("big", "r0c2", 600.0)])


def test_the_short_compound_s_region_reaches_rooms_that_serve_it() -> None:
    s, data = _street()
    plan = heuristic_start(s, data)
    assert plan is not None         # 9034d05: None (r0c0's region had no center)
    assert sorted(u for ch in plan for u in ch.members) == sorted(data.units.tolist())
    assert all(data.lo <= int(s.households[list(ch.members)].sum()) <= data.hi
               for ch in plan)
    [held] = [ch for ch in plan if s.unit_ids.index("r0c0") in ch.members]
    assert held.site is not None and s.sites.site_ids[held.site] == "big"


def _no_reach() -> tuple[Scenario, PieceData]:
    """A 101-compound street (past the short-rooms proof's exhaustive pieces): r0c0
    (2,600 households) holds rooms coming of 432 m²; no community within the bounds
    holding it can have a legal center. r0c5's rooms (700 m²) reach the need of a
    community above the maximum holding both (3,100 households along the lightest
    path), so r0c0 is not proven short (short_within.proved, session 43)."""
    rows = [[2600] + [100] * 9] + [[300] * 10 for _ in range(9)] + [[300]]
    return _piece(rows, [_rooms("short", "r0c0", 432.0), _rooms("far", "r0c5", 700.0)])


def test_the_last_resort_keeps_every_unit_and_centres_the_short_one() -> None:
    s, data = _no_reach()
    assert data.n == 101
    r0c0 = s.unit_ids.index("r0c0")
    local = next(k for k, u in enumerate(data.units.tolist()) if u == r0c0)
    assert best_choice(s, data, [local]) is None        # no legal center at all
    plan = last_resort(with_stand_ins(s, data.units.tolist()), data)
    assert sorted(u for ch in plan for u in ch.members) == sorted(data.units.tolist())
    [held] = [ch for ch in plan if r0c0 in ch.members]
    assert held.capped and s.sites.site_ids[held.site] == "short"


def test_a_stopped_soft_plan_is_written_and_marked_starved() -> None:
    s, data = _no_reach()
    stop = StopFlag()
    stop.set()
    task = PieceTask(0, data.key, data.units, None, budget_s=1.0, seed=1, threads=1,
                     deterministic=False)
    reason = piece_common.no_plan_reason(s, data, "none found in time")
    # 9034d05: SolveError "no plan at all" (the stand-ins cannot lift imposed rooms)
    res = piece_common.soft_result(s, data, task, stop, reason)
    assert sorted(u for ch in res.choices for u in ch.members) == sorted(data.units.tolist())
    r0c0 = s.unit_ids.index("r0c0")
    [k] = [k for k, ch in enumerate(res.choices) if r0c0 in ch.members]
    # its center short and not proven so: the search ran out of time (budgeted.starved)
    assert res.choices[k].capped and reason in res.exemptions[k]
    assert res.bound > 0
