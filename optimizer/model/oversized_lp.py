"""A lower bound for a stranded group (optimizer.search.oversized_attach) in which the
oversized units' communities are priced as communities: columns of the same linear
program as the communities within the bounds, generated one round at a time.

The plans it bounds are those of :mod:`optimizer.model.attach_bound`: every community
without an oversized unit keeps L..U households, is connected and has a center (a
complete listing of them is given), and the oversized units' communities hold at most
``cap`` households of the stranded parts beyond their cores.

Why: :mod:`optimizer.model.attach_bound` lets a household join an oversized unit's
community for nothing, and floors each such community at the cost of its core alone.
On real rural maps those communities hold thousands of households (real-grown: 25,791
joined, three communities costing 7.1 M yuan against a floor of 1.2 M): 16 of the
piece's 21 gap points sat there. Here a community T of an oversized core is a column
with its exact cost c_T (coordinators, staff, center, travel of every household to
its center), and the master LP over the group's units (each unit in exactly one
column) is

    min Σ_S c_S x_S + Σ_T c_T z_T   s.t.  Σ_{cols ∋ u} = 1 (π_u),
                                          Σ_T joined(T) z_T ≤ cap (λ ≥ 0),

over the listed communities S and the generated columns T. Its Lagrangian bound,
valid for every dual (π, λ ≥ 0) and keeping "each core in exactly one community"
(every plan has it), is

    Σ_u π_u − λ·cap + Σ_S min(0, c_S − π(S)) + Σ_o min_T (c_T − π(T) + λ·joined(T)),

where T ranges over *every* possible community of core o, not only the generated
ones. That last minimum (the pricing problem) is bounded from below by
:func:`pricing_floor` — connectivity relaxed, the cost split into terms each no
larger than the true ones:

- operating cost (staff, coordinators: functions of the households alone) at least
  OP(h_core) + ρ·H − δ for H households joining, δ the largest shortfall of that line
  below OP over every whole H up to ``cap`` (computed, not assumed);
- the center at c: its cheapest option for the area the households need
  (AREA-PER-HH; swap credits at their largest, as
  :func:`optimizer.model.attach_bound.core_floor`), at least F_c(h_core) + σ·H − δ_c
  by a line under it computed over every whole H up to ``cap``;
- travel (and moved households) of each unit to c exactly, links left out (≥ 0);
- the joined set: any set of units within ``cap`` households of the core by their
  lightest path, at most ``cap`` households (a fractional knapsack, a relaxation of
  the whole-number one), holding c when c is not of the core.

So the bound holds whatever columns were generated; the generated ones (each the
connected part, around the core, of the set the floor picks, priced exactly by the
caller) only move the duals towards a stronger one.
"""

from __future__ import annotations

import dataclasses
import heapq
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import csc_matrix, hstack, identity

from optimizer.model.options import unit_options
from optimizer.model.piece import PieceData
from optimizer.rules.remedy import horizon_rates
from optimizer.scenario.model import Scenario

MARGIN = 1e-9           # relative safety margin on the recomputed bound
MAX_SLOPES = 12         # lines under each center's area cost (optimizer.model.oversized_whole)


@dataclass(frozen=True)
class CoreTerms:
    """What :func:`pricing_floor` needs of one oversized core (local to the group)."""

    core: tuple[int, ...]
    allowed: np.ndarray      # bool per unit: may join this core's community (not the core)
    base: float              # OP(h_core) − δ
    rho: float               # yuan per joined household (the line under OP)
    center: np.ndarray       # per unit c: its center's floor + the core's travel to c (inf: none)
    op: np.ndarray = dataclasses.field(default_factory=lambda: np.zeros(0))
    # ... OP(h_core + H) for H = 0..cap joined households, exact (staff, coordinators)
    op_rho: float = 0.0      # the part of ``rho`` that is OP's line (the rest: the center's)
    # The center's area cost, per center c, above its line (``center``, slope σ): for
    # each slope b_j of ``slopes`` (b_j − σ), a line under the true cost of c over the
    # households it can hold, offset ``cuts[j, c]`` from the line; ``reach[c]`` the most
    # joined households a center at c can hold (−1: not a center). See :func:`area_cuts`.
    slopes: np.ndarray = dataclasses.field(default_factory=lambda: np.zeros(0))
    cuts: np.ndarray = dataclasses.field(default_factory=lambda: np.zeros((0, 0)))
    reach: np.ndarray = dataclasses.field(default_factory=lambda: np.zeros(0, dtype=np.int64))


