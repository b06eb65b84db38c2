"""A CP-SAT solve that the search's stop flag can end while it runs.

Every solve of the product (the piece models, the set partitionings, the split and
phasing models) hands its solver to the stop flag (optimizer.search.stop.StopFlag.attach)
for the time of the solve, so that Ctrl-C or the clock reach a running search, and takes
it back on every way out, so that a later raise does not reach a finished solver. Here
once, in the lowest layer, because the graph layer (optimizer.graph.tight) solves too
and may import nothing above it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

from ortools.sat.python import cp_model


class Attachable(Protocol):
    """What a stop flag offers a solve: a solver to stop while it is attached."""

    def attach(self, solver: cp_model.CpSolver | None) -> None: ...


@contextmanager
def attached(stop: Attachable | None, solver: cp_model.CpSolver) -> Iterator[None]:
    """Inside, a raised ``stop`` ends ``solver``'s search; without a flag, nothing."""
    if stop is None:
        yield
        return
    stop.attach(solver)
    try:
        yield
    finally:
        stop.attach(None)
