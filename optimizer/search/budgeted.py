"""``solve`` under a ``[budget]``: boundaries solved with capital priced against the
budget, then phased (README, "Phasing: what is joint and what is sequential").

A tight budget can make another plan better (fewer, larger communities in existing
rooms instead of new builds). Pricing capital higher in the boundary objective is the
Lagrangian relaxation of a limit on total capital: the pieces stay independent, so the
search runs unchanged, on a copy of the scenario whose capital prices (renovation,
extension, building, land, purchase, swap credit) are ``factor`` times their cost.

1. The plan without a budget's pressure (factor 1) is solved on a quarter of the time
   and phased. When its phasing reaches FACILITY-95, or a piece of it is starved of
   time (:func:`starved`), that plan is solved again on the rest of the time (the
   better of the two is kept); the second solve keeps the first's pieces proven
   optimal and gives the rest all the time left.
2. Otherwise the rest of the time goes to up to three plans with capital priced
   higher, the factor chosen from the last one's phasing (bisection on a log scale:
   ×5 first; ×2 when that reaches the target, else ×17; then between).

Where a piece of more than the checker's 100 units has a size diagnosis (units above
the maximum: the oversized path, :func:`whole_search`), the plan at cost gets the
whole search at once, as without a [budget]: its SIZE exemptions hold only once its
listing and cores are reached (bench/wild.py seed 67's 237-unit street needs about
108 deterministic s), a quarter always starved it, and the second solve began it
again from nothing (31.8 of 60 s at load 5, where a solve without [budget] gave it
52 s). Capital priced higher is then tried only with time left; the search keeps
back two phasings then, not five (the candidates after it leave theirs from their
share).

Every candidate is priced back at its true costs and phased; the best is the one
whose phasing has the largest share of communities meeting the standard by the last
year, counted up to the target (:func:`plan_key`), then the least annual cost (the
objective without a budget).
The boundaries, centers and remedies are chosen for a price of capital, the years
for the budget: the two are not one model, so the plan is not proven best for the
budget. Its ``bound`` is the plan without a budget's (a true lower bound on any plan's
objective), and ``summary["budget_search"]`` lists the candidates.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from optimizer.graph import Diagnosis, components, diagnose
from optimizer.plan.model import Plan
from optimizer.plan.phasing import Phasing
from optimizer.progress import Progress, ProgressEvent
from optimizer.rules.limits import check_solve_args
from optimizer.rules.solver import SolverParams
from optimizer.scenario.model import Scenario, frozen_array
from optimizer.search import driver
from optimizer.search.assemble import cut_edges_yuan, price
from optimizer.search.attempt import Choice
from optimizer.search.executors import Executor
from optimizer.search.late_first import solve_meeting_target
from optimizer.search.phasing import phase
from optimizer.search.piece_types import PieceResult
from optimizer.search.stop import StopFlag
from optimizer.status import Status

QUICK_SHARE = 0.25          # of the search time, for the plan without pressure at first
CHECKER_UNITS = 100         # the checker's full split search takes pieces this big (past
                            # it, to 400 units, only a quick one: checker/split.steps_for)
                            # (optimizer.checker.split): past it a "no plan" naming no
                            # core is not proven there


def capital_priced(scenario: Scenario, factor: float) -> Scenario:
    """A copy of ``scenario`` whose capital costs ``factor`` times as much (the shadow
    price of a capital budget); running costs and pay unchanged."""
    if factor == 1.0:
        return scenario
    c = scenario.costs
    costs = dataclasses.replace(
        c, renovate_yuan_per_m2=c.renovate_yuan_per_m2 * factor,
        extend_yuan_per_m2=c.extend_yuan_per_m2 * factor,
        build_yuan_per_m2=c.build_yuan_per_m2 * factor,
        land_yuan_per_m2=c.land_yuan_per_m2 * factor,
        swap_credit_yuan_per_m2=c.swap_credit_yuan_per_m2 * factor)
    sites = dataclasses.replace(scenario.sites, price_yuan=frozen_array(
        np.asarray(scenario.sites.price_yuan, dtype=float) * factor, float))
    return dataclasses.replace(scenario, costs=costs, sites=sites)


def reprice(scenario: Scenario, plan: Plan) -> Plan:
    """``plan`` with every community's capital and annual cost, and the totals, at the
    true prices of ``scenario`` (its boundaries, centers and remedies unchanged)."""
    index = scenario.unit_index
    members: dict[str, list[int]] = {}
    for u, c in zip(plan.unit_ids, plan.community, strict=True):
        members.setdefault(c, []).append(index[u])
    sites = scenario.sites
    coms, choices = [], []
    objective = operating = distance = moved = 0.0
    for com in plan.communities:
        # A center short of its need (AREA-PER-HH exempt: rooms coming too small) is
        # priced at its full reach, as the search priced it (Choice.capped); without
        # this the pricing found the need out of reach and raised (bench/wild.py seeds
        # 24 and 163, [budget] present).
        ch = Choice(index[com.site_unit_id], tuple(sorted(members[com.community_id])),
                    com.remedy, sites.index(com.site_id) if com.site_id else None,
                    sites.index(com.swap_site_id) if com.swap_site_id else None,
                    capped=bool(com.site_id)
                    and com.area_after_m2 < com.area_required_m2 - 1e-6)
        p = price(scenario, ch)
        choices.append(ch)
        objective += p.objective_yuan
        operating += p.operating_yuan
        distance += p.distance_yuan
        moved += p.moved_yuan
        coms.append(dataclasses.replace(com, capex_yuan=p.capex_yuan,
                                        annual_cost_yuan=p.annual_yuan))
    cut = cut_edges_yuan(scenario, choices)
    annual = sum(c.annual_cost_yuan for c in coms)
    summary = dict(plan.summary)
    summary.update(total_capex_yuan=round(sum(c.capex_yuan for c in coms), 2),
                   total_annual_cost_yuan=round(annual, 2))
    if isinstance(summary.get("terms"), dict):
        summary["terms"] = {**summary["terms"], "operating_yuan": round(operating, 2),
                            "facility_yuan": round(annual - operating, 2),
                            "distance_yuan": round(distance, 2),
                            "moved_yuan": round(moved, 2), "cut_edges_yuan": round(cut, 2)}
    return dataclasses.replace(plan, communities=tuple(coms), summary=summary,
                               objective=round(objective + cut, 2))


@dataclasses.dataclass
class _Candidate:
    factor: float
    plan: Plan
    phasing: Phasing
    time_s: float
    pieces: dict[int, PieceResult] = dataclasses.field(default_factory=dict)
    kept: int = 0           # pieces kept from an earlier solve at cost

    @property
    def reached(self) -> bool:
        s = self.phasing.summary
        return int(s["meeting"]) >= int(s["target_count"])

    @property
    def starved(self) -> bool:
        """Whether a piece of the plan has no plan within the bounds for want of time
        (a "none found in time" exemption, which the checker rejects)."""
        return starved(self.plan)

    def key(self) -> tuple[float, float]:
        return plan_key(self.plan, self.phasing)

    def row(self) -> dict[str, Any]:
        s = self.phasing.summary
        return {"capital_factor": self.factor, "objective": self.plan.objective,
                "bound_priced": self.plan.bound, "status": self.plan.status.value,
                "capex_yuan": self.plan.summary["total_capex_yuan"],
                "meeting": s["meeting"], "counted": s["counted"],
                "facility_share": s["facility_share"], "time_s": round(self.time_s, 3),
                "pieces_kept": self.kept}


def candidate_plans(scenario: Scenario, factors: Sequence[float], time_limit_s: float, *,
                    workers: int = 1, seed: int = 0, stop: StopFlag | None = None,
                    progress: Progress | None = None) -> list[tuple[float, Plan]]:
    """One plan per capital price in ``factors`` (time split evenly), each priced back
    at the true costs; fewer when ``stop`` is set (the first is always solved)."""
    t0 = time.perf_counter()
    out: list[tuple[float, Plan]] = []
    diagnoses = tuple(diagnose(scenario))     # prices change, the diagnosis does not
    for k, factor in enumerate(factors):
        if out and stop is not None and stop.is_set():
            break
        left = time_limit_s - (time.perf_counter() - t0)
        got = driver.solve(capital_priced(scenario, factor),
                           time_limit_s=max(0.5, left / (len(factors) - k)), workers=workers,
                           seed=seed, progress=_labelled(progress, factor, t0), stop=stop,
                           diagnoses=diagnoses)
        out.append((factor, reprice(scenario, got) if factor != 1.0 else got))
    return out


def _labelled(progress: Progress | None, factor: float, t0: float) -> Progress | None:
    """``progress`` with each event saying which capital price is being solved."""
    if progress is None:
        return None
    label = "capital at cost" if factor == 1.0 else f"capital priced ×{factor:.3g}"

    def tell(event: ProgressEvent) -> None:
        progress(dataclasses.replace(event, elapsed_s=time.perf_counter() - t0,
                                     current=f"[{label}] {event.current}"))
    return tell


def starved(plan: Plan) -> bool:
    """Whether a community of ``plan`` carries a "no plan found" exemption not proven
    (the search ran out of time: optimizer.plan.exemption.Exemption.proven), or a
    proven one naming no core in a piece the clock stopped or past the checker's 100
    units: a listed street with no partition whose cores' plan was not reached keeps
    the soft plan's words, which the checker cannot prove there (bench/wild.py seed 93
    stopped; seed 123 at load 4 `soft` within its 12-s candidate). A core's exemption
    is the checker's to prove: not starved, stopped or not."""
    stopped = set(plan.summary.get("clock_stopped") or ())
    return any(r.kind == "no-plan" and (not r.proven or r.named is None and (
        r.n_units > CHECKER_UNITS or f"{c.county} / {c.street} / {c.kind}" in stopped))
               for c in plan.communities for r in c.reasons)


