"""General districting (optimizer.districting.solve) against brute force and the
Validi-Buchanan county instances.

The brute-force graph is a 3×3 grid, node i at (i % 3, i // 3), weights::

    0(3) - 1(1) - 2(2)
     |      |      |
    3(2) - 4(4) - 5(1)
     |      |      |
    6(1) - 7(2) - 8(3)

Every set partition of the 9 nodes (21,147) is enumerated; those with connected
parts of weight in [lo, hi] are feasible; their best cut-edge count and Hess value
must equal the solver's.
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from optimizer.districting.check import check_districting, infeasibility_reason
from optimizer.districting.graph import GraphArrays, graph_arrays, make_arrays
from optimizer.districting.params import GraphSolveParams
from optimizer.districting.partition import add_partition
from optimizer.districting.region import Region
from optimizer.districting.solve import add_cut_edges, cut_count, hess_value, solve_graph
from optimizer.status import Status
from tests.helpers.partitions import set_partitions
from tests.helpers.paths import ROOT, SHARED

WEIGHTS = [3, 1, 2, 2, 4, 1, 1, 2, 3]
DATA = SHARED / "benchmarks" / "districting-cut-edges"


def _grid() -> GraphArrays:
    edges = [(i, i + 1) for i in range(9) if i % 3 < 2] + [(i, i + 3) for i in range(6)]
    return make_arrays(WEIGHTS, edges, [i % 3 for i in range(9)], [i // 3 for i in range(9)])


def _brute(g: GraphArrays, lo: int, hi: int, k: int | None) -> tuple[int | None, float | None]:
    graph = g.to_networkx()
    best_cut: int | None = None
    best_hess: float | None = None
    assert g.x is not None and g.y is not None
    for parts in set_partitions(list(range(g.n))):
        if k is not None and len(parts) != k:
            continue
        if not all(lo <= sum(WEIGHTS[i] for i in p) <= hi for p in parts):
            continue
        if not all(nx.is_connected(graph.subgraph(p)) for p in parts):
            continue
        a = np.empty(g.n, dtype=np.int64)
        for d, p in enumerate(parts):
            a[p] = d
        cut = cut_count(g, a)
        hess = sum(min(sum(WEIGHTS[i] * ((g.x[i] - g.x[c]) ** 2 + (g.y[i] - g.y[c]) ** 2)
                           for i in p) for c in p) for p in parts)
        best_cut = cut if best_cut is None else min(best_cut, cut)
        best_hess = hess if best_hess is None else min(best_hess, hess)
    return best_cut, best_hess


@pytest.mark.parametrize(("lo", "hi", "k"), [(6, 7, 3), (4, 7, None), (9, 10, 2), (3, 5, 4),
                                             (4, 6, None)])
def test_grid_matches_brute_force(lo: int, hi: int, k: int | None) -> None:
    g = _grid()
    want_cut, want_hess = _brute(g, lo, hi, k)
    for objective, want in (("cut_edges", want_cut), ("hess", want_hess)):
        res = solve_graph(g, GraphSolveParams(lo=lo, hi=hi, k=k, objective=objective,
                                              time_limit_s=20, workers=2))
        if want is None:
            assert res.status == Status.INFEASIBLE, (objective, lo, hi, k)
            continue
        assert res.status == Status.OPTIMAL, (objective, lo, hi, k)
        assert res.objective == pytest.approx(want), (objective, lo, hi, k)
        assert res.bound <= res.objective
        assert res.bound == pytest.approx(want, rel=1e-5)  # Hess: bound less rounding
        chk = check_districting(g, res.assignment, lo=lo, hi=hi, k=k)
        assert chk.ok, chk.problems
        if objective == "cut_edges":
            assert chk.cut_edges == res.objective
        else:
            assert hess_value(g, res.assignment, res.centers) == pytest.approx(want)


def test_contiguity_matters_and_none_is_looser() -> None:
    """Path 0-1-2-3 with weights 2,1,3,2 and k=2 in [4, 4]: the only balanced split
    {0,3},{1,2} is disconnected, so flow contiguity must report infeasible."""
    g = make_arrays([2, 1, 3, 2], [(0, 1), (1, 2), (2, 3)])
    for k in (2, None):
        tight = solve_graph(g, GraphSolveParams(lo=4, hi=4, k=k, time_limit_s=10))
        assert tight.status == Status.INFEASIBLE
        loose = solve_graph(g, GraphSolveParams(lo=4, hi=4, k=k, contiguity="none",
                                                time_limit_s=10))
        assert loose.status == Status.OPTIMAL and loose.objective == 2
    # The reason says how far the bounds must move: {0,1} = 3 and {2,3} = 5 fit [3, 5].
    reason = solve_graph(g, GraphSolveParams(lo=4, hi=4, k=2, time_limit_s=10)).reason
    assert "proved" in reason and "widened to [3, 5]" in reason, reason


def test_networkx_input_keeps_node_order() -> None:
    graph = nx.path_graph(["a", "b", "c", "d"])
    for v, w in zip("abcd", [2, 2, 3, 1], strict=True):
        graph.nodes[v]["pop"] = w
    res = solve_graph(graph, GraphSolveParams(lo=4, hi=4, k=2, weight="pop", time_limit_s=10))
    assert res.status == Status.OPTIMAL and res.objective == 1
    assert list(res.assignment) == [0, 0, 1, 1]
    assert graph_arrays(graph, weight="pop").labels == ("a", "b", "c", "d")


def test_checker_catches_each_break() -> None:
    g = _grid()
    good = np.array([0, 0, 1, 0, 0, 1, 2, 2, 2])  # weights 10, 3, 6
    assert check_districting(g, good, lo=3, hi=10, k=3).ok
    assert check_districting(g, good, lo=3, hi=10, k=3).cut_edges == 5
    split = np.array([0, 1, 0, 0, 0, 1, 2, 2, 2])  # district 1 = {1, 5}: not connected
    assert any("pieces" in p for p in check_districting(g, split, lo=1, hi=20).problems)
    assert any("outside" in p for p in check_districting(g, good, lo=4, hi=10).problems)
    assert any("expected 2" in p for p in check_districting(g, good, lo=3, hi=10, k=2).problems)
    assert "U = 3" in infeasibility_reason(g, 2, 1, 3)
    assert "outside" in infeasibility_reason(g, 2, 5, 6)


def test_add_cut_edges_on_the_planner_partition() -> None:
    """The compactness term the community model can add: with a fixed count of 2 on
    the grid and bounds [9, 10], the fewest cut edges is the brute-force value."""
    from ortools.sat.python import cp_model
    g = _grid()
    data = Region(weights=g.weights, nbrs=g.nbrs(), x=g.x, y=g.y, lo=9, hi=10)
    m = cp_model.CpModel()
    part = add_partition(m, data, list(range(9)), contiguity="flow", count=(2, 2))
    cuts = add_cut_edges(m, part, data)
    m.minimize(sum(cuts))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 2
    assert solver.solve(m) == cp_model.OPTIMAL
    assert solver.objective_value == _brute(g, 9, 10, 2)[0]


@pytest.mark.skipif(not DATA.exists(), reason="../shared benchmark data not present")
@pytest.mark.parametrize(("name", "optimum"), [("ME_county", 16), ("NM_county", 17),
                                               ("ID_county", 10)])
def test_validi_buchanan_smallest_counties(name: str, optimum: int) -> None:
    import sys
    sys.path.insert(0, str(ROOT))
    from bench.cut_edges import load_instance
    g, k, lo, hi = load_instance(name, DATA)
    res = solve_graph(g, GraphSolveParams(k=k, lo=lo, hi=hi, time_limit_s=30, workers=2))
    assert res.status == Status.OPTIMAL
    assert res.objective == optimum and res.bound == optimum
    chk = check_districting(g, res.assignment, lo=lo, hi=hi, k=k)
    assert chk.ok and chk.cut_edges == optimum


@pytest.mark.skipif(not DATA.exists(), reason="../shared benchmark data not present")
def test_bench_writes_checked_plans(tmp_path: Path) -> None:
    """bench/cut_edges.py --plans DIR: the plan file re-checks to its CSV row."""
    import csv
    import json
    import sys
    sys.path.insert(0, str(ROOT))
    from bench.cut_edges import load_instance, main
    assert main(["--only", "ME_county", "--time-limit", "20", "--workers", "2",
                 "--out", str(tmp_path / "r.csv"), "--plans", str(tmp_path / "plans")]) == 0
    row = next(csv.DictReader(open(tmp_path / "r.csv")))
    saved = json.loads((tmp_path / "plans" / "ME_county.json").read_text())
    g, k, lo, hi = load_instance("ME_county", DATA)
    chk = check_districting(g, saved["assignment"], lo=lo, hi=hi, k=k)
    assert chk.ok and chk.cut_edges == saved["cut_edges"] == int(row["objective"]) == 16


def test_start_plan_is_kept_when_cp_sat_finds_nothing_better(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """When CP-SAT returns no plan (UNKNOWN: out of time), a checked start plan is the
    answer with the solver's bound; a start outside the bounds is not trusted (it
    would cap the cut count at a value no feasible plan may reach)."""
    from ortools.sat.python import cp_model

    import optimizer.districting.solve as districting

    class NoPlan:
        best_objective_bound = 3.0

    monkeypatch.setattr(districting, "_two_phase",
                        lambda *a, **k: (NoPlan(), cp_model.UNKNOWN))
    g = _grid()
    good = np.array([0, 0, 1, 0, 1, 1, 2, 2, 2])   # weights 6, 7, 6 in [6, 7], connected
    assert check_districting(g, good, lo=6, hi=7, k=3).ok
    res = solve_graph(g, GraphSolveParams(lo=6, hi=7, k=3, time_limit_s=5, mip=False), hint=good)
    assert res.status == Status.FEASIBLE and res.objective == cut_count(g, good)
    assert res.bound == 3 and check_districting(g, res.assignment, lo=6, hi=7, k=3).ok
    assert res.reason == "CP-SAT found no better plan than the start"
    bad = np.array([0, 0, 0, 0, 0, 0, 1, 1, 2])    # weights 13, 3, 3: not a plan
    res = solve_graph(g, GraphSolveParams(lo=6, hi=7, k=3, time_limit_s=5, mip=False), hint=bad)
    assert res.status == Status.UNKNOWN and res.assignment is None


def test_graph_solve_params_name_every_bad_field() -> None:
    with pytest.raises(ValueError) as err:
        GraphSolveParams(lo=5, hi=3, k=0, objective="area", contiguity="loose",
                         time_limit_s=float("inf"), workers=-1, heuristic_s=-2)
    text = str(err.value)
    for name in ("hi:", "k:", "objective:", "contiguity:", "time_limit_s:", "workers:",
                 "heuristic_s:"):
        assert name in text, name
    assert GraphSolveParams(lo=1, hi=2).problems() == []


@pytest.mark.parametrize("breakers", [frozenset(), frozenset({0})])
def test_soft_districts_break_the_bounds_only_where_they_hold_a_breaker(
        breakers: frozenset[int]) -> None:
    """A path 14-14-4-14 with bounds 10..15 has no split: the 4 joins a 14 (18). The
    least slack (3) breaks the district holding node 2; with ``breakers`` {0}, only a
    district holding node 0 may break (issue 16, wild seed 850: a soft plan broke the
    bounds away from its piece's core, whose record the checker rejected there)."""
    from ortools.sat.python import cp_model
    w = np.array([14, 14, 4, 14])
    data = Region(weights=w, nbrs=((1,), (0, 2), (1, 3), (2,)), x=np.zeros(4),
                  y=np.zeros(4), lo=10, hi=15)
    m = cp_model.CpModel()
    part = add_partition(m, data, list(range(4)), contiguity="flow", soft=True,
                         breakers=breakers)
    slack = [*part.lo_slack.values(), *part.hi_slack.values()]
    m.minimize(sum(slack))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(m) == cp_model.OPTIMAL
    home = {i: j for (i, j), v in part.x.items() if solver.value(v)}
    broken = {j for j in part.lo_slack
              if solver.value(part.lo_slack[j]) + solver.value(part.hi_slack[j])}
    assert len(broken) == 1
    (j,) = broken
    assert (home[0] == j) == bool(breakers)
    assert solver.objective_value == (3 if not breakers else 17)   # 14+14+4: 32
