"""Several `solve` processes sharing the machine, each with a memory budget: all
finish, all plans are checked (issue 14, part 2).

    .venv/bin/python bench/reliability_concurrent.py [--processes 8] [--memory-gb 1.5]
        [--time-limit 30] [--workers 2] [--quick]

``--processes`` copies of ``python -m optimizer solve COUNTY --out OUT_k --time-limit L
--workers W --memory-gb GB --quiet`` started together on ``generate --preset county
--seed 1`` (one scenario folder, read by all; plan folders side by side in one
parent), with the load average and the machine's free memory sampled meanwhile. Per
process: exit code (a negative one is a signal), wall time, summary.json's solve time
against the limit, pieces stopped by the budget or the clock, and the plan judged on
our own (manifest, households in = out, ``check``).

``--quick``: 3 processes at a 5 s limit.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.reliability_common import (  # noqa: E402
    generate,
    judge_plan,
    leftovers,
    optimizer_cmd,
    write_result,
)


def available_gb() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) / 1024**2
    return float("nan")


def run(n: int, memory_gb: float, limit: float, workers: int, work: Path) -> dict[str, Any]:
    scen = generate("county", 1, work / "county-seed1")
    outs = [work / "plans" / f"plan-{k}" for k in range(n)]
    (work / "plans").mkdir(parents=True, exist_ok=True)
    load: list[float] = []
    low_memory = [available_gb()]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(1.0):
            load.append(os.getloadavg()[0])
            low_memory.append(available_gb())

    threading.Thread(target=sample, daemon=True).start()
    t0 = time.perf_counter()
    logs = [work / "plans" / f"stderr-{k}.txt" for k in range(n)]
    procs = []
    for out, log in zip(outs, logs, strict=True):
        with open(log, "w") as err:
            procs.append(subprocess.Popen(
                optimizer_cmd("solve", str(scen), "--out", str(out), "--time-limit",
                              f"{limit:g}", "--workers", str(workers), "--memory-gb",
                              f"{memory_gb:g}", "--quiet"),
                cwd=ROOT, stdout=subprocess.DEVNULL, stderr=err))
    walls: dict[int, float] = {}
    while len(walls) < n:
        for k, p in enumerate(procs):
            if k not in walls and p.poll() is not None:
                walls[k] = round(time.perf_counter() - t0, 1)
        time.sleep(0.2)
    done.set()
    rows = []
    for k, (proc, log, out) in enumerate(zip(procs, logs, outs, strict=True)):
        stderr = log.read_text()
        row: dict[str, Any] = {"process": k, "exit": proc.returncode, "wall_s": walls[k],
                               "traceback": "Traceback" in stderr}
        defects = []
        if proc.returncode != 0:
            defects.append(f"exit {proc.returncode}: {stderr[-800:]}")
        else:
            s = json.loads((out / "summary.json").read_text())
            row.update(solve_time_s=s.get("solve_time_s"), gap=s.get("gap"),
                       clock_stopped=len(s.get("clock_stopped", [])),
                       stopped_by_memory=sum("memory budget" in c["method"]
                                             for c in s.get("components", [])))
            defects += judge_plan(scen, out)
            if leftovers(out):
                defects.append(f"left behind: {leftovers(out)}")
        row["defects"] = defects
        rows.append(row)
        print({key: v for key, v in row.items() if key != "defects"}, defects or "", flush=True)
    return {"scenario": "generate --preset county --seed 1", "processes": n,
            "memory_gb_each": memory_gb, "time_limit_s": limit, "workers_each": workers,
            "all_finished": all(r["exit"] == 0 for r in rows),
            "plans_checked": sum(r["exit"] == 0 and not r["defects"] for r in rows),
            "wall_s": round(time.perf_counter() - t0, 1),
            "solve_time_s_max": max((r.get("solve_time_s") or 0) for r in rows),
            "load_average_max": round(max(load, default=0.0), 1),
            "available_gb_min": round(min(low_memory), 1),
            "runs_with_defects": sum(bool(r["defects"]) for r in rows), "rows": rows}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--processes", type=int, default=8)
    ap.add_argument("--memory-gb", type=float, default=1.5)
    ap.add_argument("--time-limit", type=float, default=30.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--quick", action="store_true", help="3 processes, 5 s")
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args(argv)
    if args.quick:
        args.processes, args.time_limit = 3, 5.0
    with tempfile.TemporaryDirectory(prefix="reliability-concurrent-") as tmp:
        figures = run(args.processes, args.memory_gb, args.time_limit, args.workers, Path(tmp))
    path = write_result("reliability_concurrent", figures, sys.argv if argv is None
                        else ["reliability_concurrent.py", *argv], args.quick, args.out)
    print({k: v for k, v in figures.items() if k != "rows"})
    print(f"written to {path}")
    return 0 if figures["runs_with_defects"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
