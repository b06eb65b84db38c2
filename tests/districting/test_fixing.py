"""The variable fixing of optimizer.districting.fixing never cuts off a feasible plan.

For random small connected graphs every set partition into k connected districts
with weights in [lo, hi] is enumerated; in the fixing's node order each plan's
roots (first node of each district, districts numbered by their roots) must be
allowed by ``may_root``, and no node may sit in a district it is "far" from.
Then the solver with fixing must reach the brute-force optimum.
"""

from __future__ import annotations

import numpy as np
import pytest

from optimizer.districting.fixing import back_set, compute_fixing
from optimizer.districting.graph import make_arrays
from optimizer.districting.params import GraphSolveParams
from optimizer.districting.solve import cut_count, solve_graph
from optimizer.status import Status
from tests.helpers.partitions import RANDOM_CASES, labels_of, random_instance


@pytest.mark.parametrize(("seed", "n", "k", "slack"), RANDOM_CASES)
def test_fixing_keeps_every_feasible_plan(seed: int, n: int, k: int, slack: int) -> None:
    g, lo, hi, plans = random_instance(seed, n, k, slack)
    fix = compute_fixing(g, k, lo, hi)
    pos = np.empty(g.n, dtype=np.int64)
    pos[fix.order] = np.arange(g.n)
    for parts in plans:
        ranked = sorted((sorted(int(pos[v]) for v in p) for p in parts), key=lambda p: p[0])
        for d, members in enumerate(ranked):
            assert fix.may_root(members[0], d, k), (seed, parts, d)
            assert not any(fix.far[d][p] for p in members), (seed, parts, d)
    best = min((cut_count(g, labels_of(g.n, p)) for p in plans), default=None)
    res = solve_graph(g, GraphSolveParams(k=k, lo=lo, hi=hi, time_limit_s=20, workers=1,
                                            heuristic_s=0))
    if best is None:
        assert res.status == Status.INFEASIBLE
    else:
        assert res.status == Status.OPTIMAL and res.objective == best == res.bound


def test_back_set_pieces_stay_below_lo() -> None:
    """Path 0-1-2-3-4 with weights 5,1,1,1,5 and lo = 3: the three light middle
    nodes would form a piece of 3, so only two of them join."""
    g = make_arrays([5, 1, 1, 1, 5], [(0, 1), (1, 2), (2, 3), (3, 4)])
    inside = back_set(g, 3)
    assert not inside[0] and not inside[4] and int(inside.sum()) == 2


def test_far_heavy_nodes_root_their_own_districts() -> None:
    """Path of 7 with the heavy ends 0 and 6 (weight 10) and light middle nodes
    (weight 1), k = 2, [12, 13]: the ends are 25 apart (> U), so both root a
    district, and node 0's district cannot reach nodes 4 and 5 (14 and 15 away)."""
    g = make_arrays([10, 1, 1, 1, 1, 1, 10], [(i, i + 1) for i in range(6)])
    fix = compute_fixing(g, 2, 12, 13)
    assert fix.fixed_roots == 2 and fix.order[:2].tolist() == [0, 6]
    pos = {int(v): p for p, v in enumerate(fix.order)}
    assert [bool(fix.far[0][pos[v]]) for v in range(1, 6)] == [False, False, False, True, True]
    res = solve_graph(g, GraphSolveParams(k=2, lo=12, hi=13, time_limit_s=10, workers=1,
                                            heuristic_s=0))
    assert res.status == Status.OPTIMAL and res.objective == 1
