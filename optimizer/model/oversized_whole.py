"""The whole-number Lagrangian bound of a stranded group (optimizer.search.oversized_attach):
the priced bound of :mod:`optimizer.model.oversized_lp` with its communities within
the bounds and its joined units taken whole and connected, at the same duals.

For duals (π, λ ≥ 0) every plan of the group (each core in exactly one community T_o,
the other units in listed communities S within the bounds or joined, D the joined units,
h(D) ≤ cap) costs

    Σ_S c_S x_S + Σ_o c_{T_o}
      ≥ Σ_o floor_o + π(cores) + [Σ_S c_S x_S + Σ_{u ∈ D} (π_u − λ·h_u)],

floor_o the pricing floor of core o (a bound on c_T − π(T) + λ·joined(T) over every
community T of the core). The linear bound (lagrangian_value) takes the bracket at its
fractional least, each listed column on its own (Σ_u π_u + Σ_S min(0, c_S − π(S)));
here CP-SAT minimizes it over whole partitions of the parts' units: each unit in one
listed community or joined, h(D) ≤ cap, and every joined unit linked to a unit
next to an oversized core through joined units (a single-commodity flow: a joined set
is connected to its core, so this only relaxes which core). Every plan of the group is
one of these partitions, so CP-SAT's proven bound on the bracket (costs rounded down)
is a bound, whatever stops it; at the LP's duals it is at least the linear bound.

Why: on real rural maps the linear bound left 3-5% (real-georgia-rural-over: the
communities within the bounds at their LP value 1.7% below the only whole partition of
those units, and joined households spread fractionally and unconnected).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Protocol

import numpy as np
from ortools.sat.python import cp_model

from optimizer.model.cpsat import MILLI
from optimizer.rules.limits import cp_seed
from optimizer.status import Status


class Stoppable(Protocol):
    """What the search's stop flag offers (optimizer.search.stop.StopFlag)."""

    def is_set(self) -> bool: ...

    def attach(self, solver: cp_model.CpSolver | None) -> None: ...


def bracket_bound(n: int, members: Sequence[Sequence[int]], cost: np.ndarray,
                  households: np.ndarray, nbrs: Sequence[Sequence[int]],
                  charge: dict[int, float], gates: set[int], cap: int, *, time_s: float,
                  seed: int, deterministic: bool, stop: Stoppable,
                  hint: Sequence[int] | None = None) -> tuple[float, float]:
    """A lower bound on min Σ_S c_S x_S + Σ_{u ∈ D} charge_u over the partitions of
    the ``n`` units (local) into listed ``members`` (complete, at ``cost``) and joined
    units D (the keys of ``charge``; h(D) ≤ ``cap``; each joined unit reaches a unit of
    ``gates`` through joined units, along ``nbrs``); with the deterministic work (or
    wall seconds) used. ``hint``: the columns of a plan (its other units joined).
    -inf without an answer (stopped before any bound, or no such partition: then
    there is no plan of the group at all and the caller's other bounds stand)."""
    if stop.is_set() or time_s <= 0:
        return -math.inf, 0.0
    m = cp_model.CpModel()
    x = [m.new_bool_var("") for _ in members]
    d = {u: m.new_bool_var("") for u in sorted(charge)}
    cover: list[list[cp_model.IntVar]] = [[d[u]] if u in d else [] for u in range(n)]
    for k, g in enumerate(members):
        for u in g:
            cover[u].append(x[k])
    for lits in cover:
        m.add_exactly_one(lits)
    h = [int(v) for v in households]
    m.add(cp_model.LinearExpr.weighted_sum(list(d.values()), [h[u] for u in d]) <= cap)
    _linked(m, d, nbrs, gates)
    scaled = np.floor(np.asarray(cost, dtype=np.float64) * MILLI).astype(np.int64).tolist()
    join = [int(math.floor(charge[u] * MILLI)) for u in d]
    m.minimize(cp_model.LinearExpr.weighted_sum(x, scaled)
               + cp_model.LinearExpr.weighted_sum(list(d.values()), join))
    if hint is not None:
        chosen = set(hint)
        covered = {u for k in chosen for u in members[k]}
        for k, var in enumerate(x):
            m.add_hint(var, 1 if k in chosen else 0)
        for u, var in d.items():
            m.add_hint(var, 0 if u in covered else 1)
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
    top = float(np.abs(np.asarray(cost, dtype=np.float64)).max(initial=0.0))
    top = max(top, max((abs(v) for v in charge.values()), default=0.0))
    return solver.best_objective_bound / MILLI - (1.0 + 1e-9 * top * n), float(used)


def _linked(m: cp_model.CpModel, d: dict[int, cp_model.IntVar],
            nbrs: Sequence[Sequence[int]], gates: set[int]) -> None:
    """Every unit with d = 1 reaches a gate through units with d = 1: a flow from a
    source into the joined gates, each joined unit using up one unit of it."""
    big = len(d)
    into: dict[int, list[cp_model.IntVar]] = {u: [] for u in d}
    out: dict[int, list[cp_model.IntVar]] = {u: [] for u in d}
    for u in d:
        if u in gates:
            f = m.new_int_var(0, big, "")
            m.add(f <= big * d[u])
            into[u].append(f)
        for v in nbrs[u]:
            if v in d and v != u:
                f = m.new_int_var(0, big, "")
                m.add(f <= big * d[u])
                m.add(f <= big * d[v])
                out[u].append(f)
                into[v].append(f)
    for u, var in d.items():
        m.add(sum(into[u]) - sum(out[u]) == var)


__all__ = ["bracket_bound"]
