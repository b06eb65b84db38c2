"""The checker's split search on a village-dense rural piece of a few communities with
one village at the maximum (bench/wild.py seed 191's class: 30 villages, 3,413
households, one of 1,500): from the lowest unit it grew 50,000 groups of the small
villages without deciding; from the heaviest the proof is one step deep."""

from __future__ import annotations

from optimizer.checker.split import SplitAnswer, find_split
from optimizer.scenario.build import grid_scenario
from optimizer.scenario.model import Scenario
from tests.helpers.partitions import connected_in

# 29 villages of 21-99 households (1,822 in all) and one of 1,500 in the corner
SMALL: list[list[int | None]] = [[50, 95, 89, 36, 67, 97],
                                 [80, 60, 94, 28, 97, 21],
                                 [80, 53, 90, 49, 44, 71],
                                 [40, 89, 30, 80, 70, 61],
                                 [39, 49, 61, 39, 63, None]]


def village_grid(corner: int) -> Scenario:
    grid = [list(row) for row in SMALL]
    grid[4][5] = corner
    return grid_scenario(grid, kind="rural")


def split(s: Scenario) -> SplitAnswer:
    return find_split(list(range(s.n_units)), s.households.tolist(), s.neighbours, 1000, 1500)


def test_a_village_at_the_maximum_leaving_no_whole_number_is_proved_impossible() -> None:
    # 3,322 households fit three communities by arithmetic; the village of 1,500 can
    # only be one alone, and the other 1,822 fit neither one (above 1,500) nor two
    # (below 2,000): no split. On 56202c3 undecided (None) after 50,000 steps.
    got = split(village_grid(1500))
    assert got.exists is False
    assert got.steps < 100


def test_a_split_of_the_same_piece_is_found_where_one_exists() -> None:
    # the corner village at 1,000: 2,822 households, two communities, the corner alone
    # and the rest. On 56202c3 undecided after 50,000 steps.
    s = village_grid(1000)
    got = split(s)
    assert got.exists is True
    assert sorted(u for g in got.groups for u in g) == list(range(s.n_units))
    for g in got.groups:
        assert 1000 <= sum(int(s.households[u]) for u in g) <= 1500
        assert connected_in(s, g)
