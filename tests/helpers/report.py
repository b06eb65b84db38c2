"""A tiny solved scenario for the report and compare tests.

    street   S1          S2
           +-----+-----+-----+-----+
    urban  | 800 | 700 | 900 | 600 |   today: X X | Y Y
           +-----+-----+-----+-----+
    rural  | 700 | 800 | 600 | 900 |   today: Z Z | W W
           +-----+-----+-----+-----+
    a barrier line crosses the whole grid (drawn only; it cuts no neighbour pair)
    site A (owned, 450 m²) stands in r0c0.
"""

from __future__ import annotations

import numpy as np
import shapely

import optimizer
from optimizer.plan.model import Plan
from optimizer.scenario.build import grid_scenario
from optimizer.scenario.model import Scenario, ScenarioGeometry


def tiny_scenario() -> Scenario:
    s = grid_scenario([[800, 700, 900, 600], [700, 800, 600, 900]],
                      kind=[["urban"] * 4, ["rural"] * 4],
                      street=[["S1", "S1", "S2", "S2"], ["S1", "S1", "S2", "S2"]],
                      sites=[{"site_id": "A", "unit_id": "r0c0", "area_m2": 450.0,
                              "owned": True, "max_area_m2": 800.0}],
                      current=[["X", "X", "Y", "Y"], ["Z", "Z", "W", "W"]], name="tiny")
    assert s.geometry is not None
    barrier = shapely.LineString([(-100.0, -480.0), (2100.0, -520.0)])
    geometry = ScenarioGeometry(units=s.geometry.units,
                                barriers=np.array([barrier], dtype=object), crs=s.geometry.crs)
    return s.replace(geometry=geometry)


def tiny_plan(scenario: Scenario) -> Plan:
    return optimizer.solve(scenario, time_limit_s=5, workers=1, seed=0)
