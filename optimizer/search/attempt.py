"""Solve one piece with CP-SAT and read the solution back as plain records."""

from __future__ import annotations

import time
from dataclasses import dataclass

from ortools.sat.python import cp_model

from optimizer.cpsat_stop import attached
from optimizer.graph.locks import Locks
from optimizer.model.cpsat import MILLI, SOFT_PENALTY_YUAN, BuiltModel, build_model
from optimizer.model.cpsat_run import FIRST_CAP_S, HURRIED_SMALL_VARS, set_limits
from optimizer.model.piece import PieceData, model_size
from optimizer.rules.limits import cp_seed
from optimizer.scenario.model import Scenario
from optimizer.search.stop import StopFlag
from optimizer.status import Status


@dataclass(frozen=True)
class Choice:
    """One community of a component's solution (global indices)."""

    center: int
    members: tuple[int, ...]
    remedy: str
    site: int | None
    credit_site: int | None
    # The site extended to its full reach although that is short of the area needed:
    # an oversized unit's rooms coming (optimizer.search.oversized_short, AREA-PER-HH
    # exempt). Never set by the models.
    capped: bool = False


@dataclass(frozen=True)
class Attempt:
    status: Status
    choices: tuple[Choice, ...]
    objective_yuan: float   # the model's objective (cost + secondary + penalties)
    bound_yuan: float       # the model's proven bound, less the rounding margin
    violation: int          # households outside the bounds (soft mode)
    time_s: float
    used_s: float = 0.0     # of the budget: deterministic time with one worker, else wall


# Building a model, in "deterministic seconds" per assignment variable (measured 46-62
# microseconds per variable on a 2-core VM for 67-248-unit rural pieces; a fixed
# estimate, so that with one worker what a piece used does not depend on the machine).
BUILD_S_PER_X = 55e-6


def build_cost_s(n_vars: int) -> float:
    """The fixed estimate of building a model with ``n_vars`` assignment variables."""
    return BUILD_S_PER_X * n_vars


def _worth_building(data: PieceData, stop: StopFlag) -> bool:
    """Stopped: whether the piece's model is small (at most HURRIED_SMALL_VARS
    assignments: it gets its short proof, optimizer.model.cpsat_run; a one-village
    part's INFEASIBLE is what lets seed 412's stopped group keep its parts' plans), or
    its build (:func:`build_cost_s`, by :func:`model_size`) fits in the grace left for
    solves begun after the stop (optimizer.search.stop). A stopped 204-compound street
    built its 0.5-s ordering model with 0.4 s of grace left, to solve it for 0.05 s
    (bench/wild.py seed 785, 10 s, one worker)."""
    size = model_size(data, BUILD_SIZE_CAP)
    return size <= HURRIED_SMALL_VARS or stop.grace_s() > build_cost_s(size)


BUILD_SIZE_CAP = 1_000_000      # assignments counted for a stopped model's build, at most


