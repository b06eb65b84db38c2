"""What :func:`optimizer.districting.solve.solve_graph` returns, and how a cut-edge answer
is assembled from the solvers' plans and bounds."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from ortools.sat.python import cp_model

from optimizer.districting.check import check_districting
from optimizer.districting.graph import GraphArrays
from optimizer.districting.heuristic import relaxation_hint
from optimizer.districting.mip import MipResult
from optimizer.status import Status


@dataclass(frozen=True, eq=False)
class DistrictingResult:
    status: Status
    assignment: np.ndarray | None   # district 0..k-1 per node (numbered by smallest node)
    centers: tuple[int, ...]        # node index of each district's center
    objective: float | None
    bound: float | None             # proven lower bound (None if none)
    time_s: float
    reason: str = ""                # why infeasible / unknown, in words
    proved_by: str = ""             # "cp-sat" or "scip" when a bound closed the gap

    @property
    def k(self) -> int:
        return len(self.centers)


def first_nodes(assignment: np.ndarray) -> tuple[int, ...]:
    """Each district's first node: the cut-edge model's district centers."""
    return tuple(int(np.flatnonzero(assignment == d)[0])
                 for d in range(int(assignment.max()) + 1))


def first_labels(labels: np.ndarray) -> np.ndarray:
    """Relabel districts 0..k-1 in order of their first node."""
    seen: dict[int, int] = {}
    for v in labels:
        seen.setdefault(int(v), len(seen))
    return np.array([seen[int(v)] for v in labels], dtype=np.int64)


def cut_count(g: GraphArrays, assignment: np.ndarray) -> int:
    """Edges whose ends lie in different districts."""
    a = np.asarray(assignment)
    return int(np.sum(a[g.edges[:, 0]] != a[g.edges[:, 1]])) if len(g.edges) else 0


def hess_value(g: GraphArrays, assignment: np.ndarray, centers: tuple[int, ...]) -> float:
    """Sum of weight × squared distance from each node to its district's center."""
    assert g.x is not None and g.y is not None
    c = np.asarray(centers)[np.asarray(assignment)]
    d2 = (g.x - g.x[c]) ** 2 + (g.y - g.y[c]) ** 2
    return float(np.sum(g.weights * d2))


def cut_edges_result(g: GraphArrays, order: np.ndarray, k: int | None, lo: int, hi: int,
                      solver: Any, code: Any, labels_of: Any,
                      start_plan: np.ndarray | None, mres: MipResult | None,
                      elapsed: float, time_limit_s: float, seed: int,
                      contiguity: str) -> DistrictingResult:
    """The best of CP-SAT's plan, the checked start plan and the MIP's plan, with the
    better of the two bounds. CP-SAT's bound holds for its model restricted to plans
    no worse than the start, which holds an optimal plan, so it bounds the whole
    problem as long as it is capped at the answer's value."""
    plans: list[tuple[np.ndarray, str]] = []
    bound, by = 0.0, ""
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE, cp_model.UNKNOWN):
        b = solver.best_objective_bound
        if math.isfinite(b):
            bound, by = b, "cp-sat"
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        plan = np.empty(g.n, dtype=np.int64)
        plan[order] = labels_of(solver)
        plans.append((plan, "cp-sat"))
    if start_plan is not None:
        plans.append((start_plan, "start"))
    if mres is not None:
        if mres.plan is not None:
            plan = np.empty(g.n, dtype=np.int64)
            plan[order] = mres.plan
            if check_districting(g, plan, k=k, lo=lo, hi=hi).ok:   # SCIP's tolerances
                plans.append((plan, "scip"))
        if mres.bound > bound:
            bound, by = mres.bound, "scip"
    infeasible = code == cp_model.INFEASIBLE or (mres is not None
                                                 and mres.status == Status.INFEASIBLE)
    if infeasible and plans:
        raise RuntimeError("districting: a solver proved infeasible an instance with a "
                           "checked plan; this is a bug, please report it")
    if not plans:
        if infeasible:
            who = "CP-SAT" if code == cp_model.INFEASIBLE else "SCIP (labelling MIP)"
            reason = (f"{who} proved that no partition into contiguous districts within "
                      "the bounds exists")
            if contiguity == "flow" and k is not None:
                hint_text = relaxation_hint(g, k, lo, hi, seed=seed)
                reason += f"; {hint_text}" if hint_text else ""
            return DistrictingResult(Status.INFEASIBLE, None, (), None, None, elapsed, reason)
        return DistrictingResult(Status.UNKNOWN, None, (), None, None, elapsed,
                                 f"no plan found in {time_limit_s:g} s")
    best, source = min(plans, key=lambda p: cut_count(g, p[0]))
    assignment = first_labels(best)
    obj = cut_count(g, assignment)
    lb = min(float(max(0, math.ceil(bound - 1e-6))), float(obj))
    optimal = lb >= obj
    who = ("CP-SAT found no better plan" if mres is None
           else "neither CP-SAT nor SCIP found a better plan")
    reason = "" if optimal or source != "start" else f"{who} than the start"
    return DistrictingResult(Status.OPTIMAL if optimal else Status.FEASIBLE, assignment,
                             first_nodes(assignment), float(obj), lb, elapsed, reason,
                             by if optimal else "")
