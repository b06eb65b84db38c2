"""Hostile names: formulas, markup, mathtext, control characters, paths, very long
names. Used wherever a name reaches an output (xlsx, CSV, maps, html, progress)."""

from __future__ import annotations

from optimizer.scenario.build import grid_scenario
from optimizer.scenario.model import Scenario

__all__ = ["COUNTY", "SITE", "STREETS", "hostile_scenario"]


SITE = '=HYPERLINK("http://example.invalid/x","click")'
COUNTY = "@SUM(1)"
STREETS = ["=1+1", "<script>alert(1)</script>", "$x$ Town", "-2+3", "bell\x07",
           "../../etc/passwd", "街" * 150]


def hostile_scenario() -> Scenario:
    return grid_scenario([[1200] * 7, [1200] * 7], street=[STREETS] * 2, county=COUNTY,
                         sites=[dict(site_id=SITE, unit_id="r0c0", area_m2=500.0, owned=True,
                                     max_area_m2=800.0)])