def travel_matrix(scenario: Scenario, gd: PieceData) -> np.ndarray:
    """[u, c]: what unit u adds to a community centred at c (distance and moved
    households, yuan/year), as optimizer.search.column_price.price_groups counts them."""
    w = scenario.objective
    h = gd.households.astype(np.float64)
    km = np.hypot(gd.x[:, None] - gd.x[None, :], gd.y[:, None] - gd.y[None, :]) / 1000.0
    per = h[:, None] * km * w.distance_yuan_per_household_km
    cur = scenario.current_community
    if cur is not None:
        lab = [cur[int(u)] for u in gd.units]
        moved = np.array([[lab[u] is not None and lab[u] != lab[c] for c in range(gd.n)]
                          for u in range(gd.n)], dtype=bool)
        per = per + moved * (h[:, None] * w.moved_yuan_per_household)
    return per


def core_terms(scenario: Scenario, gd: PieceData, core: Sequence[int], cap: int,
               per: np.ndarray, allowed: set[int]) -> CoreTerms:
    """The terms of oversized ``core`` (local units of ``gd``); ``allowed`` the local
    units that may join any oversized community (the stranded parts'), narrowed here
    to those within ``cap`` households of the core by their lightest path."""
    pol, costs = scenario.policy, scenario.costs
    h = [int(v) for v in gd.households]
    hc = sum(h[u] for u in core)
    rates = horizon_rates(gd.urban, scenario.plan_years, pol, costs)
    grid = np.arange(hc, hc + max(cap, 0) + 1, dtype=np.int64)
    op = np.array([rates.cost(pol.staff(int(v)), pol.coordinators(int(v))) for v in grid])
    rho = rates.coordinator / pol.households_per_coordinator
    delta = float(np.max(op[0] + rho * (grid - hc) - op)) if len(grid) else 0.0
    base = float(op[0]) - max(0.0, delta)
    near = lightest_within(gd, core, allowed, cap)
    mask = np.zeros(gd.n, dtype=bool)
    mask[list(near)] = True
    need = np.maximum(pol.area_min_m2, pol.area_per_100_households_m2 * grid / 100.0)
    places = [*core, *sorted(near)]
    curves = {c: facility_curve(scenario, int(gd.units[c]), need) for c in places}
    # The center's cost grows with the area the households need (AREA-PER-HH): a line
    # of one slope σ under every center's curve, each with its own shortfall δ_c.
    first = min(places, key=lambda c: (float(curves[c][0]), c))
    top = curves[first]
    finite = np.flatnonzero(np.isfinite(top))
    sigma = max(0.0, float(top[finite[-1]] - top[0]) / max(1, int(finite[-1]))) \
        if len(finite) > 1 and math.isfinite(float(top[0])) else 0.0
    center = np.full(gd.n, math.inf)
    line = np.full(gd.n, math.inf)
    core_travel = per[list(core), :].sum(axis=0)
    steps = grid - hc
    for c in places:
        curve = curves[c]
        ok = np.isfinite(curve)
        if not ok[0]:       # options only drop out as the need grows: none at all here
            continue
        start = float(curve[0])
        short = float(np.max(start + sigma * steps[ok] - curve[ok]))
        line[c] = start - max(0.0, short)
        center[c] = line[c] + float(core_travel[c])
    slopes, cuts, reach = area_cuts(curves, line, sigma)
    return CoreTerms(tuple(core), mask, base, rho + sigma, center, op, rho,
                     slopes - sigma, cuts, reach)