def whole_search(scenario: Scenario, diagnoses: Sequence[Diagnosis] | None = None) -> bool:
    """Whether the plan at cost gets the whole search at once (module docstring): a
    piece of more than the checker's 100 units has a size diagnosis (it goes the
    oversized or soft path, whose SIZE exemptions the checker proves only from the
    listing's cores, SIZE-URBAN / SIZE-RURAL). ``diagnoses``: ``diagnose(scenario)``
    when the caller has it."""
    comps = components(scenario)
    if all(len(c.units) <= CHECKER_UNITS for c in comps):
        return False        # the diagnosis took 1.9 and 4.5 s on wild 296 and 317 (load 9)
    return any(len(comps[k].units) > CHECKER_UNITS
               for k in driver.size_diagnosed(scenario, comps, diagnoses))


def settled(res: PieceResult) -> bool:
    """Whether a piece's result stands for any later solve of the same scenario and
    seed: proven optimal, not stopped by the clock or the memory budget (more time
    cannot give a cheaper plan)."""
    return res.status is Status.OPTIMAL and not res.clock_stopped and not res.memory_stopped


def plan_key(plan: Plan, phasing: Phasing) -> tuple[float, float]:
    """How candidate plans under a budget compare (larger is better): the share of
    communities meeting the standard by the last year, counted up to the FACILITY-95
    target (beyond it more is not worth a dearer plan), then the least annual cost.
    A share, not a count: plans of fewer communities need fewer to reach the target."""
    s = phasing.summary
    share = min(float(s["facility_share"]), float(s["facility_target"]))
    return (round(share, 9), -float(plan.objective or 0.0))


