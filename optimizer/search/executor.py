"""Run piece tasks in this process or in a pool of worker processes.

Workers get the scenario once (without its geometry), ignore Ctrl-C themselves and
stop when the caller's stop flag is raised, so an interrupt still returns every
piece's best plan so far. Each task carries its own seed and time budget, so the
result does not depend on which process solved which piece.
"""

from __future__ import annotations

import multiprocessing as mp
import signal
import threading
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any

from optimizer.scenario.model import Scenario
from optimizer.search.component import StopFlag
from optimizer.search.piece import PieceResult, PieceTask, solve_piece

_WORKER: dict[str, Any] = {}   # per worker process: its scenario and stop flag


def run_pieces(scenario: Scenario, tasks: list[PieceTask], procs: int, stop: StopFlag,
               done: Callable[[PieceResult], None]) -> None:
    """Solve every task and hand each result to ``done`` as it finishes."""
    if procs <= 1 or len(tasks) <= 1:
        for task in tasks:
            done(solve_piece(scenario, task, stop))
        return
    ctx = mp.get_context("spawn")
    event = ctx.Event()
    relay = threading.Thread(target=_relay, args=(stop, event), daemon=True)
    relay.start()
    lean = scenario.replace(geometry=None)
    order = sorted(tasks, key=lambda t: (-t.budget_s, t.index))
    with ProcessPoolExecutor(max_workers=procs, mp_context=ctx, initializer=_init,
                             initargs=(lean, event)) as pool:
        pending: set[Future[PieceResult]] = {pool.submit(_work, t) for t in order}
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for fut in sorted(finished, key=lambda f: f.result().index):
                done(fut.result())


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
