"""A sweep of 8 what-if points with 1 and with 2 local-pool workers, in the same run.

    .venv/bin/python -m bench.sweep [--scenario scenarios/demo] [--time-limit 18]
        [--workers 1,2] [--out FILE]

Grid: ``policy.rural_max_households`` in 1500, 1600, 1700, 1800 times
``objective.distance_yuan_per_household_km`` in 20, 40 (8 points), each point solved
with one CP-SAT worker, seed 0 and a deterministic time limit, so every point gives
the same plan however many points run at once (checked: the objectives of the runs
must match). Prints, per worker count: points, wall time, wall time per point, the
speed-up against the first run, peak resident memory of this process and its workers
(sampled 10 times a second), the load average when the run ended (other users' work
on the machine makes the speed-up meaningless), and the machine. See bench/JOURNAL.md,
"Sweeps".
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pandas as pd
import psutil

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.machine import machine_info  # noqa: E402
from optimizer.scenario.load import load_scenario  # noqa: E402
from optimizer.search.executors import LocalPoolExecutor  # noqa: E402
from optimizer.sweeps import sweep  # noqa: E402

GRID: dict[str, list[float]] = {"policy.rural_max_households": [1500, 1600, 1700, 1800],
        "objective.distance_yuan_per_household_km": [20.0, 40.0]}


class PeakMemory:
    """Peak summed resident memory of this process and all its children."""

    def __init__(self) -> None:
        self.peak = 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        me = psutil.Process()
        while not self._done.wait(0.1):
            total = 0
            for p in [me, *me.children(recursive=True)]:
                try:
                    total += p.memory_info().rss
                except psutil.Error:
                    pass
            self.peak = max(self.peak, total)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join()


def _markdown(frame: pd.DataFrame) -> str:
    head = "| " + " | ".join(str(c) for c in frame.columns) + " |\n"
    return head + "|" + "---|" * len(frame.columns) + "\n" + "".join(
        "| " + " | ".join(str(v) for v in r) + " |\n" for r in frame.itertuples(index=False))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scenario", default=str(ROOT / "scenarios" / "demo"))
    ap.add_argument("--time-limit", type=float, default=18.0, help="seconds per point")
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--out", type=Path, default=None, help="also write the table here")
    args = ap.parse_args()
    scenario = load_scenario(args.scenario)
    rows: list[dict[str, Any]] = []
    tables: list[pd.DataFrame] = []
    for n in (int(w) for w in args.workers.split(",")):
        with PeakMemory() as mem:
            t0 = time.perf_counter()
            table = sweep(scenario, GRID, time_limit_s=args.time_limit, seed=0,
                          executor=LocalPoolExecutor(n))
            wall = time.perf_counter() - t0
        tables.append(table)
        rows.append({"points": len(table), "workers": n, "wall_s": round(wall, 1),
                     "per_point_s": round(wall / len(table), 1),
                     "speed_up": round(rows[0]["wall_s"] / wall, 2) if rows else 1.0,
                     "peak_mem_mb": round(mem.peak / 1024**2),
                     "checks": f"{(table['check'] == 'pass').sum()}/{len(table)} pass",
                     "load_avg_1min": round(os.getloadavg()[0], 1)})   # a shared machine?
        print(f"{n} worker(s): {wall:.1f} s", file=sys.stderr)
    same = all(t["objective"].equals(tables[0]["objective"]) for t in tables)
    kpi_cols = [*GRID, "communities", "objective", "gap", "check"]
    text = (f"{_markdown(pd.DataFrame(rows))}\n"
            f"Same objective at every point in every run: {same}\n\n"
            f"Machine: {'; '.join(f'{k} {v}' for k, v in machine_info(ROOT).items())}\n\n"
            f"{_markdown(tables[0][kpi_cols])}")
    print(text)
    if args.out is not None:
        args.out.write_text(text)


if __name__ == "__main__":
    main()
