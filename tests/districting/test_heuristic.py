"""The heuristic start of fixed-k cut-edge districting
(optimizer.districting.heuristic): every plan it returns is contiguous, within the
bounds and has k districts; on tiny graphs it finds a plan whenever brute force
says one exists, and with a hint the solver still reaches the brute-force optimum."""

from __future__ import annotations

import itertools
import random

import networkx as nx
import numpy as np
import pytest

from optimizer.districting.check import check_districting
from optimizer.districting.graph import GraphArrays, make_arrays
from optimizer.districting.heuristic import _chain_fix, heuristic_plan
from optimizer.districting.params import GraphSolveParams
from optimizer.districting.solve import cut_count, solve_graph
from optimizer.status import Status
from tests.helpers.partitions import grid_arrays as _grid
from tests.helpers.partitions import random_grid


def _brute_best(g: GraphArrays, k: int, lo: int, hi: int) -> int | None:
    """Fewest cut edges over all labelings 0..k-1 (tiny graphs only)."""
    graph = g.to_networkx()
    best: int | None = None
    for labels in itertools.product(range(k), repeat=g.n):
        if labels[0] != 0 or len(set(labels)) != k:
            continue
        a = np.asarray(labels)
        parts = [np.flatnonzero(a == d) for d in range(k)]
        if not all(lo <= int(g.weights[p].sum()) <= hi for p in parts):
            continue
        if not all(nx.is_connected(graph.subgraph(p.tolist())) for p in parts):
            continue
        c = cut_count(g, a)
        best = c if best is None else min(best, c)
    return best


def test_heuristic_plan_is_contiguous_and_within_bounds() -> None:
    k = 4
    g, lo, hi = random_grid(3, 6, k, 0.1)
    plan = heuristic_plan(g, k, lo, hi, time_limit_s=3.0)
    assert plan is not None
    chk = check_districting(g, plan, lo=lo, hi=hi, k=k)
    assert chk.ok, chk.problems


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_tiny_graphs_against_brute_force(seed: int) -> None:
    rng = random.Random(seed)
    weights = [rng.randint(1, 6) for _ in range(8)]
    g = _grid(2, 4, weights)
    k = 2 + seed % 2
    total = sum(weights)
    lo, hi = total // k - 2, total // k + 2
    want = _brute_best(g, k, lo, hi)
    plan = heuristic_plan(g, k, lo, hi, time_limit_s=1.0, seed=seed)
    if want is None:
        assert plan is None
    else:
        assert plan is not None
        chk = check_districting(g, plan, lo=lo, hi=hi, k=k)
        assert chk.ok and chk.cut_edges >= want
    res = solve_graph(g, GraphSolveParams(k=k, lo=lo, hi=hi, time_limit_s=10, workers=2))
    if want is None:
        assert res.status == Status.INFEASIBLE
    else:
        assert res.status == Status.OPTIMAL and res.objective == want == res.bound


def test_chain_fix_reaches_the_band() -> None:
    """Path 0-1-2-3-4-5, weights 1,1,1,1,1,1, k = 2 in [3, 3], start {0},{1..5}:
    two moves (1, then 2 into district 0) are needed."""
    g = make_arrays([1] * 6, [(i, i + 1) for i in range(5)])
    nbrs = [list(v) for v in g.nbrs()]
    start = [0, 1, 1, 1, 1, 1]
    assert _chain_fix(nbrs, [1] * 6, start, 2, 3, 3, 1, float("inf")) is None
    fixed = _chain_fix(nbrs, [1] * 6, start, 2, 3, 3, 2, float("inf"))
    assert fixed == [0, 0, 0, 1, 1, 1]


def test_hint_is_used_and_optimum_kept() -> None:
    g = _grid(3, 3, [3, 1, 2, 2, 4, 1, 1, 2, 3])
    hint = np.array([0, 0, 1, 0, 0, 1, 2, 2, 2])
    res = solve_graph(g, GraphSolveParams(k=3, lo=3, hi=10, time_limit_s=10, workers=2), hint=hint)
    assert res.status == Status.OPTIMAL and res.objective == _brute_best(g, 3, 3, 10)
