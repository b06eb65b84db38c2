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
from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model

from optimizer.model.cpsat import MILLI
from optimizer.model.cpsat_run import Stoppable, run_cpsat
from optimizer.model.oversized_lp import CoreTerms
from optimizer.status import Status

TRAVEL_VARS = 40_000     # (joined unit, center) pairs of one core modelled, at most;
                         # past it the joined units' travel is left out of the bound


@dataclass(frozen=True)
class JoinedBound:
    """What :func:`joined_bound` proves and finds."""

    bound: float                            # -inf without an answer
    used: float                             # deterministic work (or wall seconds)
    groups: tuple[tuple[int, ...], ...]     # its best partition (local), () without one




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
    ran = run_cpsat(m, seed=seed, time_s=time_s, deterministic=deterministic, stop=stop)
    solver, status, used = ran.solver, ran.status, ran.used_s
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


def joined_bound(n: int, members: Sequence[Sequence[int]], cost: np.ndarray,
                 households: np.ndarray, nbrs: Sequence[Sequence[int]],
                 terms: Sequence[CoreTerms], per: np.ndarray, cap: int, *, time_s: float,
                 seed: int, deterministic: bool, stop: Stoppable,
                 hint: Sequence[Sequence[int]] | None = None) -> JoinedBound:
    """A lower bound on every plan of a stranded group (``n`` units, local): the
    communities within the bounds among ``members`` (complete, at ``cost``), each
    oversized core of ``terms`` with its joined units (those it allows, linked to it by
    a flow through its joined units), at most ``cap`` joined households in all; each
    core's community costed by the lines of optimizer.model.oversized_lp.core_terms
    (operating cost and center area under their curves) and one center of its own,
    with the travel of every joined unit to it; the center's area cost above its line
    by that center's own lines, and no more joined households than it can hold
    (:func:`_area_above_line`). ``hint``: a plan's groups (local).
    Also the model's best partition (a plan of the group: each core's community
    connected, at most ``cap`` joined; the caller prices it). -inf without an answer.

    Why: the Lagrangian bounds price each core's community apart from the partition of
    the rest (its pricing floor may join nothing while the partition leaves 2,739
    households to join: 0.64 M of real-georgia-rural-over's 0.72 M gap sat in one
    core's floor); here the joined units are the same variables in both."""
    if stop.is_set() or time_s <= 0:
        return JoinedBound(-math.inf, 0.0, ())
    h = [int(v) for v in households]
    core_of = {u: k for k, t in enumerate(terms) for u in t.core}
    m = cp_model.CpModel()
    x = [m.new_bool_var("") for _ in members]
    cover: list[list[cp_model.IntVar]] = [[] for _ in range(n)]
    for k, g in enumerate(members):
        for u in g:
            cover[u].append(x[k])
    scaled = np.floor(np.asarray(cost, dtype=np.float64) * MILLI).astype(np.int64).tolist()
    objective: list[tuple[cp_model.IntVar, int]] = list(zip(x, scaled, strict=True))
    constant = 0
    joined: list[tuple[cp_model.IntVar, int]] = []
    y_of: list[dict[int, cp_model.IntVar]] = []
    for t in terms:
        near = [u for u in np.flatnonzero(t.allowed).tolist() if u not in core_of]
        y = {u: m.new_bool_var("") for u in near}
        y_of.append(y)
        exact_op = len(t.op) == cap + 1 and cap >= 0
        slope = t.rho - t.op_rho if exact_op else t.rho     # the center's line (and OP's)
        for u, var in y.items():
            cover[u].append(var)
            joined.append((var, h[u]))
            objective.append((var, int(math.floor(slope * h[u] * MILLI))))
        _core_flow(m, set(t.core), y, nbrs)
        if exact_op:
            # Operating cost exact (staff and coordinators step with the households;
            # its line left up to a coordinator's cost per core), its line as a cut.
            came = m.new_int_var(0, cap, "")
            m.add(came == cp_model.LinearExpr.weighted_sum([y[u] for u in near],
                                                           [h[u] for u in near]))
            table = np.floor(t.op * MILLI).astype(np.int64)
            op = m.new_int_var(int(table.min()), int(table.max()), "")
            m.add_element(came, table.tolist(), op)
            m.add(op >= int(math.floor(t.base * MILLI)) + cp_model.LinearExpr.weighted_sum(
                [y[u] for u in near], [int(math.floor(t.op_rho * h[u] * MILLI)) for u in near]))
            objective.append((op, 1))
        else:
            constant += int(math.floor(t.base * MILLI))
        places = [c for c in [*t.core, *near] if math.isfinite(float(t.center[c]))]
        z = {c: m.new_bool_var("") for c in places}
        m.add_exactly_one(list(z.values()))
        for c, var in z.items():
            objective.append((var, int(math.floor(float(t.center[c]) * MILLI))))
            if c in y:
                m.add_implication(var, y[c])
        objective += _area_above_line(m, t, z, y, h)
        if len(near) * len(places) > TRAVEL_VARS:
            continue        # joined units' travel left out (>= 0): still a bound
        for u in near:
            w = {c: m.new_bool_var("") for c in places if c != u}
            m.add(sum(w.values()) + (z[u] if u in z else 0) == y[u])
            for c, var in w.items():
                m.add_implication(var, z[c])
                objective.append((var, int(math.floor(float(per[u, c]) * MILLI))))
    for u in range(n):
        if u not in core_of:
            m.add_exactly_one(cover[u])
    m.add(cp_model.LinearExpr.weighted_sum([v for v, _ in joined], [c for _, c in joined])
          <= cap)
    m.minimize(cp_model.LinearExpr.weighted_sum([v for v, _ in objective],
                                                [c for _, c in objective]) + constant)
    if hint is not None:
        _hint_plan(m, members, x, terms, y_of, hint)
    ran = run_cpsat(m, seed=seed, time_s=time_s, deterministic=deterministic, stop=stop)
    solver, status, used = ran.solver, ran.status, ran.used_s
    groups: tuple[tuple[int, ...], ...] = ()
    if status.has_answer:
        groups = tuple(tuple(sorted(members[k])) for k, v in enumerate(x)
                       if solver.boolean_value(v))
        groups += tuple(tuple(sorted([*t.core, *(u for u, v in y.items()
                                                 if solver.boolean_value(v))]))
                        for t, y in zip(terms, y_of, strict=True))
    if status == Status.INFEASIBLE or not math.isfinite(solver.best_objective_bound):
        return JoinedBound(-math.inf, float(used), groups)
    value = solver.best_objective_bound / MILLI
    return JoinedBound(value - (1.0 + 1e-9 * abs(value) * n), float(used), groups)


