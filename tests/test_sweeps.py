"""sweep(): one row of KPIs per combination, the same in parallel as in series."""

from __future__ import annotations

import pytest

import optimizer
from optimizer.errors import ConfigError
from optimizer.scenario.build import grid_scenario

GRID = [[700, 800, 900, 600], [900, 600, 800, 700], [500, 700, 700, 900]]


def test_sweep_rows_and_parallel_equals_serial() -> None:
    s = grid_scenario(GRID)
    grid = {"policy.urban_max_households": [3000, 4500], "year": [2013, 2015]}
    serial = optimizer.sweep(s, grid, time_limit_s=5, processes=1)
    assert len(serial) == 4
    assert set(serial["check"]) == {"pass"}
    wide = serial[serial["policy.urban_max_households"] == 4500]
    narrow = serial[serial["policy.urban_max_households"] == 3000]
    assert wide["communities"].min() <= narrow["communities"].min()
    y15 = serial[serial["year"] == 2015]["annual_cost_yuan"].to_numpy()
    y13 = serial[serial["year"] == 2013]["annual_cost_yuan"].to_numpy()
    assert (y15 > y13).all()   # FUND-URBAN grows to 120,000 yuan by 2015
    parallel = optimizer.sweep(s, grid, time_limit_s=5, processes=2)
    cols = ["communities", "objective", "capex_yuan", "annual_cost_yuan"]
    assert parallel[cols].equals(serial[cols])


def test_sweep_rejects_unknown_names() -> None:
    s = grid_scenario(GRID)
    with pytest.raises(ConfigError, match="urban_max_househods"):
        optimizer.sweep(s, {"policy.urban_max_househods": [1]}, processes=1)
    with pytest.raises(ConfigError, match="section.field"):
        optimizer.sweep(s, {"bogus": [1]}, processes=1)


def test_stopped_sweep_keeps_finished_points() -> None:
    """A stop raised when the first point arrives: it is kept, the rest are NOT RUN."""
    from optimizer.search.stop import StopFlag

    s = grid_scenario(GRID)
    stop = StopFlag()
    table = optimizer.sweep(s, {"year": [2013, 2014, 2015]}, time_limit_s=2, processes=1,
                            stop=stop, progress=lambda event: stop.set())
    assert list(table["status"])[1:] == ["NOT RUN", "NOT RUN"]
    assert table["check"][0] == "pass" and not table["interrupted"][0]
