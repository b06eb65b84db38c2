"""The proven floor on a piece's count of communities (optimizer.model.count_floor)
against brute force on small grids, and the bounds that use it."""

from __future__ import annotations

import math
import random

import networkx as nx

from optimizer.graph import decompose
from optimizer.model.bounds import arithmetic_bound
from optimizer.model.count_floor import (
    _cp_infeasible,
    count_floor,
    least_size,
    no_count_possible,
)
from optimizer.model.lagrange import counted_lagrangian_bound, lagrangian_bound
from optimizer.model.piece import PieceData, piece_data
from optimizer.scenario.build import grid_scenario
from optimizer.scenario.model import Scenario
from tests.helpers.bruteforce import _partitions, brute_force

# 8,800 households, urban (2,000-3,000): households alone allow 3 communities, each
# of 2,800-3,000; the corner unit of 2,100 lies in no connected group of that size.
TIGHT = [[2100, 1200, 500], [600, 600, 400], [1800, 400, 1200]]


def _piece(s: Scenario) -> PieceData:
    comps, _ = decompose(s)
    assert len(comps) == 1
    return piece_data(s, comps[0].key, comps[0].units)


def _fewest(s: Scenario, lo: int, hi: int) -> int | None:
    """The fewest communities of any plan within the bounds (None: no plan)."""
    g = nx.Graph()
    g.add_nodes_from(range(s.n_units))
    g.add_edges_from(s.edges.tolist())
    best = None
    for parts in _partitions(list(range(s.n_units))):
        if all(lo <= sum(int(s.households[u]) for u in p) <= hi
               and nx.is_connected(g.subgraph(p)) for p in parts):
            best = len(parts) if best is None else min(best, len(parts))
    return best


def test_least_size() -> None:
    assert least_size(34_398, 1000, 1500, 23) == 1398
    assert least_size(34_398, 1000, 1500, 24) == 1000


def test_floor_never_passes_the_fewest_plan_on_random_grids() -> None:
    rng = random.Random(7)
    raised = 0
    for _ in range(40):
        grid = [[rng.randrange(4, 22) * 100 for _ in range(3)] for _ in range(3)]
        s = grid_scenario(grid)
        data = _piece(s)
        floor = count_floor(data)
        fewest = _fewest(s, data.lo, data.hi)
        if fewest is not None:
            assert floor.least <= fewest, grid
        raised += floor.raised
    assert raised >= 5         # the test exercises proofs, not only the counted floor


def test_tight_grid_raises_the_floor_and_the_bounds_stay_valid() -> None:
    s = grid_scenario(TIGHT)
    data = _piece(s)
    floor = count_floor(data)
    assert (floor.counted, floor.least) == (3, 4)
    assert "no connected group of 2,800-3,000" in floor.proofs[0]
    assert floor.label() == "+count≥4"
    assert _fewest(s, data.lo, data.hi) == 4
    best = brute_force(s)
    assert math.isfinite(best)
    old = lagrangian_bound(s, data, time_s=5.0)
    new, runs = counted_lagrangian_bound(s, data, floor.least, time_s=5.0)
    assert runs == 1
    assert old < new <= best + 1e-6
    assert arithmetic_bound(s, data) <= arithmetic_bound(s, data, least=4) <= best + 1e-6
    # At the counted floor the fewest count is bounded with its own least size.
    at3, runs3 = counted_lagrangian_bound(s, data, 3, time_s=5.0)
    assert runs3 == 2 and at3 <= best + 1e-6


def test_articulation_unit_proves_a_count() -> None:
    """1,500 | 1,000 | 1,500 in a row: every unit lies in a group of 2,000-3,000, but
    two communities would need the middle unit's in both."""
    s = grid_scenario([[1500, 1000, 1500]])
    data = _piece(s)
    floor = count_floor(data)
    assert floor.least == 3 and "splits the piece" in floor.proofs[0]
    assert _fewest(s, data.lo, data.hi) is None
    assert _cp_infeasible(data, 2, 2000, 5.0)


def test_a_plan_caps_the_floor() -> None:
    data = _piece(grid_scenario(TIGHT))
    assert count_floor(data, at_most=3).least == 3
    assert count_floor(data, max_counts=0).least == 3


def test_a_spent_budget_proves_nothing() -> None:
    data = _piece(grid_scenario(TIGHT))
    assert count_floor(data, max_nodes=0).least == 3
    assert count_floor(data, max_nodes=0).nodes <= 1


def test_no_count_possible() -> None:
    """A pendant unit of 400 behind one of 2,700 (urban, 2,000-3,000): it can neither
    stand alone nor join, whatever the count; the tight grid has plans."""
    stuck = _piece(grid_scenario([[400, 2700, 1500, 1500]]))
    assert "splits the piece" in no_count_possible(stuck)
    assert no_count_possible(_piece(grid_scenario(TIGHT))) == ""
