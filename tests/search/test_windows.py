"""Exact windows (optimizer.search.windows): the cover search finds the cheapest
partition, and a plan the windows leave has no pair of adjacent communities with a
cheaper split, stays legal and is the same twice."""

from __future__ import annotations

import itertools
import math
import random

import numpy as np
import pytest

from optimizer.graph import components, is_connected
from optimizer.model.piece import PieceData, piece_data
from optimizer.scenario.build import grid_scenario
from optimizer.scenario.model import Scenario
from optimizer.search.attempt import Choice
from optimizer.search.heuristic import best_choice
from optimizer.search.lns import community_adjacency
from optimizer.search.piece_common import plan_cost
from optimizer.search.stop import StopFlag
from optimizer.search.windows import (
    band_order,
    cheapest_cover,
    connected_windows,
    improve_windows,
)
from tests.helpers.partitions import set_partitions
from tests.helpers.plans import assert_legal, legal_plan

ROWS, COLS = 2, 10


@pytest.mark.parametrize("seed", range(6))
def test_cheapest_cover_is_the_cheapest_partition(seed: int) -> None:
    rng = random.Random(seed)
    n = 7
    blocks = [b for size in (1, 2, 3) for b in itertools.combinations(range(n), size)
              if rng.random() < 0.6]
    blocks += [(u,) for u in range(n) if (u,) not in blocks]    # a cover always exists
    cost = np.array([rng.uniform(1.0, 10.0) * len(b) for b in blocks])
    index = {b: i for i, b in enumerate(blocks)}
    brute = min(sum(cost[index[tuple(p)]] for p in part)
                for part in set_partitions(list(range(n)))
                if all(tuple(p) in index for p in part))
    value, chosen, states = cheapest_cover(n, tuple(blocks), cost)
    assert value == pytest.approx(brute)
    assert sorted(u for i in chosen for u in blocks[i]) == list(range(n))
    assert sum(cost[i] for i in chosen) == pytest.approx(value)
    assert states >= 1


@pytest.mark.parametrize("seed", range(6))
def test_the_cover_in_band_order_is_the_same_cheapest(seed: int) -> None:
    """Units relabelled by band_order: the same value, members of the caller's tuples."""
    rng = random.Random(seed)
    n = 7
    nbrs = [[v for v in (u - 1, u + 1) if 0 <= v < n] for u in range(n)]
    rng.shuffle(nbrs)       # any adjacency: the order must stay a permutation
    blocks = [b for size in (1, 2, 3) for b in itertools.combinations(range(n), size)
              if rng.random() < 0.6]
    blocks += [(u,) for u in range(n) if (u,) not in blocks]
    cost = np.array([rng.uniform(1.0, 10.0) * len(b) for b in blocks])
    plain, _, _ = cheapest_cover(n, tuple(blocks), cost)
    value, chosen, _ = cheapest_cover(n, tuple(blocks), cost, nbrs=nbrs)
    assert value == pytest.approx(plain)
    assert sorted(u for i in chosen for u in blocks[i]) == list(range(n))
    assert sorted(band_order(nbrs, n)) == list(range(n))


def test_band_order_keeps_the_cover_narrow() -> None:
    """A 3 x 8 grid numbered at random, covered by its connected groups of up to three
    cells: in band order (sweeping the grid) the cover visits a small fraction of the
    states it visits in the scrambled numbering (seed 538's 39-unit part: 66 against
    more than 2 M)."""
    rng = random.Random(5)
    rows, cols = 3, 8
    n = rows * cols
    label = list(range(n))
    rng.shuffle(label)
    cell = {(r, c): label[r * cols + c] for r in range(rows) for c in range(cols)}
    nbrs: list[list[int]] = [[] for _ in range(n)]
    for (r, c), u in cell.items():
        nbrs[u] = [cell[q] for q in ((r - 1, c), (r + 1, c), (r, c - 1), (r, c + 1))
                   if q in cell]
    groups = {(u,) for u in range(n)}
    groups |= {tuple(sorted((u, v))) for u in range(n) for v in nbrs[u]}
    groups |= {tuple(sorted((u, v, w))) for u in range(n) for v in nbrs[u] for w in nbrs[v]
               if w != u}
    blocks = tuple(sorted(groups))
    cost = np.array([1.0 + len(b) ** 0.5 for b in blocks])
    plain, _, plain_states = cheapest_cover(n, blocks, cost)
    value, _, states = cheapest_cover(n, blocks, cost, nbrs=nbrs)
    assert value == pytest.approx(plain)
    assert states * 100 < plain_states, (states, plain_states)


