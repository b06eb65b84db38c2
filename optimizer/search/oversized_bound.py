"""The bound of a stranded group (optimizer.search.oversized_attach) when its plan is
not proven: the linear relaxation of :mod:`optimizer.model.attach_bound` over every
community within the bounds the stranded parts can hold, with the households the plan
gives the oversized units' communities as the cap (which plans that bounds: there),
and the stronger one of :mod:`optimizer.model.oversized_lp` in which the oversized
units' communities are priced columns of the same program (:func:`priced_bound`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model

from optimizer.graph.oversized import Part
from optimizer.model.attach_bound import attach_lp_bound, core_floor
from optimizer.model.cpsat import MILLI
from optimizer.model.cpsat_run import run_cpsat
from optimizer.model.oversized_lp import (
    MARGIN,
    CoreTerms,
    core_terms,
    lagrangian_value,
    lightest_within,
    pricing_floor,
    solve_master,
    travel_matrix,
)
from optimizer.model.oversized_whole import bracket_bound, joined_bound
from optimizer.model.piece import PieceData, piece_data
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
PRICE_ROUNDS = 200          # rounds of the priced bound (LP, floors, new columns), at most
SMOOTH = 0.5                # weight of the best duals so far in the smoothed ones
HURRY_ROUNDS = 3            # ... once the piece is stopped
PRICE_MIN_S = 2.0           # ... and the least time it gets (its first rounds: the bulk)


@dataclass(frozen=True)
class GroupBound:
    """:func:`bound_and_plan`'s answer."""

    bound: float
    work: float
    plan: tuple[tuple[int, ...], ...]   # the joined model's partition (global units), or ()


def group_bound(scenario: Scenario, gd: PieceData, parts: list[Part],
                cores: dict[int, list[int]], cap: int, stop: StopFlag, *,
                time_s: float = 0.0, seed: int = 0, deterministic: bool = True,
                plan: list[tuple[int, ...]] | None = None) -> tuple[float, float]:
    """:func:`bound_and_plan`'s bound and work."""
    got = bound_and_plan(scenario, gd, parts, cores, cap, stop, time_s=time_s, seed=seed,
                         deterministic=deterministic, plan=plan)
    return got.bound, got.work


def bound_and_plan(scenario: Scenario, gd: PieceData, parts: list[Part],
                   cores: dict[int, list[int]], cap: int, stop: StopFlag, *,
                   time_s: float = 0.0, seed: int = 0, deterministic: bool = True,
                   plan: list[tuple[int, ...]] | None = None) -> GroupBound:
    """A lower bound (yuan/year) on every plan of the group ``gd`` (the ``parts`` and
    the oversized ``cores``) whose communities without an oversized unit keep the
    bounds and whose oversized units' communities hold at most ``cap`` households of
    the parts; -inf when the communities cannot all be listed (within smaller caps
    once stopped: the bound is the piece's, so it is still computed then). The links
    between the group and the rest of the piece are counted by the caller. Also
    returns a fixed estimate of the work (s), for deterministic budgets. With
    ``time_s``, the whole-number version of the relaxation is solved that long too
    (:func:`_integer_bound`); the priced bound (:func:`priced_bound`, from the
    communities of ``plan``, global units) is computed first, and the largest of the
    bounds taken. The model of optimizer.model.oversized_whole.joined_bound, given most
    of ``time_s``, also hands back its best partition of the group (a plan to price)."""
    hurry = stop.is_set()       # stopped (the clock, Ctrl-C): only a small listing
    units = sorted(u for p in parts for u in p.units)
    sub = piece_data(scenario, gd.key, np.asarray(units))
    steps = HURRY_STEPS if hurry else MAX_STEPS
    found = connected_groups(sub, HURRY_COLUMNS if hurry else MAX_COLUMNS, steps)
    if found is None:
        return GroupBound(-math.inf, WORK_PER_STEP * steps, ())
    groups = found[0]
    nnz = sum(len(g) for g in groups)
    work = WORK_PER_STEP * found[1] + WORK_PER_NONZERO * nnz
    if nnz > LP_NONZEROS:
        return GroupBound(-math.inf, work, ())
    cost = price_groups(scenario, sub, groups)
    ok = np.isfinite(cost)
    members = [g for g, good in zip(groups, ok.tolist(), strict=True) if good]
    jt = joining(scenario, gd, sub, cores, cap)
    free, per, terms, rho, join, charged = jt.free, jt.per, jt.terms, jt.rho, jt.join, jt.charged
    local = {int(u): k for k, u in enumerate(gd.units)}
    lp = max(attach_lp_bound(sub.n, members, cost[ok], sub.households, free, cap) + jt.floors,
             attach_lp_bound(sub.n, members, cost[ok], sub.households, free, cap, join)
             + charged)
    if not math.isfinite(lp):
        return GroupBound(-math.inf, work, ())
    got = priced_duals(scenario, gd, members, sub, cores, cap, plan or [], stop,
                       per=per, terms=terms, time_s=max(PRICE_MIN_S, time_s - work),
                       deterministic=deterministic)
    work += got.work
    # Whole-number bounds: at the priced bound's duals first (0.2-1 s on the bench
    # cases; by the clock at load 13 it was all the joined model left room for), then
    # the joined units and the cores' communities in one model (the strongest where it
    # gets its time), then joining charged ρ per household (on random 3x3 grids it
    # wins over the first on some).
    bracket = -math.inf
    if got.duals is not None:
        bracket, used = _bracket(gd, sub, members, cost[ok], cores, cap, free, got,
                                 plan or [], time_s=max(0.0, time_s - work) / 4, seed=seed,
                                 deterministic=deterministic, stop=stop)
        work += used
    at = np.asarray([local[int(u)] for u in sub.units])
    joined = joined_bound(gd.n, [tuple(sorted(at[list(g)].tolist())) for g in members],
                          cost[ok], gd.households, gd.nbrs, terms, per, cap,
                          time_s=0.75 * max(0.0, time_s - work), seed=seed,
                          deterministic=deterministic, stop=stop,
                          hint=[[local[int(u)] for u in g] for g in plan or []])
    work += joined.used
    whole, used = _integer_bound(sub, members, cost[ok], cap, free, rho,
                                 time_s=max(0.0, time_s - work), seed=seed,
                                 deterministic=deterministic, stop=stop)
    work += used
    return GroupBound(max(lp, whole + charged, bracket, joined.bound, got.bound), work,
                      tuple(tuple(int(gd.units[i]) for i in g) for g in joined.groups))


