"""An oversized unit whose own rooms coming (PIPELINE) cannot reach the area its
households need (the held-out sweep, ov-u60-newdev-pipeline): before, no plan ("no
place for a center ... its rooms coming ... cannot reach that area"). Now its community
takes those rooms extended to their full reach, with an AREA-PER-HH exemption for the
shortfall only, naming the unit, the site, its reach and the area needed; the checker
proves it on its own (optimizer/checker/shortfall.py). Where the unit also holds an
ordinary site that reaches the need, nothing is proven: the error stays."""

from __future__ import annotations

import pytest

from optimizer.checker import check
from optimizer.errors import SolveError
from optimizer.scenario.build import grid_scenario
from optimizer.search.driver import solve
from tests.helpers.plans import community_of

ROOMS = [{"site_id": "P", "unit_id": "r0c0", "area_m2": 300, "owned": True,
          "max_area_m2": 900, "status": "planned", "available_year": 2015}]
ROW = [[4566, 1000, 1000, 1000, 1000]]


def test_rooms_coming_short_give_a_plan_the_checker_passes() -> None:
    sc = grid_scenario(ROW, sites=ROOMS)
    plan = solve(sc, time_limit_s=5, workers=1, seed=0)
    com = community_of(plan, "r0c0")
    # the oversized unit alone (the rest splits without it), its rooms at full reach
    assert (com.n_units, com.households, com.site_id) == (1, 4566, "P")
    assert com.area_after_m2 == 900
    short = [r for r in com.reasons if r.rule == "AREA-PER-HH"]
    assert len(short) == 1 and short[0].kind == "short-rooms"
    text = short[0].text
    assert "r0c0" in text and "planned site P" in text and "900 m² at most" in text
    assert "913.2 m²" in text and "13.2 m² short" in text and "PIPELINE" in text
    rows = check(sc, plan).rows
    assert not [r for r in rows if r.status == "fail"], [r for r in rows if r.status == "fail"]
    mine = {r.rule_id: r for r in rows if r.community_id == com.community_id}
    assert mine["AREA-PER-HH"].status == "exempt" and mine["REMEDY"].status == "exempt"
    # counted honestly below the standard: 2 of 3 meet it, the miss is the exempt one's
    facility = next(r for r in rows if r.rule_id == "FACILITY-95")
    assert facility.status == "exempt" and facility.value == pytest.approx(2 / 3, abs=1e-6)
    assert com.community_id in facility.note


def test_of_several_rooms_coming_the_one_reaching_most_is_the_center() -> None:
    sites = [dict(ROOMS[0], site_id="P1", max_area_m2=700), dict(ROOMS[0], site_id="P2")]
    sc = grid_scenario(ROW, sites=sites)
    plan = solve(sc, time_limit_s=5, workers=1, seed=0)
    com = community_of(plan, "r0c0")
    assert (com.site_id, com.area_after_m2) == ("P2", 900)
    assert not [r for r in check(sc, plan).rows if r.status == "fail"]


def test_stranded_units_that_must_join_deepen_the_shortfall_and_are_claimed() -> None:
    sc = grid_scenario([[500, 4566, 1000, 1000, 1000, 1000]],
                       sites=[dict(ROOMS[0], unit_id="r0c1")])
    plan = solve(sc, time_limit_s=5, workers=1, seed=0)
    com = community_of(plan, "r0c1")
    assert com.households == 5066 and "113.2 m² short" in com.exemption
    assert not [r for r in check(sc, plan).rows if r.status == "fail"]


def test_an_ordinary_site_that_reaches_the_need_proves_nothing_the_error_stays() -> None:
    sites = [*ROOMS, {"site_id": "E", "unit_id": "r0c0", "area_m2": 1000, "owned": True,
                      "max_area_m2": 1000}]
    sc = grid_scenario(ROW, sites=sites)
    with pytest.raises(SolveError) as err:
        solve(sc, time_limit_s=5, workers=1, seed=0)
    text = str(err.value)
    assert "r0c0" in text and "P (planned, 900 m² at most)" in text and "913 m²" in text
    assert "PIPELINE" in text and "allow a build" not in text


def test_rooms_coming_in_a_unit_that_must_join_count_when_they_reach_more() -> None:
    sites = [dict(ROOMS[0], unit_id="r0c1", max_area_m2=700),
             dict(ROOMS[0], site_id="Q", unit_id="r0c0", max_area_m2=800)]
    sc = grid_scenario([[500, 4566, 1000, 1000, 1000, 1000]], sites=sites)
    plan = solve(sc, time_limit_s=5, workers=1, seed=0)
    com = community_of(plan, "r0c1")
    assert (com.site_id, com.site_unit_id, com.area_after_m2) == ("Q", "r0c0", 800)
    assert not [r for r in check(sc, plan).rows if r.status == "fail"]
