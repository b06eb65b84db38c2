"""The start heuristic on several seeds at once, one per core.

:func:`optimizer.districting_heuristic.heuristic_plan` is pure Python, so threads
would share one core; while it runs, the other cores of a ``workers >= 2`` solve
sat idle (the MIP and CP-SAT wait for its plan). Its plans vary a lot from seed to
seed on the larger graphs (UT tract: 77 to 90 cut edges across runs), so the best
of several seeds is worth the spare cores. Seed ``seed`` runs in this process, seeds
``seed + 1, ...`` in spawned processes; all stop at the same wall-clock deadline
(the spawned ones lose their start-up time, about a second, not the caller).

A spawned seed that fails (an exception, a killed process) only costs its plan: the
answer is the best plan of the seeds that returned one.
"""

from __future__ import annotations

import logging
import multiprocessing
import time
from concurrent.futures import Future, ProcessPoolExecutor

import numpy as np

from optimizer.districting_graph import GraphArrays, adjacency_cuts
from optimizer.districting_heuristic import heuristic_plan

MAX_PROCESSES = 8      # beyond this the seeds add little and the start-up adds up
_log = logging.getLogger(__name__)


def best_heuristic_plan(g: GraphArrays, k: int, lo: int, hi: int, *, time_limit_s: float,
                        seed: int = 0, processes: int = 1) -> np.ndarray | None:
    """The plan with the fewest cut edges among ``heuristic_plan`` runs on seeds
    ``seed .. seed + processes - 1`` (ties: the lowest seed), or None when no seed
    found a plan within bounds. ``processes`` <= 1: this process only (the result
    is then that of ``heuristic_plan`` itself)."""
    processes = max(1, min(processes, MAX_PROCESSES))
    if processes == 1:
        return heuristic_plan(g, k, lo, hi, time_limit_s=time_limit_s, seed=seed)
    deadline = time.time() + time_limit_s     # wall clock: shared with the children
    ctx = multiprocessing.get_context("spawn")     # no fork of a threaded process
    with ProcessPoolExecutor(max_workers=processes - 1, mp_context=ctx) as pool:
        futures = [pool.submit(_until, g, k, lo, hi, deadline, seed + i)
                   for i in range(1, processes)]
        plans = [heuristic_plan(g, k, lo, hi, time_limit_s=time_limit_s, seed=seed)]
        plans += [_result(f, seed + i, deadline) for i, f in enumerate(futures, start=1)]
    nbrs = g.nbrs()
    found = [p for p in plans if p is not None]
    return min(found, key=lambda p: adjacency_cuts(nbrs, p)) if found else None


def _until(g: GraphArrays, k: int, lo: int, hi: int, deadline: float,
           seed: int) -> np.ndarray | None:
    """heuristic_plan until the wall-clock ``deadline`` (runs in a child)."""
    return heuristic_plan(g, k, lo, hi, time_limit_s=max(0.0, deadline - time.time()),
                          seed=seed)


def _result(future: Future[np.ndarray | None], seed: int,
            deadline: float) -> np.ndarray | None:
    try:
        # A child ends at the deadline; the slack covers its last round.
        return future.result(timeout=max(0.0, deadline - time.time()) + 30.0)
    except Exception as exc:    # a lost seed costs its plan, nothing else
        _log.warning("heuristic seed %d gave no plan: %s", seed, exc)
        future.cancel()
        return None
