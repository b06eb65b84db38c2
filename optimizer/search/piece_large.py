"""Pieces too large for the exact model: region growing (or the ordering model's
first plan), a plan with the fewest communities, neighbourhood search, and the bound
of the "adjacent" relaxation started from that plan. Pieces too large for any
whole-piece model get their bound from the floors in :func:`optimizer.search.piece.solve_piece`."""

from __future__ import annotations

import math

from optimizer.graph import feasible_community_counts, is_connected
from optimizer.model.piece import PieceData
from optimizer.scenario.model import Scenario
from optimizer.search.attempt import build_cost_s
from optimizer.search.heuristic import best_choice, grow_regions
from optimizer.search.lns import SUB_TIME_S, improve
from optimizer.search.piece_common import (
    heuristic_start,
    no_plan_reason,
    plan_cost,
    run_attempt,
)
from optimizer.search.piece_types import PieceResult, PieceTask
from optimizer.search.stop import StopFlag
from optimizer.status import Status

LNS_SHARE = 0.4         # of a large piece's time spent on the neighbourhood search
FEWER_SHARE = 0.25      # of a large piece's time spent seeking a plan with fewer communities


def solve_large(scenario: Scenario, data: PieceData, task: PieceTask, stop: StopFlag,
                whole: bool, model_vars: int = 0) -> PieceResult:
    """``whole``: the piece is small enough for one model of all of it (the ordering
    model's first plan, the fewest-communities attempt and the relaxation's bound).
    ``model_vars``: that model's size; a whole-piece model is built only where the
    budget covers building it (:func:`optimizer.search.attempt.build_cost_s`), so a
    small budget is kept (a 250-unit piece took 12 s of a 0.5 s share that way)."""
    build = build_cost_s(model_vars)
    start = heuristic_start(scenario, data)
    spent = 0.0
    if start is None and whole:
        first = run_attempt(scenario, data, task, contiguity="order", soft=False,
                     time_s=task.budget_s * 0.5, stop=stop, first_only=True)
        spent += first.used_s
        start = first.choices or None
    counts = feasible_community_counts(data.total, data.lo, data.hi)
    k_lo = counts[0] if counts else 1
    if whole and start is not None and len(start) > k_lo and not stop.is_set() \
            and task.budget_s * FEWER_SHARE > build:
        # One community fewer saves its fixed costs, which no local move can find (the
        # slack must cross the whole piece): ask the ordering model for a plan with the
        # fewest communities (a 212-unit rural town: 3.02 M yuan as 7 against 3.13 M as
        # 8 after a minute of neighbourhood search).
        fewer = run_attempt(scenario, data, task, contiguity="order", soft=False,
                     count=(k_lo, k_lo), time_s=task.budget_s * FEWER_SHARE, stop=stop,
                     first_only=True)
        spent += fewer.used_s
        if fewer.choices and plan_cost(scenario, fewer.choices) < plan_cost(scenario, start):
            start = fewer.choices
    if start is None:
        # Region growing missed the bounds: the neighbourhood search repairs it.
        start = tuple(ch for ch in (best_choice(scenario, data, r) for r in grow_regions(data))
                      if ch is not None)
    lns_time = max(0.0, task.budget_s * (LNS_SHARE if whole else 1.0) - spent)
    rounds = None
    if task.deterministic:
        # Two rounds at least when the start breaks the bounds (the search repairs it).
        repair = any(not data.lo <= int(scenario.households[list(ch.members)].sum()) <= data.hi
                     for ch in start)
        rounds = max(2 if repair else 0, int(lns_time / (1.5 * SUB_TIME_S)))
    improved, stats = improve(scenario, data, list(start), time_s=lns_time, seed=task.seed,
                              stop=stop, max_rounds=rounds)
    spent += stats.used_s if task.deterministic else stats.time_s
    choices = tuple(improved)
    broken = [not data.lo <= int(scenario.households[list(ch.members)].sum()) <= data.hi
              for ch in choices]
    if any(broken):
        reason = no_plan_reason(scenario, data, "none found in time")
        return PieceResult(task.index, choices, tuple(reason if b else "" for b in broken),
                           Status.FEASIBLE, 0.0, spent, f"lns({stats.rounds} rounds), unrepaired",
                           reason)
    if not whole:
        # The bound: arithmetic and Lagrangian floors (solve_piece).
        return PieceResult(task.index, choices, tuple("" for _ in choices), Status.FEASIBLE,
                           0.0, spent, f"lns({stats.rounds} rounds)+lagrangian bound")
    if stop.is_set() or task.budget_s - spent < build + 0.5:
        # Stopped, or no time left to build the bound model: the floors give the bound.
        why = "stopped" if stop.is_set() else "no time left"
        return PieceResult(task.index, choices, tuple("" for _ in choices), Status.FEASIBLE,
                           0.0, spent, f"lns({stats.rounds} rounds), {why} for the bound model")
    best_obj = plan_cost(scenario, choices)
    # The bound: the "adjacent" relaxation (valid for every connected community),
    # started from the plan; a better plan it finds is kept when connected.
    relax = run_attempt(scenario, data, task, contiguity="adjacent", soft=False,
                 time_s=max(0.5, task.budget_s - spent - build), stop=stop, hint=choices)
    spent += relax.used_s
    if relax.choices and plan_cost(scenario, relax.choices) < best_obj - 1e-6 \
            and all(is_connected(ch.members, scenario.neighbours) for ch in relax.choices):
        choices = relax.choices
    bound = relax.bound_yuan if math.isfinite(relax.bound_yuan) else 0.0
    return PieceResult(task.index, choices, tuple("" for _ in choices), Status.FEASIBLE, bound,
                       spent, f"lns({stats.rounds} rounds)+adjacent bound")
