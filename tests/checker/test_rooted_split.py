"""The checker's one model for every count (optimizer/checker/rooted_split.py), where the
per-count model (flow_split.py) takes at most four communities: bench/wild.py seeds 1491
and 1492, streets of 60 and 49 compounds with no split at all (12-17 and 8-11
communities), failed their checks because neither proof decided."""

from __future__ import annotations

import random

from optimizer.checker.flow_split import MAX_COMMUNITIES, flow_split
from optimizer.checker.proofs import Pieces
from optimizer.checker.rooted_split import MAX_UNITS, rooted_split
from optimizer.checker.split import community_counts, find_split
from optimizer.scenario.build import grid_scenario
from tests.helpers.partitions import connected_in


def test_a_path_without_a_split_of_five_communities_is_proved() -> None:
    # 11,700 households, 4-5 urban communities: the first compound (1,900) reaches the
    # minimum only with a second of 1,900, past the maximum (no root can hold it).
    # Before (the per-count model alone, at most 4 communities): undecided.
    s = grid_scenario([[1900, 50] * 6])
    units = list(range(s.n_units))
    assert community_counts(11_700, 2000, 3000)[-1] > MAX_COMMUNITIES
    got = flow_split(units, s.households.tolist(), s.neighbours, 2000, 3000)
    assert got.exists is False and got.by_model


def test_a_grid_without_a_split_is_proved_by_the_model() -> None:
    # 6,119 households, 5-6 rural communities; every village lies in some group a root
    # reaches, so no shortcut decides: the model's INFEASIBLE does (find_split agrees)
    s = grid_scenario([[627, 732, 770, 792, 155], [567, 796, 672, 501, 507]], kind="rural")
    units = list(range(s.n_units))
    hh = s.households.tolist()
    assert find_split(units, hh, s.neighbours, 1000, 1500).exists is False
    got = flow_split(units, hh, s.neighbours, 1000, 1500)
    assert got.exists is False and got.by_model


def test_its_split_keeps_the_rules() -> None:
    s = grid_scenario([[1000] * 6], kind="rural")        # six communities of one village
    units = list(range(s.n_units))
    got = flow_split(units, s.households.tolist(), s.neighbours, 1000, 1500)
    assert got.exists is True and got.by_model
    assert sorted(u for g in got.groups for u in g) == units
    assert all(len(g) == 1 for g in got.groups)


def test_it_agrees_with_the_split_search_on_random_grids() -> None:
    rng = random.Random(49)
    seen = {True: 0, False: 0}
    for _ in range(40):
        rows, cols = rng.choice([(3, 5), (4, 4), (4, 5)])
        grid: list[list[int | None]] = [
            [None if rng.random() < 0.1 else rng.randint(100, 800) for _ in range(cols)]
            for _ in range(rows)]
        s = grid_scenario(grid, kind="rural")
        comp = max(Pieces(s).units, key=len)
        hh = s.households.tolist()
        want = find_split(comp, hh, s.neighbours, 1000, 1500)
        got = rooted_split(comp, hh, s.neighbours, 1000, 1500)
        if want.exists is None or got.exists is None:
            continue
        assert got.exists == want.exists, grid
        if got.exists:
            assert sorted(u for g in got.groups for u in g) == sorted(comp)
            for g in got.groups:
                assert 1000 <= sum(hh[u] for u in g) <= 1500
                assert connected_in(s, g)
        seen[want.exists] += 1
    assert seen[True] >= 5 and seen[False] >= 5, seen


def test_past_its_units_it_decides_nothing() -> None:
    s = grid_scenario([[10] * (MAX_UNITS + 1)], kind="rural")
    units = list(range(s.n_units))
    assert rooted_split(units, s.households.tolist(), s.neighbours, 1000, 1500).exists is None

