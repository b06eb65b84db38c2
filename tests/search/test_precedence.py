"""Rooms that come first (issue 17 item 5): pipeline sites and co-built rooms are the
center of the community that holds them, before any budget-funded remedy, in every
method of the search; the checker proves PIPELINE and NEWDEV-FIRST on its own."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

import optimizer
from optimizer.model.piece import piece_data
from optimizer.model.precedence import NEWDEV, PIPELINE, first_rooms
from optimizer.scenario.build import grid_scenario
from optimizer.scenario.model import Scenario
from optimizer.search.attempt import run_model
from optimizer.search.stop import StopFlag

# One urban street of 2,300 households (one community): keeping the existing 500 m²
# site S1 is the cheapest center (no capital, the least running cost).
S1 = {"site_id": "S1", "unit_id": "r0c0", "area_m2": 500.0, "owned": True,
      "max_area_m2": 800.0}


def street(sites: list[dict[str, Any]], new_development: tuple[str, ...] = ()) -> Scenario:
    return grid_scenario([[1200, 1100]], sites=sites, new_development=new_development)


def planned(area: float, year: int = 2014, unit: str = "r0c1", top: float | None = None
            ) -> dict[str, Any]:
    return {"site_id": "P1", "unit_id": unit, "area_m2": area, "owned": True,
            "max_area_m2": area if top is None else top, "status": "planned",
            "available_year": year}


def solve(s: Scenario) -> optimizer.Plan:
    return optimizer.solve(s, time_limit_s=10, workers=1, seed=0)


def lines(report: Any, rule: str) -> dict[str, Any]:
    return {r.community_id: r for r in report.rows if r.rule_id == rule}


def test_without_precedence_the_old_site_is_kept() -> None:
    (com,) = solve(street([S1])).communities
    assert (com.remedy, com.site_id) == ("keep", "S1")


def test_a_planned_site_is_the_center_at_no_capital() -> None:
    s = street([S1, planned(800.0)])
    plan = solve(s)
    (com,) = plan.communities
    assert (com.remedy, com.site_id, com.capex_yuan) == ("keep", "P1", 0.0)
    report = optimizer.check(s, plan)
    assert report.passed, report.summary_text()
    assert lines(report, "PIPELINE")["*"].status == "pass"
    assert "planned, handed over 2014" in lines(report, "PIPELINE")[com.community_id].note
    # The old site kept instead: the planned rooms would be built twice.
    bad = dataclasses.replace(plan, communities=(dataclasses.replace(
        com, site_id="S1", site_unit_id="r0c0", area_before_m2=500.0, area_after_m2=500.0),))
    failed = {(r.rule_id, r.community_id) for r in optimizer.check(s, bad).failures()}
    assert ("PIPELINE", com.community_id) in failed and ("PIPELINE", "*") in failed


def test_a_pipeline_site_too_small_is_an_option_only() -> None:
    s = street([S1, planned(300.0)])         # a community of 2,000 needs 400 m²
    assert first_rooms(s, [0, 1]) == ""
    plan = solve(s)
    assert plan.communities[0].site_id == "S1"
    row = lines(optimizer.check(s, plan), "PIPELINE")["*"]
    assert row.status == "pass" and "too small for any community: P1" in row.note


def test_rooms_handed_over_after_2015_do_not_count_for_facility_95() -> None:
    s = street([planned(800.0, year=2016)])
    plan = solve(s)
    assert plan.communities[0].site_id == "P1"
    report = optimizer.check(s, plan)
    assert lines(report, "FACILITY-95")["*"].value == 0.0


def test_the_co_built_rooms_come_before_keeping_a_site() -> None:
    s = street([S1], new_development=("r0c1",))
    plan = solve(s)
    (com,) = plan.communities
    assert (com.remedy, com.site_unit_id, com.area_after_m2) == ("codevelop", "r0c1", 1500.0)
    report = optimizer.check(s, plan)
    assert lines(report, "NEWDEV-FIRST")[com.community_id].status == "pass"
    kept = dataclasses.replace(com, remedy="keep", site_id="S1", site_unit_id="r0c0",
                               area_before_m2=500.0, area_after_m2=500.0)
    row = lines(optimizer.check(s, dataclasses.replace(plan, communities=(kept,))),
                "NEWDEV-FIRST")[com.community_id]
    assert row.status == "fail" and "co-built rooms (NEWDEV-1500) come before keep" in row.note


def test_pipeline_comes_before_the_co_build() -> None:
    s = street([S1, planned(800.0, unit="r0c0")], new_development=("r0c1",))
    assert first_rooms(s, [0, 1]) == PIPELINE and first_rooms(s, [1]) == NEWDEV
    (com,) = solve(s).communities
    assert com.site_id == "P1"


HH = [[250, 250, 250, 250], [250, 250, 250, 250], [250, 250, 250, 250]]
E12 = [{"site_id": f"E{k}", "unit_id": f"r1c{k}", "area_m2": 500.0, "owned": True,
        "max_area_m2": 500.0} for k in (1, 2)]


def model_centers(s: Scenario) -> set[tuple[str, str, int | None]]:
    data = piece_data(s, ("C1", "S1", "rural"), np.arange(s.n_units))
    got = run_model(s, data, contiguity="flow", soft=False, time_s=20, workers=1, seed=0,
                    stop=StopFlag())
    assert got.status == "OPTIMAL" and len(got.choices) == 2
    return {(s.unit_ids[ch.center], ch.remedy, ch.site) for ch in got.choices}


def test_the_cp_sat_model_states_it() -> None:
    # Rural villages on a 3 × 4 lattice, two communities of six; keeping E1 and E2 is
    # the cheapest plan ...
    free = grid_scenario(HH, kind="rural", sites=E12)
    assert model_centers(free) == {("r1c1", "keep", 0), ("r1c2", "keep", 1)}
    # ... but a new development in r2c3 puts its community on the co-built rooms
    dev = grid_scenario(HH, kind="rural", sites=E12, new_development=["r2c3"])
    assert ("r2c3", "codevelop", None) in model_centers(dev)
    # ... and rooms under construction in r0c0 (900 m², dearer to run) its community
    pipe = [*E12, {"site_id": "P1", "unit_id": "r0c0", "area_m2": 900.0, "owned": True,
                   "max_area_m2": 900.0, "status": "under_construction",
                   "available_year": 2014}]
    assert ("r0c0", "keep", 2) in model_centers(grid_scenario(HH, kind="rural", sites=pipe))