@dataclass(frozen=True)
class Joining:
    """What joining an oversized unit's community costs at least, for the relaxation of
    optimizer.model.attach_bound (:func:`joining`)."""

    free: list[int]         # units of the parts (local to them) that can join at all
    per: np.ndarray         # travel (optimizer.model.oversized_lp.travel_matrix) of the group
    terms: list[CoreTerms]  # each core's pricing terms
    rho: float              # yuan per joined household, at least
    join: np.ndarray        # ... per unit of ``free`` (0 where ``charged`` is -inf)
    floors: float           # the cores' arithmetic floors (nothing charged for joining)
    charged: float          # ... or their operating cost less δ and cheapest center


def joining(scenario: Scenario, gd: PieceData, sub: PieceData, cores: dict[int, list[int]],
            cap: int) -> Joining:
    """Each household that joins an oversized unit's community costs that community at
    least ρ (COORD-300: a coordinator per 300), each community at least its core's
    operating cost less δ and its cheapest center with the core's travel to it
    (optimizer.model.oversized_lp, ``charged``); or the arithmetic core floor and
    nothing charged for joining (``floors``). Both valid; the callers keep the larger.
    Only the units within ``cap`` households of a core by their lightest path can join
    (``free``: a joined set is connected to its core)."""
    near = _within(gd, cores, cap)
    free = [k for k, u in enumerate(sub.units.tolist()) if int(u) in near]
    local = {int(u): k for k, u in enumerate(gd.units)}
    per = travel_matrix(scenario, gd)
    allowed = {local[int(u)] for u in sub.units}
    terms = [core_terms(scenario, gd, [local[u] for u in c], cap, per, allowed)
             for c in cores.values()]
    rho = min(t.rho for t in terms)
    join = rho * sub.households.astype(np.float64)[sorted(free)]
    floors = sum(core_floor(scenario, gd, core) for core in cores.values())
    charged = sum(t.base + float(t.center.min()) for t in terms)
    if not math.isfinite(charged):  # a core with no center in reach: no floor from it
        charged, join = -math.inf, np.zeros(len(free))
    return Joining(free, per, terms, rho, join, floors, charged)


@dataclass(frozen=True)
class Priced:
    """What :func:`priced_duals` found: the bound, its work, the duals (π per unit of
    the group, λ) of the best bound and the cores' pricing floors there."""

    bound: float
    work: float
    duals: tuple[np.ndarray, float] | None
    floors: float