def run_model(scenario: Scenario, data: PieceData, *, contiguity: str, soft: bool,
              time_s: float, workers: int, seed: int, stop: StopFlag,
              hint: tuple[Choice, ...] | None = None, first_only: bool = False,
              allowed_centers: set[int] | None = None,
              deterministic: bool | None = None, locks: Locks | None = None,
              count: tuple[int, int] | None = None,
              free: frozenset[int] = frozenset(),
              breakers: frozenset[int] = frozenset()) -> Attempt:
    """Build and solve one model. ``deterministic`` (default: one worker) limits the
    search by the solver's deterministic time, so the result does not depend on the
    machine's load; otherwise by wall-clock time. ``Attempt.used_s`` counts building
    the model too (by :data:`BUILD_S_PER_X` when deterministic): on a 250-unit piece it
    takes 3 s, more than many budgets."""
    if stop.is_set() and not _worth_building(data, stop):
        # Stopped, and the grace for solves begun after the stop would pass before the
        # model is even built: the solve would get 0.05 s, while building the model
        # alone takes 0.5-2.5 s on pieces of 100-200 units (wild seed 785: a stopped
        # 204-compound street built two such models 1.2 and 2.7 s after its stop and
        # returned 5.6 s after it, 2.1-3 s past the 10-s limit; seed 636's 107-compound
        # street built two in the grace's last 0.9 s). No plan and no proof; the
        # callers' last resorts follow.
        return Attempt(Status.UNKNOWN, (), float("nan"), 0.0, 0, 0.0, 0.0)
    t_build = time.perf_counter()
    built = build_model(scenario, data, contiguity=contiguity, soft=soft,
                        allowed_centers=allowed_centers, locks=locks, count=count,
                        free=free, breakers=breakers)
    if hint:
        _add_hint(built, data, hint)
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.num_workers = max(1, workers)
    p.random_seed = cp_seed(seed)
    # Ctrl-C is ours (optimizer.search.signals): CP-SAT's own handler would end only
    # this model, as if its time were up, and the solve would go on.
    p.catch_sigint_signal = False
    if deterministic is None:
        deterministic = workers == 1
    # Deterministic: the limit is in the solver's deterministic time, not wall time (the
    # piece's clock, optimizer.search.clock, is the safety net). Interrupted before this
    # solve began: a short proof when small, else the first plan (optimizer.model.cpsat_run).
    set_limits(solver, built.model, time_s=time_s, deterministic=deterministic,
               stopped=stop.is_set(), first_cap_s=FIRST_CAP_S,
               grace_s=stop.grace_s())
    if first_only:
        p.stop_after_first_solution = True
    p.log_search_progress = scenario.solver.log_search
    if scenario.solver.relative_gap > 0:
        p.relative_gap_limit = scenario.solver.relative_gap
    t0 = time.perf_counter()
    with attached(stop, solver):
        code = solver.solve(built.model)
    elapsed = time.perf_counter() - t0
    used = solver.response_proto.deterministic_time + build_cost_s(len(built.x)) \
        if deterministic else time.perf_counter() - t_build
    status = Status.from_cp_sat(code)
    if not status.has_answer:
        # No plan, but the bound proven so far still holds.
        bound = float("inf") if status == Status.INFEASIBLE else \
            solver.best_objective_bound / MILLI - built.margin_yuan
        return Attempt(status, (), float("nan"), bound, 0, elapsed, used)
    choices = _read(built, data, solver)
    violation = sum(int(solver.value(s)) for s in built.slack)
    return Attempt(status, choices, solver.objective_value / MILLI,
                   solver.best_objective_bound / MILLI - built.margin_yuan,
                   violation, elapsed, used)


def penalty_yuan(violation: int) -> float:
    return SOFT_PENALTY_YUAN * violation


def _read(built: BuiltModel, data: PieceData, solver: cp_model.CpSolver) -> tuple[Choice, ...]:
    members: dict[int, list[int]] = {}
    for (i, j), var in built.x.items():
        if solver.boolean_value(var):
            members.setdefault(j, []).append(i)
    out = []
    for j in sorted(members):
        k = next(k for k in range(len(built.options[j])) if solver.boolean_value(built.opt[j, k]))
        spec = built.options[j][k]
        credit = None
        if spec.swap:
            credit = next(s for (jj, kk, s), z in built.swap_z.items()
                          if jj == j and kk == k and solver.boolean_value(z))
        out.append(Choice(center=int(data.units[j]),
                          members=tuple(int(data.units[i]) for i in sorted(members[j])),
                          remedy=spec.remedy, site=spec.site, credit_site=credit))
    return tuple(out)


def _add_hint(built: BuiltModel, data: PieceData, hint: tuple[Choice, ...]) -> None:
    local = {int(u): k for k, u in enumerate(data.units)}
    assigned = {}
    for ch in hint:
        for u in ch.members:
            assigned[local[u]] = local[ch.center]
    for (i, j), var in built.x.items():
        built.model.add_hint(var, 1 if assigned.get(i) == j else 0)
