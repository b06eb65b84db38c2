"""A large listing with no plan to start from (optimizer.search.colmaster.master_plan).

bench/wild.py seed 221's 111-compound street lists 210,215 communities, but neither
region growing nor tree partitions find a plan within its bounds (compounds of up to
2,600 households in 2,000-3,000), so the listing had no hint and went to CP-SAT
alone, which found no plan in the street's 28 s of wall at 60 s. The LP's dive
gives the start instead. Here the 4x4 urban grid stands in for the large listing
(MASTER_COLUMNS lowered): the mechanism, not the timing.
"""

from __future__ import annotations

import numpy as np

from optimizer.graph import components
from optimizer.model import master
from optimizer.model.piece import piece_data
from optimizer.scenario.build import grid_scenario
from optimizer.search import colmaster, columns
from optimizer.search.colmaster import NoPlan, master_plan, solve_without_start
from optimizer.search.columns import build_columns, plan_by_columns
from optimizer.search.stop import StopFlag
from optimizer.status import Status

GRID4 = [[700, 800, 650, 900], [900, 600, 750, 400], [500, 850, 700, 1200],
         [300, 950, 600, 800]]


def test_a_large_listing_without_a_start_takes_the_lps_dive(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    s = grid_scenario(GRID4, kind="urban")
    [comp] = components(s)
    data = piece_data(s, comp.key, comp.units)
    cols = build_columns(s, data)
    assert cols is not None
    monkeypatch.setattr(columns, "MASTER_COLUMNS", 1)
    got = plan_by_columns(s, data, budget_s=20, workers=1, seed=0, deterministic=True,
                          stop=StopFlag(), hint=lambda: None)
    assert got is not None and got.choices
    # The master's path (its LP and dive), not the set partitioning alone (how == "").
    assert got.how.startswith("lp, dive"), got.how
    held = sorted(int(u) for ch in got.choices for u in ch.members)
    assert held == sorted(int(u) for u in data.units)
    index = {g: k for k, g in enumerate(cols.members)}
    local = {int(u): k for k, u in enumerate(data.units)}
    cost = sum(float(cols.cost_yuan[index[tuple(sorted(local[u] for u in ch.members))]])
               for ch in got.choices)
    assert got.bound_yuan <= cost + 1e-6


def test_an_lp_that_needs_its_artificial_columns_takes_no_dive(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # Three units on a line listed only as {0,1} and {1,2}: no partition, so the LP by
    # column generation (its direct solve lowered below the listing) covers a unit by
    # its costly artificial column. No dive then on master_plan's path (the caller's
    # set partitioning decides); cored's call keeps it.
    monkeypatch.setattr(master, "DIRECT_COLUMNS", 1)
    monkeypatch.setattr(master, "FIRST_COLUMNS", 1)
    dives: list[int] = []
    real = colmaster.dive

    def counted(*args, **kw):  # type: ignore[no-untyped-def]
        dives.append(1)
        return real(*args, **kw)

    monkeypatch.setattr(colmaster, "dive", counted)
    got = master_plan(3, ((0, 1), (1, 2)), np.array([1.0, 1.0]), None, budget_s=5,
                      workers=1, seed=0, deterministic=True, stop=StopFlag(), count=(1, 3))
    assert isinstance(got, NoPlan) and got.used_s > 0.0
    assert dives == []
    kept = solve_without_start(3, ((0, 1), (1, 2)), np.array([1.0, 1.0]), budget_s=5,
                               workers=1, seed=0, deterministic=True, stop=StopFlag(),
                               count=(1, 3))
    assert isinstance(kept, NoPlan) and dives == [1]


def test_no_partition_of_a_large_listing_without_a_start_is_still_proven(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # A 1x3 street of 1,500 + 1,000 + 1,500 (2,000-3,000): {0,1} and {1,2} only, no
    # partition. With no start the dive gives none, and the set partitioning still
    # proves it (the status the caller's cores and exemptions rest on).
    s = grid_scenario([[1500, 1000, 1500]], kind="urban")
    [comp] = components(s)
    data = piece_data(s, comp.key, comp.units)
    monkeypatch.setattr(columns, "MASTER_COLUMNS", 1)
    monkeypatch.setattr(master, "DIRECT_COLUMNS", 1)
    monkeypatch.setattr(master, "FIRST_COLUMNS", 1)
    got = plan_by_columns(s, data, budget_s=10, workers=1, seed=0, deterministic=True,
                          stop=StopFlag(), hint=lambda: None)
    assert got is not None
    assert got.status == Status.INFEASIBLE and not got.choices
    assert got.listing is not None


def test_a_stopped_large_listing_without_a_start_builds_no_set_partitioning(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # Stopped with no plan from the dive: the set partitioning over every column is
    # not built (210,215 columns: 18.7 s after the stop at load 9, seed 221); no plan,
    # not a proof, so the caller's models give the first plan.
    s = grid_scenario(GRID4, kind="urban")
    [comp] = components(s)
    data = piece_data(s, comp.key, comp.units)
    monkeypatch.setattr(columns, "MASTER_COLUMNS", 1)

    def refused(*args, **kw):  # type: ignore[no-untyped-def]
        raise AssertionError("built after the stop")

    monkeypatch.setattr(columns, "build_setpart", refused)
    stop = StopFlag()
    stop.set()
    got = plan_by_columns(s, data, budget_s=20, workers=1, seed=0, deterministic=True,
                          stop=stop, hint=lambda: None)
    assert got is not None and not got.choices
    assert got.status not in (Status.INFEASIBLE, Status.OPTIMAL)
