"""Run piece tasks in this process or in a pool of worker processes.

Workers get the scenario once (without its geometry), ignore Ctrl-C themselves and
stop when the caller's stop flag is raised, so an interrupt still returns every
piece's best plan so far. Each task carries its own seed and time budget, so the
result does not depend on which process solved which piece.
"""

from __future__ import annotations

import dataclasses
import multiprocessing as mp
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any

from optimizer.scenario.model import Scenario
from optimizer.search.component import StopFlag
from optimizer.search.piece import PieceResult, PieceTask, solve_piece

_WORKER: dict[str, Any] = {}   # per worker process: its scenario and stop flag


def run_pieces(scenario: Scenario, tasks: list[PieceTask], procs: int, stop: StopFlag,
               done: Callable[[PieceResult], None], deadline: float | None = None) -> None:
    """Solve every task and hand each result to ``done`` as it finishes.

    With a ``deadline`` (wall-clock mode) each task's budget is set when it starts:
    its share, by weight, of the time the workers have left once the running tasks'
    budgets are set aside, so time a piece does not use goes to the pieces after it.
    Without one, the tasks' own (deterministic) budgets stand.
    """
    weights = {t.index: t.budget_s for t in tasks}
    order = sorted(tasks, key=lambda t: (-t.budget_s, t.index))
    running: dict[int, tuple[float, float]] = {}     # index -> (start, budget)

    def start(task: PieceTask) -> PieceTask:
        if deadline is None:
            return task
        now = time.perf_counter()
        busy = sum(max(0.0, b - (now - t0)) for t0, b in running.values())
        capacity = max(0.0, procs * (deadline - now) - busy)
        left = sum(weights[t.index] for t in order[order.index(task):])
        budget = min(max(0.0, deadline - now), capacity * weights[task.index] / left)
        running[task.index] = (now, budget)
        return dataclasses.replace(task, budget_s=max(0.5, budget))

    if procs <= 1 or len(tasks) <= 1:
        for task in order:
            res = solve_piece(scenario, start(task), stop)
            running.pop(task.index, None)
            done(res)
        return
    ctx = mp.get_context("spawn")
    event = ctx.Event()
    relay = threading.Thread(target=_relay, args=(stop, event), daemon=True)
    relay.start()
    lean = scenario.replace(geometry=None)
    queue = list(order)
    with ProcessPoolExecutor(max_workers=procs, mp_context=ctx, initializer=_init,
                             initargs=(lean, event)) as pool:
        pending: set[Future[PieceResult]] = set()
        while queue or pending:
            while queue and len(pending) < procs:
                pending.add(pool.submit(_work, start(queue[0])))
                queue.pop(0)
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for fut in sorted(finished, key=lambda f: f.result().index):
                res = fut.result()
                running.pop(res.index, None)
                done(res)


def _relay(stop: StopFlag, event: Any) -> None:
    while not stop.is_set():
        stop.wait(0.5)
    event.set()


def _init(scenario: Scenario, event: Any) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    flag = StopFlag()
    _WORKER["scenario"] = scenario
    _WORKER["stop"] = flag
    threading.Thread(target=_watch, args=(event, flag), daemon=True).start()


def _watch(event: Any, flag: StopFlag) -> None:
    event.wait()
    flag.set()


def _work(task: PieceTask) -> PieceResult:
    return solve_piece(_WORKER["scenario"], task, _WORKER["stop"])
