"""A Lagrangian lower bound for a component, for pieces too large for the exact model.

Relaxation: drop contiguity (keep the reach restriction, which every connected
community satisfies) and price the "each unit in exactly one community" rows with
multipliers λ. For any λ,

    L(λ) = Σ_i λ_i + Σ_j min(0, min_{S ∋ j, L ≤ h(S) ≤ U} F_j(h(S)) + Σ_{i ∈ S} (c_ij − λ_i))

is a lower bound on the cost of every plan: F_j(w) is the cheapest a community of
w households centred at j can cost (operating cost, coordinators and staff as step
functions of w, the cheapest center option at j, a swap credited at its most) and
c_ij the distance and moved terms of unit i at center j. The inner minimum is a 0/1
knapsack over households, solved exactly by dynamic programming. λ follows a
subgradient method with Polyak steps towards the best known plan's cost.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
from ortools.linear_solver import pywraplp

from optimizer.model.component import ComponentData, reach
from optimizer.model.options import unit_options
from optimizer.scenario.model import Scenario


@dataclass(frozen=True)
class LagrangeResult:
    bound: float
    iterations: int
    time_s: float


def community_cost_curve(scenario: Scenario, data: ComponentData, j: int,
                         members: list[int]) -> np.ndarray:
    """F_j(w) for w = 0..U (inf outside [L, U] or where no option fits)."""
    pol, costs = scenario.policy, scenario.costs
    w = np.arange(data.hi + 1, dtype=float)
    member = costs.member_pay_yuan(data.urban)
    staff = np.clip(np.ceil(w / pol.households_per_staff), pol.staff_min, pol.staff_max)
    coord = np.ceil(w / pol.households_per_coordinator)
    operating = (pol.fund_yuan(data.urban, scenario.year) + costs.committee_pay_yuan(data.urban)
                 + staff * costs.pay_other_ratio * member
                 + coord * costs.coordinator_pay_ratio * member)
    need = np.maximum(pol.area_min_m2, pol.area_per_100_households_m2 * w / 100.0)
    unit = int(data.units[j])
    best_credit = 0.0
    owned = [s for i in members for s in scenario.sites_by_unit.get(int(data.units[i]), ())
             if bool(scenario.sites.owned[s])]
    facility = np.full_like(w, np.inf)
    ann = costs.annuity_factor()
    for spec in unit_options(scenario, unit):
        if spec.fixed_area:
            area = np.full_like(w, spec.area_before_m2)
            ok = need <= spec.area_before_m2 + 1e-9
        else:
            area = np.maximum(need, spec.min_area_m2)
            ok = area <= spec.max_area_m2 + 1e-9
            if spec.needs_growth:
                ok &= need > spec.area_before_m2
        cost = spec.fixed_yuan + spec.per_m2_yuan * area
        if spec.swap:
            price = float(scenario.sites.price_yuan[spec.site])
            others = [float(scenario.sites.area_m2[s]) for s in owned if s != spec.site]
            if not others:
                continue
            best_credit = min(price, costs.swap_credit_yuan_per_m2 * max(others))
            cost = cost - best_credit * ann
        facility = np.where(ok, np.minimum(facility, cost), facility)
    curve = operating + facility
    curve[: data.lo] = np.inf
    return curve


def lagrangian_bound(scenario: Scenario, data: ComponentData, *, upper: float, time_s: float,
                     seed_columns: list[tuple[int, list[int], float]] = (),  # type: ignore[assignment]
                     max_iter: int = 500) -> LagrangeResult:
    """The best L(λ) found within ``time_s`` seconds. ``upper``: a plan's cost;
    ``seed_columns``: that plan's communities as (local center, local members, cost)."""
    t0 = time.perf_counter()
    w_obj = scenario.objective
    h = data.households.astype(np.int64)
    cur = scenario.current_community
    centers, members, curves, costs_c = [], [], [], []
    for j in range(data.n):
        if not unit_options(scenario, int(data.units[j])):
            continue
        mem = sorted(reach(data, j, data.hi))
        curve = community_cost_curve(scenario, data, j, mem)
        if not np.isfinite(curve).any():
            continue
        km = np.hypot(data.x[mem] - data.x[j], data.y[mem] - data.y[j]) / 1000.0
        c = h[mem] * km * w_obj.distance_yuan_per_household_km
        if cur is not None:
            cj = cur[int(data.units[j])]
            moved = np.array([cur[int(data.units[i])] is not None
                              and cur[int(data.units[i])] != cj for i in mem])
            c = c + h[mem] * w_obj.moved_yuan_per_household * moved
        centers.append(j)
        members.append(np.array(mem, dtype=np.int64))
        curves.append(curve)
        costs_c.append(c)
    if not centers:
        return LagrangeResult(-math.inf, 0, time.perf_counter() - t0)
    m = len(centers)
    cidx = np.array(centers, dtype=np.int64)
    reach_mask = np.zeros((m, data.n), dtype=bool)
    cost_mat = np.zeros((m, data.n))
    for r, (mem, c) in enumerate(zip(members, costs_c, strict=True)):
        reach_mask[r, mem] = True
        cost_mat[r, mem] = c
    reach_mask[np.arange(m), cidx] = False      # the center is the starting state
    curve_mat = np.vstack(curves)
    # Column generation: the master LP over known communities gives multipliers, the
    # knapsacks price new communities and give a valid bound at every round. Duals are
    # smoothed towards the best multipliers so far (Wentges) against degeneracy.
    lp = pywraplp.Solver.CreateSolver("GLOP")
    rows = [lp.Add(lp.Sum([]) == 1) for _ in range(data.n)]
    center_rows = {int(j): lp.Add(lp.Sum([]) <= 1) for j in centers}
    per_hh = max(upper, 1.0) / max(1, int(h.sum()))
    for i in range(data.n):
        # Artificial column: keeps the LP feasible and caps unit i's multiplier.
        art = lp.NumVar(0, 1, f"a{i}")
        rows[i].SetCoefficient(art, 1)
        lp.Objective().SetCoefficient(art, 3.0 * per_hh * max(1, int(h[i])))
    lp.Objective().SetMinimization()
    seen: set[tuple[int, tuple[int, ...]]] = set()

    def add_column(j: int, chosen: np.ndarray, cost: float) -> None:
        key = (j, tuple(sorted(int(i) for i in chosen)))
        if key in seen:
            return
        seen.add(key)
        var = lp.NumVar(0, 1, "")
        lp.Objective().SetCoefficient(var, cost)
        for i in key[1]:
            rows[i].SetCoefficient(var, 1)
        center_rows[j].SetCoefficient(var, 1)

    for j, chosen, cost in seed_columns:
        if j in center_rows:
            add_column(j, np.asarray(chosen), cost)
    best, best_lam = -math.inf, None
    alpha = 0.5
    tol = 1e-7 * max(1.0, abs(upper))
    it = 0
    while it < max_iter and time.perf_counter() - t0 < time_s:
        it += 1
        if lp.Solve() != pywraplp.Solver.OPTIMAL:
            break
        lam_lp = np.array([r.dual_value() for r in rows])
        mu_lp = np.array([center_rows[int(j)].dual_value() for j in centers])
        lam = lam_lp if best_lam is None else alpha * best_lam + (1 - alpha) * lam_lp
        vals = _batched_knapsack(h, cidx, reach_mask, cost_mat - lam[None, :], curve_mat,
                                 data.hi)
        value = float(lam.sum()) + float(np.minimum(vals, 0.0).sum())
        if value > best:
            best, best_lam = value, lam
        added = 0
        for r in np.argsort(vals, kind="stable")[: max(10, data.n // 4)]:
            if vals[r] >= 0:
                break
            mem = members[r]
            val, chosen = _knapsack(h, mem, centers[r], costs_c[r] - lam[mem], curves[r],
                                    data.lo, data.hi)
            if not math.isfinite(val):
                continue
            cost = val + float(lam[chosen].sum())
            # Keep it only if it prices out against the master's own duals.
            if cost - float(lam_lp[chosen].sum()) - mu_lp[r] < -tol:
                add_column(int(centers[r]), chosen, cost)
                added += 1
        if added == 0:
            if alpha == 0.0:
                break       # the master LP is optimal: no community prices out
            alpha = 0.0
        if upper - best <= 1e-6 * max(1.0, abs(upper)):
            break
    return LagrangeResult(best, it, time.perf_counter() - t0)


def _batched_knapsack(h: np.ndarray, centers: np.ndarray, allowed: np.ndarray,
                      value: np.ndarray, curves: np.ndarray, hi: int) -> np.ndarray:
    """For every center r at once: min over S ∋ centers[r] of curves[r, h(S)] +
    Σ_{i∈S} value[r, i], S drawn from ``allowed[r]``."""
    m = len(centers)
    arr = np.full((m, hi + 1), np.inf)
    hc = h[centers]
    ok = hc <= hi
    arr[np.flatnonzero(ok), hc[ok]] = value[np.flatnonzero(ok), centers[ok]]
    for i in np.flatnonzero(allowed.any(axis=0)):
        wi = int(h[i])
        v = np.where(allowed[:, i], value[:, i], np.inf)
        if wi == 0:
            arr = np.minimum(arr, arr + np.minimum(v, 0.0)[:, None])
        elif wi <= hi:
            np.minimum(arr[:, wi:], arr[:, :-wi] + v[:, None], out=arr[:, wi:])
    return (arr + curves).min(axis=1)


def _knapsack(h: np.ndarray, mem: np.ndarray, j: int, value: np.ndarray, curve: np.ndarray,
              lo: int, hi: int) -> tuple[float, np.ndarray]:
    """min over S ∋ j with lo ≤ h(S) ≤ hi of curve[h(S)] + Σ_{i∈S} value_i, and S."""
    pos_j = int(np.searchsorted(mem, j))
    items = [k for k in range(len(mem)) if k != pos_j]
    hj = int(h[j])
    if hj > hi:
        return math.inf, mem[:0]
    arr = np.full(hi + 1, np.inf)
    arr[hj] = value[pos_j]
    layers = [arr]
    for k in items:
        wk = int(h[mem[k]])
        vk = float(value[k])
        new = arr.copy()
        if wk == 0:
            if vk < 0:
                new = arr + vk
        elif wk <= hi:
            np.minimum(new[wk:], arr[:-wk] + vk, out=new[wk:])
        layers.append(new)
        arr = new
    total = arr + curve
    wbest = int(np.argmin(total))
    best = float(total[wbest])
    if not math.isfinite(best):
        return math.inf, mem[:0]
    chosen = [mem[pos_j]]
    wcur = wbest
    for idx in range(len(items), 0, -1):
        if layers[idx][wcur] != layers[idx - 1][wcur]:
            k = items[idx - 1]
            chosen.append(mem[k])
            wcur -= int(h[mem[k]])
    return best, np.array(chosen, dtype=np.int64)
