"""Set partitioning: pick columns (groups of units, each with a cost) so that every
unit lies in exactly one, at least total cost. One bool per column.

Costs are in the objective unit of :mod:`optimizer.model.cpsat` (1/10,000 yuan),
rounded down, so the model's bound is never above the true optimum; ``margin_yuan``
covers the float error of the costs themselves.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from ortools.sat.python import cp_model

from optimizer.cpsat_stop import attached
from optimizer.model.cpsat import MILLI
from optimizer.model.cpsat_guard import solve_within
from optimizer.model.cpsat_run import FIRST_CAP_S, set_limits
from optimizer.rules.limits import cp_seed
from optimizer.status import Status


def add_bools(model: cp_model.CpModel, n: int) -> int:
    """``n`` 0/1 variables written into the model's proto, unnamed (98,838-100,000:
    0.14-0.19 s, against 0.24-0.48 s named through the modelling layer,
    bench/results/lead-s43/build_bench.py.txt); the index of the first."""
    first = len(model.proto.variables)
    for _ in range(n):
        model.proto.variables.add().domain.extend((0, 1))
    return first


@dataclass
class SetPartModel:
    """The model, written straight into its proto: variable k is column k. Through
    the modelling layer (a named variable, a hint and an objective term per column)
    building took 1.0-1.3 s of wall for 98,838 columns (a 119-compound street's
    listing, wild seed 775), several times a piece, none of it in the solver's
    limits; this way 0.17 s, the same model (bench/results/lead-s43/sp_bench.py.txt)."""

    model: cp_model.CpModel
    columns: int
    margin_yuan: float

    def at_most(self, weights: Sequence[int] | np.ndarray, cap: int) -> None:
        """sum over columns of weights[k] * x_k <= cap (terms of weight 0 left out)."""
        w = np.asarray(weights, dtype=np.int64)
        nz = np.flatnonzero(w)
        row = self.model.proto.constraints.add().linear
        row.vars.extend(nz.tolist())
        row.coeffs.extend(w[nz].tolist())
        low = int(np.minimum(w, 0).sum())
        if low <= cap:              # else an empty domain: infeasible, as it should be
            row.domain.extend((low, int(cap)))


def build_setpart(n_units: int, members: Sequence[Sequence[int]], cost_yuan: np.ndarray,
                  hint: Sequence[int] | None = None, count: tuple[int, int] | None = None
                  ) -> SetPartModel:
    """``members[k]``: the (local) units of column k; ``hint``: columns of a plan;
    ``count``: the possible numbers of columns (redundant, it tightens the LP: on a
    24-unit street 0.85 s to the proof instead of 2.0 s)."""
    m = cp_model.CpModel()
    proto = m.proto
    n = len(members)
    add_bools(m, n)
    cover: list[list[int]] = [[] for _ in range(n_units)]
    for k, group in enumerate(members):
        for i in group:
            cover[i].append(k)
    for lits in cover:
        # no column holds the unit: an empty exactly-one, infeasible, as it should be
        proto.constraints.add().exactly_one.literals.extend(lits)
    every = list(range(n))
    if count is not None:
        row = proto.constraints.add().linear
        row.vars.extend(every)
        row.coeffs.extend([1] * n)
        if count[0] <= count[1]:    # else an empty domain: infeasible, as it should be
            row.domain.extend((int(count[0]), int(count[1])))
    scaled = np.floor(np.asarray(cost_yuan, dtype=np.float64) * MILLI).astype(np.int64)
    proto.objective.vars.extend(every)
    proto.objective.coeffs.extend(scaled.tolist())
    if hint is not None:
        chosen = set(hint)
        proto.solution_hint.vars.extend(every)
        proto.solution_hint.values.extend([1 if k in chosen else 0 for k in every])
    # Float error of the costs (sums of a few hundred terms): far below a yuan.
    total = float(np.abs(cost_yuan).max()) if len(cost_yuan) else 0.0
    return SetPartModel(m, n, margin_yuan=1.0 + 1e-9 * total * n_units)


class Stoppable(Protocol):
    """What the search's stop flag offers (optimizer.search.attempt.StopFlag)."""

    def is_set(self) -> bool: ...

    def attach(self, solver: cp_model.CpSolver | None) -> None: ...

    def seconds_left(self) -> float | None: ...

    def grace_s(self) -> float: ...


@dataclass(frozen=True)
class SetPartResult:
    status: Status              # of CP-SAT (MODEL_INVALID, a bug of ours: UNKNOWN)
    chosen: tuple[int, ...]     # the columns of the plan (empty without one)
    bound_yuan: float           # a true lower bound (inf when infeasible)
    used_s: float               # deterministic time when deterministic, else wall time
    left_behind: bool = False   # CP-SAT did not return in time (optimizer.model.cpsat_guard)


