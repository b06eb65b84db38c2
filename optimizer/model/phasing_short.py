"""How much money the budget falls short of FACILITY-95 (CP-SAT).

With the plan's communities and remedies, the least extra capital that, added to the
horizon's last year of the counties' budgets, lets ``need`` more counted communities
reach the standard by that year. One model over every county: FACILITY-95 is a share
of all the plan's communities, while each county's money stays its own (FUND-POOL).
The last year is where extra money helps most (every work can still be done by then),
so this is the least extra capital in any year.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from optimizer.cpsat_stop import attached
from optimizer.model.phasing import Stoppable, YearBudget, whole_yuan
from optimizer.model.phasing_items import PhaseItem
from optimizer.rules.limits import cp_seed
from optimizer.status import Status


@dataclass(frozen=True)
class Shortfall:
    extra_yuan: float | None     # None: no amount of money reaches the target
    bound_yuan: float | None
    status: Status
    by_county: dict[str, float]


def extra_to_target(items: Mapping[str, Sequence[PhaseItem]],
                    budgets: Mapping[str, YearBudget], need: int, *,
                    time_limit_s: float = 10.0, threads: int = 1, seed: int = 0,
                    stop: Stoppable | None = None) -> Shortfall:
    """``items``: per county, the communities needing money (``needs_money``);
    ``need``: how many more counted communities must reach the standard than those that
    do without money."""
    if need <= 0:
        return Shortfall(0.0, 0.0, Status.OPTIMAL, {})
    usable = {c: [it for it in its if it.scores and it.earliest_year <= budgets[c].last]
              for c, its in items.items()}
    if sum(len(v) for v in usable.values()) < need:
        return Shortfall(None, None, Status.INFEASIBLE, {})
    m = cp_model.CpModel()
    extra: dict[str, cp_model.IntVar] = {}
    count: list[cp_model.IntVar] = []
    for county, its in usable.items():
        b = budgets[county]
        n_years = len(b.yuan)
        top = sum(whole_yuan(it.capex_yuan) for it in its)
        extra[county] = m.new_int_var(0, top, f"extra_{county}")
        spend: list[list[tuple[cp_model.IntVar, int]]] = [[] for _ in range(n_years)]
        for i, it in enumerate(its):
            lits = [m.new_bool_var(f"x{county}_{i}_{t}")
                    for t in range(it.earliest_year - b.first, n_years)]
            m.add_at_most_one(lits)
            count += lits
            for k, lit in enumerate(lits):
                spend[it.earliest_year - b.first + k].append((lit, whole_yuan(it.capex_yuan)))
        floor = [int(math.floor(v + 1e-6)) for v in b.yuan]
        exprs = [cp_model.LinearExpr.weighted_sum([v for v, _ in s], [c for _, c in s])
                 for s in spend]
        for t in range(n_years):
            money = extra[county] if t == n_years - 1 else 0
            if b.carry_over:
                m.add(sum(exprs[: t + 1]) <= sum(floor[: t + 1]) + money)
            else:
                m.add(exprs[t] <= floor[t] + money)
    m.add(sum(count) >= need)
    m.minimize(sum(extra.values()))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.05, time_limit_s)
    if threads == 1:
        solver.parameters.max_deterministic_time = max(0.05, time_limit_s)
    solver.parameters.num_workers = threads
    solver.parameters.random_seed = cp_seed(seed)
    solver.parameters.catch_sigint_signal = False   # Ctrl-C is the caller's
    with attached(stop, solver):
        code = solver.solve(m)
    status = Status.from_cp_sat(code)
    if not status.has_answer:
        return Shortfall(None, None, status, {})
    return Shortfall(float(solver.objective_value), float(solver.best_objective_bound), status,
                     {c: float(solver.value(v)) for c, v in extra.items()
                      if solver.value(v) > 0})
