"""The stop flag shared by a caller's Ctrl-C handler, the executors and the running
solvers: setting it stops the CP-SAT search attached to it at once.

A flag the clock will raise (:func:`optimizer.search.clock.timed`) also knows when:
``deadline``. A step that cannot watch the flag while it runs (an external solver
such as HiGHS, with only a time limit of its own) asks :meth:`StopFlag.seconds_left`
and passes that on as its limit. A solve begun after the flag was raised asks
:meth:`StopFlag.grace_s` how much wall time it still has (its limits:
optimizer.model.cpsat_run.set_limits).
"""

from __future__ import annotations

import math
import threading
import time

from ortools.sat.python import cp_model

__all__ = ["HURRIED_WALL_S", "StopFlag"]

# A solve begun after the stop (a piece handed out late, or its share of the clock gone,
# with no plan in hand) ends on the clock too, not only in deterministic time: a piece
# of bench/wild.py seeds 196 and 200 (15 s, one worker) ran four hurried ordering
# models and the flow model's 5 deterministic seconds, 14 s of wall time at load 3,
# 11 s past the limit. Its grace: until the run's own end (``grace_until``: in
# one-worker mode a piece may be stopped at its share of the clock, before it), and at
# least HURRIED_WALL_S after the stop. Seed 172's last piece, stopped at the run's
# deadline itself, finds its plan at its second hurried count, 0.97-1.1 s after the
# stop at load 3-4: at 1.0 s it lost it about every other run.
HURRIED_WALL_S = 1.5


class StopFlag:
    """Shared between the caller's Ctrl-C handler and running solvers.

    ``deadline``: the ``time.monotonic()`` at which the clock raises this flag (None:
    no clock, only a caller or a memory budget raises it); ``grace_until``: the
    ``time.monotonic()`` until which a solve begun after it was raised may still run
    (the run's deadline; None: HURRIED_WALL_S after the raise)."""

    def __init__(self, deadline: float | None = None,
                 grace_until: float | None = None) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._solver: cp_model.CpSolver | None = None
        self.deadline = deadline
        self._raised_at: float | None = None
        self.grace_until = grace_until

    def set(self) -> None:
        self._event.set()
        with self._lock:
            if self._raised_at is None:
                self._raised_at = time.monotonic()
            if self._solver is not None:
                self._solver.stop_search()

    def is_set(self) -> bool:
        return self._event.is_set()

    def wait(self, timeout: float) -> bool:
        return self._event.wait(timeout)

    def seconds_left(self) -> float | None:
        """How long until the clock raises the flag: 0 once raised, None without a
        clock (nothing to tell a solver that cannot watch the flag)."""
        if self.is_set():
            return 0.0
        if self.deadline is None:
            return None
        return max(0.0, self.deadline - time.monotonic())

    def grace_s(self) -> float:
        """Wall seconds a solve begun now may still take once the flag is raised (inf
        while it is not): until ``grace_until`` or HURRIED_WALL_S after the raise,
        whichever is later; 0 once both have passed."""
        with self._lock:
            at = self._raised_at
        if at is None or not self.is_set():
            return math.inf
        end = max(at + HURRIED_WALL_S, self.grace_until if self.grace_until is not None
                  else -math.inf)
        return max(0.0, end - time.monotonic())

    def attach(self, solver: cp_model.CpSolver | None) -> None:
        with self._lock:
            self._solver = solver
            if solver is not None and self._event.is_set():
                solver.stop_search()
