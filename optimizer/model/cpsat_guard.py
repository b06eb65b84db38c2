"""A CP-SAT solve the caller can walk away from: a time limit is a promise about the
clock (issue 16), and CP-SAT does not always keep its own.

CP-SAT watches its time limit and a stop request in its search, but not in every
phase, and it returns only once every worker has: on a 78-unit real map
(hr-stl-urban, 452,148 listed communities) a set-partitioning stage of 60,001 columns
given 8.9 s returned after 50 s, the piece's stop at 57 s ignored too, and the command
ran 73-82 s for a 60-s limit (bench/JOURNAL.md, "A time limit broken"). The stage that
overran cannot be made to return; the caller can stop waiting for it.

So :func:`solve_within` runs the solve in a daemon thread and waits at most
``wait_s`` for it. When that has passed it asks the solver to stop once more and
waits ``STOP_GRACE_S`` (a solver that heeds a stop returns within 0.1-1.4 s at load
5-7: bench/stop_latency.py); still running, it is left behind: the caller gets the
best solution the solver had reported (a solution callback) with the bound it
had proven by then, and no status.
The thread ends when the solver does; it is a daemon, so it never holds up the
process's exit (optimizer.cli.leave ends the process without waiting for it).
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

STOP_GRACE_S = 1.0      # after the wait, a last stop request and this long before leaving


class _Best(cp_model.CpSolverSolutionCallback):
    """The last solution the solver reported (its values, in variable order) and the
    bound it had proven by then."""

    def __init__(self) -> None:
        super().__init__()
        self.values: list[int] | None = None
        self.bound = -math.inf
        self._lock = threading.Lock()

    def on_solution_callback(self) -> None:
        self.keep(list(self.response_proto.solution), float(self.best_objective_bound))

    def keep(self, values: list[int], bound: float) -> None:
        with self._lock:
            self.values, self.bound = values, bound

    def last(self) -> tuple[list[int] | None, float]:
        with self._lock:
            return self.values, self.bound


@dataclass(frozen=True)
class Outcome:
    code: int | None                # CP-SAT's status code; None: the solve was left behind
    values: list[int] | None = None     # left behind: the last solution reported, if any
    bound: float = -math.inf            # ... and the bound proven then (the model's units)


def solve_within(solver: cp_model.CpSolver, model: cp_model.CpModel,
                 wait_s: float | None,
                 on_start: Callable[[], None] = lambda: None) -> Outcome:
    """Solve ``model``; None ``wait_s``: here, as CP-SAT alone would. Else in a daemon
    thread, waiting at most ``wait_s`` (+ ``STOP_GRACE_S`` after a last stop request)
    for it to return (module docstring). ``on_start``: called once the thread runs
    (tests). An exception of the solve is raised here, as the direct call would."""
    if wait_s is None:
        return Outcome(int(solver.solve(model)))
    best = _Best()
    box: dict[str, object] = {}
    done = threading.Event()

    def run() -> None:
        try:
            on_start()
            box["code"] = int(solver.solve(model, best))
        except BaseException as exc:  # noqa: BLE001 (handed to the caller below)
            box["error"] = exc
        finally:
            done.set()

    threading.Thread(target=run, daemon=True, name="optimizer-cpsat").start()
    if not done.wait(max(0.0, wait_s)):
        solver.stop_search()
        done.wait(STOP_GRACE_S)
    if not done.is_set():
        values, bound = best.last()
        return Outcome(None, values, bound)
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    code = box["code"]
    assert isinstance(code, int)
    return Outcome(code)
