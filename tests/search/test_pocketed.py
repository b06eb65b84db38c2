"""An ordinary piece (no unit above the maximum) with a pocket (optimizer.graph.pocket):
the pocket is one community, exempt and naming its units and its gate; the rest of the
piece is solved within the bounds with a bound above 0; the plan passes the checker.
Before, the whole piece went to the soft model (issue 16).

Urban, 2,000-3,000 households; the gate 715 is the only way out of 1684 / 1275 / 221
(3,180 together: no split of them keeps the bounds, and the gate's community can take
at most 2,285 of them, none of which leaves the rest splittable)::

    1000 1100  715 1684
     -     -  1275  221
"""

from __future__ import annotations

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

STREET = [[1000, 1100, 715, 1684], [None, None, 1275, 221]]


def test_the_pocket_alone_is_exempt_and_the_plan_passes_the_checker() -> None:
    s = grid_scenario(STREET)
    plan = solve(s, time_limit_s=30, workers=1, seed=0)
    report = check(s, plan)
    assert report.passed, report.summary_text()
    assert communities_of(plan) == [
        ["r0c0", "r0c1", "r0c2"], ["r0c3", "r1c2", "r1c3"]]
    comm = dict(zip(plan.unit_ids, plan.community, strict=True))
    rows = {c.community_id: c for c in plan.communities}
    pocket = rows[comm["r0c3"]].exemption
    assert "r0c3" in pocket and "r1c2" in pocket and "r1c3" in pocket
    assert "r0c2" in pocket                 # its gate, named
    assert not rows[comm["r0c0"]].exemption
    size = {r.community_id: r.status for r in report.rows if r.rule_id == "SIZE-URBAN"}
    assert size[comm["r0c3"]] == "exempt" and size[comm["r0c0"]] == "pass"
    assert plan.bound is not None and plan.bound > 0


def test_the_piece_is_pocketed_not_soft_with_a_bound_below_its_plan() -> None:
    s = grid_scenario(STREET)
    comps = components(s)
    diag, _ = _diagnoses_by_component(s, comps)
    assert 0 in diag        # the diagnosis proves the piece impossible within the bounds
    comp = comps[0]
    task = PieceTask(index=0, key=comp.key, units=comp.units, diagnosis=diag[0],
                     budget_s=20, seed=0, threads=1)
    res = solve_data(s, piece_data(s, comp.key, comp.units), task, StopFlag())
    assert res.method.startswith("pockets(1)") and "soft" not in res.method
    assert [bool(ex) for ex in res.exemptions].count(True) == 1
    cost = plan_cost(s, res.choices)
    assert 0 < res.bound <= cost + 1e-6
    # One plan of this kind: the pocket whole, the rest one community.
    assert res.bound == pytest.approx(cost, rel=1e-6)


def test_without_a_pocket_the_soft_model_stays() -> None:
    """1000 1100 | 1500 in a row, urban: 3,600 households, no split within 2,000-3,000
    and the only pocket is the whole row: nothing smaller is proven, so soft."""
    s = grid_scenario([[1000, 1100, 1500]])
    comps = components(s)
    diag, _ = _diagnoses_by_component(s, comps)
    comp = comps[0]
    task = PieceTask(index=0, key=comp.key, units=comp.units, diagnosis=diag.get(0),
                     budget_s=5, seed=0, threads=1)
    res = solve_data(s, piece_data(s, comp.key, comp.units), task, StopFlag())
    assert res.method == "soft"



@pytest.mark.parametrize("listed", [True, False])
def test_a_part_with_no_plan_within_the_bounds_ends_at_its_proof(
        monkeypatch: pytest.MonkeyPatch, listed: bool) -> None:
    """A part the pockets' try solves (``within_only``), with no split within
    2,000-3,000 (a 4-cycle of 2,600, 2,600, 600, 600: 6,400 households, two or three
    communities by households, none by shape): no plan, at once, and none of the last
    resorts whose plan the try would drop (wild seed 951's 134-compound street: its
    rest sought cores, then ran the soft model 17 s of wall on a 23-s budget, and the
    piece's own cored try then had 0.2 s). ``listed``: by the listing of every
    community (optimizer.search.columns), else by the exact models::

        2600 2600
         600  600
    """
    from optimizer.search import piece

    s = grid_scenario([[2600, 2600], [600, 600]])
    comp = components(s)[0]
    data = piece_data(s, comp.key, comp.units)
    calls: list[str] = []
    for name in ("soft_result", "solve_cored", "no_partition", "solve_pocketed"):
        monkeypatch.setattr(piece, name, lambda *a, _n=name, **k: calls.append(_n))
    if not listed:
        monkeypatch.setattr(piece, "plan_by_columns", lambda *a, **k: None)
    task = PieceTask(index=0, key=comp.key, units=comp.units, diagnosis=None,
                     budget_s=20, seed=0, threads=1, part_of_piece=True, within_only=True)
    res = solve_data(s, data, task, StopFlag())
    assert calls == []
    assert res.choices == () and res.exemptions == ()
    assert res.reason and res.method == "no plan within the bounds"


def test_a_lone_unit_of_a_pocket_takes_no_unit_its_pocket_holds() -> None:
    """bench/oversized_grids.py ordinary 4517 (rural, 1,000-1,500; X = no_build, no
    site): the pocket behind r1c2 splits as {r0c1, r0c2, r1c2, r1c3}, {r0c3}, {r1c1},
    and the lone r1c1 has no center. Its lightest path to one took r1c2, already in
    the first group: the piece's solve raised "a unit left out". Now its path runs
    outside the pocket's groups, and the plan passes the checker::

        1500  700  200X 1200
         700 1200X  200  500
    """
    s = grid_scenario([[1500, 700, 200, 1200], [700, 1200, 200, 500]], kind="rural",
                      no_build=["r1c1", "r0c2"])
    plan = solve(s, time_limit_s=10, workers=1, seed=0)
    report = check(s, plan)
    assert report.passed, report.summary_text()
    units = [u for c in communities_of(plan) for u in c]
    assert sorted(units) == sorted(s.unit_ids)
