"""Rooms coming (PIPELINE) in a unit that must join a unit above the maximum, too small
for the community they then center (bench/wild.py seeds 24 and 110): before, ``solve``
ended with "no place for a center". Now that community takes those rooms at their full
reach with an AREA-PER-HH exemption naming the unit above the maximum and the site, and
the checker proves on its own that the rooms were forced on it
(optimizer/checker/forced.py); where a plan keeps them out, it does not."""

from __future__ import annotations

from optimizer.checker import check
from optimizer.checker.forced import no_plan_avoids
from optimizer.scenario.build import grid_scenario
from optimizer.search import budgeted
from optimizer.search.driver import solve
from tests.helpers.plans import community_of

# r0c0 (below the urban minimum, cut off by r0c1) must join r0c1 (above the maximum,
# no site: a build may stand there); r0c0's planned rooms reach 450 m² (PIPELINE
# imposes them: 400 m² serve the minimum), r0c1's own 4,566 households need 913.2 m².
ROOMS = [{"site_id": "P", "unit_id": "r0c0", "area_m2": 300, "owned": True,
          "max_area_m2": 450, "status": "planned", "available_year": 2014}]


def test_rooms_of_a_unit_that_must_join_too_small_give_a_checked_plan() -> None:
    sc = grid_scenario([[500, 4566, 1000, 1000, 1000, 1000]], sites=ROOMS)
    plan = solve(sc, time_limit_s=10, workers=1, seed=0)
    com = community_of(plan, "r0c1")
    assert (com.households, com.site_id, com.area_after_m2) == (5066, "P", 450)
    short = [r for r in com.reasons if r.rule == "AREA-PER-HH"]
    assert len(short) == 1 and "r0c1" in short[0].text and "site P" in short[0].text
    rows = check(sc, plan).rows
    assert not [r for r in rows if r.status == "fail"], [r for r in rows if r.status == "fail"]
    mine = {r.rule_id: r for r in rows if r.community_id == com.community_id}
    assert mine["AREA-PER-HH"].status == "exempt"


def test_the_checker_proves_forced_only_where_no_plan_keeps_the_rooms_out() -> None:
    sc = grid_scenario([[500, 4566, 1000, 1000, 1000, 1000]], sites=ROOMS)
    over = sc.unit_ids.index("r0c1")
    part = (sc.unit_ids.index("r0c0"),)
    assert no_plan_avoids(sc, part, {over: over}, {over: {over}}, 2000, 3000) is True
    # 2,000 households: r0c0 is a community of its own, centred on its rooms
    free = grid_scenario([[2000, 4566, 1000, 1000, 1000, 1000]], sites=ROOMS)
    assert no_plan_avoids(free, part, {over: over}, {over: {over}}, 2000, 3000) is False


def test_a_budget_keeps_the_short_center_at_its_full_reach() -> None:
    # [budget] reprices the plan at the end (optimizer.search.budgeted.reprice): the
    # short center lost its cap there, and rooms for sale (purchase) short of the need
    # raised "model chose an impossible option purchase" (seed 24, S26-2631) once the
    # budget binds (capital priced up)
    rooms = [dict(ROOMS[0], owned=False, purchase_price_yuan=1_000_000,
                  status="under_construction")]
    sc = grid_scenario([[4566, 1000, 1000, 1000, 1000]],
                       sites=[dict(rooms[0], unit_id="r0c0")]).replace(
        budget={"horizon": [2013, 2015], "capital_yuan": {"2013": 1e5, "2014": 1e5,
                                                          "2015": 1e5}, "carry_over": True})
    plan = budgeted.solve(sc, time_limit_s=10, workers=1, seed=0)
    com = community_of(plan, "r0c0")
    assert (com.site_id, com.remedy, com.area_after_m2) == ("P", "purchase", 450)
