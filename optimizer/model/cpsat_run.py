"""One CP-SAT solve under the search's stop flag, as the bound models of stranded
groups run it (optimizer.model.oversized_whole, optimizer.search.oversized_bound).

One worker and a seed of the piece, so the same input gives the same answer;
deterministic time or wall time as the caller's clock asks; the stop flag attached
for the solve only (Ctrl-C and the piece's clock end it with its best so far).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from ortools.sat.python import cp_model

from optimizer.rules.limits import cp_seed
from optimizer.status import Status


class Stoppable(Protocol):
    """What the search's stop flag offers (optimizer.search.stop.StopFlag)."""

    def is_set(self) -> bool: ...

    def attach(self, solver: cp_model.CpSolver | None) -> None: ...


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
    stop.attach(solver)
    try:
        code = solver.solve(model)
    finally:
        stop.attach(None)
    used = solver.response_proto.deterministic_time if deterministic else solver.wall_time
    return Ran(solver, Status.from_cp_sat(code), float(used))
