"""A listed piece's rough start repaired over its listing (optimizer.search.column_repair).

bench/wild.py seed 207's 185-compound street: region growing missed the bounds in 7 of
61 regions, so the listing had no start, the LP's dive found no plan in the budget,
and the plan went out with communities short of the minimum. Here the 4x4 urban grid
stands in: its rows as the rough start, two of them above the 3,000 maximum.
"""

from __future__ import annotations

import numpy as np

from optimizer.graph import components
from optimizer.model.piece import piece_data
from optimizer.scenario.build import grid_scenario
from optimizer.search import columns
from optimizer.search.column_repair import repaired_start
from optimizer.search.columns import build_columns, plan_by_columns
from optimizer.search.stop import StopFlag

GRID4 = [[700, 800, 650, 900], [900, 600, 750, 400], [500, 850, 700, 1200],
         [300, 950, 600, 800]]
ROWS = [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11], [12, 13, 14, 15]]  # 3,050 2,650 3,250 2,650


def _grid():  # type: ignore[no-untyped-def]
    s = grid_scenario(GRID4, kind="urban")
    [comp] = components(s)
    data = piece_data(s, comp.key, comp.units)
    cols = build_columns(s, data)
    assert cols is not None
    return s, data, cols


def test_regions_outside_the_bounds_are_re_split_into_listed_columns() -> None:
    s, data, cols = _grid()
    index = {g: k for k, g in enumerate(cols.members)}
    assert tuple(ROWS[0]) not in index and tuple(ROWS[2]) not in index   # above 3,000
    got, used = repaired_start(cols.members, cols.cost_yuan, data.nbrs, ROWS, work_s=10.0,
                               seed=0, stop=StopFlag())
    assert got is not None and used > 0.0
    held = sorted(u for k in got for u in cols.members[k])
    assert held == list(range(16))                      # a partition of the piece
    assert all(data.lo <= int(data.households[list(cols.members[k])].sum()) <= data.hi
               for k in got)
    again, _ = repaired_start(cols.members, cols.cost_yuan, data.nbrs, ROWS, work_s=10.0,
                              seed=0, stop=StopFlag())
    assert again == got                                 # deterministic


def test_a_start_already_listed_is_returned_as_its_columns_at_no_cost() -> None:
    s, data, cols = _grid()
    fixed, _ = repaired_start(cols.members, cols.cost_yuan, data.nbrs, ROWS, work_s=10.0,
                              seed=0, stop=StopFlag())
    assert fixed is not None
    regions = [list(cols.members[k]) for k in fixed]
    assert repaired_start(cols.members, cols.cost_yuan, data.nbrs, regions, work_s=10.0,
                          seed=0, stop=StopFlag()) == (fixed, 0.0)


def test_no_repair_where_the_piece_has_no_partition() -> None:
    # 1,500 + 1,000 + 1,500 in 2,000-3,000: listed only {0,1} and {1,2}.
    s = grid_scenario([[1500, 1000, 1500]], kind="urban")
    [comp] = components(s)
    data = piece_data(s, comp.key, comp.units)
    cols = build_columns(s, data)
    assert cols is not None
    got, _ = repaired_start(cols.members, cols.cost_yuan, data.nbrs, [[0, 1, 2]],
                            work_s=10.0, seed=0, stop=StopFlag())
    assert got is None


def test_a_stopped_repair_gives_no_start() -> None:
    s, data, cols = _grid()
    stop = StopFlag()
    stop.set()
    got, _ = repaired_start(cols.members, cols.cost_yuan, data.nbrs, ROWS, work_s=10.0,
                            seed=0, stop=stop)
    assert got is None


def test_a_large_listing_without_a_start_starts_from_the_repaired_one(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    s, data, cols = _grid()
    monkeypatch.setattr(columns, "MASTER_COLUMNS", 1)
    repaired, _ = repaired_start(cols.members, cols.cost_yuan, data.nbrs, ROWS,
                                 work_s=10.0, seed=0, stop=StopFlag())
    assert repaired is not None
    got = plan_by_columns(s, data, budget_s=20, workers=1, seed=0, deterministic=True,
                          stop=StopFlag(), hint=lambda: None, rough=lambda: ROWS)
    assert got is not None and got.choices
    # The master started from the repaired plan, not from the LP's dive.
    assert "dive" not in got.how, got.how
    cost = {g: float(c) for g, c in zip(cols.members, cols.cost_yuan, strict=True)}
    local = {int(u): k for k, u in enumerate(data.units)}
    plan = sum(cost[tuple(sorted(local[u] for u in ch.members))] for ch in got.choices)
    assert plan <= float(np.sum(cols.cost_yuan[repaired])) + 1e-6


def test_the_depth_first_cover_finds_a_partition_proves_none_and_keeps_its_step_cap() -> None:
    """Wild seed 501's rings (8,665 and 21,000 columns): CP-SAT found no partition in 3
    deterministic s each; the depth-first exact cover gives the first one, CP-SAT then
    the cheapest from it."""
    from optimizer.search.column_repair import exact_cover

    cols = [(0, 1), (1, 2), (2, 3), (0,), (3,), (0, 1, 2)]
    cost = np.array([1.0, 1.0, 1.0, 5.0, 5.0, 9.0])
    got, steps = exact_cover(4, cols, cost, 1000)
    assert got is not None and sorted(u for k in got for u in cols[k]) == [0, 1, 2, 3]
    assert steps >= len(got)
    none, used = exact_cover(3, [(0, 1), (1, 2)], np.array([1.0, 1.0]), 1000)
    assert none is None and used < 1000               # proven: no partition
    capped, used = exact_cover(4, cols, cost, 1)
    assert capped is None and used == 1               # stopped at its cap, not proven
