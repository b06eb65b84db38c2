"""Solve one component (a "piece"): pick the method by size, never return nothing.

- pieces whose possible communities can all be listed (search/columns.py): the
  proven optimum by set partitioning over them;
- small pieces: CP-SAT with shortest-path ordering for a plan, then the exact flow
  model from that plan for a true bound (and any better plan it finds);
- large pieces: region growing, neighbourhood search over adjacent communities, and
  the bound of the "adjacent" relaxation started from that plan (for pieces too large
  for any whole-piece model, a bound by arithmetic, see optimizer/model/bounds.py);
- pieces the diagnosis (or the solver) proves impossible: penalized bounds, the
  plan that breaks them least, with the broken rule as exemption.

Runs in a worker process or in the caller's; everything it returns is plain data.
"""

from __future__ import annotations

import dataclasses
import math
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from optimizer.diagnosis import Diagnosis
from optimizer.graph import feasible_community_counts, is_connected
from optimizer.locks import Locks
from optimizer.model.bounds import arithmetic_bound
from optimizer.model.component import ComponentData, component_data, reach
from optimizer.model.lagrange import lagrangian_bound
from optimizer.scenario.model import Scenario
from optimizer.search.assemble import cut_edges_yuan, price
from optimizer.search.columns import plan_by_columns
from optimizer.search.component import Attempt, Choice, StopFlag, penalty_yuan, run_model
from optimizer.search.heuristic import best_choice, grow_regions
from optimizer.search.lns import SUB_TIME_S, improve

SMALL_X = 12000         # Σ over centers of the units they reach: exact model below this
FLOW_X = 2500           # ... and the flow model (exact contiguity) for the bound below this
MAX_COUNTS = 4          # try each number of communities one by one when there are few
BOUND_X = 80000         # above this no whole-piece model is built (memory): arithmetic bound
ORDER_SHARE = 0.5       # of a small piece's time spent on the ordering model
LNS_SHARE = 0.4         # of a large piece's time spent on the neighbourhood search
FEWER_SHARE = 0.25      # of a large piece's time spent seeking a plan with fewer communities
FIRST_PLAN_S = 5.0      # the least time the exact model gets when nothing else found a plan
LAG_STEPS = 400         # subgradient steps of the Lagrangian floor (converged to 0.01%)
LAG_CAP_S = 120.0       # guard on it in deterministic mode (the steps end it first)


@dataclass(frozen=True)
class PieceTask:
    index: int
    key: tuple[str, str, str]
    units: np.ndarray
    diagnosis: Diagnosis | None
    budget_s: float
    seed: int
    threads: int
    deterministic: bool = True     # limits in deterministic time (same plan on any load)
    locks: Locks | None = None     # the planner's locks touching this piece


@dataclass(frozen=True)
class PieceResult:
    index: int
    choices: tuple[Choice, ...]
    exemptions: tuple[str, ...]
    status: str
    bound: float            # a true lower bound on this piece's objective (yuan/year)
    time_s: float
    method: str
    reason: str = ""


def solve_piece(scenario: Scenario, task: PieceTask, stop: StopFlag) -> PieceResult:
    t0 = time.perf_counter()
    data = component_data(scenario, task.key, task.units)
    res, reserve = _solve(scenario, data, task, stop)
    if not res.reason and res.status != "OPTIMAL":
        # Floors valid for every plan obeying the household bounds, under a search that
        # ran out of time before proving much: arithmetic (instant) and Lagrangian
        # (capacitated facility location over reach; 0.4-7.5% gap on 300-1,400-unit
        # rural pieces where the arithmetic one leaves 37-44%, bench/bounds.py).
        # The Lagrangian stops after a fixed number of steps, so it is deterministic;
        # its time cap is only a guard.
        floor = arithmetic_bound(scenario, data)
        if not stop.is_set():
            # The reserve buys all 400 steps; a starved budget fewer (by count when
            # deterministic, so the bound does not depend on the machine's load).
            share = reserve / _lag_time(data.n)
            steps = max(10, int(LAG_STEPS * min(1.0, share)))
            cap = LAG_CAP_S if task.deterministic else max(reserve, 0.5)
            floor = max(floor, lagrangian_bound(scenario, data, time_s=cap, max_iter=steps,
                                                stop=stop))
        res = dataclasses.replace(res, bound=max(res.bound, floor))
    return dataclasses.replace(res, time_s=time.perf_counter() - t0)


def _lag_time(n: int) -> float:
    """The Lagrangian bound's measured time on n units (bench/bounds.py: 1.5-4 s for
    280-490 units, 17 s for 1,400), with set-up."""
    return 1.0 + 0.015 * n


