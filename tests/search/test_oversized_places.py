"""The rest of a piece beside a unit above the maximum that no split gives centers
(bench/wild.py seed 158, 颜单镇): it gives households to the oversized unit's
community, whose own center the block model now chooses (optimizer.search.
oversized_places), and the part is shown stranded by its listing with centers before
any piece search runs on it (a piece search spent the budget on a ``soft`` plan whose
SIZE exemption, on a community holding no unit above the maximum, the checker rejects).

r0c0 (3,001) is above the urban maximum; the rest (2,300) is one community by
households, but r0c1's planned rooms (PIPELINE: its community's center) reach 400 m²,
2,000 households. By households alone the fewest to join is r0c1 (100), and r0c0's
community then holds those rooms, too small for 3,101: no center. Joining r0c0's
other neighbour r1c0 (300) leaves r0c1, r0c2, r1c1, r1c2 (2,000) on their rooms.
"""

from __future__ import annotations

import numpy as np

from optimizer.checker import check
from optimizer.model.piece import piece_data
from optimizer.scenario.build import grid_scenario
from optimizer.search.driver import solve
from optimizer.search.heuristic import best_choice
from optimizer.search.oversized_block import improve_group
from optimizer.search.stop import StopFlag
from tests.helpers.plans import community_of

GRID = [[3001, 100, 633], [300, 634, 633]]
ROOMS = [{"site_id": "P", "unit_id": "r0c1", "area_m2": 300, "owned": True,
          "max_area_m2": 400, "status": "planned", "available_year": 2014}]


def test_the_block_models_oversized_community_keeps_a_center() -> None:
    # On 56202c3 the block model joined r0c1 (fewest by households) and r0c0's
    # community had no place for a center: its plan was dropped.
    sc = grid_scenario(GRID, sites=ROOMS)
    units = np.arange(len(sc.unit_ids))
    gd = piece_data(sc, ("C1", "S1", "urban"), units)
    big = sc.unit_ids.index("r0c0")
    plan = improve_group(sc, gd, [u for u in units.tolist() if u != big], {big: [big]}, None,
                         time_s=10, seed=0, deterministic=True, stop=StopFlag())
    assert plan is not None
    group = next(g for g in plan.groups if big in g)
    assert sorted(sc.unit_ids[u] for u in group) == ["r0c0", "r1c0"]
    assert plan.joined == 300 and not plan.least_proven
    assert best_choice(sc, gd, list(group)) is not None


def test_the_rest_joins_and_the_plan_passes_the_checker() -> None:
    sc = grid_scenario(GRID, sites=ROOMS)
    plan = solve(sc, time_limit_s=10, workers=1, seed=0)
    big = community_of(plan, "r0c0")
    assert (big.n_units, big.households) == (2, 3301)
    rest = community_of(plan, "r0c1")
    assert (rest.households, rest.site_id, rest.exemption) == (2000, "P", "")
    fails = [r for r in check(sc, plan).rows if r.status == "fail"]
    assert not fails, fails


def test_the_part_is_shown_stranded_by_its_listing_with_centers() -> None:
    from optimizer.search.oversized_places import listed_stranded
    from optimizer.search.piece_types import PieceTask

    sc = grid_scenario(GRID, sites=ROOMS)
    rest = np.asarray([u for u, i in enumerate(sc.unit_ids) if i != "r0c0"])
    sub = piece_data(sc, ("C1", "S1", "urban"), rest)
    task = PieceTask(index=0, key=("C1", "S1", "urban"), units=rest, diagnosis=None,
                     budget_s=5.0, seed=0, threads=1, deterministic=True)
    assert listed_stranded(sc, sub, task, StopFlag())[0] is True
