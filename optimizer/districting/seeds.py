"""The start heuristic on several seeds at once, one per core.

:func:`optimizer.districting.heuristic.heuristic_plan` is pure Python, so threads
would share one core; while it runs, the other cores of a ``workers >= 2`` solve
sat idle (the MIP and CP-SAT wait for its plan). Its plans vary a lot from seed to
seed on the larger graphs (UT tract: 77 to 90 cut edges across runs), so the best
of several seeds is worth the spare cores. Seed ``seed`` runs in this process, seeds
``seed + 1, ...`` in child processes; all stop at the same wall-clock deadline (a
child loses its start-up time, about half a second, not the caller).

The children are plain ``python -m optimizer.districting.seeds`` processes fed a
pickle on stdin, not :mod:`multiprocessing`: its spawn start method re-runs the
caller's main script in every child, which a planner's script without an
``if __name__ == "__main__":`` guard does not survive (and fork is unsafe in a
process with solver threads). A child that fails or overruns its deadline is killed
and only costs its plan: the answer is the best plan of the seeds that returned one.
"""

from __future__ import annotations

import logging
import os
import pickle
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from optimizer.districting.graph import GraphArrays, adjacency_cuts
from optimizer.districting.heuristic import heuristic_plan

MAX_PROCESSES = 8      # beyond this the seeds add little and the start-ups add up
SLACK_S = 30.0         # a child's last round may end a little after the deadline
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
    children: list[tuple[int, subprocess.Popen[bytes]]] = []
    try:
        for i in range(1, processes):
            try:
                children.append((seed + i, _start(g, k, lo, hi, deadline, seed + i)))
            except OSError as exc:    # no usable interpreter (embedded Python)
                _log.warning("heuristic seed %d not started: %s", seed + i, exc)
        plans = [heuristic_plan(g, k, lo, hi, time_limit_s=time_limit_s, seed=seed)]
        plans += [_collect(proc, s, deadline) for s, proc in children]
    finally:
        for _, proc in children:
            if proc.poll() is None:
                proc.kill()       # interrupted (Ctrl-C) or overran: no orphans
                proc.wait()
    nbrs = g.nbrs()
    found = [p for p in plans if p is not None]
    return min(found, key=lambda p: adjacency_cuts(nbrs, p)) if found else None


def _start(g: GraphArrays, k: int, lo: int, hi: int, deadline: float,
           seed: int) -> subprocess.Popen[bytes]:
    root = str(Path(__file__).resolve().parents[1])    # wherever optimizer came from
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    proc = subprocess.Popen([sys.executable, "-m", "optimizer.districting.seeds"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env)
    assert proc.stdin is not None
    try:
        proc.stdin.write(pickle.dumps((g, k, lo, hi, deadline, seed)))
        proc.stdin.close()
    except OSError:           # the child died at start-up (broken pipe)
        proc.kill()
        proc.wait()
        raise
    proc.stdin = None       # communicate() would flush the closed pipe
    return proc


def _collect(proc: subprocess.Popen[bytes], seed: int,
             deadline: float) -> np.ndarray | None:
    try:
        out, err = proc.communicate(timeout=max(0.0, deadline - time.time()) + SLACK_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        _log.warning("heuristic seed %d overran its deadline; its plan is dropped", seed)
        return None
    if proc.returncode != 0:
        last = err.decode(errors="replace").strip().splitlines()[-1:] or [""]
        _log.warning("heuristic seed %d failed (exit %d): %s", seed, proc.returncode,
                     last[0])
        return None
    plan = pickle.loads(out)
    return None if plan is None else np.asarray(plan, dtype=np.int64)


def _child() -> None:
    """Read (graph, k, lo, hi, deadline, seed) from stdin, write the plan to stdout."""
    g, k, lo, hi, deadline, seed = pickle.loads(sys.stdin.buffer.read())
    plan = heuristic_plan(g, k, lo, hi, time_limit_s=max(0.0, deadline - time.time()),
                          seed=seed)
    sys.stdout.buffer.write(pickle.dumps(plan))


if __name__ == "__main__":
    _child()
