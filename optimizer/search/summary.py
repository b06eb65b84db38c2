"""Assemble the pieces' results into one Plan with honest totals."""

from __future__ import annotations

from optimizer.model.piece import piece_data
from optimizer.plan.model import Community, Plan
from optimizer.plan.naming import with_names_and_services
from optimizer.rules.remedy import annual_cost_yuan
from optimizer.scenario.model import Scenario
from optimizer.search.assemble import communities, cut_edges_yuan, price, unit_order
from optimizer.search.piece import PieceResult, PieceTask

VERSION = "0.1.0"


def horizon_total(scenario: Scenario, comms: list[Community]) -> float:
    """Every community's running costs over the plan years, each year's own (yuan)."""
    pol, costs = scenario.policy, scenario.costs
    return sum(annual_cost_yuan(c.households, c.kind == "urban", y, c.capex_yuan,
                                c.area_after_m2, pol, costs)
               for c in comms for y in scenario.plan_years)


def build_plan(scenario: Scenario, tasks: list[PieceTask], results: list[PieceResult],
               elapsed: float, seed: int, workers: int, limit: float,
               interrupted: bool) -> Plan:
    rows = []
    pieces = []
    objective = bound = 0.0
    years = scenario.plan_years
    priced_all = []
    for task, res in zip(tasks, results, strict=True):
        data = piece_data(scenario, task.key, task.units)
        priced = [price(scenario, ch) for ch in res.choices]
        priced_all += priced
        obj = sum(p.objective_yuan for p in priced) + cut_edges_yuan(scenario, res.choices)
        b = max(0.0, min(obj, res.bound))
        objective += obj
        bound += b
        rows += [(p, ex, data) for p, ex in zip(priced, res.exemptions, strict=True)]
        pieces.append({"key": " / ".join(task.key), "units": data.n, "households": data.total,
                       "status": res.status, "method": res.method,
                       "objective": round(obj, 2), "bound": round(b, 2),
                       "time_s": round(res.time_s, 3), "used_s": round(res.used_s, 3),
                       "clock_stopped": res.clock_stopped})
    comms, unit_comm, unit_grid, shares = communities(scenario, rows)
    order = unit_order(scenario, unit_comm)
    comms, name_notes = with_names_and_services(scenario, comms, order)
    statuses = {r.status for r in results}
    status = "OPTIMAL" if statuses == {"OPTIMAL"} and not interrupted else "FEASIBLE"
    summary = {
        "scenario": scenario.name,
        "status": status,
        "objective": round(objective, 2),
        "bound": round(bound, 2),
        "gap": round((objective - bound) / objective, 8) if objective > 0 else 0.0,
        "solve_time_s": round(elapsed, 3),
        "n_units": scenario.n_units,
        "n_communities": len(comms),
        "households": int(sum(c.households for c in comms)),
        "total_capex_yuan": round(sum(c.capex_yuan for c in comms), 2),
        "total_annual_cost_yuan": round(sum(c.annual_cost_yuan for c in comms), 2),
        "seed": seed,
        "version": VERSION,
        "terms": {
            "operating_yuan": round(sum(p.operating_yuan for p in priced_all), 2),
            "facility_yuan": round(sum(p.facility_yuan for p in priced_all), 2),
            "distance_yuan": round(sum(p.distance_yuan for p in priced_all), 2),
            "moved_yuan": round(sum(p.moved_yuan for p in priced_all), 2),
            "cut_edges_yuan": round(sum(cut_edges_yuan(scenario, r.choices)
                                        for r in results), 2),
        },
        "households_moved": int(sum(p.moved_households for p in priced_all)),
        "workers": workers,
        "time_limit_s": limit,
        "interrupted": interrupted,
        # Pieces the clock stopped at the time limit (optimizer.search.clock). With one
        # worker the plan is reproducible only when this is empty ("deterministic").
        "clock_stopped": [" / ".join(t.key) for t, r in zip(tasks, results, strict=True)
                          if r.clock_stopped],
        "deterministic": workers == 1 and not interrupted
        and not any(r.clock_stopped or "memory budget" in r.method for r in results),
        "exemptions": [{"component": " / ".join(t.key), "reason": r.reason}
                       for t, r in zip(tasks, results, strict=True) if r.reason],
        "components": pieces,
        "assumptions": "full-time staff by workload: min(5, max(3, ceil(households / "
                       f"{scenario.policy.households_per_staff}))) (our assumption, not the "
                       "opinion's); employer social insurance "
                       f"{scenario.costs.social_insurance_rate:.0%} of pay (SOCIAL-INS, our "
                       "assumption); costs per optimizer/rules/costs.py unless overridden",
        # The objective is the cost per year averaged over these years (FUND-URBAN's
        # growth, each year's pay on the previous year's wage, SOCIAL-INS), plus the
        # secondary terms per year (optimizer.rules.remedy).
        "plan_years": [years[0], years[-1]],
        "total_horizon_cost_yuan": round(horizon_total(scenario, comms), 2),
    }
    if name_notes:
        summary["notes"] = name_notes
    return Plan(scenario=scenario.name, unit_ids=scenario.unit_ids,
                community=order, grid=unit_order(scenario, unit_grid),
                communities=tuple(comms), summary=summary, grid_shares=tuple(shares))
