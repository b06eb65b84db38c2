"""The phasing model of one county (CP-SAT): the year each community's rooms reach the
standard, within the county's capital budget by year (FUND-POOL).

Given the plan's communities and remedies (:mod:`optimizer.model.phasing_items`),
x[i, t] = 1 when community i's works are done, and paid, in year t (t from its earliest
year, PIPELINE, to the horizon's last); at most one year each; z_i = Σ_t x[i, t].

- Budget, without carry-over: Σ_i capex_i x[i, t] ≤ B_t for every year t; with it
  (unspent capital moves to the next year): Σ_{s ≤ t} spend_s ≤ Σ_{s ≤ t} B_s.
- Rooms that cost the budget nothing (pipeline handovers, co-built rooms) reach the
  standard in their earliest year: they are fixed, not chosen.

Objective, lexicographic, solved as three models in turn, each keeping the optimum of
the one before (a constraint at the value found; the optimum when proven):

1. the most communities counted for FACILITY-95 by the last year (every one the budget
   buys: works deferred past the horizon save nothing, they move the spending out of
   it), then the uncounted ones (ONE-STATION exempt);
2. the least capital over the horizon (the running costs by year are the plan's and do
   not depend on the years chosen, :func:`~optimizer.model.phasing_items.yearly_cost_yuan`);
3. the earliest service for the most households: Σ_i households_i × (year_i − first),
   a community not served by the horizon counted at last + 1.

Capital is whole yuan rounded up and budgets rounded down, so a phasing the model finds
never spends more than the budget.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
from ortools.sat.python import cp_model

from optimizer.cpsat_stop import attached
from optimizer.model.phasing_items import PhaseItem
from optimizer.rules.limits import cp_seed
from optimizer.status import Status


class Stoppable(Protocol):
    """What the search's stop flag offers (optimizer.search.stop.StopFlag)."""

    def is_set(self) -> bool: ...

    def attach(self, solver: cp_model.CpSolver | None) -> None: ...


@dataclass(frozen=True)
class YearBudget:
    """One county's capital by year over ``first..first + len(yuan) - 1`` (FUND-POOL)."""

    first: int
    yuan: tuple[float, ...]
    carry_over: bool = False

    @property
    def last(self) -> int:
        return self.first + len(self.yuan) - 1


@dataclass(frozen=True)
class Stage:
    """One objective of the three: the value found, its proven bound, the status."""

    name: str
    value: float
    bound: float
    status: Status
    time_s: float


@dataclass(frozen=True)
class CountyPhasing:
    """The years of one county's communities (None: not by the horizon) and the stages."""

    county: str
    years: dict[str, int | None]
    stages: tuple[Stage, ...] = ()
    counted_bound: int = 0       # most counted communities any phasing reaches (proven)
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def status(self) -> Status:
        if not self.stages:
            return Status.OPTIMAL
        return Status.combined([s.status for s in self.stages])


def whole_yuan(capex: float) -> int:
    return int(math.ceil(capex - 1e-6))


def _greedy(items: Sequence[PhaseItem], budget: YearBudget) -> dict[int, int]:
    """A first phasing (the hint): cheapest counted works first, each in the earliest
    year with money left."""
    left = [int(math.floor(b + 1e-6)) for b in budget.yuan]
    order = sorted(range(len(items)), key=lambda i: (not items[i].scores,
                                                     items[i].capex_yuan, i))
    out: dict[int, int] = {}
    for i in order:
        cost = whole_yuan(items[i].capex_yuan)
        for t in range(items[i].earliest_year - budget.first, len(left)):
            if budget.carry_over:
                # money of year t is the cumulative balance; spending in t lowers it for
                # t and every later year
                if all(left[s] >= cost for s in range(t, len(left))):
                    for s in range(t, len(left)):
                        left[s] -= cost
                    out[i] = t
                    break
            elif left[t] >= cost:
                left[t] -= cost
                out[i] = t
                break
    return out


class _Model:
    def __init__(self, items: Sequence[PhaseItem], budget: YearBudget) -> None:
        self.items, self.budget = items, budget
        self.m = cp_model.CpModel()
        n_years = len(budget.yuan)
        self.x: dict[tuple[int, int], cp_model.IntVar] = {}
        self.z: list[cp_model.LinearExprT] = []
        for i, it in enumerate(items):
            lits = [self.m.new_bool_var(f"x{i}_{t}")
                    for t in range(it.earliest_year - budget.first, n_years)]
            for k, lit in enumerate(lits):
                self.x[i, it.earliest_year - budget.first + k] = lit
            self.m.add_at_most_one(lits)
            self.z.append(sum(lits) if lits else 0)
        cap = [whole_yuan(it.capex_yuan) for it in items]
        floor = [int(math.floor(b + 1e-6)) for b in budget.yuan]
        spend = [cp_model.LinearExpr.weighted_sum(
            [v for (i, s), v in self.x.items() if s == t],
            [cap[i] for (i, s) in self.x if s == t]) for t in range(n_years)]
        for t in range(n_years):   # FUND-POOL: the county's capital by year
            if budget.carry_over:
                self.m.add(sum(spend[: t + 1]) <= sum(floor[: t + 1]))
            else:
                self.m.add(spend[t] <= floor[t])
        n_free = sum(1 for it in items if not it.scores)
        self.weight = [n_free + 1 if it.scores else 1 for it in items]
        self.count = cp_model.LinearExpr.weighted_sum(self.z, self.weight)
        self.capital = cp_model.LinearExpr.weighted_sum(self.z, cap)
        late = n_years   # year index of "not by the horizon" (last + 1)
        terms, coefs = [], []
        for (i, t), v in self.x.items():
            terms.append(v)
            coefs.append(items[i].households * (t - late))
        self.delay = cp_model.LinearExpr.weighted_sum(terms, coefs) \
            + sum(it.households for it in items) * late

    def hint(self, years: dict[int, int]) -> None:
        self.m.clear_hints()
        for (i, t), v in self.x.items():
            self.m.add_hint(v, 1 if years.get(i) == t else 0)

    def years(self, solver: cp_model.CpSolver) -> dict[int, int]:
        return {i: t for (i, t), v in self.x.items() if solver.boolean_value(v)}