def _bracket(gd: PieceData, sub: PieceData, members: list[tuple[int, ...]],
             cost: np.ndarray, cores: dict[int, list[int]], cap: int, free: list[int],
             priced: Priced, plan: list[tuple[int, ...]], *, time_s: float, seed: int,
             deterministic: bool, stop: StopFlag) -> tuple[float, float]:
    """The whole-number Lagrangian bound (optimizer.model.oversized_whole) at the
    priced bound's best duals: the cores' floors there, the cores' duals, and CP-SAT's
    bound on the whole partitions of the parts' units. -inf without an answer."""
    assert priced.duals is not None
    pi, lam = priced.duals
    local = {int(u): k for k, u in enumerate(gd.units)}
    at = [local[int(u)] for u in sub.units]         # sub's units in gd
    core_units = {local[u] for c in cores.values() for u in c}
    h = sub.households.astype(np.float64)
    charge = {u: float(pi[at[u]]) - lam * float(h[u]) for u in free}
    gates = {u for u in range(sub.n) if any(v in core_units for v in gd.nbrs[at[u]])}
    index = {g: k for k, g in enumerate(members)}
    pos = {int(v): k for k, v in enumerate(sub.units)}
    hint = [index[g] for g in (tuple(sorted(pos[int(u)] for u in ch)) for ch in plan
                               if all(int(u) in pos for u in ch)) if g in index]
    value, used = bracket_bound(sub.n, members, cost, sub.households, sub.nbrs, charge, gates,
                                cap, time_s=time_s, seed=seed, deterministic=deterministic,
                                stop=stop, hint=hint or None)
    if not math.isfinite(value):
        return -math.inf, used
    value += priced.floors + float(pi[sorted(core_units)].sum())
    return value - MARGIN * (abs(value) + float(np.abs(pi).sum()) + lam * cap) - 1e-6, used


def priced_bound(scenario: Scenario, gd: PieceData, listed: list[tuple[int, ...]],
                 sub: PieceData, cores: dict[int, list[int]], cap: int,
                 plan: list[tuple[int, ...]], stop: StopFlag, *,
                 per: np.ndarray | None = None, terms: list[CoreTerms] | None = None,
                 time_s: float = math.inf, deterministic: bool = True
                 ) -> tuple[float, float]:
    """The bound of :mod:`optimizer.model.oversized_lp` on the group ``gd``: ``listed``
    every community within the bounds of the parts (local to ``sub``, complete),
    ``plan`` the plan's communities (global units: its oversized ones start the
    columns of the cores). Columns are priced on the whole group (links to the cores
    counted). Rounds end after PRICE_ROUNDS, when no new column is found, or past
    ``time_s`` (fixed work estimates when ``deterministic``, else the clock; the LP
    also stops at the piece's clock). Returns (bound, work: the estimate, or the
    seconds used when not ``deterministic``); -inf without an answer."""
    got = priced_duals(scenario, gd, listed, sub, cores, cap, plan, stop, per=per, terms=terms,
                       time_s=time_s, deterministic=deterministic)
    return got.bound, got.work


