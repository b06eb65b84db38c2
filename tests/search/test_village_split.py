"""A village-dense rural piece of a few communities with one village at the maximum
(bench/wild.py seed 191's class: 30 villages, 3,413 households, one of 1,500). On
56202c3 the diagnosis's split search, from the lowest unit, was undecided after 20,000
steps; the piece went to the soft model with "none found in time", an exemption the
checker (undecided after 50,000 steps) rejected. From the heaviest unit the diagnosis
proves no split, the plan carries that proof, and the checker proves it on its own."""

from __future__ import annotations

from optimizer import check, solve
from optimizer.graph import diagnose
from optimizer.scenario.build import grid_scenario
from optimizer.scenario.model import Scenario

# 29 villages of 21-99 households (1,822 in all) and one of 1,500 in the corner
GRID: list[list[int | None]] = [[50, 95, 89, 36, 67, 97],
                                [80, 60, 94, 28, 97, 21],
                                [80, 53, 90, 49, 44, 71],
                                [40, 89, 30, 80, 70, 61],
                                [39, 49, 61, 39, 63, 1500]]


def village_grid() -> Scenario:
    return grid_scenario(GRID, kind="rural")


def test_the_diagnosis_proves_no_split_and_names_why() -> None:
    [d] = diagnose(village_grid())
    assert d.reason == "no-partition" and len(d.units) == 30 and d.households == 3322
    # the part that makes it impossible, in words a planner can check by hand
    assert ("The rural village r4c5 (1,500 households) can only be a community on its own: "
            "with any neighbour it would pass 1,500. The other 29 units hold 1,822 "
            "households: more than 1 rural community of 1,000-1,500 can hold and fewer than "
            "2 need.") in d.message
    assert d.record is not None and d.record.alone is not None
    assert d.record.alone.named.ids == ("r4c5",) and d.record.alone.part_households == 1822


def test_the_plan_carries_a_proof_the_checker_accepts() -> None:
    s = village_grid()
    plan = solve(s, time_limit_s=5, workers=1)
    report = check(s, plan)
    assert report.passed, report.summary_text()
    exempt = [c for c in plan.communities if c.exemption]
    assert exempt and all("no way to split" in c.exemption and "r4c5 (1,500 households)"
                          in c.exemption for c in exempt)
    assert not any("none found in time" in c.exemption for c in plan.communities)
