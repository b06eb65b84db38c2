"""Small pieces: plans by the ordering model and bounds by a relaxation, once per
possible number of communities (solve_piece's path below SMALL_X; split from
piece.py for its size). Where no plan is found, the reason is returned and the
caller (piece._no_plan) takes its last resorts: pockets, cores, the soft model."""

from __future__ import annotations

import math
from dataclasses import dataclass

from optimizer.graph import is_connected
from optimizer.model.piece import PieceData
from optimizer.plan.exemption import Exemption
from optimizer.scenario.model import Scenario
from optimizer.search.attempt import Choice
from optimizer.search.piece_common import (
    explain_locks,
    heuristic_start,
    no_plan_reason,
    plan_cost,
    run_attempt,
)
from optimizer.search.piece_counts import counts_to_try, fits
from optimizer.search.piece_large import TREE_SHARE, search_from
from optimizer.search.piece_types import PieceResult, PieceTask
from optimizer.search.starts import START_CAP_S, tree_start
from optimizer.search.stop import StopFlag
from optimizer.search.stopped_start import stopped_start
from optimizer.status import Status

__all__ = ["FIRST_PLAN_S", "ORDER_SHARE", "NoPlanFound", "exact_counts"]

ORDER_SHARE = 0.5       # of a small piece's time spent on the ordering model
FIRST_PLAN_S = 5.0      # the least time the exact model gets when nothing else found a plan


@dataclass(frozen=True)
class NoPlanFound:
    """No plan found: the reason for the caller's last resorts, and what the models
    used of the budget finding none (wild seed 529: a 65-village piece's exact model
    took 5.4 deterministic s of its 3.6-s budget, and the piece reported 2.9 used
    after 23 s of wall, so a one-worker run handed the rest on)."""

    record: Exemption
    used_s: float