def _next_factor(tried: list[_Candidate]) -> float:
    """The next capital factor to try: a bisection on a log scale between the largest
    factor short of the target and the smallest that reaches it."""
    low = max((c.factor for c in tried if not c.reached), default=1.0)
    high = min((c.factor for c in tried if c.reached), default=math.inf)
    if high == math.inf:
        return 5.0 if low < 5.0 else low * 3.4
    return math.sqrt(low * high) if high / low > 1.2 else math.nan


def solve(scenario: Scenario, params: SolverParams | None = None, *,
          time_limit_s: float | None = None, workers: int | None = None,
          seed: int | None = None, progress: Progress | None = None,
          checkpoint: str | Path | None = None, executor: Executor | None = None,
          memory_gb: float | None = None, stop: StopFlag | None = None,
          ends_by: float | None = None) -> Plan:
    """The plan of :func:`optimizer.search.driver.solve` (same arguments); under a
    ``[budget]`` chosen for the budget and phased (module docstring), the Plan
    carrying its :class:`~optimizer.plan.phasing.Phasing`. ``ends_by`` (the command
    line's end: its process's start plus the limit, less checking and writing) caps
    the limit the budget's candidates share, and each candidate's clock: without it
    a budget scenario's process ran 2-3 s past ``--time-limit`` (its start and the
    plan's check and write were not counted; bench/wild.py, seed 3)."""
    if params is not None:
        scenario = dataclasses.replace(scenario, solver=params)
    if scenario.budget is None:     # FACILITY-95's late rooms: marked first, or a second try
        return solve_meeting_target(driver.solve, scenario, time_limit_s=time_limit_s,
                                    workers=workers, seed=seed, progress=progress,
                                    checkpoint=checkpoint, executor=executor,
                                    memory_gb=memory_gb, stop=stop, ends_by=ends_by)
    t0 = time.perf_counter()
    p = scenario.solver
    limit = p.time_limit_s if time_limit_s is None else time_limit_s
    n_workers = p.workers if workers is None else workers
    seed = p.seed if seed is None else seed
    check_solve_args(limit, n_workers, seed, memory_gb)
    limit = float(limit) if ends_by is None else max(0.5, min(float(limit), ends_by - t0))
    stop = stop if stop is not None else StopFlag()
    phase_s = max(0.5, min(10.0, 0.03 * limit))
    # Once for every candidate: they differ in prices only, which the diagnosis does
    # not read (each diagnosed again took 1.9-4.5 s on wild 296 and 317 at load 9).
    diagnoses = tuple(diagnose(scenario))
    whole = whole_search(scenario, diagnoses)
    # Five phasings kept back: at most five candidates. Solved whole, the plan at cost
    # keeps back its own and one more; a later candidate's share leaves the rest of
    # its phasings (below), so the limit holds either way.
    spare = 2 if whole else 5
    search_s = max(0.5 * limit, limit - spare * phase_s)
    tried: list[_Candidate] = []

    def run(factor: float, share_s: float, keep: bool,
            reuse: dict[int, PieceResult] | None = None) -> _Candidate:
        t1 = time.perf_counter()
        pieces: dict[int, PieceResult] = {}
        got = driver.solve(capital_priced(scenario, factor), time_limit_s=max(0.5, share_s),
                           workers=n_workers, seed=seed, progress=_labelled(progress, factor, t0),
                           checkpoint=checkpoint if keep else None, executor=executor,
                           memory_gb=memory_gb, stop=stop, ends_by=ends_by, reuse=reuse,
                           results_out=pieces, diagnoses=diagnoses)
        plan = reprice(scenario, got) if factor != 1.0 else got
        phasing = phase(scenario, plan, time_limit_s=phase_s, workers=1, seed=seed,
                        stop=stop)
        cand = _Candidate(factor, plan, phasing, time.perf_counter() - t1, pieces,
                          len(reuse or ()))
        tried.append(cand)
        return cand

    first = run(1.0, search_s if whole else QUICK_SHARE * search_s, keep=whole)
    rest = search_s - (time.perf_counter() - t0)
    if not stop.is_set() and rest >= 1.0:
        if first.reached or first.starved:
            # Starved: a piece got no plan within the bounds in the quarter (its
            # exemption "none found in time" fails the check). The candidates priced
            # higher would each get a third of the rest, less a worker pool's start
            # each (5-10 s at load 7): bench/wild.py seeds 67, 93, 123 at 60 s, whose
            # big streets got 3-9 s a candidate. The rest goes to the plan at cost,
            # less its pieces already proven optimal (kept: solved once).
            kept = {k: r for k, r in first.pieces.items() if settled(r)}
            run(1.0, rest, keep=True, reuse=kept)
        else:
            for k in range(3):
                factor = _next_factor(tried)
                # candidate k and the ones after it: 3 - k phasings, spare - 1 kept back
                left = search_s - (time.perf_counter() - t0) \
                    - max(0, 3 - k - (spare - 1)) * phase_s
                if stop.is_set() or math.isnan(factor) or left < 1.0:
                    break
                run(factor, left / (3 - k), keep=False)
    # A plan with a piece starved of time fails its check: any other comes first.
    best = max(tried, key=lambda c: (not c.starved, *c.key()))
    return _finish(best, tried, time.perf_counter() - t0, stop.is_set())


def _finish(best: _Candidate, tried: list[_Candidate], elapsed: float,
            interrupted: bool) -> Plan:
    plan = best.plan
    s = dict(plan.summary)
    # every plan solved at cost proves a lower bound on any plan's objective
    floor = max(float(c.plan.bound or 0.0) for c in tried if c.factor == 1.0)
    obj = float(plan.objective or 0.0)
    bound = min(obj, floor)
    status = plan.status if best.factor == 1.0 and not interrupted else Status.FEASIBLE
    s.update(solve_time_s=round(elapsed, 3),
             budget_search={
                 "chosen_capital_factor": best.factor,
                 "candidates": [c.row() for c in tried],
                 "note": "boundaries solved with capital priced at the factor, then phased "
                         "(sequential); bound: the plan without a budget's, a lower bound "
                         "on any plan"})
    return dataclasses.replace(
        plan, summary=s, status=status, bound=round(bound, 2), interrupted=interrupted,
        gap=round((obj - bound) / obj, 8) if obj > 0 else 0.0).with_phasing(best.phasing)
