"""``phase(scenario, plan) -> Phasing``: the year each community's rooms reach the
standard under the scenario's ``[budget]`` (FUND-POOL, PIPELINE, FACILITY-95).

The counties are independent (each spends its own fund, FUND-POOL), so each is phased
on its own (:func:`optimizer.model.phasing.phase_county`); then one model prices the
shortfall, when the money does not reach FACILITY-95
(:func:`optimizer.model.phasing_short.extra_to_target`). The summary holds every claim
the checker recomputes, with the solver's status, bound and gap.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from optimizer.model.phasing import CountyPhasing, YearBudget, phase_county, spent_by_year
from optimizer.model.phasing_items import BUDGET, TODAY, PhaseItem, phase_items, yearly_cost_yuan
from optimizer.model.phasing_short import extra_to_target
from optimizer.plan.model import Plan
from optimizer.plan.phasing import Phase, Phasing
from optimizer.progress import Progress, ProgressEvent
from optimizer.scenario.budget import Budget
from optimizer.scenario.model import Scenario
from optimizer.search.stop import StopFlag
from optimizer.status import Status

ASSUMPTIONS = ("capital is paid in the year the rooms reach the standard; rooms under "
               "construction or planned count from their available_year at no budget cost; "
               "co-built rooms (NEWDEV-1500) from the first year; running costs price the "
               "planned rooms every year (our assumptions, README 'Phasing')")


def county_budget(budget: Budget, county: str) -> YearBudget:
    return YearBudget(budget.first_year, tuple(float(v) for v in
                                               budget.capital_by_year(county)),
                      budget.carry_over)


def phase(scenario: Scenario, plan: Plan, *, budget: Budget | None = None,
          time_limit_s: float = 10.0, workers: int = 1, seed: int = 0,
          stop: StopFlag | None = None, progress: Progress | None = None) -> Phasing:
    """The best phasing of ``plan`` under ``budget`` (default: the scenario's), within
    about ``time_limit_s`` seconds; ``stop`` ends it early with the best found."""
    budget = budget if budget is not None else scenario.budget
    if budget is None:
        raise ValueError("phase(): the scenario has no [budget] and none was given")
    t0 = time.perf_counter()
    first, last = budget.first_year, budget.last_year
    items = phase_items(scenario, plan, first)
    counties = sorted({it.county for it in items})
    money = {c: [it for it in items if it.county == c and it.needs_money] for c in counties}
    threads = max(1, workers)
    years: dict[str, int | None] = {}
    for it in items:             # no choice: today, co-built, handed over, free works
        if it.funding != TODAY and not it.needs_money:
            years[it.community_id] = it.earliest_year if it.earliest_year <= last else None
    results: dict[str, CountyPhasing] = {}
    for k, county in enumerate(counties):
        left = max(0.1, time_limit_s * 0.8 - (time.perf_counter() - t0))
        share = left * len(money[county]) / max(1, sum(len(money[c]) for c in counties[k:]))
        res = phase_county(county, money[county], county_budget(budget, county),
                           time_limit_s=share, threads=threads, seed=seed, stop=stop)
        results[county] = res
        years.update(res.years)
        if progress is not None:
            progress(ProgressEvent(k + 1, len(counties), 0.0, 0.0,
                                   time.perf_counter() - t0, f"phasing {county}"))
    summary = _summary(scenario, plan, budget, items, years, results)
    need = int(summary["target_count"]) - int(summary["meeting"])
    short = extra_to_target(money, {c: county_budget(budget, c) for c in counties},
                            need + _meeting_money(items, years),
                            time_limit_s=max(0.5, time_limit_s - (time.perf_counter() - t0)),
                            threads=threads, seed=seed, stop=stop) if need > 0 else None
    if short is not None:
        summary.update(extra_to_target_yuan=short.extra_yuan, extra_bound_yuan=short.bound_yuan,
                       extra_status=short.status, extra_by_county=short.by_county)
    summary["time_s"] = round(time.perf_counter() - t0, 3)
    phases = tuple(Phase(it.community_id, years.get(it.community_id), it.remedy,
                         round(it.capex_yuan, 2), it.county, it.households,
                         "budget" if it.funding == BUDGET else it.funding)
                   for it in sorted(items, key=_order(years)) if it.funding != TODAY)
    return Phasing(phases, summary)


def _order(years: dict[str, int | None]) -> Any:
    def key(it: PhaseItem) -> tuple[str, int, str]:
        y = years.get(it.community_id)
        return (it.county, y if y is not None else 10_000, it.community_id)
    return key


def _meeting_money(items: Sequence[PhaseItem], years: dict[str, int | None]) -> int:
    """Counted communities the phasing already funds (the shortfall model re-chooses them)."""
    return sum(1 for it in items if it.needs_money and it.scores
               and years.get(it.community_id) is not None)


def _summary(scenario: Scenario, plan: Plan, budget: Budget, items: list[PhaseItem],
             years: dict[str, int | None], results: dict[str, CountyPhasing]
             ) -> dict[str, Any]:
    first, last = budget.first_year, budget.last_year
    target = scenario.policy.facility_target_share
    met = {it.community_id for it in items if it.reaches
           and (it.funding == TODAY or years.get(it.community_id) is not None)}
    counted = [it for it in items if it.counted]
    meeting = sum(1 for it in counted if it.community_id in met)
    target_count = math.ceil(target * len(counted) - 1e-9)
    scoring = [it for it in counted if it.reaches]
    bound_count = meeting + sum(res.counted_bound - _funded(res, scoring) for res in
                                results.values())
    coms = {c.community_id: c for c in plan.communities}
    span = list(range(first, last + 1))
    counties: dict[str, Any] = {}
    capital = capital_bound = running = 0.0
    for county in sorted({it.county for it in items}):
        mine = [it for it in items if it.county == county]
        yb = county_budget(budget, county)
        spent = spent_by_year(mine, years, yb)
        carried = _carried(yb, spent)
        run = [sum(yearly_cost_yuan(scenario, coms[it.community_id], y) for it in mine)
               for y in span]
        res = results.get(county)
        cap_stage = res.stages[1] if res is not None and len(res.stages) > 1 else None
        c_counted = [it for it in mine if it.counted]
        unfunded = [it for it in mine if it.community_id not in met]
        counties[county] = {
            "budget_yuan": [round(v, 2) for v in yb.yuan],
            "capital_yuan": [round(float(v), 2) for v in spent],
            "carried_yuan": [round(float(v), 2) for v in carried],
            "running_yuan": [round(v, 2) for v in run],
            "communities_by_year": [sum(1 for it in mine if years.get(it.community_id) == y)
                                    for y in span],
            "counted": len(c_counted),
            "meeting": sum(1 for it in c_counted if it.community_id in met),
            "not_by_horizon": len(unfunded),
            "unfunded_capital_yuan": round(float(sum(it.capex_yuan for it in unfunded)), 2),
            "status": res.status if res is not None else Status.OPTIMAL}
        capital += float(spent.sum())
        capital_bound += (float(cap_stage.bound) if cap_stage is not None
                          and math.isfinite(cap_stage.bound) else float(spent.sum()))
        running += sum(run)
    total = capital + running
    bound = min(total, capital_bound + running)
    served = {str(y): sum(it.households for it in items
                          if it.funding == TODAY or _by(years.get(it.community_id), y))
              for y in span}
    unfunded_all = [it for it in items if it.community_id not in met]
    status = Status.OPTIMAL if all(r.status == Status.OPTIMAL for r in results.values()) \
        else Status.FEASIBLE
    return {
        "status": status, "first_year": first, "last_year": last,
        "carry_over": budget.carry_over, "facility_target": target,
        "counted": len(counted), "meeting": meeting, "target_count": target_count,
        "facility_share": round(meeting / len(counted), 6) if counted else 1.0,
        "facility_share_bound": round(bound_count / len(counted), 6) if counted else 1.0,
        "short_communities": max(0, target_count - meeting),
        "not_by_horizon": len(unfunded_all),
        "unfunded_capital_yuan": round(float(sum(it.capex_yuan for it in unfunded_all)), 2),
        "extra_to_target_yuan": 0.0 if meeting >= target_count else None,
        "capital_yuan": round(capital, 2), "running_yuan": round(running, 2),
        "objective": round(total, 2), "bound": round(bound, 2),
        "gap": round((total - bound) / total, 8) if total > 0 else 0.0,
        "households_served_by_year": served, "counties": counties,
        "stages": {c: [{"stage": s.name, "value": s.value, "bound": s.bound,
                        "status": s.status, "time_s": round(s.time_s, 3)} for s in r.stages]
                   for c, r in results.items()},
        "assumptions": ASSUMPTIONS,
    }


def _by(year: int | None, y: int) -> bool:
    return year is not None and year <= y


def _funded(res: CountyPhasing, counted: list[PhaseItem]) -> int:
    ids = {it.community_id for it in counted}
    return sum(1 for cid, y in res.years.items() if y is not None and cid in ids)


def _carried(budget: YearBudget, spent: np.ndarray) -> np.ndarray:
    """Unspent capital moved on at the end of each year (0 without carry-over)."""
    out = np.zeros(len(spent))
    if not budget.carry_over:
        return out
    balance = 0.0
    for t, b in enumerate(budget.yuan):
        balance += b - float(spent[t])
        out[t] = max(0.0, balance)
    return out
