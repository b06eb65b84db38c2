"""The SCIP labelling MIP of optimizer.districting.mip against brute force, its
separator constraints, and the race beside CP-SAT."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from optimizer.districting.check import check_districting
from optimizer.districting.fixing import compute_fixing
from optimizer.districting.graph import GraphArrays, make_arrays
from optimizer.districting.mip import Incumbent, _Model, solve_mip
from optimizer.districting.params import GraphSolveParams
from optimizer.districting.solve import _component, cut_count, solve_graph
from optimizer.status import Status
from tests.helpers.partitions import RANDOM_CASES, labels_of, random_instance


@pytest.mark.parametrize("with_fixing", [True, False])
def test_mip_reaches_the_brute_force_optimum(with_fixing: bool) -> None:
    """On 14 random graphs (the cases of test_districting_fixing) the MIP's answer is
    the optimum over every enumerated contiguous plan, or "infeasible" when there is
    none; without the fixing the separators alone must keep it exact."""
    for seed, n, k, slack in RANDOM_CASES:
        g, lo, hi, plans = random_instance(seed, n, k, slack)
        fix = compute_fixing(g, k, lo, hi)
        data = _component(g, fix.order, lo, hi)
        res = solve_mip(data, k, fix if with_fixing else None, time_limit_s=30)
        if not plans:
            assert res.status == Status.INFEASIBLE, seed
            continue
        best = min(cut_count(g, labels_of(g.n, p)) for p in plans)
        assert res.status == Status.OPTIMAL and res.objective == best == res.bound, seed
        assert res.plan is not None
        plan = np.empty(g.n, dtype=np.int64)
        plan[fix.order] = res.plan
        chk = check_districting(g, plan, k=k, lo=lo, hi=hi)
        assert chk.ok and chk.cut_edges == best, (seed, chk.problems)


def test_separators_cut_off_a_disconnected_district() -> None:
    """Path 0-1-2-3, every node weighs 2, k = 2, [2, 4]: no single node or edge weighs
    less than L, so no separator is fixed in advance and the plan {0, 2} {1, 3} (two
    districts in two pieces each) is feasible for the bare model. The separators
    for that plan make it infeasible, and leave the contiguous plan."""
    g = make_arrays([2, 2, 2, 2], [(0, 1), (1, 2), (2, 3)])
    data = _component(g, np.arange(4), 2, 4)

    def forced(labels: list[int], separate: bool) -> int:
        m = _Model(data, 2, None)
        if separate:
            assert m.add_separators(np.array([0, 1, 0, 1])) > 0
        for (i, d), v in m.x.items():
            v.SetLb(float(labels[i] == d))
            v.SetUb(float(labels[i] == d))
        return int(m.solver.Solve())

    optimal, infeasible = 0, 2    # pywraplp result codes
    assert forced([0, 1, 0, 1], separate=False) == optimal
    assert forced([0, 1, 0, 1], separate=True) == infeasible
    assert forced([0, 0, 1, 1], separate=True) == optimal
    # Lazy: {0, 3} {1, 2} is disconnected too, but these separators do not reach it
    # (its own would be added in the round that meets it).
    assert forced([0, 1, 1, 0], separate=True) == optimal


def _grid3() -> GraphArrays:
    """3x3 grid, unit weights: 0 1 2 / 3 4 5 / 6 7 8."""
    return make_arrays([1] * 9, [(r * 3 + c, r * 3 + c + 1) for r in range(3) for c in range(2)]
                       + [(r * 3 + c, r * 3 + c + 3) for r in range(2) for c in range(3)])


def test_incumbent_keeps_the_best_plan_and_reports_a_met_bound() -> None:
    inc = Incumbent()
    assert inc.get() == (None, None)
    assert not inc.offer(np.array([0, 1]), 5)
    assert not inc.offer(np.array([1, 0]), 7)       # worse: not kept
    plan, value = inc.get()
    assert value == 5 and plan is not None and plan.tolist() == [0, 1]
    inc.proven = 5
    assert inc.offer(np.array([0, 0]), 5)           # meets the proved bound


def test_a_set_stop_ends_the_mip_at_once() -> None:
    g = _grid3()
    fix = compute_fixing(g, 3, 3, 3)
    stop = threading.Event()
    stop.set()
    res = solve_mip(_component(g, fix.order, 3, 3), 3, fix, time_limit_s=30, stop=stop)
    assert res.rounds == 0 and res.status == Status.UNKNOWN


def test_race_beside_cp_sat_proves_the_grid() -> None:
    """3x3 grid of unit weights into 3 districts of 3: the optimum is 6 (three
    straight rows). With the MIP on, the answer is optimal, checked, and says which
    solver closed the gap."""
    g = _grid3()
    res = solve_graph(g, GraphSolveParams(k=3, lo=3, hi=3, time_limit_s=20, workers=2, mip=True))
    assert res.status == Status.OPTIMAL and res.objective == 6 == res.bound
    assert res.proved_by in ("cp-sat", "scip")
    assert res.assignment is not None
    assert check_districting(g, res.assignment, k=3, lo=3, hi=3).ok


def test_without_scip_cp_sat_answers_alone(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """An OR-Tools build without SCIP must not break solve_graph: CP-SAT answers."""
    import optimizer.districting.solve as districting

    monkeypatch.setattr(districting, "scip_available", lambda: False)
    g = _grid3()
    res = solve_graph(g, GraphSolveParams(k=3, lo=3, hi=3, time_limit_s=20, workers=2, mip=True))
    assert res.status == Status.OPTIMAL and res.objective == 6 and res.proved_by == "cp-sat"
