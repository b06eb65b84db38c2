"""Grids of about 300 households (COORD-300, issue 17 item 4): the engine's split and the
checker's verdict on it, on random lattices and on the cases the issue names."""

from __future__ import annotations

import math
import random
from collections import deque

import pytest

from optimizer.checker.checker import check
from optimizer.plan.model import GridShare
from optimizer.search.grids import divide_grids, grid_band, split_units
from tests.helpers.check_fixture import build_plan, scenario, valid_spec


def lattice(w: int, h: int) -> list[list[int]]:
    nb: list[list[int]] = [[] for _ in range(w * h)]
    for i in range(w * h):
        x, y = i % w, i // w
        for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1)):
            if 0 <= x + dx < w and 0 <= y + dy < h:
                nb[i].append((y + dy) * w + x + dx)
    return nb


def connected(units: set[int], nb: list[list[int]]) -> bool:
    start = next(iter(units))
    seen, queue = {start}, deque([start])
    while queue:
        u = queue.popleft()
        for v in nb[u]:
            if v in units and v not in seen:
                seen.add(v)
                queue.append(v)
    return seen == units


def assert_valid(grids: list[list[tuple[int, int]]], hh: list[int], nb: list[list[int]],
                 count: int) -> None:
    total = sum(hh)
    assert len(grids) == max(1, count)
    lo, hi = grid_band(total, len(grids), 300, 100)
    got: dict[int, int] = {}
    for g in grids:
        size = sum(h for _, h in g)
        assert lo <= size <= hi, (size, lo, hi)
        assert connected({u for u, _ in g}, nb)
        for u, h in g:
            got[u] = got.get(u, 0) + h
    assert got == dict(enumerate(hh)), "every unit's households fully distributed"


@pytest.mark.parametrize("seed", range(40))
def test_random_lattices_meet_the_band(seed: int) -> None:
    rng = random.Random(seed)
    w, h = rng.randint(1, 7), rng.randint(1, 7)
    nb = lattice(w, h)
    hh = [rng.choice([0, rng.randint(1, 80), rng.randint(80, 400), rng.randint(400, 2000)])
          for _ in range(w * h)]
    if sum(hh) == 0:
        hh[0] = 1
    count = math.ceil(sum(hh) / 300)
    xy = [(float(i % w), float(i // w)) for i in range(w * h)]
    grids = divide_grids(list(range(w * h)), nb, hh, rng.randrange(w * h), count, xy=xy)
    assert_valid(grids, hh, nb, count)


def test_a_compound_too_big_for_one_grid_is_divided_by_households() -> None:
    # the example: 9 coordinators, compounds of 851 and 1,774 households
    nb = [[1], [0]]
    hh = [851, 1774]
    grids = divide_grids([0, 1], nb, hh, 0, 9)
    assert_valid(grids, hh, nb, 9)
    # the cut falls on the boundary between the two (within the band): 3 grids for the
    # first compound, 6 for the second, none straddling both
    assert [sorted(u for u, _ in g) for g in grids] == [[0]] * 3 + [[1]] * 6
    assert [sum(h for _, h in g) for g in grids] == [292, 292, 267, 296, 296, 295, 296, 296, 295]


def test_villages_stay_whole_where_the_band_allows() -> None:
    nb = lattice(6, 1)                       # a road of six villages of 150
    grids = divide_grids(list(range(6)), nb, [150] * 6, 0, 3)
    assert [sorted(u for u, _ in g) for g in grids] == [[0, 1], [2, 3], [4, 5]]
    assert all(h == 150 for g in grids for _, h in g)


def test_small_and_odd_communities() -> None:
    assert divide_grids([0, 1], [[1], [0]], [100, 150], 0, 1) == [[(0, 100), (1, 150)]]
    grids = divide_grids([0], [[]], [350], 0, 2)        # 301-399: two equal grids
    assert [sum(h for _, h in g) for g in grids] == [175, 175]
    assert grid_band(350, 2, 300, 100) == (175, 400)
    assert divide_grids([0, 1], [[1], [0]], [0, 0], 0, 0) == [[(0, 0), (1, 0)]]


def test_whole_unit_split_for_the_workbench() -> None:
    nb = lattice(4, 1)
    assert split_units([0, 1, 2, 3], nb, [100, 100, 100, 100], 0, 2) == [[0, 1], [2, 3]]


# --- the checker ----------------------------------------------------------------------
def _plan_with(spec_ra: list[list[tuple[str, int]]]):  # type: ignore[no-untyped-def]
    spec = valid_spec()
    spec["RA"]["shares"] = spec_ra
    return build_plan(scenario(), spec)


def test_checker_finds_a_grid_outside_the_band() -> None:
    plan = _plan_with([[("r3c0", 220), ("r2c0", 200)], [("r2c0", 20), ("r2c1", 200)],
                       [("r2c1", 20), ("r3c1", 220)], [("r3c2", 220)]])
    bad = [r for r in check(scenario(), plan).failures()]
    assert [(r.rule_id, r.community_id) for r in bad] == [("COORD-300", "RA")]
    assert bad[0].note == "grid RA-G01 holds 420 households, outside 200..400"


def test_checker_finds_households_not_fully_distributed() -> None:
    plan = _plan_with([[("r3c0", 220), ("r2c0", 55)], [("r2c0", 160), ("r2c1", 110)],
                       [("r2c1", 110), ("r3c1", 165)], [("r3c1", 55), ("r3c2", 220)]])
    (bad,) = check(scenario(), plan).failures()
    assert "not fully distributed" in bad.note and "r2c0" in bad.note


def test_checker_wants_the_first_grid_in_assignment() -> None:
    import dataclasses

    plan = build_plan(scenario(), valid_spec())
    grid = tuple("RA-G02" if u == "r2c0" else g for u, g in zip(plan.unit_ids, plan.grid,
                                                                  strict=True))
    (bad,) = check(scenario(), dataclasses.replace(plan, grid=grid)).failures()
    assert "not the unit's first grid" in bad.note and "r2c0" in bad.note


def test_checker_finds_rows_of_foreign_units_and_shared_grid_ids() -> None:
    import dataclasses

    plan = build_plan(scenario(), valid_spec())
    extra = (GridShare("RA-G01", "RB", "r2c2", 0),)
    bad = {r.community_id: r.note for r in check(scenario(), dataclasses.replace(
        plan, grid_shares=plan.grid_shares + extra)).failures()}
    assert "RA" in bad and "also holds units of another community" in bad["RA"]