def _solve(model: _Model, name: str, sense: str, limit_s: float, threads: int, seed: int,
           stop: Stoppable | None) -> tuple[Stage, dict[int, int] | None]:
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.max_time_in_seconds = max(0.05, limit_s)
    if threads == 1:
        p.max_deterministic_time = max(0.05, limit_s)
    p.num_workers = threads
    p.random_seed = cp_seed(seed)
    p.catch_sigint_signal = False     # Ctrl-C is the caller's (optimizer.search.signals)
    t0 = time.perf_counter()
    with attached(stop, solver):
        code = solver.solve(model.m)
    status = Status.from_cp_sat(code)
    if not status.has_answer:
        return Stage(name, math.nan, math.nan, status, time.perf_counter() - t0), None
    value, bound = solver.objective_value, solver.best_objective_bound
    if sense == "max":
        bound = math.floor(bound + 1e-6)
    return (Stage(name, float(value), float(bound), status, time.perf_counter() - t0),
            model.years(solver))


def phase_county(county: str, items: Sequence[PhaseItem], budget: YearBudget, *,
                 time_limit_s: float = 10.0, threads: int = 1, seed: int = 0,
                 stop: Stoppable | None = None) -> CountyPhasing:
    """The best phasing of one county's communities needing money (``items``: every
    one's ``needs_money``); years of the others are fixed by the caller."""
    if not items:
        return CountyPhasing(county, {})
    idx = [i for i, it in enumerate(items) if it.earliest_year <= budget.last]
    usable = [items[i] for i in idx]
    years: dict[str, int | None] = {it.community_id: None for it in items}
    if not usable:
        return CountyPhasing(county, years)
    model = _Model(usable, budget)
    found = _greedy(usable, budget)
    stages: list[Stage] = []
    t_end = time.perf_counter() + time_limit_s
    steps = (("facility", "max", model.count), ("capital", "min", model.capital),
             ("service", "min", model.delay))
    for k, (name, sense, expr) in enumerate(steps):
        if stop is not None and stop.is_set():
            break
        left = max(0.05, t_end - time.perf_counter())
        share = left / (len(steps) - k) if k < len(steps) - 1 else left
        model.hint(found)
        model.m.clear_objective()
        if sense == "max":
            model.m.maximize(expr)
        else:
            model.m.minimize(expr)
        stage, got = _solve(model, name, sense, share, threads, seed, stop)
        if got is None:          # stopped before any solution: keep the one before
            stages.append(Stage(name, _value(model, found, k), stage.bound, Status.FEASIBLE,
                                stage.time_s))
        else:
            found = got
            stages.append(stage)
        value = int(round(_value(model, found, k)))
        # keep this optimum (or the value found) in the next stages
        model.m.add(expr >= value if sense == "max" else expr <= value)
    for i, t in found.items():
        years[usable[i].community_id] = budget.first + t
    w_counted = max(model.weight) if any(it.scores for it in usable) else 1
    bound = stages[0].bound if stages and math.isfinite(stages[0].bound) else \
        sum(model.weight[i] for i in range(len(usable)))
    return CountyPhasing(county, years, tuple(stages), int(bound // w_counted))


def _value(model: _Model, years: dict[int, int], stage: int) -> float:
    """The objective of stage ``stage`` for the phasing ``years`` (index -> year index)."""
    items = model.items
    if stage == 0:
        return float(sum(model.weight[i] for i in years))
    if stage == 1:
        return float(sum(whole_yuan(items[i].capex_yuan) for i in years))
    late = len(model.budget.yuan)
    return float(sum(it.households * years.get(i, late) for i, it in enumerate(items)))


def spent_by_year(items: Sequence[PhaseItem], years: dict[str, int | None],
                  budget: YearBudget) -> np.ndarray:
    """Capital paid per year of the horizon by the phasing ``years``."""
    out = np.zeros(len(budget.yuan))
    for it in items:
        y = years.get(it.community_id)
        if y is not None and it.needs_money and budget.first <= y <= budget.last:
            out[y - budget.first] += it.capex_yuan
    return out
