"""The stop flag shared by a caller's Ctrl-C handler, the executors and the running
solvers: setting it stops the CP-SAT search attached to it at once."""

from __future__ import annotations

import threading

from ortools.sat.python import cp_model

__all__ = ["StopFlag"]


class StopFlag:
    """Shared between the caller's Ctrl-C handler and running solvers."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._solver: cp_model.CpSolver | None = None

    def set(self) -> None:
        self._event.set()
        with self._lock:
            if self._solver is not None:
                self._solver.stop_search()

    def is_set(self) -> bool:
        return self._event.is_set()

    def wait(self, timeout: float) -> bool:
        return self._event.wait(timeout)

    def attach(self, solver: cp_model.CpSolver | None) -> None:
        with self._lock:
            self._solver = solver
            if solver is not None and self._event.is_set():
                solver.stop_search()
