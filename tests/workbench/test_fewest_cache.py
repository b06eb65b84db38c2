"""The workbench re-checks an oversized unit's "no plan gives fewer households" claim on
every edit (its verdict reads the other oversized communities: exemptions.
depends_on_plan), but the checker's exact search behind it (checker/stranded.py
``_fewest``, seconds of CPU on the real-10740 bench case's 189-unit part) runs again only
when an edit changes what it reads: the part, the oversized units' communities and the
companions they claim. The memo lives with the scenario's pricer, so a second
workbench of the same scenario (a version opened, a workspace replayed) reuses it too.

Rural bounds 1,000-1,500; one street of one row, and a second street elsewhere::

    S1:  R300 R1100 R400 | O3000 | R1500 | P3000 | R1200
    S2:  R1100 R1200 R1300 R1000 R600

The left part (1,800) cannot form communities on its own; the least it can give O is
r0c2 (400), the claim of O's text. P is the second unit above the maximum.
"""

from __future__ import annotations

from typing import Any

import pytest

from optimizer.checker import stranded
from optimizer.checker.checker import check
from optimizer.graph.oversized import oversized_reason, take_apart
from optimizer.scenario.build import grid_scenario
from optimizer.workbench import Workbench
from optimizer.workbench.convert import state_from_plan
from tests.helpers.check_fixture import build_plan

KEY = ("C1", "S1", "rural")


def _build(at: str, *units: str, exemption: str = "") -> dict[str, Any]:
    return dict(grids=[[u] for u in units], remedy="build", site="", at=at,
                exemption=exemption)


@pytest.fixture
def searches(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times the checker's exact search of the fewest joined households ran."""
    calls = [0]
    real = stranded._fewest

    def counting(*a: Any, **k: Any) -> stranded.Proof:
        calls[0] += 1
        return real(*a, **k)

    monkeypatch.setattr(stranded, "_fewest", counting)
    return calls


def _workbench(searches: list[int]) -> Workbench:
    """The plan above in a new workbench (``searches`` counted from its making)."""
    s = grid_scenario([[300, 1100, 400, 3000, 1500, 3000, 1200],
                       [1100, 1200, 1300, 1000, 600, None, None]], kind="rural",
                      street=[["S1"] * 7, ["S2"] * 7])
    ix = s.unit_index
    row0 = [ix[f"r0c{c}"] for c in range(7)]
    parts = [p for p in take_apart(s, row0, *s.policy.bounds(False)).parts
             if ix["r0c2"] in p.units]
    text = oversized_reason(s, KEY, ix["r0c3"], [ix["r0c2"]], parts, True)
    assert "no plan gives fewer" in text
    spec = {"L": _build("r0c1", "r0c0", "r0c1"), "O": _build("r0c3", "r0c2", "r0c3",
                                                             exemption=text),
            "M": _build("r0c4", "r0c4"), "P": _build("r0c5", "r0c5"),
            "Q": _build("r0c6", "r0c6"), "A": _build("r1c0", "r1c0"),
            "B": _build("r1c1", "r1c1"), "C": _build("r1c2", "r1c2"),
            "D": _build("r1c3", "r1c3", "r1c4")}
    plan = build_plan(s, spec)
    rows = {r.rule_id: r.status for r in check(s, plan).rows if r.community_id == "O"}
    assert rows["SIZE-RURAL"] == "exempt", rows
    searches[0] = 0
    return Workbench(s, state_from_plan(s, plan))


def _o_rows(wb: Workbench) -> dict[str, str]:
    return {r.rule_id: r.status for r in wb.report().rows if r.community_id == "O"}


def test_an_edit_elsewhere_reuses_the_verdict_one_that_changes_its_key_does_not(
        searches: list[int]) -> None:
    wb = _workbench(searches)
    assert searches[0] == 1
    # Another street: O is re-checked (its verdict reads the plan), not searched again.
    change = wb.edit({"op": "move", "units": ["r1c4"], "to": "C"})
    assert "O" in change.rechecked and searches[0] == 1
    change = wb.edit({"op": "move", "units": ["r1c4"], "to": "D"})
    assert "O" in change.rechecked and searches[0] == 1
    assert _o_rows(wb)["SIZE-RURAL"] == "exempt"
    # P's community (an oversized unit's, which the claim counts) changes: searched again.
    change = wb.edit({"op": "move", "units": ["r0c6"], "to": "P"})
    assert "O" in change.rechecked and searches[0] == 2
    # Back as it was: the first verdict is still kept.
    wb.undo()
    assert searches[0] == 2
    assert _o_rows(wb)["SIZE-RURAL"] == "exempt"
    # The workbench's lines are still the checker's on the exported plan.
    plan = wb.plan()
    assert [(r.rule_id, r.community_id, r.status) for r in check(wb.scenario, plan).rows] \
        == [(r.rule_id, r.community_id, r.status) for r in wb.report().rows]


def test_a_second_workbench_of_the_scenario_reuses_it(searches: list[int]) -> None:
    wb = _workbench(searches)
    assert searches[0] == 1
    again = Workbench(wb.scenario, wb.state.copy(), pricer=wb.pricer)
    assert searches[0] == 1
    assert _o_rows(again) == _o_rows(wb)


def test_the_kept_verdicts_are_bounded(searches: list[int]) -> None:
    memo: dict[tuple[object, ...], stranded.Proof] = {("stranded", (1,)): (True, "")}
    for n in range(stranded.KEPT_FEWEST + 5):
        stranded._keep(memo, ("fewest", (1,), (n,), ()), (True, ""))
    fewest = [k for k in memo if k[0] == "fewest"]
    assert len(fewest) == stranded.KEPT_FEWEST
    assert fewest[-1][2] == (stranded.KEPT_FEWEST + 4,) and ("stranded", (1,)) in memo


def test_the_live_lines_read_the_companions_of_the_current_plan() -> None:
    """R400 | R500 | O3000 (no_build, no site) | ...: O takes R500 as its companion and
    R400, cut off by the two, joins. The joined claim reads the companions from the
    texts of the piece's oversized communities; the live check read them from the last
    report's plan (none when loaded) and failed O's size exemption that check() accepts."""
    from optimizer.search import solve

    s = grid_scenario([[400, 500, 3000, 700, 800, 600, 600]], kind="rural",
                      no_build=["r0c2"])
    plan = solve(s, time_limit_s=10, workers=1, seed=0)
    assert check(s, plan).passed
    wb = Workbench(s, state_from_plan(s, plan))
    live = [(r.rule_id, r.community_id, r.status) for r in wb.report().rows]
    assert live == [(r.rule_id, r.community_id, r.status) for r in check(s, wb.plan()).rows]
    assert wb.report().passed