def exact_counts(scenario: Scenario, data: PieceData, task: PieceTask, stop: StopFlag,
                 relaxation: str) -> PieceResult | NoPlanFound:
    """Plans by the ordering model and bounds by a relaxation, once per possible
    number of communities: the count drives the cost, and a search free to choose it
    tends to stay at the count of its first plan (a 24-unit urban street: 4.44 M yuan
    with six communities free, 4.25 M with five fixed)."""
    start = None if task.locks else heuristic_start(scenario, data)
    ks = counts_to_try(data, task)
    best: tuple[float, tuple[Choice, ...]] | None = None
    spent = 0.0
    if start is None and not task.locks and not stop.is_set():
        # Region growing missed the bounds: tree partitions at the least counts
        # (optimizer.search.starts; a large piece's share, a listed start's cap), the
        # ordering models' hint. Wild seed 529's
        # 65-village piece (one worker, budget 3.6 s): no ordering model found a plan in
        # its 0.45 s and the exact model none in 5.65 deterministic s (13.6-38 s of
        # wall), so the piece went soft; a tree partition at 7 is within the bounds.
        tree = tree_start(scenario, data, time_s=min(START_CAP_S, TREE_SHARE * task.budget_s),
                          seed=task.seed, deterministic=task.deterministic, stop=stop)
        spent += tree.used_s
        start = tree.choices
    infeasible = True
    unproven = False            # some count's ordering model ran out of time
    hurried = False
    for k in ks:
        if stop.is_set() and (best is not None or start is not None
                              or stop.grace_s() <= 0.0):
            # Stopped (Ctrl-C, the clock): the plan in hand will do; without one, the
            # counts one by one while the stop's grace lasts (StopFlag.grace_s), not
            # past it (seeds 196, 200 of bench/wild.py: four in a row after the clock,
            # 0.7 s each, none found; seed 172 found its plan at the second count).
            infeasible &= not hurried       # the other counts were not tried
            break
        hurried |= stop.is_set()
        hint = fits(start, k) or fits(best[1] if best else None, k)
        hard = run_attempt(scenario, data, task, contiguity="order", soft=False,
                    count=(k, k) if k is not None else None, stop=stop, hint=hint,
                    time_s=task.budget_s * ORDER_SHARE / len(ks))
        spent += hard.used_s
        infeasible &= hard.status == Status.INFEASIBLE
        unproven |= hard.status not in (Status.OPTIMAL, Status.INFEASIBLE)
        if hard.choices and (best is None or hard.objective_yuan < best[0]):
            best = (hard.objective_yuan, hard.choices)
    searched = ""
    if start is not None and (best is None or plan_cost(scenario, start) < best[0] - 0.5):
        best = (plan_cost(scenario, start), start)   # no model plan beat region growing's
    if relaxation == "adjacent" and unproven and best is not None:
        # A count's ordering model ran out of time, and the "adjacent" relaxation is not
        # exact (its plans may be cut): the neighbourhood search from the best plan in
        # hand, which keeps its best at every moment, takes the relaxations' time, and
        # the floors give the bound. On the clock under load, oversized-rural-nosplit's
        # 94 villages got no plan at any count, or a plan dearer than the start that
        # replaced it, from run to run (3.24 M, 3.53 M or 3.13 M yuan: 2.1%, 6.0%, 0.4%
        # of the piece), and the relaxations gave it nothing (their bounds below the
        # floors, their plans dearer; bench/JOURNAL.md, session 30, helper attach110).
        found, used, searched = search_from(scenario, data, task, list(best[1]),
                                            max(0.2, task.budget_s - spent), stop)
        spent += used
        best = (plan_cost(scenario, found), tuple(found))
    if best is None:
        if infeasible and task.locks:
            explain_locks(scenario, data, task)
        # The ordering model admits fewer shapes than contiguity does: ask the exact one.
        # At least FIRST_PLAN_S: a piece gone soft for want of time gets an exemption
        # the checker (rightly) rejects.
        exact = run_attempt(scenario, data, task, contiguity="flow", soft=False,
                     time_s=max(FIRST_PLAN_S, task.budget_s - spent), stop=stop)
        # Stopped before a first plan: the split search's (bench/wild.py seed 55).
        plan = exact.choices or (None if exact.status == Status.INFEASIBLE or task.locks
                                 else stopped_start(scenario, data, stop, task.seed)[0])
        if not plan:
            why = ("proved impossible by the exact model" if exact.status == Status.INFEASIBLE
                   else "none found in time")
            return NoPlanFound(no_plan_reason(scenario, data, why),   # the last resorts
                               spent + exact.used_s)
        best = (exact.objective_yuan if exact.choices else plan_cost(scenario, plan), plan)
    # Bounds from a model that admits every connected community (exact flow on small
    # pieces, the "adjacent" relaxation on larger ones), per count: the piece's bound
    # is the least of them. A better plan a relaxation finds is taken when connected.
    bounds: list[float] = [0.0] if searched else []
    proven = not searched
    share = max(0.2, task.budget_s - spent) / len(ks)
    for k in [] if searched else ks:
        if stop.is_set():
            bounds, proven = [0.0], False   # no time for the bound: the floors give one
            break
        rel = run_attempt(scenario, data, task, contiguity=relaxation, soft=False, stop=stop,
                   count=(k, k) if k is not None else None, hint=fits(best[1], k),
                   time_s=share)
        spent += rel.used_s
        if rel.status == Status.INFEASIBLE:
            continue
        bounds.append(rel.bound_yuan if math.isfinite(rel.bound_yuan) else 0.0)
        if rel.choices and rel.objective_yuan < best[0] - 1e-6 \
                and all(is_connected(ch.members, scenario.neighbours) for ch in rel.choices):
            best = (rel.objective_yuan, rel.choices)
        proven &= rel.status == Status.OPTIMAL and rel.objective_yuan >= best[0] - 1e-6
    bound = min(bounds) if bounds else best[0]
    choices = best[1]
    return PieceResult(task.index, tuple(choices), tuple(() for _ in choices),
                       Status.OPTIMAL if proven else Status.FEASIBLE, bound, spent,
                       "exact(k=" + ",".join(str(k) for k in ks) + ")"
                       + (f", then {searched}" if searched else
                          ", the start" if choices is start else ""))