def _solve(scenario: Scenario, data: ComponentData, task: PieceTask, stop: StopFlag
           ) -> tuple[PieceResult, float]:
    """The piece's result and the time set aside for its Lagrangian floor."""
    if task.diagnosis is not None:
        return _soft(scenario, data, task, stop, f"{task.diagnosis.rule}: "
                                                 f"{task.diagnosis.message}"), 0.0
    if not task.locks:
        done, task = _by_columns(scenario, data, task, stop)
        if done is not None:
            return done, 0.0
    # Time for the Lagrangian floor (solve_piece) comes out of the models' budget.
    reserve = min(0.25 * task.budget_s, _lag_time(data.n))
    task = dataclasses.replace(task, budget_s=task.budget_s - reserve)
    size = _model_size(data, BOUND_X + 1)
    if size <= SMALL_X or task.locks:
        return _exact(scenario, data, task, stop,
                      "flow" if size <= FLOW_X else "adjacent"), reserve
    return _large(scenario, data, task, stop, size), reserve


def _by_columns(scenario: Scenario, data: ComponentData, task: PieceTask, stop: StopFlag
                ) -> tuple[PieceResult | None, PieceTask]:
    """The proven optimum over every possible community when they can all be listed
    (search/columns.py); else None and the task with what is left of its budget."""
    got = plan_by_columns(scenario, data, budget_s=task.budget_s, workers=task.threads,
                          seed=task.seed, deterministic=task.deterministic, stop=stop,
                          hint=lambda: _heuristic(scenario, data))
    if got is None:
        return None, task
    rest = dataclasses.replace(task, budget_s=max(0.2, task.budget_s - got.used_s))
    if got.status == "INFEASIBLE":      # every possible community listed: none partitions
        why = f"proved impossible: no partition into its {got.columns:,} possible communities"
        return _soft(scenario, data, rest, stop, _no_plan_reason(scenario, data, why)), rest
    if not got.choices:
        return None, rest               # no plan in time: the models, with the time left
    return PieceResult(task.index, got.choices, ("",) * len(got.choices), got.status,
                       got.bound_yuan, got.used_s, f"columns({got.columns})"), rest


def _exact(scenario: Scenario, data: ComponentData, task: PieceTask, stop: StopFlag,
           relaxation: str) -> PieceResult:
    """Plans by the ordering model and bounds by a relaxation, once per possible
    number of communities: the count drives the cost, and a search free to choose it
    tends to stay at the count of its first plan (a 24-unit urban street: 4.44 M yuan
    with six communities free, 4.25 M with five fixed)."""
    hurry = stop.is_set()
    start = None if task.locks else _heuristic(scenario, data)
    ks = _counts(data, task)
    best: tuple[float, tuple[Choice, ...]] | None = None
    spent = 0.0
    infeasible = True
    for k in ks:
        hint = _fits(start, k) or _fits(best[1] if best else None, k)
        hard = _run(scenario, data, task, contiguity="order", soft=False,
                    count=(k, k) if k is not None else None, stop=stop, hint=hint,
                    time_s=task.budget_s * ORDER_SHARE / len(ks), first_only=hurry)
        spent += hard.used_s
        infeasible &= hard.status == "INFEASIBLE"
        if hard.choices and (best is None or hard.objective_yuan < best[0]):
            best = (hard.objective_yuan, hard.choices)
    if best is None and start is not None:
        best = (_cost(scenario, start), start)
    if best is None:
        if infeasible and task.locks:
            _explain_locks(scenario, data, task)
        # The ordering model admits fewer shapes than contiguity does: ask the exact one.
        # At least FIRST_PLAN_S: a piece gone soft for want of time gets an exemption
        # the checker (rightly) rejects.
        exact = _run(scenario, data, task, contiguity="flow", soft=False,
                     time_s=max(FIRST_PLAN_S, task.budget_s - spent), stop=stop)
        if not exact.choices:
            why = ("proved impossible by the exact model" if exact.status == "INFEASIBLE"
                   else "none found in time")
            return _soft(scenario, data, task, stop, _no_plan_reason(scenario, data, why))
        best = (exact.objective_yuan, exact.choices)
    # Bounds from a model that admits every connected community (exact flow on small
    # pieces, the "adjacent" relaxation on larger ones), per count: the piece's bound
    # is the least of them. A better plan a relaxation finds is taken when connected.
    bounds: list[float] = []
    proven = True
    share = max(0.2, task.budget_s - spent) / len(ks)
    for k in ks:
        rel = _run(scenario, data, task, contiguity=relaxation, soft=False, stop=stop,
                   count=(k, k) if k is not None else None, hint=_fits(best[1], k),
                   time_s=share)
        spent += rel.used_s
        if rel.status == "INFEASIBLE":
            continue
        bounds.append(rel.bound_yuan if math.isfinite(rel.bound_yuan) else 0.0)
        if rel.choices and rel.objective_yuan < best[0] - 1e-6 \
                and all(is_connected(ch.members, scenario.neighbours) for ch in rel.choices):
            best = (rel.objective_yuan, rel.choices)
        proven &= rel.status == "OPTIMAL" and rel.objective_yuan >= best[0] - 1e-6
    bound = min(bounds) if bounds else best[0]
    choices = best[1]
    return PieceResult(task.index, tuple(choices), tuple("" for _ in choices),
                       "OPTIMAL" if proven else "FEASIBLE", bound, spent,
                       "exact(k=" + ",".join(str(k) for k in ks) + ")")


