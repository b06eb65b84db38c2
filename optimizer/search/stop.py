"""The stop flag shared by a caller's Ctrl-C handler, the executors and the running
solvers: setting it stops the CP-SAT search attached to it at once.

A flag the clock will raise (:func:`optimizer.search.clock.timed`) also knows when:
``deadline``. A step that cannot watch the flag while it runs (an external solver
such as HiGHS, with only a time limit of its own) asks :meth:`StopFlag.seconds_left`
and passes that on as its limit. A solve begun after the flag was raised asks
:meth:`StopFlag.stopped_for_s` how much of its grace is gone
(optimizer.model.cpsat_run.set_limits).
"""

from __future__ import annotations

import threading
import time

from ortools.sat.python import cp_model

__all__ = ["StopFlag"]


class StopFlag:
    """Shared between the caller's Ctrl-C handler and running solvers.

    ``deadline``: the ``time.monotonic()`` at which the clock raises this flag (None:
    no clock, only a caller or a memory budget raises it)."""

    def __init__(self, deadline: float | None = None) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._solver: cp_model.CpSolver | None = None
        self.deadline = deadline
        self._raised_at: float | None = None

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

    def stopped_for_s(self) -> float:
        """Seconds since the flag was raised (0.0 while it is not)."""
        with self._lock:
            at = self._raised_at
        return 0.0 if at is None or not self.is_set() else max(0.0, time.monotonic() - at)

    def attach(self, solver: cp_model.CpSolver | None) -> None:
        with self._lock:
            self._solver = solver
            if solver is not None and self._event.is_set():
                solver.stop_search()
