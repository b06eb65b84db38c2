"""``solve(scenario) -> Plan``: decompose, solve each piece, assemble, never a bare
INFEASIBLE.

Each (county, street, kind) connected component is independent (a site stands in
one unit, a unit in one component). Per component:

1. the contiguous model (shortest-path ordering) finds the plan;
2. the exact model (contiguity by flow: precisely the connected communities) is
   solved from that plan as a hint; its bound is the one reported, so the bound is
   a true lower bound, and a better plan it finds replaces the first;
3. a component the diagnosis proves impossible, or that the solver proves
   infeasible, is solved with penalized bounds: the plan that breaks them least,
   with the broken rule in ``exemption``.
"""

from __future__ import annotations

import contextlib
import math
import os
import signal
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

from optimizer.errors import SolveError
from optimizer.graph import Diagnosis, components, diagnose
from optimizer.model.component import ComponentData, component_data
from optimizer.plan import Plan
from optimizer.progress import Progress, ProgressEvent
from optimizer.scenario.model import Scenario
from optimizer.search.assemble import Priced, communities, price, unit_order
from optimizer.search.component import Attempt, StopFlag, penalty_yuan, run_model

VERSION = "0.1.0"
RELAX_SHARE = 0.3   # of a component's time spent proving the bound


@dataclass(frozen=True)
class ComponentOutcome:
    data: ComponentData
    priced: tuple[Priced, ...]
    exemptions: tuple[str, ...]     # per community, "" when none
    status: str
    objective: float
    bound: float
    time_s: float
    reason: str = ""                # why exemptions were needed


def solve(scenario: Scenario, *, time_limit_s: float | None = None, workers: int | None = None,
          seed: int | None = None, progress: Progress | None = None) -> Plan:
    """The cheapest plan found for ``scenario`` within ``time_limit_s`` seconds.

    Ctrl-C (SIGINT) stops the search: finished components keep their plan, the rest
    get their first feasible plan, and the whole plan is returned.
    """
    params = scenario.solver
    limit = params.time_limit_s if time_limit_s is None else float(time_limit_s)
    n_workers = params.workers if workers is None else int(workers)
    if n_workers <= 0:
        n_workers = os.cpu_count() or 1
    seed = params.seed if seed is None else int(seed)
    comps = components(scenario)
    if not comps:
        raise SolveError("the scenario has no units to plan")
    diags = _diagnoses_by_component(scenario, comps)
    datas = [component_data(scenario, c.key, c.units) for c in comps]
    weights = [max(1.0, float(d.n)) for d in datas]
    stop = StopFlag()
    t0 = time.perf_counter()
    outcomes: list[ComponentOutcome] = []
    with _sigint_stops(stop):
        for idx, data in enumerate(datas):
            left = max(0.0, limit - (time.perf_counter() - t0))
            share = left * weights[idx] / sum(weights[idx:])
            outcomes.append(_solve_component(scenario, data, diags.get(idx), share,
                                             n_workers, seed, stop))
            if progress is not None:
                progress(ProgressEvent(idx + 1, len(datas),
                                       sum(o.objective for o in outcomes),
                                       sum(o.bound for o in outcomes),
                                       time.perf_counter() - t0,
                                       " / ".join(data.key)))
    return _plan(scenario, outcomes, time.perf_counter() - t0, seed, n_workers, limit,
                 stop.is_set())


def _solve_component(scenario: Scenario, data: ComponentData, diag: Diagnosis | None,
                     budget: float, workers: int, seed: int, stop: StopFlag) -> ComponentOutcome:
    hurry = stop.is_set()
    budget = max(budget, 0.2)
    if diag is None:
        hard = run_model(scenario, data, contiguity="order", soft=False,
                         time_s=budget * (1 - RELAX_SHARE), workers=workers, seed=seed,
                         stop=stop, first_only=hurry)
        if hard.status == "UNKNOWN" and not hard.choices:
            # No plan in time: try once more, stopping at the first feasible plan.
            hard = run_model(scenario, data, contiguity="order", soft=False,
                             time_s=max(budget, 5.0), workers=workers, seed=seed,
                             stop=StopFlag(), first_only=True)
        if hard.choices:
            return _hard_outcome(scenario, data, hard, budget, workers, seed, stop)
        rule = scenario.policy.size_rule(data.urban)
        reason = (f"{rule}: the solver found no partition of this piece into contiguous "
                  f"communities of {data.lo:,}-{data.hi:,} households "
                  f"({'proved impossible' if hard.status == 'INFEASIBLE' else 'none found in time'}"
                  f" under shortest-path contiguity); the plan below breaks the bounds least")
    else:
        reason = f"{diag.rule}: {diag.message}"
    soft = run_model(scenario, data, contiguity="order", soft=True, time_s=max(budget, 1.0),
                     workers=workers, seed=seed, stop=StopFlag() if hurry else stop)
    if not soft.choices:
        raise SolveError(f"no plan at all for {' / '.join(data.key)} "
                         f"({data.n} units, {data.total:,} households): {reason}")
    priced = tuple(price(scenario, ch) for ch in soft.choices)
    exemptions = tuple(
        reason if not (data.lo <= p.households <= data.hi) else "" for p in priced)
    objective = sum(p.objective_yuan for p in priced)
    # Valid for every plan breaking the bounds no more than this one does.
    bound = min(objective, max(0.0, soft.bound_yuan - penalty_yuan(soft.violation)))
    status = "OPTIMAL" if soft.status == "OPTIMAL" else soft.status
    return ComponentOutcome(data, priced, exemptions, status, objective, bound, soft.time_s,
                            reason)


