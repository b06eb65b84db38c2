"""CP-SAT and the SCIP MIP side by side on one districting model.

CP-SAT finds plans fast (its LNS) and its core-based worker raises the cut-edge
bound; SCIP's LP-based branch and bound (:mod:`optimizer.districting.mip`) proves
bounds that CP-SAT does not reach in the same time. They share nothing but a stop
event: whichever proves optimality (or infeasibility) first stops the other. The MIP
runs in a thread (SCIP releases the GIL while it solves), CP-SAT in the caller's.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from ortools.sat.python import cp_model

from optimizer.districting.graph import adjacency_cuts
from optimizer.districting.mip import Incumbent, MipResult, StopWatch
from optimizer.districting.region import Region

BOUND_SUBSOLVERS = ("core", "default_lp", "max_lp")


class MipThread:
    """Runs ``job(stop)`` in a daemon thread once ``ready`` is set; sets ``stop``
    when the job has proved optimality or infeasibility, so CP-SAT can end too."""

    def __init__(self, job: Callable[[threading.Event], MipResult],
                 stop: threading.Event, ready: threading.Event) -> None:
        self.result: MipResult | None = None
        self.error: BaseException | None = None
        self._stop, self._ready = stop, ready

        def run() -> None:
            try:
                ready.wait()      # the start plan, a hint worth waiting for
                if stop.is_set():
                    return        # CP-SAT closed it first: no model to build
                self.result = job(stop)
                if self.result.status in ("optimal", "infeasible"):
                    stop.set()
            except BaseException as exc:  # reported by join(), never lost
                self.error = exc
        self._thread = threading.Thread(target=run, name="districting-mip", daemon=True)
        self._thread.start()

    def join(self) -> MipResult | None:
        """Stop the MIP (if still running) and return its result."""
        self._stop.set()
        self._ready.set()
        self._thread.join()
        if self.error is not None:
            raise self.error
        return self.result


class OfferPlans(cp_model.CpSolverSolutionCallback):
    """Offers each CP-SAT plan of the labelling model to the shared incumbent, and
    sets ``stop`` when one meets the bound the MIP has proved."""

    def __init__(self, x: dict[tuple[int, int], cp_model.IntVar], data: Region,
                 incumbent: Incumbent, stop: threading.Event) -> None:
        super().__init__()
        self._x, self._data, self._inc, self._stop = x, data, incumbent, stop

    def on_solution_callback(self) -> None:
        labels = np.full(self._data.n, -1, dtype=np.int64)
        for (i, d), v in self._x.items():
            if self.boolean_value(v):
                labels[i] = d
        if self._inc.offer(labels, adjacency_cuts(self._data.nbrs, labels)):
            self._stop.set()


def two_phase(m: cp_model.CpModel, time_limit_s: float, workers: int, seed: int,
              log: bool, stop: threading.Event | None = None,
              bound_subsolvers: tuple[str, ...] = BOUND_SUBSOLVERS,
              callback: cp_model.CpSolverSolutionCallback | None = None
              ) -> tuple[cp_model.CpSolver, Any]:
    """First a plan with CP-SAT's default portfolio (its LNS finds plans fast), then,
    hinted with it, the bound phase with the core-based worker, which is what raises
    the cut-edge bound (the LP workers alone leave it near 0; see bench/JOURNAL.md).
    ``stop``: when set, the solve in progress ends (status as CP-SAT reports it).
    ``callback``: called on each plan of both phases."""
    running: list[cp_model.CpSolver] = []       # the solve in progress, if any

    def interrupt() -> None:
        for sv in list(running):
            sv.stop_search()

    watch = StopWatch(stop, interrupt)

    def solve(solver: cp_model.CpSolver) -> Any:
        running.append(solver)
        try:
            return solver.solve(m, callback)
        finally:
            running.remove(solver)

    try:
        t1 = max(1.0, min(0.15 * time_limit_s, 60.0))
        solver = make_solver(time_limit_s if time_limit_s <= 2 else t1, workers, seed, log)
        t0 = time.monotonic()
        code = solve(solver)
        left = time_limit_s - (time.monotonic() - t0)
        if (code in (cp_model.OPTIMAL, cp_model.INFEASIBLE) or left <= 0.5
                or (stop is not None and stop.is_set())):
            return solver, code
        if code == cp_model.FEASIBLE:
            m.clear_hints()
            for idx in range(len(m.proto.variables)):
                v = m.get_int_var_from_proto_index(idx)
                m.add_hint(v, solver.value(v))
        second = make_solver(left, max(workers, len(bound_subsolvers)), seed, log)
        second.parameters.subsolvers.extend(bound_subsolvers)
        code2 = solve(second)
        if code2 == cp_model.UNKNOWN and code == cp_model.FEASIBLE:
            return solver, code
        return second, code2
    finally:
        watch.close()


def make_solver(limit: float, workers: int, seed: int, log: bool) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.max_time_in_seconds = float(limit)
    p.num_workers = workers
    p.random_seed = seed
    p.log_search_progress = log
    return solver
