"""General districting on a node-weighted graph with the planner's own core.

Partition the nodes into contiguous districts of weight in [lo, hi] (k fixed or
free) minimizing the cut edges or the Hess moment of inertia. The constraints are
those of :func:`optimizer.districting.partition.add_partition`, the same code the community
model uses; this module adds the objectives and a solve loop.

For cut edges each district's center is its smallest node (``center_first``) in a
relabelled order, so a partition has exactly one encoding; for Hess the center is
free (it is part of the objective). With k fixed, cut edges use the labelling model
(:mod:`optimizer.districting.label`) in the order of
:mod:`optimizer.districting.fixing` (heavy nodes first, light nodes that can never
root a district last) with its safe variable fixings; otherwise the breadth-first
order of :func:`optimizer.districting.order.node_order`. With k fixed and the
fixing, the SCIP MIP of :mod:`optimizer.districting.mip` also runs, on a second
thread beside CP-SAT (:mod:`optimizer.districting.race`); the answer is the best
checked plan of either with the better bound (:mod:`optimizer.districting.result`).
"""

from __future__ import annotations

import os
import threading
import time
from typing import Any

import networkx as nx
import numpy as np
from ortools.sat.python import cp_model

from optimizer.districting.check import check_districting
from optimizer.districting.fixing import compute_fixing
from optimizer.districting.graph import GraphArrays, graph_arrays
from optimizer.districting.label import build_label_model
from optimizer.districting.mip import Incumbent, scip_available, solve_mip
from optimizer.districting.order import node_order
from optimizer.districting.params import GraphSolveParams
from optimizer.districting.partition import Partition, add_partition
from optimizer.districting.race import BOUND_SUBSOLVERS, MipThread, OfferPlans
from optimizer.districting.race import make_solver as _solver
from optimizer.districting.race import two_phase as _two_phase
from optimizer.districting.region import Region
from optimizer.districting.result import (
    DistrictingResult,
    cut_count,
    cut_edges_result,
    first_labels,
    hess_value,
)
from optimizer.districting.seeds import best_heuristic_plan
from optimizer.status import Status


def add_cut_edges(m: cp_model.CpModel, part: Partition,
                  data: Region) -> list[cp_model.IntVar]:
    """One Bool per neighbour pair (a < b) that is 1 when a and b lie in different
    districts. An edge is uncut only through some center j holding both ends
    (``same_j <= x[a, j]``, ``same_j <= x[b, j]``, ``cut = 1 - sum_j same_j``), whose
    LP value is half the L1 distance of the two assignment rows: stronger than
    ``cut >= |x[a, j] - x[b, j]|``. Minimizing the cuts makes them exact."""
    cuts: list[cp_model.IntVar] = []
    by_node: dict[int, set[int]] = {}
    for (i, j) in part.x:
        by_node.setdefault(i, set()).add(j)
    for a in range(data.n):
        for b in data.nbrs[a]:
            if b <= a:
                continue
            c = m.new_bool_var(f"cut_{a}_{b}")
            same = []
            for j in sorted(by_node.get(a, set()) & by_node.get(b, set())):
                s = m.new_bool_var(f"same_{a}_{b}_{j}")
                m.add_implication(s, part.x[a, j])
                m.add_implication(s, part.x[b, j])
                # Propagation aid: a in j and b not in j means a cut.
                m.add_bool_or([part.x[a, j].Not(), part.x[b, j], c])
                m.add_bool_or([part.x[b, j].Not(), part.x[a, j], c])
                same.append(s)
            m.add(c + sum(same) == 1)
            cuts.append(c)
    return cuts