def _hard_outcome(scenario: Scenario, data: ComponentData, hard: Attempt, budget: float,
                  workers: int, seed: int, stop: StopFlag) -> ComponentOutcome:
    spent = hard.time_s
    # The exact flow model starts from the ordering plan: its bound is the one we
    # report, and any better plan it finds is contiguous and taken.
    exact = run_model(scenario, data, contiguity="flow", soft=False,
                      time_s=max(0.2, budget - spent), workers=workers, seed=seed,
                      stop=stop, hint=hard.choices)
    spent += exact.time_s
    best = hard
    if exact.choices and exact.objective_yuan < hard.objective_yuan - 1e-6:
        best = exact
    priced = tuple(price(scenario, ch) for ch in best.choices)
    objective = sum(p.objective_yuan for p in priced)
    bound = exact.bound_yuan if math.isfinite(exact.bound_yuan) else 0.0
    bound = min(objective, max(0.0, bound))
    proven = exact.status == "OPTIMAL" and exact.objective_yuan >= best.objective_yuan - 1e-6
    status = "OPTIMAL" if proven else "FEASIBLE"
    return ComponentOutcome(data, priced, tuple("" for _ in priced), status, objective, bound,
                            spent)


def _diagnoses_by_component(scenario: Scenario, comps: list) -> dict[int, Diagnosis]:
    where = {}
    for idx, c in enumerate(comps):
        for u in c.units.tolist():
            where[scenario.unit_ids[u]] = idx
    out: dict[int, Diagnosis] = {}
    for d in diagnose(scenario):
        for uid in d.units:
            if uid in where:
                out.setdefault(where[uid], d)
                break
    return out


@contextlib.contextmanager
def _sigint_stops(stop: StopFlag) -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGINT)
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _plan(scenario: Scenario, outcomes: list[ComponentOutcome], elapsed: float, seed: int,
          workers: int, limit: float, interrupted: bool) -> Plan:
    rows = [(p, ex, o.data) for o in outcomes for p, ex in zip(o.priced, o.exemptions,
                                                                   strict=True)]
    comms, unit_comm, unit_grid = communities(scenario, rows)
    objective = sum(o.objective for o in outcomes)
    bound = sum(o.bound for o in outcomes)
    statuses = {o.status for o in outcomes}
    status = "OPTIMAL" if statuses == {"OPTIMAL"} and not interrupted else "FEASIBLE"
    priced = [p for o in outcomes for p in o.priced]
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
            "operating_yuan": round(sum(p.operating_yuan for p in priced), 2),
            "facility_yuan": round(sum(p.annual_yuan - p.operating_yuan for p in priced), 2),
            "distance_yuan": round(sum(p.distance_yuan for p in priced), 2),
            "moved_yuan": round(sum(p.moved_yuan for p in priced), 2),
        },
        "households_moved": int(sum(p.moved_households for p in priced)),
        "workers": workers,
        "time_limit_s": limit,
        "interrupted": interrupted,
        "exemptions": [{"component": " / ".join(o.data.key), "reason": o.reason}
                       for o in outcomes if o.reason],
        "components": [{"key": " / ".join(o.data.key), "units": o.data.n,
                        "households": o.data.total, "status": o.status,
                        "objective": round(o.objective, 2), "bound": round(o.bound, 2)}
                       for o in outcomes],
        "assumptions": "full-time staff by workload: min(5, max(3, ceil(households / "
                       f"{scenario.policy.households_per_staff}))) (our assumption, not the "
                       "opinion's); costs per optimizer/costs.py unless overridden",
    }
    return Plan(scenario=scenario.name, unit_ids=scenario.unit_ids,
                community=unit_order(scenario, unit_comm), grid=unit_order(scenario, unit_grid),
                communities=tuple(comms), summary=summary)