def priced_duals(scenario: Scenario, gd: PieceData, listed: list[tuple[int, ...]],
                 sub: PieceData, cores: dict[int, list[int]], cap: int,
                 plan: list[tuple[int, ...]], stop: StopFlag, *,
                 per: np.ndarray | None = None, terms: list[CoreTerms] | None = None,
                 time_s: float = math.inf, deterministic: bool = True) -> Priced:
    """:func:`priced_bound`, with the duals of its best bound and the cores' floors
    there (for the whole-number bound at the same duals)."""
    t0 = time.perf_counter()
    local = {int(u): k for k, u in enumerate(gd.units)}
    cols = [tuple(sorted(local[int(sub.units[i])] for i in g)) for g in listed]
    cost = price_groups(scenario, gd, cols)
    keep = np.isfinite(cost)
    cols = [g for g, good in zip(cols, keep.tolist(), strict=True) if good]
    cost = cost[keep]
    core_local = {o: [local[u] for u in c] for o, c in cores.items()}
    h = gd.households.astype(np.int64)
    if per is None or terms is None:
        per = travel_matrix(scenario, gd)
        allowed = {local[int(u)] for u in sub.units}
        terms = [core_terms(scenario, gd, c, cap, per, allowed) for c in core_local.values()]
    seen: set[tuple[int, ...]] = set(cols)
    over: list[tuple[int, ...]] = []
    core_of = {c[0]: c for c in core_local.values()}

    def add(groups: list[tuple[int, ...]], floor_cost: list[float] | None = None) -> int:
        """New columns: priced exactly, or (``floor_cost``) the relaxed sets at their
        floor cost (not communities: they steer the duals, the bound holds anyway)."""
        new = [k for k, g in enumerate(groups) if g not in seen]
        if not new:
            return 0
        price = price_groups(scenario, gd, [groups[k] for k in new]) if floor_cost is None \
            else np.asarray([floor_cost[k] for k in new])
        added = 0
        for k, v in zip(new, price.tolist(), strict=True):
            if groups[k] in seen:
                continue
            seen.add(groups[k])
            if math.isfinite(v):
                over.append(groups[k])
                over_cost.append(v)
                added += 1
        return added

    over_cost: list[float] = []
    start = [tuple(sorted(c)) for c in core_local.values()]
    start += [tuple(sorted(local[int(u)] for u in g)) for g in plan
              if any(local.get(int(u), -1) in core_of for u in g)]
    add(start)
    best, work = -math.inf, WORK_PER_NONZERO * sum(len(g) for g in cols)
    rounds = HURRY_ROUNDS if stop.is_set() else PRICE_ROUNDS
    centre: tuple[np.ndarray, float] | None = None     # the duals of the best bound so far
    at_centre = 0.0                                     # ... and the cores' floors there
    for _ in range(rounds):
        members = cols + over
        joined = np.array([0.0] * len(cols) + [
            float(h[list(g)].sum()) - float(h[_core_in(g, core_of)].sum()) for g in over])
        work += WORK_PER_NONZERO * sum(len(g) for g in members)
        duals = solve_master(gd.n, members, np.r_[cost, np.asarray(over_cost)], joined, cap,
                             stop.seconds_left())
        if duals is None:
            break
        # Priced at the LP's duals and at their mean with the best ones so far
        # (smoothing: the LP's duals swing from round to round, the bound with them).
        tries = [duals] if centre is None else [
            duals, (SMOOTH * centre[0] + (1 - SMOOTH) * duals[0],
                    SMOOTH * centre[1] + (1 - SMOOTH) * duals[1])]
        new: list[tuple[tuple[int, ...], float]] = []
        for pi, lam in tries:
            floors = []
            for t in terms:
                value, picks = pricing_floor(t, per, h, pi, lam, cap)
                floors.append(value)
                new += picks
            if all(math.isfinite(v) for v in floors):
                value = lagrangian_value(pi, lam, cap, cols, cost, floors)
                if value > best:
                    best, centre, at_centre = value, (pi, lam), sum(floors)
        spent = work if deterministic else time.perf_counter() - t0
        if stop.is_set() and rounds == PRICE_ROUNDS or spent >= time_s:
            break
        real = [_connected(gd, _core_in(g, core_of), list(g)) for g, _c in new]
        if not add([tuple(c) for c in real]) + add([g for g, _c in new], [c for _g, c in new]):
            break
    return Priced(best, work if deterministic else time.perf_counter() - t0, centre, at_centre)


def _core_in(group: tuple[int, ...], core_of: dict[int, list[int]]) -> list[int]:
    return next(c for u in group if u in core_of for c in [core_of[u]])


def _connected(gd: PieceData, core: Sequence[int], pick: list[int]) -> tuple[int, ...]:
    """The core and the units of ``pick`` it reaches through them (a column)."""
    allowed = set(pick)
    seen = set(core)
    todo = list(core)
    while todo:
        u = todo.pop()
        for v in gd.nbrs[u]:
            if v in allowed and v not in seen:
                seen.add(v)
                todo.append(v)
    return tuple(sorted(seen))


def _within(gd: PieceData, cores: dict[int, list[int]], cap: int) -> set[int]:
    """The units (global) that can join an oversized unit's community holding at most
    ``cap`` households besides its core (:func:`lightest_within` over the whole piece).
    The others are in communities within the bounds in every plan the bound is for."""
    local = {int(u): k for k, u in enumerate(gd.units)}
    core = sorted(local[int(u)] for c in cores.values() for u in c)
    near = lightest_within(gd, core, set(range(len(gd.units))), cap)
    return {int(gd.units[u]) for u in near}


def _integer_bound(sub: PieceData, members: list[tuple[int, ...]], cost: np.ndarray,
                   cap: int, free: list[int], rho: float, *, time_s: float, seed: int,
                   deterministic: bool, stop: StopFlag) -> tuple[float, float]:
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
    join = [int(math.floor(rho * int(sub.households[u]) * MILLI)) for u in d]
    m.minimize(cp_model.LinearExpr.weighted_sum(x, scaled)
               + cp_model.LinearExpr.weighted_sum(list(d.values()), join))
    ran = run_cpsat(m, seed=seed, time_s=time_s, deterministic=deterministic, stop=stop)
    solver, status, used = ran.solver, ran.status, ran.used_s
    if status == Status.INFEASIBLE or not math.isfinite(solver.best_objective_bound):
        return -math.inf, float(used)
    margin = 1.0 + 1e-9 * float(np.abs(cost).max(initial=0.0)) * sub.n
    return solver.best_objective_bound / MILLI - margin, float(used)