def _street() -> tuple[Scenario, PieceData, list[Choice]]:
    """A 2 x 10 street of compounds of 250-900 households (10,700: four or five
    communities of 2,000-3,000) cut along a snake into five strips of four (2,050-2,300
    households), the start: long strips, where squares are nearer their centres."""
    hh = [[900, 300, 650, 450, 800, 400, 700, 300, 600, 500],
          [250, 850, 300, 700, 350, 600, 250, 850, 400, 550]]
    s = grid_scenario(hh)
    [comp] = components(s)
    data = piece_data(s, comp.key, comp.units)
    snake = [c for c in range(COLS)] + [COLS + c for c in reversed(range(COLS))]
    strips = [snake[i:i + 4] for i in range(0, len(snake), 4)]
    return s, data, legal_plan(s, data, strips)


def _cheapest_split(s: Scenario, data: PieceData, pair: list[Choice]) -> float:
    """Every split of the pair's units into two connected communities within the
    bounds (or one), priced by the plan's own cost: the cheapest."""
    units = sorted(u for ch in pair for u in ch.members)
    local = {int(u): i for i, u in enumerate(data.units.tolist())}
    best = math.inf
    for size in range(1, len(units) + 1):
        for part in itertools.combinations(units, size):
            if units[0] not in part:
                continue
            rest = [u for u in units if u not in part]
            groups = [list(part), rest] if rest else [list(part)]
            if not all(is_connected(tuple(g), s.neighbours)
                       and data.lo <= int(s.households[g].sum()) <= data.hi for g in groups):
                continue
            chs = [best_choice(s, data, [local[u] for u in g]) for g in groups]
            if all(ch is not None for ch in chs):
                best = min(best, plan_cost(s, [ch for ch in chs if ch is not None]))
    return best


def test_no_pair_of_the_windows_plan_has_a_cheaper_split() -> None:
    s, data, start = _street()
    plan, stats = improve_windows(s, data, start, work_s=60.0, stop=StopFlag(),
                                  deterministic=True, sizes=(2,))
    assert_legal(s, data, plan)
    assert stats.improved >= 1 and stats.windows >= stats.improved
    assert plan_cost(s, plan) < plan_cost(s, start) - 1.0
    adjacency = community_adjacency(s, plan)
    pairs = list(connected_windows(adjacency, 2))
    assert pairs
    for a, b in pairs:
        now = plan_cost(s, [plan[a], plan[b]])
        assert _cheapest_split(s, data, [plan[a], plan[b]]) >= now - 1.0
    # The start had a pair with a cheaper split (what the windows are for).
    first = community_adjacency(s, start)
    assert any(_cheapest_split(s, data, [start[a], start[b]])
               < plan_cost(s, [start[a], start[b]]) - 1.0
               for a, b in connected_windows(first, 2))


def test_the_same_plan_twice_and_triples_only_cheaper() -> None:
    s, data, start = _street()
    one, _ = improve_windows(s, data, start, work_s=60.0, stop=StopFlag(), deterministic=True)
    two, _ = improve_windows(s, data, start, work_s=60.0, stop=StopFlag(), deterministic=True)
    assert one == two
    pairs, _ = improve_windows(s, data, start, work_s=60.0, stop=StopFlag(),
                               deterministic=True, sizes=(2,))
    assert_legal(s, data, one)
    assert plan_cost(s, one) <= plan_cost(s, pairs) + 1e-6


def test_no_work_without_time_or_once_stopped() -> None:
    s, data, start = _street()
    plan, stats = improve_windows(s, data, start, work_s=0.0, stop=StopFlag(),
                                  deterministic=True)
    assert plan == sorted(start, key=lambda ch: ch.center) and stats.windows == 0
    stop = StopFlag()
    stop.set()
    plan, stats = improve_windows(s, data, start, work_s=60.0, stop=stop, deterministic=False)
    assert plan == sorted(start, key=lambda ch: ch.center) and stats.windows == 0


def test_windows_are_connected_and_listed_once() -> None:
    adjacency = [{1}, {0, 2, 3}, {1}, {1}]        # a star around community 1
    assert list(connected_windows(adjacency, 2)) == [(0, 1), (1, 2), (1, 3)]
    assert sorted(connected_windows(adjacency, 3)) == [(0, 1, 2), (0, 1, 3), (1, 2, 3)]
