"""The bound of a stranded group (optimizer.search.oversized_attach) when its plan is
not proven: the linear relaxation of :mod:`optimizer.model.attach_bound` over every
community within the bounds the stranded parts can hold, with the households the plan
gives the oversized units' communities as the cap (which plans that bounds: there).
"""

from __future__ import annotations

import heapq
import math

import numpy as np
from ortools.sat.python import cp_model

from optimizer.graph.oversized import Part
from optimizer.model.attach_bound import attach_lp_bound, core_floor
from optimizer.model.cpsat import MILLI
from optimizer.model.piece import PieceData, piece_data
from optimizer.rules.limits import cp_seed
from optimizer.scenario.model import Scenario
from optimizer.search.columns import connected_groups, price_groups
from optimizer.search.stop import StopFlag
from optimizer.status import Status

MAX_COLUMNS = 20_000        # communities within the bounds listed for the bound, at most
MAX_STEPS = 200_000         # ... and enumeration steps (an urban group of 167,251
                            # columns took minutes to price and solve, past the clock)
LP_NONZEROS = 300_000       # the relaxation is not built beyond this (time, memory)
HURRY_COLUMNS = 20_000      # ... once the piece is stopped (a second or so)
HURRY_STEPS = 200_000
WORK_PER_STEP = 2e-6        # fixed estimates (s): a listing step,
WORK_PER_NONZERO = 1.2e-5   # ... pricing and the LP per column entry (HiGHS 6e-6, master.py)


def group_bound(scenario: Scenario, gd: PieceData, parts: list[Part],
                cores: dict[int, list[int]], cap: int, stop: StopFlag, *,
                time_s: float = 0.0, seed: int = 0, deterministic: bool = True
                ) -> tuple[float, float]:
    """A lower bound (yuan/year) on every plan of the group ``gd`` (the ``parts`` and
    the oversized ``cores``) whose communities without an oversized unit keep the
    bounds and whose oversized units' communities hold at most ``cap`` households of
    the parts; -inf when the communities cannot all be listed (within smaller caps
    once stopped: the bound is the piece's, so it is still computed then). The links
    between the group and the rest of the piece are counted by the caller. Also
    returns a fixed estimate of the work (s), for deterministic budgets. With
    ``time_s``, the whole-number version of the relaxation is solved that long too
    (:func:`_integer_bound`) and the larger of the two bounds taken."""
    hurry = stop.is_set()       # stopped (the clock, Ctrl-C): only a small listing
    units = sorted(u for p in parts for u in p.units)
    sub = piece_data(scenario, gd.key, np.asarray(units))
    steps = HURRY_STEPS if hurry else MAX_STEPS
    found = connected_groups(sub, HURRY_COLUMNS if hurry else MAX_COLUMNS, steps)
    if found is None:
        return -math.inf, WORK_PER_STEP * steps
    groups = found[0]
    nnz = sum(len(g) for g in groups)
    work = WORK_PER_STEP * found[1] + WORK_PER_NONZERO * nnz
    if nnz > LP_NONZEROS:
        return -math.inf, work
    cost = price_groups(scenario, sub, groups)
    ok = np.isfinite(cost)
    members = [g for g, good in zip(groups, ok.tolist(), strict=True) if good]
    near = _within(gd, cores, cap)
    free = [k for k, u in enumerate(sub.units.tolist()) if int(u) in near]
    lp = attach_lp_bound(sub.n, members, cost[ok], sub.households, free, cap)
    if not math.isfinite(lp):
        return -math.inf, work
    whole, used = _integer_bound(sub, members, cost[ok], cap, free, time_s=time_s, seed=seed,
                                 deterministic=deterministic, stop=stop)
    work += used
    return max(lp, whole) + sum(core_floor(scenario, gd, core) for core in cores.values()), work


def _within(gd: PieceData, cores: dict[int, list[int]], cap: int) -> set[int]:
    """The units (global) that can join an oversized unit's community holding at most
    ``cap`` households besides its core: the lightest path to a core (households of
    its units, the unit's own counted, the core's not) is within ``cap``, as a joined
    set is connected to its core. The others are in communities within the bounds in
    every plan the bound is for."""
    h = [int(v) for v in gd.households]
    core_units = {int(u) for c in cores.values() for u in c}
    local = {int(u): k for k, u in enumerate(gd.units)}
    heap = [(0, local[u]) for u in core_units]
    dist: dict[int, int] = {}
    while heap:
        w, u = heapq.heappop(heap)
        if u in dist:
            continue
        dist[u] = w
        for v in gd.nbrs[u]:
            if v not in dist and w + h[v] <= cap:
                heapq.heappush(heap, (w + h[v], v))
    return {int(gd.units[u]) for u in dist} - core_units


def _integer_bound(sub: PieceData, members: list[tuple[int, ...]], cost: np.ndarray,
                   cap: int, free: list[int], *, time_s: float, seed: int, deterministic: bool,
                   stop: StopFlag) -> tuple[float, float]:
    """The same relaxation with whole numbers (each unit in one listed community or
    joining, at most ``cap`` households joining; no contiguity of the joined units):
    CP-SAT's proven bound on it, costs rounded down (as optimizer.model.setpart), so
    valid for the same plans. The linear one left 4% on a 154-unit part (the joined
    households spread fractionally over the dearest units). -inf without an answer."""
    if stop.is_set() or time_s <= 0:
        return -math.inf, 0.0
    m = cp_model.CpModel()
    x = [m.new_bool_var("") for _ in members]
    d = {u: m.new_bool_var("") for u in free}
    cover: list[list[cp_model.IntVar]] = [[d[u]] if u in d else [] for u in range(sub.n)]
    for k, g in enumerate(members):
        for u in g:
            cover[u].append(x[k])
    for lits in cover:
        m.add_exactly_one(lits)
    m.add(cp_model.LinearExpr.weighted_sum(list(d.values()),
                                           [int(sub.households[u]) for u in d]) <= cap)
    scaled = np.floor(np.asarray(cost, dtype=np.float64) * MILLI).astype(np.int64).tolist()
    m.minimize(cp_model.LinearExpr.weighted_sum(x, scaled))
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.num_workers = 1
    p.random_seed = cp_seed(seed)
    p.catch_sigint_signal = False
    p.linearization_level = 2
    if deterministic:
        p.max_deterministic_time = time_s
    else:
        p.max_time_in_seconds = time_s
    stop.attach(solver)
    try:
        code = solver.solve(m)
    finally:
        stop.attach(None)
    used = solver.response_proto.deterministic_time if deterministic else solver.wall_time
    status = Status.from_cp_sat(code)
    if status == Status.INFEASIBLE or not math.isfinite(solver.best_objective_bound):
        return -math.inf, float(used)
    margin = 1.0 + 1e-9 * float(np.abs(cost).max(initial=0.0)) * sub.n
    return solver.best_objective_bound / MILLI - margin, float(used)
