"""Solves in worker processes, never in the server's event loop.

A job runs ``optimizer.solve`` in a spawned process (which uses the engine's
executors for its pieces). The process reports progress through a queue; a thread of
the server reads it into the database, where the page polls it. Cancel sets an event
the process relays to the solve's StopFlag: the solve stops like Ctrl-C stops it and
returns its best checked plan, which still becomes a version. A job whose process
dies, or that overruns its time limit by far, is ended and marked failed. At start-up
jobs a stopped server left running are marked interrupted (:mod:`optimizer.web.store`).
"""

from __future__ import annotations

import dataclasses
import multiprocessing as mp
import queue as queue_mod
import threading
import time
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from optimizer.plan.model import Community, GridShare, Plan
from optimizer.plan.summary import typed_fields
from optimizer.scenario.model import Scenario
from optimizer.web.store import Store

GRACE_S = 60.0        # past the time limit before a job is told to stop
KILL_AFTER_S = 30.0   # past that before its process is ended
PROGRESS_EVERY_S = 0.5


def _plan_to_wire(plan: Plan) -> dict[str, Any]:
    return {"scenario": plan.scenario, "unit_ids": list(plan.unit_ids),
            "community": list(plan.community), "grid": list(plan.grid),
            "communities": [c.row() for c in plan.communities],
            "summary": plan.summary_dict(),
            "grid_shares": [asdict(g) for g in plan.grid_shares]}


def plan_from_wire(data: dict[str, Any]) -> Plan:
    typed, rest = typed_fields(data["summary"])
    return Plan(data["scenario"], tuple(data["unit_ids"]), tuple(data["community"]),
                tuple(data["grid"]), tuple(Community(**c) for c in data["communities"]),
                rest, tuple(GridShare(**g) for g in data.get("grid_shares", ())), **typed)


def _worker(scenario: Scenario, params: dict[str, Any], out: Any, cancel: Any) -> None:
    """The job process: solve, reporting progress; a cancel stops the search."""
    from optimizer.progress import ProgressEvent
    from optimizer.search import solve
    from optimizer.search.stop import StopFlag

    stop = StopFlag()

    def relay() -> None:
        cancel.wait()
        stop.set()

    threading.Thread(target=relay, daemon=True).start()

    def progress(event: ProgressEvent) -> None:
        out.put(("progress", {"done": event.done, "total": event.total,
                              "objective": event.objective, "bound": event.bound,
                              "gap": event.gap, "elapsed_s": event.elapsed_s,
                              "current": event.current}))

    try:
        plan = solve(scenario, time_limit_s=params["time_limit_s"],
                     workers=params["workers"], seed=params.get("seed"),
                     progress=progress,
                     stop=stop)
        out.put(("done", _plan_to_wire(plan)))
    except Exception as exc:   # reported to the planner, with its type
        out.put(("error", f"{type(exc).__name__}: {exc}"))


Finish = Callable[[int, Plan | None, str], None]


@dataclasses.dataclass
class _Running:
    process: Any
    cancel: Any
    started: float
    limit: float


class JobRunner:
    """Starts job processes and follows them from a thread each."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._ctx = mp.get_context("spawn")
        self._running: dict[int, _Running] = {}
        self._lock = threading.Lock()

    def start(self, job: int, scenario: Scenario, params: dict[str, Any],
              finish: Finish) -> None:
        """Run ``solve(scenario, **params)`` as job ``job``; ``finish(job, plan, message)``
        is called from the job's thread when it ends (plan None when it failed)."""
        out = self._ctx.Queue()
        cancel = self._ctx.Event()
        light = dataclasses.replace(scenario, geometry=None)
        proc = self._ctx.Process(target=_worker, args=(light, params, out, cancel),
                                 name=f"workbench-job-{job}")
        proc.start()
        with self._lock:
            self._running[job] = _Running(proc, cancel, time.time(),
                                          float(params["time_limit_s"]))
        self.store.update_job(job, status="running")
        threading.Thread(target=self._follow, args=(job, out, finish), daemon=True,
                         name=f"workbench-job-{job}-follow").start()

    def cancel(self, job: int) -> bool:
        with self._lock:
            run = self._running.get(job)
        if run is None:
            return False
        run.cancel.set()
        self.store.update_job(job, message="cancelling: the solve returns its best plan")
        return True

    def running(self) -> list[int]:
        with self._lock:
            return sorted(self._running)

    def _follow(self, job: int, out: Any, finish: Finish) -> None:
        with self._lock:
            run = self._running[job]
        last = 0.0
        latest: dict[str, Any] = {}
        plan: Plan | None = None
        message = ""
        while True:
            elapsed = time.time() - run.started
            if elapsed > run.limit + GRACE_S and not run.cancel.is_set():
                run.cancel.set()
            if elapsed > run.limit + GRACE_S + KILL_AFTER_S and run.process.is_alive():
                run.process.terminate()
                message = "the solve overran its time limit and was ended"
            try:
                kind, payload = out.get(timeout=0.25)
            except queue_mod.Empty:
                if not run.process.is_alive():
                    try:        # the last message may land just after the process ends
                        kind, payload = out.get(timeout=1.0)
                    except queue_mod.Empty:
                        message = message or (f"the solve process ended without a plan "
                                              f"(exit code {run.process.exitcode})")
                        break
                else:
                    if time.time() - last > PROGRESS_EVERY_S:
                        latest["elapsed_s"] = round(elapsed, 1)
                        self.store.update_job(job, progress=latest)
                        last = time.time()
                    continue
            if kind == "progress":
                latest = dict(payload)
                latest["elapsed_s"] = round(time.time() - run.started, 1)
                self.store.update_job(job, progress=latest)
                last = time.time()
            elif kind == "done":
                plan = plan_from_wire(payload)
                break
            else:
                message = str(payload)
                break
        run.process.join(timeout=10)
        with self._lock:
            self._running.pop(job, None)
        finish(job, plan, message)

    def shutdown(self) -> None:
        """Stop every running job (the server is stopping)."""
        with self._lock:
            runs = list(self._running.values())
        for run in runs:
            run.cancel.set()
        for run in runs:
            run.process.join(timeout=15)
            if run.process.is_alive():
                run.process.terminate()
