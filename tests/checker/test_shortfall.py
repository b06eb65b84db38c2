"""The checker proves an AREA-PER-HH exemption on its own (optimizer/checker/shortfall.py):
only for a community holding a unit above the maximum whose own households need more
than the greatest reach of its rooms coming, which PIPELINE and ONE-STATION make its
center, extended to that reach, with no other unit the plan does not need. Claimed
anywhere else it fails."""

from __future__ import annotations

import dataclasses

import pytest

from optimizer.checker import check
from optimizer.plan.model import Community, Plan
from optimizer.scenario.build import grid_scenario
from optimizer.scenario.model import Scenario
from optimizer.search.driver import solve

ROOMS = {"site_id": "P", "unit_id": "r0c0", "area_m2": 300, "owned": True,
         "max_area_m2": 900, "status": "planned", "available_year": 2015}
ROW = [[4566, 1000, 1000, 1000, 1000]]


@pytest.fixture(scope="module")
def solved() -> tuple[Scenario, Plan]:
    sc = grid_scenario(ROW, sites=[ROOMS])
    return sc, solve(sc, time_limit_s=5, workers=1, seed=0)


def _short(plan: Plan) -> Community:
    return next(c for c in plan.communities if c.site_id == "P")


def _row(sc: Scenario, plan: Plan, cid: str, rule: str = "AREA-PER-HH") -> tuple[str, str]:
    r = next(r for r in check(sc, plan).rows if r.community_id == cid and r.rule_id == rule)
    return r.status, r.note


def _with(plan: Plan, com: Community) -> Plan:
    return dataclasses.replace(plan, communities=tuple(
        com if c.community_id == com.community_id else c for c in plan.communities))


def test_the_forced_shortfall_is_exempt(solved: tuple[Scenario, Plan]) -> None:
    sc, plan = solved
    status, note = _row(sc, plan, _short(plan).community_id)
    assert status == "exempt" and "913.2 m²" in note and "900 m² at most" in note


def test_a_normal_community_cannot_claim_it(solved: tuple[Scenario, Plan]) -> None:
    sc, plan = solved
    text = _short(plan).exemption.split(" | ")[1]
    other = next(c for c in plan.communities if c.site_id != "P")
    plan = _with(plan, dataclasses.replace(other, exemption=text, reasons=()))
    status, note = _row(sc, plan, other.community_id)
    assert status == "fail" and "exemption not justified" in note
    assert "names no unit of the community above the maximum" in note


def test_rooms_that_could_reach_prove_nothing(solved: tuple[Scenario, Plan]) -> None:
    _, plan = solved
    sc = grid_scenario(ROW, sites=[dict(ROOMS, max_area_m2=1000)])
    status, note = _row(sc, plan, _short(plan).community_id)
    assert status == "fail" and "exemption not justified" in note and "reaches 1,000 m²" in note


def test_an_ordinary_site_that_reaches_proves_nothing(solved: tuple[Scenario, Plan]) -> None:
    _, plan = solved
    sc = grid_scenario(ROW, sites=[ROOMS, {"site_id": "E", "unit_id": "r0c0", "area_m2": 1000,
                                           "owned": True, "max_area_m2": 1000}])
    status, note = _row(sc, plan, _short(plan).community_id)
    assert status == "fail" and "site E (not rooms coming)" in note


def test_rooms_not_extended_to_their_reach_are_not_exempt(
        solved: tuple[Scenario, Plan]) -> None:
    sc, plan = solved
    com = _short(plan)
    plan = _with(plan, dataclasses.replace(com, area_after_m2=850.0))
    status, note = _row(sc, plan, com.community_id)
    assert status == "fail" and "not the 900 m² site P can reach" in note


def test_a_unit_the_plan_does_not_need_deepens_the_shortfall(
        solved: tuple[Scenario, Plan]) -> None:
    sc, plan = solved
    com = _short(plan)
    at = plan.unit_ids.index("r0c1")
    community = list(plan.community)
    community[at] = com.community_id
    bigger = dataclasses.replace(com, households=5566, n_units=2)
    plan = dataclasses.replace(_with(plan, bigger), community=tuple(community))
    status, note = _row(sc, plan, com.community_id)
    assert status == "fail" and "r0c1" in note and "size exemption does not claim" in note
