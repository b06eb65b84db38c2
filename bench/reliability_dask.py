"""A Dask worker killed (SIGKILL) while it solves a piece: the piece runs on another
worker and, in deterministic mode (one worker's budgets), the plan is the one this
process alone gives (issue 14, part 2).

    .venv/bin/python bench/reliability_dask.py [--scenario county|demo|DIR]
        [--kills 3] [--time-limit 60] [--quick]

A ``distributed.LocalCluster`` of 2 worker processes (each under a nanny, which starts
a new worker when one dies). ``optimizer.solve(..., workers=1, executor=DaskExecutor)``
runs the pieces one at a time with deterministic budgets; a thread watches the
scheduler (``client.processing()``, every 10 ms) and, for each of the first ``--kills``
pieces, SIGKILLs the worker process running it. Dask hands the task to the other
worker (``distributed.scheduler.allowed-failures``: 3 deaths per task). The plan must
equal (members, centers, remedies, costs) the reference solved in this process with
the same seed, pass the checker and keep every household, unless the clock had to stop
a piece (``deterministic: false`` in the summary, recorded: then only the check and
the households are required).

``--quick``: the demo, 2 kills, a 30 s limit.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.reliability_common import generate, write_result  # noqa: E402


class WorkerKiller(threading.Thread):
    """Kills the worker process running a task, ``kills`` times (different tasks)."""

    def __init__(self, client: Any, kills: int) -> None:
        super().__init__(daemon=True)
        self.client, self.kills = client, kills
        self.done: list[dict[str, Any]] = []
        self.stop = threading.Event()

    def run(self) -> None:
        pids: dict[str, int] = self.client.run(os.getpid)
        dead: set[str] = set()
        killed_keys: set[str] = set()
        while not self.stop.is_set() and len(self.done) < self.kills:
            try:
                busy = {w: ks for w, ks in self.client.processing().items() if ks}
            except Exception:   # noqa: BLE001  (the scheduler is busy restarting a worker)
                busy = {}
            for worker, keys in busy.items():
                key = str(keys[0])
                if key in killed_keys or worker in dead:
                    continue
                try:
                    if worker not in pids:   # a worker the nanny started after a kill
                        pids.update(self.client.run(os.getpid, workers=[worker]))
                    time.sleep(0.3)          # into the piece's model
                    os.kill(pids[worker], signal.SIGKILL)
                except Exception:   # noqa: BLE001  (it finished or died meanwhile)
                    continue
                dead.add(worker)
                killed_keys.add(key)
                self.done.append({"worker": worker, "pid": pids[worker], "task": key,
                                  "at_s": round(time.perf_counter(), 2)})
                break
            self.stop.wait(0.01)


def same_plan(a: Any, b: Any) -> bool:
    return (list(a.unit_ids) == list(b.unit_ids) and list(a.community) == list(b.community)
            and a.communities == b.communities)


def run(scenario_dir: Path, kills: int, limit: float) -> dict[str, Any]:
    import distributed

    import optimizer
    from optimizer.search.executors import DaskExecutor, InProcessExecutor

    s = optimizer.load_scenario(scenario_dir)
    t0 = time.perf_counter()
    ref = optimizer.solve(s, time_limit_s=limit, workers=1, seed=0,
                          executor=InProcessExecutor())
    ref_s = time.perf_counter() - t0
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       host="127.0.0.1", dashboard_address=None)
    client = distributed.Client(cluster)
    try:
        killer = WorkerKiller(client, kills)
        killer.start()
        t0 = time.perf_counter()
        plan = optimizer.solve(s, time_limit_s=limit, workers=1, seed=0,
                               executor=DaskExecutor(client=client))
        dask_s = time.perf_counter() - t0
        killer.stop.set()
        killer.join()
        workers_after = len(client.scheduler_info()["workers"])
    finally:
        client.close()
        cluster.close()
    report = optimizer.check(s, plan)
    hh_out = sum(c.households for c in plan.communities)
    return {"scenario": str(scenario_dir.name), "time_limit_s": limit,
            "pieces": len(plan.summary.get("components", [])),
            "kills_asked": kills, "workers_killed": len(killer.done), "kills": killer.done,
            "workers_after": workers_after,
            "reference_s": round(ref_s, 1), "dask_s": round(dask_s, 1),
            "deterministic": {"reference": ref.summary.get("deterministic"),
                              "dask": plan.summary.get("deterministic")},
            "same_plan_as_in_process": same_plan(ref, plan),
            "objective": {"reference": ref.summary.get("objective"),
                          "dask": plan.summary.get("objective")},
            "check_passed": report.passed,
            "households_in": int(s.households.sum()), "households_out": hh_out}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scenario", default="county")
    ap.add_argument("--kills", type=int, default=3)
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--quick", action="store_true", help="the demo, 2 kills, 30 s")
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args(argv)
    if args.quick:
        args.scenario, args.kills, args.time_limit = "demo", 2, 30.0
    with tempfile.TemporaryDirectory(prefix="reliability-dask-") as tmp:
        scen = (ROOT / "scenarios" / "demo" if args.scenario == "demo" else
                generate("county", 1, Path(tmp) / "county-seed1")
                if args.scenario == "county" else Path(args.scenario))
        figures = run(scen, args.kills, args.time_limit)
    path = write_result("reliability_dask", figures, sys.argv if argv is None
                        else ["reliability_dask.py", *argv], args.quick, args.out)
    print({k: v for k, v in figures.items() if k != "kills"})
    print(f"written to {path}")
    both = all(figures["deterministic"].values())
    ok = figures["check_passed"] and figures["households_in"] == figures["households_out"] \
        and figures["workers_killed"] == args.kills \
        and (figures["same_plan_as_in_process"] or not both)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