# How long past its own wall-clock limit a solve is waited for: CP-SAT returned up to
# 2.0 s late (8.9 s asked, 10.9 s taken; 60,001 columns, two workers, load 3), and an
# overrun of tens of seconds is what the wait is for (cpsat_guard).
LATE_S = 2.0
LATE_SHARE = 0.25


def wait_s(time_s: float, *, deterministic: bool, stopped: bool,
           seconds_left: float | None) -> float | None:
    """How long :func:`solve_setpart` waits for CP-SAT before leaving it behind
    (optimizer.model.cpsat_guard); None: as long as it takes. The piece's deadline
    (``seconds_left``) bounds it, and with wall-clock limits the solve's own limit
    with LATE_S + LATE_SHARE of it to spare. Asked for a first plan after the stop
    (``stopped``) it gets its whole limit, the piece's deadline being past: a plan is
    what the stop asks of it. Deterministic limits give no wall-clock bound of their
    own (the piece's deadline is the safety net, optimizer.search.clock)."""
    spare = time_s + LATE_S + LATE_SHARE * time_s
    if stopped:
        return spare
    own = None if deterministic else spare
    if seconds_left is None:
        return own
    return seconds_left if own is None else min(own, seconds_left)


def solve_setpart(built: SetPartModel, *, time_s: float, workers: int, seed: int,
                  deterministic: bool, stop: Stoppable, log: bool = False,
                  relative_gap: float = 0.0) -> SetPartResult:
    """Solve with the limits of :func:`optimizer.search.attempt.run_model`: a stop
    request reaches the running solver; before the start it asks for the first plan."""
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.num_workers = max(1, workers)
    p.random_seed = cp_seed(seed)
    # Ctrl-C is ours (optimizer.search.signals): CP-SAT's own handler would end only
    # this model, as if its time were up, and the solve would go on.
    p.catch_sigint_signal = False
    # Every exactly-one in the LP (level 1 keeps most as cliques outside it): the
    # proof on a 24-unit street took 2 s instead of 10.
    p.linearization_level = 2
    # Presolve (probing) finds little in a set partitioning and took 4 of the 2-5
    # seconds a 62-unit city street gets, before any plan: off, the first plan comes
    # at once and the proof is as fast (county streets: 0.1-1.6 s either way).
    p.cp_model_presolve = False
    # Deterministic: no wall-clock limit here (the piece's clock, optimizer.search.clock,
    # is the safety net, and summary.json reports where it bound). Stopped before the
    # start: a short proof when small, else the first plan (optimizer.model.cpsat_run).
    set_limits(solver, built.model, time_s=time_s, deterministic=deterministic,
               stopped=stop.is_set(), first_cap_s=FIRST_CAP_S,
               grace_s=stop.grace_s())
    p.log_search_progress = log
    if relative_gap > 0:
        p.relative_gap_limit = relative_gap
    # The wait is from the limit set_limits gave (shortened when stopped before the start).
    limit = p.max_deterministic_time if deterministic and not stop.is_set() \
        else p.max_time_in_seconds          # stopped: the wall cap binds (set_limits)
    wait = wait_s(limit, deterministic=deterministic, stopped=stop.is_set(),
                  seconds_left=stop.seconds_left())
    t0 = time.perf_counter()
    with attached(stop, solver):
        got = solve_within(solver, built.model, wait)
    if got.code is None:
        # Left behind (optimizer.model.cpsat_guard): the plan it had reported and the
        # bound proven by then; its deterministic time is not known, its limit is charged.
        chosen = tuple(k for k in range(built.columns)
                       if got.values is not None and got.values[k])
        return SetPartResult(Status.FEASIBLE if chosen else Status.UNKNOWN, chosen,
                             got.bound / MILLI - built.margin_yuan,
                             time_s if deterministic else time.perf_counter() - t0,
                             left_behind=True)
    used = solver.response_proto.deterministic_time if deterministic \
        else time.perf_counter() - t0
    status = Status.from_cp_sat(got.code)
    if status == Status.INFEASIBLE:
        return SetPartResult(status, (), math.inf, used)
    bound = solver.best_objective_bound / MILLI - built.margin_yuan
    chosen = tuple(k for k, v in enumerate(list(solver.response_proto.solution)[:built.columns])
                   if v) if status.has_answer else ()
    return SetPartResult(status, chosen, bound, used)
