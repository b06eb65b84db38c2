"""A unit whose WKT holds NaN or infinite coordinates is refused, named, with or
without --repair (found by the loader fuzz, tests/reliability/test_fuzz_folders.py:
with --repair, make_valid raised a GEOSException traceback; without it the message
offered --repair, which then crashed). Fixture: the six squares of
tests/helpers/scenarios.py, units as CSV."""

from __future__ import annotations

from pathlib import Path

import pytest

from optimizer.errors import ScenarioError
from optimizer.scenario.load import load_scenario
from tests.helpers.scenarios import grid_units, make_scenario, toml_text

NAN = "POLYGON((500200 3700100, nan 3700100, 500300 3700200, 500200 3700100))"
INF = "POLYGON((500000 3700000, inf 3700000, 500100 3700100, 500000 3700000))"


@pytest.mark.parametrize("repair", [False, True])
def test_non_finite_coordinates_are_named_not_repaired(tmp_path: Path, repair: bool) -> None:
    units = grid_units()
    units[2]["geometry"], units[3]["geometry"] = NAN, INF
    folder = make_scenario(tmp_path, units=units, fmt="csv", toml=toml_text("units.csv"))
    with pytest.raises(ScenarioError) as err:
        load_scenario(folder, repair=repair)
    problems = err.value.problems
    assert [(p.file, p.record, p.field) for p in problems] == [
        ("units.csv", "u3", "geometry"), ("units.csv", "u4", "geometry")]
    assert all("not a finite number" in p.rule and p.hint is None for p in problems)
