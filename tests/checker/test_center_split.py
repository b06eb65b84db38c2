"""A piece that cannot be split because of where centers may stand, not because of
its households alone (found by the loader fuzz, issue 14): the solver proves it
impossible and exempts it; the checker must prove that too, on its own.

    r0   0    0    0    0
    r1   0    0    0  135
    r2 166  274  461 1000 (no_build)          rural, 1,000-1,500; no sites

2,036 households: two communities of 1,000+ each. r2c3 has no place for a center,
so its community holds r1c3 (1,135) or r2c2 (1,461), leaving 901 or 575 for the
other: no split exists. Each unit alone can be in a community within the bounds
with a center, so the unit-by-unit proof (checker/center.py) does not see it, and
the household-only split (graph diagnosis) finds {r2c3} + the rest.
"""

from __future__ import annotations

import optimizer
from optimizer.checker.center import can_hold_center
from optimizer.checker.split import find_split
from optimizer.scenario.build import grid_scenario
from optimizer.scenario.model import Scenario

GRID = [[0, 0, 0, 0], [0, 0, 0, 135], [166, 274, 461, 1000]]


def splittable_with_centers(s: Scenario, units: list[int], lo: int, hi: int,
                            max_steps: int = 50_000) -> bool | None:
    return find_split(units, s.households.tolist(), s.neighbours, lo, hi,
                      max_steps=max_steps,
                      can_host=lambda u, h: can_hold_center(s, u, h)).exists


def test_solver_exemption_is_proved_by_the_checker() -> None:
    s = grid_scenario(GRID, kind="rural", no_build=["r2c3"])
    plan = optimizer.solve(s, time_limit_s=10, workers=1)
    report = optimizer.check(s, plan)
    bad = [(r.rule_id, r.community_id, r.note) for r in report.rows if r.status == "fail"]
    assert report.passed, bad
    exempt = [r for r in report.rows if r.status == "exempt"]
    assert exempt and all("place for a service center" in r.note for r in exempt)
    assert sum(c.households for c in plan.communities) == 2036


def test_split_search_sees_both_ways() -> None:
    s = grid_scenario(GRID, kind="rural", no_build=["r2c3"])
    units = list(range(len(s.unit_ids)))
    assert splittable_with_centers(s, units, 1000, 1500) is False
    free = grid_scenario(GRID, kind="rural")            # a center may stand in r2c3
    assert splittable_with_centers(free, units, 1000, 1500) is True
    # out of steps: undecided (from r2c3, the heaviest, the split is found in a step,
    # so no step at all)
    assert splittable_with_centers(free, units, 1000, 1500, max_steps=0) is None


def test_a_unit_above_the_maximum_proves_nothing_for_the_others() -> None:
    """A piece holding a unit above the maximum has no split within the bounds, but
    that exempts the oversized unit's community only (issue 16): the search must not
    say 'no split' for the others."""
    s = grid_scenario([[1600, 600, 600], [300, 300, 300]], kind="rural")
    assert splittable_with_centers(s, list(range(6)), 1000, 1500) is None


def test_validation_names_the_piece() -> None:
    """`validate` (graph diagnosis) says so before any solving, in planner terms."""
    from optimizer.graph import diagnose

    s = grid_scenario(GRID, kind="rural", no_build=["r2c3"])
    [d] = [d for d in diagnose(s) if d.reason == "no-partition"]
    assert d.rule == "SIZE-RURAL" and len(d.units) == 12
    assert "place for a service center" in d.message
    assert not [d for d in diagnose(grid_scenario(GRID, kind="rural"))
                if d.reason == "no-partition"]