def _area_above_line(m: cp_model.CpModel, t: CoreTerms, z: dict[int, cp_model.IntVar],
                     y: dict[int, cp_model.IntVar], h: Sequence[int]
                     ) -> list[tuple[cp_model.IntVar, int]]:
    """The center's area cost above its line (slope σ, ``t.center``): at most
    ``t.reach[c]`` joined households at the center c picked, and a term ``extra`` at
    least each line b_j of ``t.cuts`` less the σ-line (optimizer.model.oversized_lp.area_cuts),
    coefficients rounded down: never above the true cost. Linear in the center's z and
    the joined units' y (exactly one center), where an element per center made the
    model too slow to finish (real-virginia-rural-over)."""
    if len(t.reach) == 0:
        return []
    came = cp_model.LinearExpr.weighted_sum(list(y.values()), [h[u] for u in y])
    most = sum(h[u] for u in y)
    if any(int(t.reach[c]) < most for c in z):
        m.add(came <= cp_model.LinearExpr.weighted_sum(
            list(z.values()), [max(0, int(t.reach[c])) for c in z]))
    if len(t.slopes) == 0:
        return []
    rows = []
    top = 0
    for j, b in enumerate(t.slopes.tolist()):
        on_z = [int(math.floor(float(t.cuts[j, c]) * MILLI)) for c in z]
        on_y = [int(math.floor(b * h[u] * MILLI)) for u in y]
        if max(on_z, default=0) + sum(v for v in on_y if v > 0) <= 0:
            continue        # never above the σ-line (the term's floor 0)
        top = max(top, max(on_z, default=0) + sum(v for v in on_y if v > 0))
        rows.append((on_z, on_y))
    if not rows:
        return []
    extra = m.new_int_var(0, top, "")
    for on_z, on_y in rows:
        m.add(extra >= cp_model.LinearExpr.weighted_sum(list(z.values()), on_z)
              + cp_model.LinearExpr.weighted_sum(list(y.values()), on_y))
    return [(extra, 1)]


def _core_flow(m: cp_model.CpModel, core: set[int], y: dict[int, cp_model.IntVar],
               nbrs: Sequence[Sequence[int]]) -> None:
    """Every unit with y = 1 linked to ``core`` through units with y = 1."""
    big = len(y)
    into: dict[int, list[cp_model.IntVar]] = {u: [] for u in y}
    out: dict[int, list[cp_model.IntVar]] = {u: [] for u in y}
    for u in [*core, *y]:
        for v in nbrs[u]:
            if v in y and v != u and (u in core or u in y):
                f = m.new_int_var(0, big, "")
                m.add(f <= big * y[v])
                if u in y:
                    m.add(f <= big * y[u])
                    out[u].append(f)
                into[v].append(f)
    for u, var in y.items():
        m.add(sum(into[u]) - sum(out[u]) == var)


def _hint_plan(m: cp_model.CpModel, members: Sequence[Sequence[int]],
               x: list[cp_model.IntVar], terms: Sequence[CoreTerms],
               y_of: list[dict[int, cp_model.IntVar]], plan: Sequence[Sequence[int]]) -> None:
    """The plan's communities within the bounds and joined units as a hint (centers,
    travel and flows left to CP-SAT)."""
    index = {tuple(sorted(g)): k for k, g in enumerate(members)}
    chosen = {index[tuple(sorted(g))] for g in plan if tuple(sorted(g)) in index}
    for k, var in enumerate(x):
        m.add_hint(var, 1 if k in chosen else 0)
    for t, y in zip(terms, y_of, strict=True):
        group = next((set(g) for g in plan if t.core[0] in g), set())
        for u, var in y.items():
            m.add_hint(var, 1 if u in group else 0)


__all__ = ["JoinedBound", "bracket_bound", "joined_bound"]
