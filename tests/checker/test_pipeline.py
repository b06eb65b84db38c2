"""PIPELINE plan-wide: a community holding two pipeline sites takes one as its center.

Found by the held-out sweep (bench/heldout_sweep.py, town-statuses-nobarriers): sites of
every status put two imposed pipeline sites in one community, and the plan-wide line
failed ("not used") although each community's own PIPELINE line passed. Two imposed
sites in the same unit make that line fail for every plan, so it asked what no plan can
give; the rule (RULES.md PIPELINE: handed over, never built twice) is met when the
community holding them has one of them as its center.
"""

from __future__ import annotations

from optimizer.checker import check
from optimizer.scenario.build import grid_scenario
from optimizer.search.driver import solve
from tests.helpers.solve import STREETS, TWO_STREETS

SITES = [
    {"site_id": "COMING", "unit_id": "r0c3", "area_m2": 700, "owned": True,
     "max_area_m2": 700, "status": "planned", "available_year": 2015},
    {"site_id": "BUILDING", "unit_id": "r0c3", "area_m2": 600, "owned": True,
     "max_area_m2": 800, "status": "under_construction", "available_year": 2014},
]


def test_two_pipeline_sites_in_one_unit_pass_when_one_is_the_center() -> None:
    sc = grid_scenario(TWO_STREETS, street=STREETS, sites=SITES)
    plan = solve(sc, time_limit_s=10, workers=1, seed=0)
    rows = [r for r in check(sc, plan).rows if r.rule_id == "PIPELINE"]
    holder = [c for c in plan.communities if c.site_id in ("COMING", "BUILDING")]
    assert len(holder) == 1                      # one community holds r0c3
    assert [r.status for r in rows] == ["pass"] * len(rows)
    plan_wide = [r for r in rows if r.community_id == "*"]
    assert len(plan_wide) == 1 and "beside" in plan_wide[0].note


def test_a_pipeline_site_whose_community_builds_elsewhere_still_fails() -> None:
    """The plan-wide line still fails a community that holds pipeline rooms and
    takes another center (the rooms would be built twice)."""
    import dataclasses

    sc = grid_scenario(TWO_STREETS, street=STREETS, sites=SITES)
    plan = solve(sc, time_limit_s=10, workers=1, seed=0)
    coms = [dataclasses.replace(c, site_id="", remedy="build")
            if c.site_id in ("COMING", "BUILDING") else c for c in plan.communities]
    bad = dataclasses.replace(plan, communities=tuple(coms))
    rows = [r for r in check(sc, bad).rows if r.rule_id == "PIPELINE"]
    plan_wide = [r for r in rows if r.community_id == "*"]
    assert plan_wide[0].status == "fail"