def _fits(plan: tuple[Choice, ...] | None, k: int | None) -> tuple[Choice, ...] | None:
    """``plan`` when it has ``k`` communities (any number for None), else None."""
    return plan if plan is not None and (k is None or len(plan) == k) else None


def _counts(data: ComponentData, task: PieceTask) -> list[int | None]:
    """The numbers of communities to try one by one ([None]: let the model choose)."""
    if task.locks and task.locks.count_of(task.key[1]) is not None:
        return [None]           # the lock fixes the count already
    lo = max(1, -(-data.total // data.hi))
    hi = data.total // max(1, data.lo)
    if hi < lo or hi - lo + 1 > MAX_COUNTS:
        return [None]
    return list(range(lo, hi + 1))


def _large(scenario: Scenario, data: ComponentData, task: PieceTask, stop: StopFlag,
           size: int) -> PieceResult:
    whole = size <= BOUND_X     # small enough for one model of the whole piece
    start = _heuristic(scenario, data)
    spent = 0.0
    if start is None and whole:
        first = _run(scenario, data, task, contiguity="order", soft=False,
                     time_s=task.budget_s * 0.5, stop=stop, first_only=True)
        spent += first.used_s
        start = first.choices or None
    counts = feasible_community_counts(data.total, data.lo, data.hi)
    k_lo = counts[0] if counts else 1
    if whole and start is not None and len(start) > k_lo and not stop.is_set():
        # One community fewer saves its fixed costs, which no local move can find (the
        # slack must cross the whole piece): ask the ordering model for a plan with the
        # fewest communities (a 212-unit rural town: 3.02 M yuan as 7 against 3.13 M as
        # 8 after a minute of neighbourhood search).
        fewer = _run(scenario, data, task, contiguity="order", soft=False,
                     count=(k_lo, k_lo), time_s=task.budget_s * FEWER_SHARE, stop=stop,
                     first_only=True)
        spent += fewer.used_s
        if fewer.choices and _cost(scenario, fewer.choices) < _cost(scenario, start):
            start = fewer.choices
    if start is None:
        # Region growing missed the bounds: the neighbourhood search repairs it.
        start = tuple(ch for ch in (best_choice(scenario, data, r) for r in grow_regions(data))
                      if ch is not None)
    lns_time = max(0.0, task.budget_s * (LNS_SHARE if whole else 1.0) - spent)
    rounds = max(2, int(lns_time / (1.5 * SUB_TIME_S))) if task.deterministic else None
    improved, stats = improve(scenario, data, list(start), time_s=lns_time, seed=task.seed,
                              stop=stop, max_rounds=rounds)
    spent += lns_time if task.deterministic else stats.time_s
    choices = tuple(improved)
    broken = [not data.lo <= int(scenario.households[list(ch.members)].sum()) <= data.hi
              for ch in choices]
    if any(broken):
        reason = _no_plan_reason(scenario, data, "none found in time")
        return PieceResult(task.index, choices, tuple(reason if b else "" for b in broken),
                           "FEASIBLE", 0.0, spent, f"lns({stats.rounds} rounds), unrepaired",
                           reason)
    if not whole:
        # The bound: arithmetic and Lagrangian floors (solve_piece).
        return PieceResult(task.index, choices, tuple("" for _ in choices), "FEASIBLE",
                           0.0, spent, f"lns({stats.rounds} rounds)+lagrangian bound")
    best_obj = _cost(scenario, choices)
    # The bound: the "adjacent" relaxation (valid for every connected community),
    # started from the plan; a better plan it finds is kept when connected.
    relax = _run(scenario, data, task, contiguity="adjacent", soft=False,
                 time_s=max(0.5, task.budget_s - spent), stop=stop, hint=choices)
    if relax.choices and _cost(scenario, relax.choices) < best_obj - 1e-6 \
            and all(is_connected(ch.members, scenario.neighbours) for ch in relax.choices):
        choices = relax.choices
    bound = relax.bound_yuan if math.isfinite(relax.bound_yuan) else 0.0
    return PieceResult(task.index, choices, tuple("" for _ in choices), "FEASIBLE", bound,
                       spent, f"lns({stats.rounds} rounds)+adjacent bound")


def _soft(scenario: Scenario, data: ComponentData, task: PieceTask, stop: StopFlag,
          reason: str) -> PieceResult:
    # Start from the region-growing plan (even where it breaks the bounds); after an
    # interrupt the first plan found is taken, or that plan itself.
    rough = tuple(ch for ch in (best_choice(scenario, data, r) for r in grow_regions(data))
                  if ch is not None)
    soft = _run(scenario, data, task, contiguity="order", soft=True, hint=rough,
                time_s=max(task.budget_s, 1.0), stop=stop)
    choices, bound = soft.choices, max(0.0, soft.bound_yuan - penalty_yuan(soft.violation))
    if not choices:
        if sum(len(ch.members) for ch in rough) != data.n:
            from optimizer.errors import SolveError

            raise SolveError(f"no plan at all for {' / '.join(data.key)} ({data.n} units, "
                             f"{data.total:,} households): {reason}")
        # Out of time: the region-growing plan, bound unknown (0).
        choices, bound = rough, 0.0
    exemptions = []
    for ch in choices:
        hh = int(scenario.households[list(ch.members)].sum())
        exemptions.append(reason if not (data.lo <= hh <= data.hi) else "")
    # The bound holds for every plan breaking the bounds no more than this one does.
    return PieceResult(task.index, choices, tuple(exemptions),
                       soft.status if soft.choices else "FEASIBLE", bound, soft.time_s,
                       "soft", reason)


def _run(scenario: Scenario, data: ComponentData, task: PieceTask, **kw: Any) -> Attempt:
    kw.setdefault("locks", task.locks)
    n = task.locks.count_of(task.key[1]) if task.locks else None
    if kw.get("count") is None and n is not None and kw["locks"] is not None:
        kw["count"] = (n, n)    # the planner's community_count lock
    return run_model(scenario, data, workers=task.threads, seed=task.seed,
                     deterministic=task.deterministic, **kw)


def _explain_locks(scenario: Scenario, data: ComponentData, task: PieceTask) -> None:
    """Raise a LockError when the locks alone make this piece impossible."""
    free = _run(scenario, data, task, contiguity="order", soft=False, locks=None,
                time_s=max(1.0, task.budget_s / 4), stop=StopFlag(), first_only=True)
    if free.choices:
        from optimizer.errors import LockError, Problem

        raise LockError([Problem(
            "scenario.toml [locks]", f"the locks make {' / '.join(data.key)} impossible: "
            "no plan of its units obeys them all together with the rules, while a plan "
            "exists without them", record=" / ".join(data.key), field="[locks]",
            hint="remove or change a lock on this street")])


def _heuristic(scenario: Scenario, data: ComponentData) -> tuple[Choice, ...] | None:
    """Region growing; None when a region breaks the bounds or has no center."""
    out = []
    for region in grow_regions(data):
        hh = int(data.households[region].sum())
        if not data.lo <= hh <= data.hi:
            return None
        ch = best_choice(scenario, data, region)
        if ch is None:
            return None
        out.append(ch)
    return tuple(out)


def _model_size(data: ComponentData, cap: int) -> int:
    """Σ over centers of the units they reach (the assignment variables), counted up
    to ``cap``."""
    total = 0
    for j in range(data.n):
        total += len(reach(data, j, data.hi))
        if total >= cap:
            return cap
    return total


def _cost(scenario: Scenario, choices: tuple[Choice, ...] | list[Choice]) -> float:
    return sum(price(scenario, ch).objective_yuan for ch in choices) \
        + cut_edges_yuan(scenario, choices)


def _no_plan_reason(scenario: Scenario, data: ComponentData, why: str) -> str:
    rule = scenario.policy.size_rule(data.urban)
    return (f"{rule}: no partition of this piece ({data.n} units, {data.total:,} households)"
            f" into contiguous communities of {data.lo:,}-{data.hi:,} households was found "
            f"({why}); the plan breaks the bounds as little as the search could")
