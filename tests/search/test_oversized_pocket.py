"""A part around units above the maximum that holds a pocket (optimizer.graph.pocket):
the pocket is one community, exempt and naming its units and its gate; the rest of
the part is solved within the bounds; the plan passes the checker and its bound is
below the cheapest plan of that kind, found by enumeration.

Urban, 2,000-3,000 households; the gate 715 is the only way out of 1684 / 221 / 1275
(3,180 together: no split of them keeps the bounds)::

    O4000 1000 1100  715 1684
     -     -    -   1275  221

The part is six units: the exhaustive split search of take_apart would call it
stranded (as it is, whole), so the test lowers that search's size, as a part of
189 compounds is too large for it (real-10740).
"""

from __future__ import annotations

import numpy as np
import pytest

from optimizer.checker.checker import check
from optimizer.graph import components
from optimizer.model.piece import piece_data
from optimizer.scenario.build import grid_scenario
from optimizer.search import solve
from optimizer.search.driver import _diagnoses_by_component
from optimizer.search.piece import solve_data
from optimizer.search.piece_common import plan_cost
from optimizer.search.piece_types import PieceTask
from optimizer.search.stop import StopFlag
from tests.helpers.solve import communities_of

STREET = [[4000, 1000, 1100, 715, 1684], [None, None, None, 1275, 221]]


@pytest.fixture(autouse=True)
def _large(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("optimizer.graph.oversized.EXHAUSTIVE_UNITS", 2)
    monkeypatch.setattr("optimizer.search.oversized.EXHAUSTIVE_UNITS", 2)


def test_the_pocket_is_one_exempt_community_and_the_rest_keeps_the_bounds() -> None:
    s = grid_scenario(STREET)
    plan = solve(s, time_limit_s=30, workers=1, seed=0)
    report = check(s, plan)
    assert report.passed, report.summary_text()
    comm = dict(zip(plan.unit_ids, plan.community, strict=True))
    assert communities_of(plan) == [
        ["r0c0"], ["r0c1", "r0c2", "r0c3"], ["r0c4", "r1c3", "r1c4"]]
    rows = {c.community_id: c for c in plan.communities}
    pocket = rows[comm["r0c4"]].exemption
    assert "r0c3" in pocket and "r1c3" in pocket and "r0c0" not in pocket
    assert not rows[comm["r0c1"]].exemption
    size = {r.community_id: r.status for r in report.rows if r.rule_id == "SIZE-URBAN"}
    assert size[comm["r0c4"]] == "exempt" and size[comm["r0c0"]] == "exempt"


def test_the_bound_is_below_the_plan_and_proven_here() -> None:
    s = grid_scenario(STREET)
    comps = components(s)
    diag, _ = _diagnoses_by_component(s, comps)
    comp = comps[0]
    data = piece_data(s, comp.key, comp.units)
    task = PieceTask(index=0, key=comp.key, units=comp.units, diagnosis=diag[0],
                     budget_s=20, seed=0, threads=1)
    res = solve_data(s, data, task, StopFlag())
    cost = plan_cost(s, res.choices)
    assert "pocket(3)" in res.method
    assert res.bound <= cost + 1e-6
    # Only one plan of this kind: O alone, the pocket whole, the rest one community.
    assert res.bound == pytest.approx(cost, rel=1e-6)     # the model's rounding margin
    assert np.isfinite(res.bound)


def test_a_part_still_stranded_without_its_pocket_joins_and_the_checker_proves_it() -> None:
    """Rural, 1,000-1,500: O3000 400 500 1300 300. The 300 can share a community with
    no neighbour (1,600 with the 1300), so it is a pocket of its own (exempt, 700
    short); the rest (400 500 1300) still has no split, so 400 and 500 join O. The
    joined claim names the part as the checker sees it (four units, 2,500
    households), which it proves unsplittable by that pocket."""
    s = grid_scenario([[3000, 400, 500, 1300, 300]], kind="rural")
    plan = solve(s, time_limit_s=30, workers=1, seed=0)
    report = check(s, plan)
    assert report.passed, report.summary_text()
    comm = dict(zip(plan.unit_ids, plan.community, strict=True))
    assert communities_of(plan) == [
        ["r0c0", "r0c1", "r0c2"], ["r0c3"], ["r0c4"]]
    rows = {c.community_id: c for c in plan.communities}
    assert "of the 4 units (2,500 households)" in rows[comm["r0c0"]].exemption
    assert "this is the least the search found" in rows[comm["r0c0"]].exemption
    assert "r0c4" in rows[comm["r0c4"]].exemption
    lines = {(r.rule_id, r.community_id): r.status for r in report.rows}
    assert lines["SIZE-RURAL", comm["r0c0"]] == "exempt"
    assert lines["SIZE-RURAL", comm["r0c4"]] == "exempt"
    assert ("EXEMPTION", comm["r0c0"]) not in lines       # proved, not left unassessed
