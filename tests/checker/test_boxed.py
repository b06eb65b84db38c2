"""Planted faults in a "boxed" clause (optimizer/checker/boxed.py): an oversized unit
where no center can stand that joined another unit above the maximum's community,
because no place for a center can be reached from it without passing through one. A
unit that is not boxed in, a unit that can hold its own center, a unit the community
does not hold, a false household count: each rejected; the true text accepted.

The texts are the solver's own words (optimizer.graph.boxed.boxed_clause). Rural
bounds 1,000-1,500::

    B 1800X   H 1800   1200          B (r0c0) boxed in by H (r0c1) and r1c0;
    1800X       200    1200          r1c0 takes r1c1 (its companions)
"""

from __future__ import annotations

from typing import Any

import pytest

from optimizer.checker.checker import check
from optimizer.graph.boxed import boxed_clause
from optimizer.graph.oversized import oversized_reason
from optimizer.scenario.build import grid_scenario
from optimizer.scenario.model import Scenario
from tests.helpers.check_fixture import build_plan

KEY = ("C1", "S1", "rural")


def scenario(r1c0: int = 1800, no_build: tuple[str, ...] = ("r0c0", "r1c0")) -> Scenario:
    return grid_scenario([[1800, 1800, 1200], [r1c0, 200, 1200]], kind="rural",
                         no_build=list(no_build))


def build(at: str, *units: str, exemption: str = "") -> dict[str, Any]:
    return dict(grids=[[u] for u in units], remedy="build", site="", at=at,
                exemption=exemption)


def host_text(s: Scenario, boxed: str = "r0c0") -> str:
    """H's text (unit above the maximum) and the clause of the unit that joined it."""
    return (oversized_reason(s, KEY, s.unit_index["r0c1"])
            + boxed_clause(s, KEY, s.unit_index[boxed], []))


def plan_spec(s: Scenario, text: str, lower: tuple[str, ...] = ("r1c0", "r1c1")
              ) -> dict[str, dict[str, Any]]:
    low = oversized_reason(s, KEY, s.unit_index["r1c0"], companions=[s.unit_index["r1c1"]]) \
        if int(s.households[s.unit_index["r1c0"]]) > 1500 else ""
    return {"H": build("r0c1", "r0c1", "r0c0", exemption=text),
            "L": build("r1c1", *lower, exemption=low),
            "C": build("r0c2", "r0c2"), "D": build("r1c2", "r1c2")}


def size_row(s: Scenario, spec: dict[str, dict[str, Any]]) -> tuple[str, str]:
    report = check(s, build_plan(s, spec))
    [row] = [r for r in report.rows if r.community_id == "H" and r.rule_id == "SIZE-RURAL"]
    return row.status, row.note


def test_the_boxed_in_unit_is_accepted() -> None:
    s = scenario()
    status, note = size_row(s, plan_spec(s, host_text(s)))
    assert status == "exempt", note
    assert "no place for one is reachable from it" in note


FAULTS = {
    # r1c0 holds 900 households: B reaches r1c1 (may build) through it.
    "not boxed in": (dict(r1c0=900), lambda s: host_text(s),
                     "not boxed in: r1c0, r1c1 (1100 households) with r0c0 have a place"),
    "a unit that can hold its own center": (dict(no_build=("r1c0",)), lambda s: host_text(s),
                                            "it need not join another community"),
    "a unit it does not hold": ({}, lambda s: host_text(s, "r1c0"),
                                "it names r1c0 as boxed in, which is not one of its units"),
    "a false household count": ({}, lambda s: host_text(s).replace(
        "(1,800 households, above", "(1,700 households, above"),
        "it says r0c0 has 1700 households; it has 1800"),
}


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_a_planted_fault_fails(fault: str) -> None:
    kw, text, phrase = FAULTS[fault]
    s = scenario(**kw)  # type: ignore[arg-type]
    status, note = size_row(s, plan_spec(s, text(s)))  # type: ignore[operator]
    assert status == "fail", note
    assert phrase in note, note


def test_a_boxed_clause_depends_on_the_other_communities() -> None:
    """Whether B is boxed in reads the communities of the other units above the maximum
    (r1c0 took r1c1): the workbench re-checks H on any edit of its piece
    (exemptions.depends_on_plan); L's companions clause alone does not."""
    from optimizer.checker.exemptions import depends_on_plan
    from optimizer.checker.facts import Context

    s = scenario()
    plan = build_plan(s, plan_spec(s, host_text(s)))
    ctx = Context.build(s, plan)
    com = {c.community_id: c for c in plan.communities}
    assert depends_on_plan(ctx, com["H"])
    assert not depends_on_plan(ctx, com["L"])
