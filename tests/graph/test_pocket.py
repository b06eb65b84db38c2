"""Pockets (optimizer.graph.pocket, optimizer.checker.pocket): units behind one unit that
no plan can split within the bounds. Each pocket the solver's search reports is
confirmed by enumerating every partition of the grid into connected groups (some
group meeting the pocket or its gate breaks the bounds in each), and the checker's
own proof (bit masks) agrees with the solver's search on every group one unit (or
none) links to the rest once the "walls" are set apart (units that with any neighbour
exceed the maximum: each a community of its own within the bounds).

The street of real-10740 in small (urban, 2,000-3,000 households)::

    O4000 1000 1100  715 1684      the gate 715 holds the only way out of
     -     -    -   1275  221      1684 / 221 / 1275 (3,180 together)
"""

from __future__ import annotations

import random

import networkx as nx

from optimizer.checker import pocket as checker_pocket
from optimizer.checker.proofs import Pieces
from optimizer.graph import pocket as graph_pocket
from optimizer.graph.pocket import least_breaking, pockets
from optimizer.scenario.build import grid_scenario
from optimizer.scenario.model import Scenario
from tests.helpers.partitions import set_partitions

STREET = [[4000, 1000, 1100, 715, 1684], [None, None, None, 1275, 221]]


def _graph(s: Scenario) -> nx.Graph:
    g = nx.Graph()
    g.add_nodes_from(range(s.n_units))
    g.add_edges_from((int(a), int(b)) for a, b in s.edges.tolist())
    return g


def _plans(s: Scenario) -> list[list[list[int]]]:
    """Every partition of the grid into connected groups."""
    g = _graph(s)
    return [plan for plan in set_partitions(list(range(s.n_units)))
            if all(nx.is_connected(g.subgraph(part)) for part in plan)]


def _always_broken(s: Scenario, near: set[int], lo: int, hi: int,
                   plans: list[list[list[int]]] | None = None) -> bool:
    """Every partition of the grid into connected groups has a group meeting ``near``
    outside lo..hi."""
    return all(any(not lo <= int(s.households[part].sum()) <= hi
                   for part in plan if set(part) & near)
               for plan in (plans if plans is not None else _plans(s)))


def test_the_street_pocket_is_found_and_proved() -> None:
    s = grid_scenario(STREET)
    ids = {u: k for k, u in enumerate(s.unit_ids)}
    got = pockets(s, list(range(s.n_units)), 2000, 3000)
    assert [(p.units, p.gate) for p in got] == [
        (tuple(sorted(ids[u] for u in ("r0c4", "r1c3", "r1c4"))), ids["r0c3"])]
    assert _always_broken(s, {*got[0].units, got[0].gate}, 2000, 3000)
    plans, complete = least_breaking(s, got[0], 2000, 3000)
    assert complete and plans == [[got[0].units]]       # 3,180: 180 over, the least
    pieces = Pieces(s)
    assert checker_pocket._impossible(s, _nbrs(s), sorted(got[0].units), got[0].gate,
                                      2000, 3000)
    assert pieces.piece_of[got[0].gate] == pieces.piece_of[got[0].units[0]]


def _nbrs(s: Scenario) -> dict[int, list[int]]:
    return {u: [int(v) for v in s.neighbours[u].tolist()] for u in range(s.n_units)}


def test_a_pocket_is_a_pocket_by_every_partition_and_both_proofs_agree() -> None:
    rng = random.Random(16)
    found = 0
    for _ in range(80):
        rows, cols = rng.choice([(2, 4), (3, 3), (2, 5)])
        grid = [[rng.choice([None, 150, 400, 700, 900, 1100, 1400]) if rng.random() < 0.9
                 else None for _ in range(cols)] for _ in range(rows)]
        s = grid_scenario(grid, kind="rural")
        if s.n_units < 3 or s.n_units > 8 or not nx.is_connected(_graph(s)):
            continue
        lo, hi = s.policy.bounds(False)
        nb = _nbrs(s)
        plans = _plans(s)
        inside = set(range(s.n_units))
        hh = {u: int(s.households[u]) for u in inside}
        walls = {u for u in inside if all(hh[u] + hh[v] > hi for v in nb[u])}
        for g in [-1, *range(s.n_units)]:
            if g in walls:
                continue
            for cut in checker_pocket._cut_off(nb, inside - walls, g):
                mine = graph_pocket._impossible(nb, hh, cut, g, lo, hi,
                                                hi - hh[g] if g >= 0 else 0)
                theirs = checker_pocket._impossible(s, nb, sorted(cut), g, lo, hi)
                assert mine == theirs, (grid, cut, g)
                if mine:
                    found += 1
                    near = cut | {g} | {v for u in cut for v in nb[u] if v in walls}
                    assert _always_broken(s, near - {-1}, lo, hi, plans), (grid, cut, g)
        for p in pockets(s, list(range(s.n_units)), lo, hi):
            assert _always_broken(s, {*p.units, p.gate, *p.walls} - {-1}, lo, hi, plans)
    assert found >= 5, found     # the grids do hold pockets
