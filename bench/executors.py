"""Per-task overhead of the executors: no-op tasks and a small sweep.

    .venv/bin/python -m bench.executors [--tasks 40] [--points 4]

Prints, for the local process pool and a Dask LocalCluster (2 workers each):
start-up, per no-op task (scenario sent once per worker) and a small sweep's wall time.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from optimizer.scenario.build import grid_scenario
from optimizer.search.executors import DaskExecutor, Executor, InProcessExecutor, LocalPoolExecutor
from optimizer.sweeps import sweep

GRID = [[700, 800, 900, 600], [900, 600, 800, 700], [500, 700, 700, 900]]


def _noop(shared: Any, item: int, stop: Any) -> int:
    return item


def _tasks(ex: Executor, n: int) -> float:
    s = grid_scenario(GRID)
    t0 = time.perf_counter()
    assert sorted(ex.map_unordered(_noop, s, range(n))) == list(range(n))
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tasks", type=int, default=40)
    ap.add_argument("--points", type=int, default=4)
    args = ap.parse_args()
    grid = {"year": [2013, 2014, 2015, 2016][: args.points]}
    s = grid_scenario(GRID)
    t0 = time.perf_counter()
    dask = DaskExecutor(n_workers=2)
    start = time.perf_counter() - t0
    runs: list[tuple[str, Executor, float]] = [("in-process", InProcessExecutor(), 0.0),
                                               ("local pool (2)", LocalPoolExecutor(2), 0.0),
                                               ("dask LocalCluster (2)", dask, start)]
    print(f"{'executor':24} {'start s':>8} {'1 task s':>9} {'per task ms':>12} {'sweep s':>8}")
    for name, ex, start_s in runs:
        one = _tasks(ex, 1)
        many = _tasks(ex, args.tasks)
        t0 = time.perf_counter()
        sweep(s, grid, time_limit_s=1, executor=ex)
        wall = time.perf_counter() - t0
        print(f"{name:24} {start_s:8.2f} {one:9.2f} {1000 * (many - one) / (args.tasks - 1):12.1f}"
              f" {wall:8.2f}")
    dask.close()


if __name__ == "__main__":
    main()
