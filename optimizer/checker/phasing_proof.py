"""The checker's own proof of what a budget can buy: the most communities whose works
fit a county's capital by year (FUND-POOL), whatever the phasing says.

Written apart from the phasing model (it never imports it) and simpler: only the count.
With carry-over every work can be paid in the last year from all the money of the
horizon, and for a count the cheapest works are best, so the cheapest-first fill of the
horizon's total is exact. Without carry-over each year is a bin of its own: the pooled
fill is still an upper bound (checked first), and a small CP-SAT model of its own gives
the exact count when the pooled bound does not settle the question.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

PROOF_LIMIT_S = 10.0     # deterministic seconds for the exact count of one county


@dataclass(frozen=True)
class Work:
    """A counted community whose rooms need the budget's money."""

    capex_yuan: float
    earliest_year: int       # its rooms cannot reach the standard before (PIPELINE)


@dataclass(frozen=True)
class MostWorks:
    count: int               # the most works the money pays for by the last year
    proven: bool             # True when ``count`` is exact, else an upper bound


def _yuan(v: float) -> int:
    """Capital in whole yuan, rounded down: a bound never below the true count."""
    return int(math.floor(v + 1e-6))


def pooled(works: Sequence[Work], budget: Sequence[float], first: int) -> int:
    """Cheapest first within the whole horizon's money: exact with carry-over, an upper
    bound without it."""
    last = first + len(budget) - 1
    money = sum(_yuan(b) for b in budget) + 1          # +1: the model's rounding up
    n = 0
    for cost in sorted(_yuan(w.capex_yuan) for w in works if w.earliest_year <= last):
        if cost > money:
            break
        money -= cost
        n += 1
    return n


def most_works(works: Sequence[Work], budget: Sequence[float], first: int, carry_over: bool,
               at_least: int | None = None) -> MostWorks:
    """The most of ``works`` paid by the last year from ``budget`` (one amount per year
    from ``first``). ``at_least``: stop proving once the count is known to reach it."""
    ub = pooled(works, budget, first)
    if carry_over or ub == 0 or (at_least is not None and ub < at_least):
        return MostWorks(ub, carry_over or ub == 0)
    last = first + len(budget) - 1
    m = cp_model.CpModel()
    spend: list[list[tuple[cp_model.IntVar, int]]] = [[] for _ in budget]
    lits_all = []
    for i, w in enumerate(works):
        if w.earliest_year > last:
            continue
        lits = []
        for t in range(max(0, w.earliest_year - first), len(budget)):
            v = m.new_bool_var(f"w{i}_{t}")
            lits.append(v)
            spend[t].append((v, int(math.ceil(w.capex_yuan - 1e-6))))
        m.add_at_most_one(lits)
        lits_all += lits
    for t, b in enumerate(budget):
        m.add(cp_model.LinearExpr.weighted_sum([v for v, _ in spend[t]],
                                                [c for _, c in spend[t]]) <= _yuan(b) + 1)
    m.maximize(sum(lits_all))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_deterministic_time = PROOF_LIMIT_S
    solver.parameters.max_time_in_seconds = 4 * PROOF_LIMIT_S
    solver.parameters.catch_sigint_signal = False
    code = solver.solve(m)
    if code == cp_model.OPTIMAL:
        return MostWorks(int(round(solver.objective_value)), True)
    if code == cp_model.FEASIBLE:
        return MostWorks(min(ub, int(math.floor(solver.best_objective_bound + 1e-6))), False)
    return MostWorks(ub, False)
