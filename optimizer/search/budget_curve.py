"""``budget_curve(scenario)``: what a capital budget buys, budget by budget.

The total capital over the horizon is split by county and year in the proportions of
the scenario's ``[budget]`` (without one: the plan year to 2015, equal years, counties
by households). For each total, every candidate plan (the boundaries solved once per
capital price, :func:`optimizer.search.budgeted.candidate_plans`) is phased and the best
kept, as ``solve`` keeps it (:func:`optimizer.search.budgeted.plan_key`: the share by
the last year up to the FACILITY-95 target, then the least annual cost). Each point
carries the phasing's status, the proven bound on the share and on the cost over the
horizon, and its gap. Between the last total short of the target and the first that
reaches it, a bisection finds where the target is first reached (more money never buys
less: every year's amount grows).

Ctrl-C (or the ``stop`` flag) during the boundaries' search ends it, each capital
price keeping its best plan so far, and the curve is drawn from those plans; during the
points, it keeps the points finished and marks the others ``NOT RUN``. Either way the
curve says it was ``interrupted``.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from optimizer.plan.model import Plan
from optimizer.plan.phasing import Phasing
from optimizer.progress import Progress, ProgressEvent
from optimizer.scenario.budget import Budget
from optimizer.scenario.model import Scenario
from optimizer.search.budgeted import candidate_plans, plan_key
from optimizer.search.phasing import phase
from optimizer.search.signals import stop_on_signals
from optimizer.search.stop import StopFlag

NOT_RUN = "NOT RUN"
CURVE_FACTORS = (1.0, 3.0, 9.0, 27.0)
COLUMNS = ("budget_yuan", "status", "facility_share", "share_bound", "meeting", "counted",
           "target_count", "reaches_target", "capex_yuan", "total_cost_yuan",
           "cost_bound_yuan", "gap", "capital_factor", "plan_objective", "refined")


@dataclass(frozen=True)
class BudgetCurve:
    """The curve's points (one row each, :data:`COLUMNS`), the least total that
    reaches FACILITY-95 (None when none of them does), and how it was made."""

    points: pd.DataFrame
    first_target_yuan: float | None
    shares: dict[str, Any] = field(default_factory=dict)     # county -> year proportions
    plans: tuple[Plan, ...] = ()
    interrupted: bool = False
    summary: dict[str, Any] = field(default_factory=dict)


def proportions(scenario: Scenario) -> tuple[int, int, bool, dict[str, np.ndarray]]:
    """(first year, last year, carry_over, county -> share of the total per year)."""
    counties = sorted(set(scenario.county))
    b = scenario.budget
    if b is not None:
        amounts = {c: np.asarray(b.capital_by_year(c), dtype=float) for c in counties}
        total = sum(float(v.sum()) for v in amounts.values())
        if total > 0:
            return b.first_year, b.last_year, b.carry_over, {c: v / total
                                                             for c, v in amounts.items()}
        first, last, carry = b.first_year, b.last_year, b.carry_over
    else:
        first, last, carry = scenario.year, max(scenario.year, 2015), False
    n_years = last - first + 1
    hh = {c: float(sum(int(h) for h, k in zip(scenario.households, scenario.county,
                                                 strict=True) if k == c)) for c in counties}
    all_hh = sum(hh.values()) or 1.0
    return first, last, carry, {c: np.full(n_years, hh[c] / all_hh / n_years)
                                for c in counties}


def budget_of(total_yuan: float, first: int, last: int, carry: bool,
              shares: dict[str, np.ndarray]) -> Budget:
    return Budget(first, last, carry, None, {c: total_yuan * v for c, v in shares.items()})


def _best(scenario: Scenario, plans: Sequence[Plan], budget: Budget, time_limit_s: float,
          seed: int, stop: StopFlag) -> tuple[int, Phasing]:
    """The index of the best plan for ``budget`` and its phasing."""
    best: tuple[tuple[float, float], int, Phasing] | None = None
    for k, plan in enumerate(plans):
        ph = phase(scenario, plan, budget=budget, time_limit_s=time_limit_s, seed=seed,
                   stop=stop)
        key = plan_key(plan, ph)
        if best is None or key > best[0]:
            best = (key, k, ph)
    assert best is not None
    return best[1], best[2]


def _row(total: float, plan: Plan, ph: Phasing, factor: float, refined: bool
         ) -> dict[str, Any]:
    s = ph.summary
    return {"budget_yuan": round(total, 2), "status": s["status"],
            "facility_share": s["facility_share"], "share_bound": s["facility_share_bound"],
            "meeting": s["meeting"], "counted": s["counted"], "target_count": s["target_count"],
            "reaches_target": int(s["meeting"]) >= int(s["target_count"]),
            "capex_yuan": s["capital_yuan"], "total_cost_yuan": s["objective"],
            "cost_bound_yuan": s["bound"], "gap": s["gap"], "capital_factor": factor,
            "plan_objective": plan.summary["objective"], "refined": refined}


def budget_curve(scenario: Scenario, *, budgets: Sequence[float] | None = None,
                 points: int = 11, max_yuan: float | None = None, refine: int = 6,
                 plans: Sequence[Plan] | None = None, time_limit_s: float = 60.0,
                 workers: int = 1, seed: int = 0, progress: Progress | None = None,
                 stop: StopFlag | None = None) -> BudgetCurve:
    """The best FACILITY-95 share and total cost for each total capital budget.

    ``budgets``: the totals (yuan over the horizon, all counties); by default ``points``
    totals from 0 to ``max_yuan`` (default: 1.2 × the most capital of the candidate
    plans), then ``refine`` bisection steps towards the least total reaching the target.
    ``plans``: candidate plans to phase (default: solved here, within ``time_limit_s``
    of which most goes to the boundaries at capital prices :data:`CURVE_FACTORS`).
    """
    t0 = time.perf_counter()
    stop = stop if stop is not None else StopFlag()
    first, last, carry, shares = proportions(scenario)
    if plans is None:
        with stop_on_signals(stop):
            found = candidate_plans(scenario, CURVE_FACTORS, 0.8 * time_limit_s,
                                    workers=workers, seed=seed, stop=stop, progress=progress)
        cands = [p for _, p in found]
        factors = [f for f, _ in found]
    else:
        cands, factors = list(plans), [1.0] * len(plans)
    # A stop during the boundaries' search ends it (their best plans kept); the curve
    # is still drawn from them, and a second stop ends the curve (points kept).
    searched = stop.is_set()
    stop = StopFlag() if searched else stop
    with stop_on_signals(stop):
        n_points = len(budgets) if budgets is not None else max(2, points)
        per_s = max(0.5, 0.2 * time_limit_s / max(1, (n_points + refine + 3) * len(cands)))
        rows: list[dict[str, Any]] = []
        total_n = n_points + (refine if budgets is None else 0)

        def run(total: float, refined: bool) -> dict[str, Any]:
            k, ph = _best(scenario, cands, budget_of(total, first, last, carry, shares),
                          per_s, seed, stop)
            row = _row(total, cands[k], ph, factors[k], refined)
            rows.append(row)
            if progress is not None:
                progress(ProgressEvent(len(rows), total_n, float(row["total_cost_yuan"]),
                                       float(row["cost_bound_yuan"]),
                                       time.perf_counter() - t0,
                                       f"budget {total:,.0f} yuan: share "
                                       f"{100 * float(row['facility_share']):.1f}%"))
            return row

        if budgets is not None:
            grid = sorted({float(b) for b in budgets})
        else:
            top = max_yuan if max_yuan is not None else _enough(
                cands, shares, carry, lambda b: run(b, False)["reaches_target"], stop)
            grid = [round(x, 2) for x in np.linspace(0.0, top, max(2, points))]
            grid = [b for b in grid if b not in {r["budget_yuan"] for r in rows}]
        for total in grid:
            if stop.is_set():
                rows.append({"budget_yuan": total, "status": NOT_RUN})
                continue
            run(total, False)
        done = [r for r in rows if r["status"] != NOT_RUN]
        if budgets is None and refine > 0:
            _refine(done, run, refine, stop)
    table = pd.DataFrame(rows, columns=list(COLUMNS)).sort_values(
        "budget_yuan", kind="stable").reset_index(drop=True)
    reached = [float(r["budget_yuan"]) for r in rows if r.get("reaches_target")]
    return BudgetCurve(table, min(reached) if reached else None,
                       {c: [round(float(x), 6) for x in v] for c, v in shares.items()},
                       tuple(cands), searched or stop.is_set(),
                       {"first_year": first, "last_year": last, "carry_over": carry,
                        "capital_factors": factors, "time_s": round(time.perf_counter() - t0, 3),
                        "facility_target": scenario.policy.facility_target_share})


def _enough(plans: Sequence[Plan], shares: dict[str, np.ndarray], carry: bool,
            reaches: Any, stop: StopFlag) -> float:
    """The right end of the default grid: 1.2 × the most capital of the plans, raised
    by half at a time until the target is reached there, up to a total at which every
    county's smallest yearly share pays all its works (the most the curve can need)."""
    capital: dict[str, float] = {}
    need = 0.0
    for p in plans:
        per: dict[str, float] = {}
        for c in p.communities:
            if c.remedy != "codevelop":
                per[c.county] = per.get(c.county, 0.0) + float(c.capex_yuan)
        need = max(need, sum(per.values()))
        for county, v in per.items():
            capital[county] = max(capital.get(county, 0.0), v)
    most = 0.0
    for county, v in capital.items():
        share = shares.get(county)
        if share is None or not (share > 0).any():
            continue
        most = max(most, v / (float(share.sum()) if carry else float(share[share > 0].min())))
    top = 1.2 * need
    while top < most and not stop.is_set() and not reaches(round(top, 2)):
        top = min(most, top * 1.5)
    return round(max(top, 1.0), 2)


def _refine(done: list[dict[str, Any]], run: Any, steps: int, stop: StopFlag) -> None:
    """Bisection between the last total short of the target and the first reaching it."""
    below = [float(r["budget_yuan"]) for r in done if not r["reaches_target"]]
    above = [float(r["budget_yuan"]) for r in done if r["reaches_target"]]
    if not below or not above:
        return
    lo = max(b for b in below if b < min(above)) if any(b < min(above) for b in below) \
        else None
    hi = min(above)
    if lo is None:
        return
    for _ in range(steps):
        if stop.is_set() or hi - lo < 1.0:
            return
        mid = round((lo + hi) / 2.0, 2)
        if run(mid, True)["reaches_target"]:
            hi = mid
        else:
            lo = mid
