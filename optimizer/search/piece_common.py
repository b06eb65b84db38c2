"""Steps shared by the ways a piece is solved (optimizer.search.piece and
optimizer.search.piece_large): one model run with the task's settings, the
region-growing start, the price of a plan, and the "soft" result for a piece with no
plan inside the household bounds."""

from __future__ import annotations

from typing import Any

from optimizer.model.component import ComponentData
from optimizer.scenario.model import Scenario
from optimizer.search.assemble import cut_edges_yuan, price
from optimizer.search.component import Attempt, Choice, StopFlag, penalty_yuan, run_model
from optimizer.search.heuristic import best_choice, grow_regions
from optimizer.search.piece_types import PieceResult, PieceTask


def run_attempt(scenario: Scenario, data: ComponentData, task: PieceTask, **kw: Any) -> Attempt:
    kw.setdefault("locks", task.locks)
    n = task.locks.count_of(task.key[1]) if task.locks else None
    if kw.get("count") is None and n is not None and kw["locks"] is not None:
        kw["count"] = (n, n)    # the planner's community_count lock
    return run_model(scenario, data, workers=task.threads, seed=task.seed,
                     deterministic=task.deterministic, **kw)


def heuristic_start(scenario: Scenario, data: ComponentData) -> tuple[Choice, ...] | None:
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


def plan_cost(scenario: Scenario, choices: tuple[Choice, ...] | list[Choice]) -> float:
    return sum(price(scenario, ch).objective_yuan for ch in choices) \
        + cut_edges_yuan(scenario, choices)


def soft_result(scenario: Scenario, data: ComponentData, task: PieceTask, stop: StopFlag,
          reason: str) -> PieceResult:
    # Start from the region-growing plan (even where it breaks the bounds); after an
    # interrupt the first plan found is taken, or that plan itself.
    rough = tuple(ch for ch in (best_choice(scenario, data, r) for r in grow_regions(data))
                  if ch is not None)
    soft = run_attempt(scenario, data, task, contiguity="order", soft=True, hint=rough,
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
                       soft.status if soft.choices else "FEASIBLE", bound, soft.used_s,
                       "soft", reason)


def no_plan_reason(scenario: Scenario, data: ComponentData, why: str) -> str:
    rule = scenario.policy.size_rule(data.urban)
    return (f"{rule}: no partition of this piece ({data.n} units, {data.total:,} households)"
            f" into contiguous communities of {data.lo:,}-{data.hi:,} households was found "
            f"({why}); the plan breaks the bounds as little as the search could")
