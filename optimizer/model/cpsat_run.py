"""One CP-SAT solve under the search's stop flag, as the bound models of stranded
groups run it (optimizer.model.oversized_whole, optimizer.search.oversized_bound).

One worker and a seed of the piece, so the same input gives the same answer;
deterministic time or wall time as the caller's clock asks; the stop flag attached
for the solve only (Ctrl-C and the piece's clock end it with its best so far).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol

from ortools.sat.python import cp_model

from optimizer.cpsat_stop import attached
from optimizer.rules.limits import cp_seed
from optimizer.status import Status


class Stoppable(Protocol):
    """What the search's stop flag offers (optimizer.search.stop.StopFlag)."""

    def is_set(self) -> bool: ...

    def attach(self, solver: cp_model.CpSolver | None) -> None: ...


# A model stopped before it starts (the clock or Ctrl-C came first): one of at most this
# many variables is still solved to its proof, for at most HURRIED_PROOF_S (a 5-unit
# urban piece of 6 listed communities, run after a village piece the clock stopped,
# kept its hint 1.3% above its optimum, which CP-SAT proves in a millisecond); a larger
# one stops at its first plan.
HURRIED_SMALL_VARS = 2_000
HURRIED_PROOF_S = 0.25
FIRST_CAP_S = 10.0          # for that first plan, at most (the piece must have one)
# ... and, in wall seconds, every such solve ends within the grace its stop flag gives
# (optimizer.search.stop.StopFlag.grace_s), deterministic or not: a deterministic limit
# is no wall-clock bound (seeds 196, 200 of bench/wild.py: the flow model's 5
# deterministic seconds took 14 s at load 3). Once stopped by the clock the plan is no
# longer reproducible anyway (summary.json: ``clock_stopped``). The piece then keeps
# what it has, or its fallbacks (the split search, the soft plan).


def set_limits(solver: cp_model.CpSolver, model: cp_model.CpModel, *, time_s: float,
               deterministic: bool, stopped: bool, first_cap_s: float,
               grace_s: float = math.inf) -> None:
    """The time limit of one solve, in deterministic seconds when ``deterministic``
    (the piece's clock is then the safety net) else in wall seconds; ``stopped``: the
    search was stopped before this solve began (a stop request does not reach a solve
    that has not started), so a small model gets a short proof and a larger one its
    first plan within ``first_cap_s``, and either ends on the clock too within
    ``grace_s`` wall seconds. One rule for every solve of the search.

    The grace only adds a wall limit: a deterministic ``time_s`` stays deterministic
    (HURRIED_PROOF_S is 0.25 deterministic seconds, 0.45 s of wall time at load 3: read
    as 0.25 wall seconds it cut bench/wild.py seed 172's hurried ordering model short
    of the plan it finds at its second count)."""
    p = solver.parameters
    if stopped:
        if len(model.proto.variables) <= HURRIED_SMALL_VARS:
            time_s = min(time_s, HURRIED_PROOF_S)
        else:
            p.stop_after_first_solution = True
            time_s = min(time_s, first_cap_s)
        p.max_time_in_seconds = max(0.05, grace_s)
    if deterministic:
        p.max_deterministic_time = max(0.05, time_s)
    else:
        p.max_time_in_seconds = max(0.05, min(time_s, p.max_time_in_seconds))


@dataclass(frozen=True)
class Ran:
    solver: cp_model.CpSolver     # read values and the proven bound from it
    status: Status
    used_s: float                 # deterministic seconds, or wall seconds


def run_cpsat(model: cp_model.CpModel, *, seed: int, time_s: float, deterministic: bool,
              stop: Stoppable, linearization: int = 2) -> Ran:
    """Solve ``model`` with one worker for at most ``time_s`` (deterministic seconds
    when ``deterministic``, else wall seconds), stoppable by ``stop``."""
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.num_workers = 1
    p.random_seed = cp_seed(seed)
    p.catch_sigint_signal = False
    p.linearization_level = linearization
    if deterministic:
        p.max_deterministic_time = time_s
    else:
        p.max_time_in_seconds = time_s
    with attached(stop, solver):
        code = solver.solve(model)
    used = solver.response_proto.deterministic_time if deterministic else solver.wall_time
    return Ran(solver, Status.from_cp_sat(code), float(used))