def area_cuts(curves: dict[int, np.ndarray], line: np.ndarray, sigma: float,
              most: int = MAX_SLOPES) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Lines under each center's area cost: ``curves[c][H]`` the cost of a center at c
    for H joined households (inf where none fits; finite on a prefix, options only drop
    out as the need grows), ``line[c]`` the offset of its line of slope ``sigma``.
    Returns the slopes b_j (at most ``most``: those of the centers' lower convex hulls,
    spread over their range), ``cuts[j, c]`` = min_H (curve_c(H) − b_j·H) − line[c]
    (so line[c] + σ·H + max(0, max_j cuts[j, c] + (b_j − σ)·H) ≤ curve_c(H) wherever it
    is finite) and ``reach[c]``: the largest such H (−1 where c is no center).

    Why: one slope σ for every center lies far under the centers whose options are
    dearer per square meter (a build against the cheapest's renovation), at large
    joined counts; and nothing kept a small building from holding every household."""
    n = len(line)
    reach = np.full(n, -1, dtype=np.int64)
    found: set[float] = {float(sigma)}
    for c, curve in curves.items():
        ok = np.flatnonzero(np.isfinite(curve))
        if not math.isfinite(float(line[c])) or len(ok) == 0:
            continue
        reach[c] = int(ok[-1])
        found.update(_hull_slopes(curve[: reach[c] + 1]))
    slopes = np.array(sorted(found))
    if len(slopes) > most:
        pick = np.unique(np.round(np.linspace(0, len(slopes) - 1, most)).astype(np.int64))
        slopes = slopes[pick]
    cuts = np.zeros((len(slopes), n))
    for c, curve in curves.items():
        if reach[c] < 0:
            continue
        h = np.arange(reach[c] + 1, dtype=np.float64)
        vals = curve[: reach[c] + 1]
        cuts[:, c] = (vals[None, :] - slopes[:, None] * h[None, :]).min(axis=1) - line[c]
    return slopes, cuts, reach


def _hull_slopes(values: np.ndarray) -> list[float]:
    """The slopes of the lower convex hull of the points (H, values[H])."""
    hull: list[tuple[int, float]] = []
    for x, y in enumerate(values.tolist()):
        while len(hull) >= 2:
            (x0, y0), (x1, y1) = hull[-2], hull[-1]
            if (y1 - y0) * (x - x0) >= (y - y0) * (x1 - x0):
                hull.pop()
            else:
                break
        hull.append((x, y))
    return [(y1 - y0) / (x1 - x0) for (x0, y0), (x1, y1) in zip(hull, hull[1:], strict=False)]


def facility_curve(scenario: Scenario, unit: int, need: np.ndarray) -> np.ndarray:
    """Per required area in ``need``: the least annual cost of a center in ``unit``
    (its options as optimizer.model.options lists them, swap credits at their largest,
    no first-rooms rule: never above the true cost); inf where none fits."""
    from optimizer.model.bounds import _max_credit

    costs = scenario.costs
    out = np.full(len(need), math.inf)
    for spec in unit_options(scenario, unit):
        fixed = spec.fixed_yuan if not spec.swap else \
            spec.fixed_yuan - _max_credit(scenario, spec.site) * costs.annuity_factor()
        if spec.fixed_area:
            value = np.where(need <= spec.area_before_m2 + 1e-9,
                             fixed + spec.per_m2_yuan * spec.area_before_m2, math.inf)
        else:
            area = np.maximum(need, spec.min_area_m2)
            value = np.where(area <= spec.max_area_m2 + 1e-9,
                             fixed + spec.per_m2_yuan * area, math.inf)
        out = np.minimum(out, value)
    return out


def lightest_within(gd: PieceData, core: Sequence[int], allowed: set[int], cap: int) -> set[int]:
    """Units (local) of ``allowed`` whose lightest path from ``core`` (households of the
    path's units outside the core, its own counted) is within ``cap``: the units that
    can join a community holding ``core`` and at most ``cap`` other households, as a
    joined set is connected to its core."""
    h = [int(v) for v in gd.households]
    heap = [(0, u) for u in core]
    dist: dict[int, int] = {}
    while heap:
        wt, u = heapq.heappop(heap)
        if u in dist:
            continue
        dist[u] = wt
        for v in gd.nbrs[u]:
            if v in allowed and v not in dist and wt + h[v] <= cap:
                heapq.heappush(heap, (wt + h[v], v))
    return set(dist) - set(core)


def pricing_floor(terms: CoreTerms, per: np.ndarray, h: np.ndarray, pi: np.ndarray,
                  lam: float, cap: int, top: int = 3
                  ) -> tuple[float, list[tuple[tuple[int, ...], float]]]:
    """A lower bound on min_T (c_T − π(T) + λ·joined(T)) over every community T of
    the core (see the module), and for the ``top`` best centers the relaxed set (the
    core, the center, the units taken whole; possibly not connected) with its floor
    cost: columns of the master that let it converge to the relaxation's optimum."""
    core = list(terms.core)
    fixed = terms.base - float(pi[core].sum())
    units = np.flatnonzero(terms.allowed)
    hh = h[units].astype(np.float64)
    found: list[tuple[float, tuple[int, ...], float]] = []
    for c in np.flatnonzero(np.isfinite(terms.center)).tolist():
        value = per[units, c] + (terms.rho + lam) * hh - pi[units]
        room = float(cap)
        total = fixed + float(terms.center[c])
        taken: list[int] = []
        if c not in terms.core:
            k = int(np.searchsorted(units, c))
            if h[c] > cap:
                continue
            total += float(value[k])
            room -= float(h[c])
            value = value.copy()
            value[k] = 0.0
            taken.append(c)
        neg = np.flatnonzero(value < 0)
        order = neg[np.argsort(value[neg] / np.maximum(hh[neg], 1.0), kind="stable")]
        for k in order.tolist():
            if room <= 0:
                break
            share = min(1.0, room / max(float(hh[k]), 1.0))
            total += share * float(value[k])
            room -= share * float(hh[k])
            if share >= 1.0:
                taken.append(int(units[k]))
        group = tuple(sorted({*core, *taken}))
        joined = [u for u in group if u not in terms.core]
        cost = terms.base + float(terms.center[c]) + float(
            (per[joined, c] + terms.rho * h[joined]).sum())
        found.append((total, group, cost))
    if not found:
        return math.inf, []
    found.sort(key=lambda f: f[0])
    return found[0][0], [(g, cost) for _v, g, cost in found[:top]]


def solve_master(n: int, columns: Sequence[Sequence[int]], cost: np.ndarray,
                 joined: np.ndarray, cap: int, time_limit_s: float | None = None
                 ) -> tuple[np.ndarray, float] | None:
    """The master LP's duals (π per unit, λ ≥ 0 for the cap); None when it fails.
    Each unit also has a slack column of a high cost (ten times the dearest column),
    so the master is feasible before the columns that cover every unit are found
    (the duals only steer the columns: any duals give a valid bound). HiGHS stops at
    ``time_limit_s`` (the piece's clock; then None: scipy gives no duals)."""
    m = len(columns)
    rows = np.fromiter((i for g in columns for i in g), dtype=np.int64)
    cols = np.repeat(np.arange(m), [len(g) for g in columns])
    a = hstack([csc_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, m)),
                identity(n, format="csc")]).tocsc()
    slack = 10.0 * max(1.0, float(np.abs(cost).max(initial=0.0)))
    ub = np.r_[joined.astype(np.float64), np.zeros(n)].reshape(1, -1)
    res = linprog(np.r_[cost, np.full(n, slack)], A_eq=a, b_eq=np.ones(n), A_ub=ub,
                  b_ub=[float(cap)], bounds=(0, 1), method="highs",
                  options={} if time_limit_s is None else {"time_limit": max(0.0, time_limit_s)})
    if res.status != 0 or res.x is None:
        return None
    return (np.asarray(res.eqlin.marginals, dtype=np.float64),
            max(0.0, -float(res.ineqlin.marginals[0])))


def lagrangian_value(pi: np.ndarray, lam: float, cap: int, listed: Sequence[Sequence[int]],
                     listed_cost: np.ndarray, floors: Sequence[float]) -> float:
    """The bound of the module for duals (π, λ): ``listed`` every community within the
    bounds (complete), ``floors`` each core's :func:`pricing_floor`."""
    reduced = listed_cost - np.array([float(pi[list(g)].sum()) for g in listed])
    value = float(pi.sum()) - lam * cap + float(np.minimum(reduced, 0.0).sum()) + sum(floors)
    return value - MARGIN * (abs(value) + float(np.abs(pi).sum()) + lam * cap) - 1e-6


__all__ = ["CoreTerms", "core_terms", "lagrangian_value", "lightest_within", "pricing_floor",
           "solve_master", "travel_matrix"]