def solve_graph(graph: nx.Graph | GraphArrays, params: GraphSolveParams, *,
                hint: np.ndarray | None = None) -> DistrictingResult:
    """Best partition of the graph into contiguous districts as ``params`` asks
    (:class:`~optimizer.districting.params.GraphSolveParams`: bounds, k, objective,
    limits). ``hint``: a district label per node to start from; without one,
    fixed-k cut edges first spends ``params.heuristic_s`` on the heuristic, one seed
    per allowed thread (:mod:`optimizer.districting.seeds`).
    Returns the plan in the caller's node order."""
    p = params
    lo, hi, k, objective, contiguity = p.lo, p.hi, p.k, p.objective, p.contiguity
    time_limit_s, workers, seed, log = p.time_limit_s, p.workers, p.seed, p.log
    g = graph if isinstance(graph, GraphArrays) else graph_arrays(
        graph, weight=p.weight, x=p.coords[0], y=p.coords[1])
    if objective == "hess" and (g.x is None or g.y is None):
        raise ValueError("objective 'hess' needs node coordinates")
    start = time.monotonic()
    fix = (compute_fixing(g, k, lo, hi) if objective == "cut_edges" and k is not None
           and contiguity == "flow" and p.fixing else None)
    if fix is not None:
        order = fix.order
    else:
        order = node_order(g, lo, hi) if objective == "cut_edges" else np.arange(g.n)
    data = _component(g, order, lo, hi)
    scale, err = 1.0, 0.0
    pre: tuple[cp_model.CpSolver, Any] | None = None   # (solver, its status code)
    start_plan: np.ndarray | None = None    # a checked feasible plan (caller's order)
    race: MipThread | None = None
    stop = threading.Event()
    inc = Incumbent()
    ready = threading.Event()     # the MIP starts once the start plan is known
    callback: OfferPlans | None = None
    threads = workers or os.cpu_count() or 1
    cp_workers = workers
    subsolvers: tuple[str, ...] = BOUND_SUBSOLVERS
    if objective == "cut_edges" and k is not None:
        lab = build_label_model(data, k, contiguity=contiguity, fixing=fix)
        m = lab.model
        labels_of = lambda sv: _labels(sv, lab.x, data.n)  # noqa: E731
        if (fix is not None and (p.mip if p.mip is not None else threads >= 2)
                and scip_available()):
            race = MipThread(lambda ev: solve_mip(
                data, k, fix, time_limit_s=time_limit_s - (time.monotonic() - start),
                incumbent=inc, stop=ev), stop, ready)
            callback = OfferPlans(lab.x, data, inc, stop)
            cp_workers = max(1, threads - 1)
            subsolvers = BOUND_SUBSOLVERS[:cp_workers]
        heur_s = max(30.0, time_limit_s / 20) if p.heuristic_s is None else p.heuristic_s
        if hint is None and contiguity == "flow" and heur_s > 0:
            # A short plain solve first: small instances are closed in it (ME has a
            # single feasible plan, which the heuristic would hunt for in vain). The
            # MIP waits for the start plan, so CP-SAT has every thread here. 5 s: ID
            # county closes in 1.9 s; at 2 s it sometimes missed and took 32 s.
            quick = _solver(min(5.0, time_limit_s / 10), workers, seed, log)
            code = quick.solve(m)
            if code in (cp_model.OPTIMAL, cp_model.INFEASIBLE):
                pre = (quick, code)
            elif not stop.is_set():
                # One seed per thread allowed: the heuristic is pure Python, and
                # the other threads would idle until it ends.
                found = best_heuristic_plan(g, k, lo, hi, seed=seed, processes=threads,
                                            time_limit_s=min(heur_s, time_limit_s / 4))
                plans = [] if found is None else [found]
                if code == cp_model.FEASIBLE:
                    plans.append(np.empty(g.n, dtype=np.int64))
                    plans[-1][order] = labels_of(quick)
                hint = min(plans, key=lambda p: cut_count(g, p)) if plans else None
        if hint is not None and pre is None:
            hint = np.asarray(hint)
            chk = check_districting(g, hint, k=k, lo=lo, hi=hi)
            if chk.ok:
                # A checked plan: only better ones are searched for, and it is the
                # answer if CP-SAT finds none of them in time.
                start_plan = hint
                m.add(sum(lab.cuts) <= chk.cut_edges)
            h = first_labels(hint[order])
            for (i, d), v in lab.x.items():
                m.add_hint(v, int(h[i] == d))
            if start_plan is not None:
                inc.offer(h, chk.cut_edges)
    else:
        m = cp_model.CpModel()
        part = add_partition(m, data, list(range(data.n)), contiguity=contiguity,
                             count=None if k is None else (k, k),
                             center_first=objective == "cut_edges")
        if objective == "cut_edges":
            m.minimize(sum(add_cut_edges(m, part, data)))
        else:
            scale, err = _add_hess(m, part, data)
        labels_of = lambda sv: _center_labels(sv, part)  # noqa: E731
        if hint is not None:
            _add_hint(m, part, np.asarray(hint)[order])
    ready.set()
    left = max(1.0, time_limit_s - (time.monotonic() - start))
    if pre is not None:
        solver, code = pre
    else:
        solver, code = _two_phase(m, left, cp_workers, seed, log, stop=stop,
                                  bound_subsolvers=subsolvers, callback=callback)
    mres = race.join() if race is not None else None
    if objective == "cut_edges":
        return cut_edges_result(g, order, k, lo, hi, solver, code, labels_of, start_plan,
                                 mres, time.monotonic() - start, time_limit_s, seed,
                                 contiguity)
    status = Status.from_cp_sat(code)
    elapsed = time.monotonic() - start
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        reason = ("CP-SAT proved that no partition into contiguous districts within the "
                  "bounds exists" if code == cp_model.INFEASIBLE
                  else f"no plan found in {time_limit_s:g} s")
        return DistrictingResult(status, None, (), None, None, elapsed, reason)
    local = labels_of(solver)
    assignment = np.empty(g.n, dtype=np.int64)
    assignment[order] = local
    assignment = first_labels(assignment)
    bound = solver.best_objective_bound
    centers = tuple(int(order[int(c)]) for c in _center_of(solver, part, assignment, order))
    obj = hess_value(g, assignment, centers)
    lb = max(0.0, bound / scale - err)
    if status == Status.OPTIMAL:
        lb = min(lb, obj)
    return DistrictingResult(status, assignment, centers, obj, lb, elapsed)


