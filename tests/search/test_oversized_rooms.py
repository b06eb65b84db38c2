"""An oversized unit whose own rooms coming (PIPELINE) cannot reach the area its
households need: no plan, and the error says why in planner terms (the held-out sweep,
ov-u60-newdev-pipeline). Before, it said "it has none of its own ... allow a build
(no_build)", though the unit has a site and no_build is not set: PIPELINE forbids the
build beside its rooms."""

from __future__ import annotations

import pytest

from optimizer.errors import SolveError
from optimizer.scenario.build import grid_scenario
from optimizer.search.driver import solve

ROOMS = [{"site_id": "P", "unit_id": "r0c0", "area_m2": 300, "owned": True,
          "max_area_m2": 900, "status": "planned", "available_year": 2015}]


def test_small_rooms_coming_in_an_oversized_unit_are_named_as_the_cause() -> None:
    sc = grid_scenario([[4566, 1000, 1000, 1000, 1000]], sites=ROOMS)
    with pytest.raises(SolveError) as err:
        solve(sc, time_limit_s=5, workers=1, seed=0)
    text = str(err.value)
    assert "r0c0" in text and "P (planned, 900 m² at most)" in text and "913 m²" in text
    assert "PIPELINE" in text and "allow a build" not in text
