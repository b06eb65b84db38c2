"""A small drawn scenario for the phasing tests, and a plan of it (no tests in here).

Two urban streets side by side (tests.helpers.solve.TWO_STREETS), four communities:
an owned site large enough today (kept: meets the standard from the first year), a
planned site handed over in 2015 (PIPELINE), a small owned site (renovated or
extended) and no site at all (a new build)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from optimizer.plan.model import Plan
from optimizer.scenario.build import grid_scenario
from optimizer.scenario.model import Scenario
from optimizer.search.driver import solve
from tests.helpers.solve import TWO_STREETS

__all__ = ["SITES", "TWO_STREETS", "budgeted", "grid_scenario", "plan", "scenario"]

SITES = [
    {"site_id": "KEEP", "unit_id": "r0c0", "area_m2": 700, "owned": True, "max_area_m2": 700},
    {"site_id": "COMING", "unit_id": "r0c3", "area_m2": 700, "owned": True,
     "max_area_m2": 700, "status": "planned", "available_year": 2015},
    {"site_id": "SMALL", "unit_id": "r2c1", "area_m2": 300, "owned": True, "max_area_m2": 700},
]


def scenario(first: str = "S1", **kw: Any) -> Scenario:
    """``first``: the name of the left street (S2 on the right)."""
    return grid_scenario(TWO_STREETS, street=[[first, first, "S2", "S2"]] * 3, sites=SITES,
                         **kw)


@lru_cache(maxsize=2)
def plan(first: str = "S1") -> Plan:
    """The plan without a budget (one worker, deterministic)."""
    return solve(scenario(first), time_limit_s=10, workers=1, seed=0)


def budgeted(capital: tuple[float, float, float], carry: bool = False,
             first: str = "S1") -> Scenario:
    return scenario(first).replace(budget={"horizon": [2013, 2015], "carry_over": carry,
                                      "capital_yuan": dict(zip((2013, 2014, 2015), capital,
                                                               strict=True))})