def _labels(solver: cp_model.CpSolver, x: dict[tuple[int, int], cp_model.IntVar],
            n: int) -> np.ndarray:
    out = np.full(n, -1, dtype=np.int64)
    for (i, d), v in x.items():
        if solver.value(v):
            out[i] = d
    return out


def _center_labels(solver: cp_model.CpSolver, part: Partition) -> np.ndarray:
    n = 1 + max(i for i, _ in part.x)
    out = np.full(n, -1, dtype=np.int64)
    for (i, j), v in part.x.items():
        if solver.value(v):
            out[i] = j
    return out


def _center_of(solver: cp_model.CpSolver, part: Partition, assignment: np.ndarray,
               order: np.ndarray) -> list[int]:
    """Local center node of each district label of ``assignment`` (caller order)."""
    pos = np.empty(len(order), dtype=np.int64)
    pos[order] = np.arange(len(order))
    out = []
    for d in range(int(assignment.max()) + 1):
        node = int(pos[int(np.flatnonzero(assignment == d)[0])])
        out.append(next(j for (i, j), v in part.x.items() if i == node and solver.value(v)))
    return out


def _component(g: GraphArrays, order: np.ndarray, lo: int, hi: int) -> Region:
    """The graph relabelled so that local node p is original node order[p]."""
    pos = np.empty(g.n, dtype=np.int64)
    pos[order] = np.arange(g.n)
    nb = g.nbrs()
    nbrs = tuple(tuple(sorted(int(pos[v]) for v in nb[int(u)])) for u in order)
    zeros = np.zeros(g.n)
    return Region(weights=g.weights[order], nbrs=nbrs, x=zeros if g.x is None else g.x[order],
                  y=zeros if g.y is None else g.y[order], lo=lo, hi=hi)


def _add_hess(m: cp_model.CpModel, part: Partition, data: Region) -> tuple[float, float]:
    """Minimize sum weight × squared distance in integers; returns (scale, worst
    rounding error in objective units) so the bound can be made safe."""
    h = data.weights
    raw = {(i, j): float(h[i]) * ((data.x[i] - data.x[j]) ** 2 + (data.y[i] - data.y[j]) ** 2)
           for (i, j) in part.x}
    top = max(raw.values(), default=0.0)
    scale = 1.0 if top <= 0 else min(1e6, (2**40 / max(1, data.n)) / top)
    terms = [(v, round(raw[key] * scale)) for key, v in part.x.items()]
    m.minimize(sum(c * v for v, c in terms if c))
    return scale, 0.5 * data.n / scale


def _add_hint(m: cp_model.CpModel, part: Partition, labels: np.ndarray) -> None:
    """Hint a labelled plan (local order): each district's smallest node is its center."""
    first: dict[int, int] = {}
    for i, d in enumerate(labels):
        first.setdefault(int(d), i)
    for (i, j), v in part.x.items():
        m.add_hint(v, int(first[int(labels[i])] == j))
