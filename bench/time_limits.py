"""How close does `solve` keep to its time limit on the clock?

    .venv/bin/python bench/time_limits.py [--limits 1,5,20,60] [--workers 1,2]
        [--repeat N] [--scenarios demo,county] [--out bench/results/time_limits.csv]

For each scenario (``demo``: scenarios/demo; ``county``: ``generate --preset county
--seed 1``, written to a temporary folder; or a scenario folder's path), limit, worker
count and repeat, runs ``python -m optimizer solve SCENARIO --out ... --time-limit L
--workers W --quiet`` as a planner would, and records the process's wall time and
summary.json's parts: load, solve (the limit applies here), check, write, the pieces
the clock stopped (with one worker: where determinism gave way) and the gap. The
machine is printed and written beside the CSV (.json). Runs one at a time; on a shared
machine the figures are as noisy as its load: repeat, and compare within one run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make `bench` and `optimizer` importable
    sys.path.insert(0, str(ROOT))

from bench.machine import machine_info  # noqa: E402

COLUMNS = ["scenario", "workers", "limit_s", "repeat", "wall_s", "load_time_s",
           "solve_time_s", "check_time_s", "write_time_s", "solve_over_limit",
           "clock_stopped", "pieces", "gap", "exit"]


def scenario_path(name: str, work: Path) -> Path:
    if name == "demo":
        return ROOT / "scenarios" / "demo"
    if name == "county":
        folder = work / "county-seed1"
        if not folder.exists():
            subprocess.run([sys.executable, "-m", "optimizer", "generate", "--preset", "county",
                            "--seed", "1", str(folder)], cwd=ROOT, check=True,
                           capture_output=True)
        return folder
    return Path(name)


def run_one(scenario: Path, limit: float, workers: int, out: Path) -> dict[str, Any]:
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "optimizer", "solve", str(scenario),
                           "--out", str(out), "--time-limit", f"{limit:g}",
                           "--workers", str(workers), "--quiet"],
                          cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    row: dict[str, Any] = {"wall_s": round(wall, 2), "exit": proc.returncode}
    summary_file = out / "summary.json"
    if summary_file.exists():
        s = json.loads(summary_file.read_text())
        for key in ("load_time_s", "solve_time_s", "check_time_s", "write_time_s", "gap"):
            row[key] = s.get(key)
        row["solve_over_limit"] = round(float(s["solve_time_s"]) / limit - 1.0, 4)
        row["clock_stopped"] = len(s.get("clock_stopped", []))
        row["pieces"] = len(s.get("components", []))
    else:
        row["error"] = proc.stderr[-500:]
    return row


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--limits", default="1,5,20,60")
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--scenarios", default="demo,county")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "time_limits.csv"))
    ap.add_argument("--commit", default=None,
                    help="the commit measured, when run from an exported copy (git archive)")
    args = ap.parse_args(argv)
    import pandas as pd

    rows = []
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for name in args.scenarios.split(","):
            scenario = scenario_path(name, work)
            for limit in (float(x) for x in args.limits.split(",")):
                for workers in (int(x) for x in args.workers.split(",")):
                    for rep in range(args.repeat):
                        row = {"scenario": name, "workers": workers, "limit_s": limit,
                               "repeat": rep,
                               **run_one(scenario, limit, workers, work / "plan")}
                        print(json.dumps(row), flush=True)
                        rows.append(row)
    table = pd.DataFrame(rows)
    table = table[[c for c in COLUMNS if c in table.columns]
                  + [c for c in table.columns if c not in COLUMNS]]
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(out, index=False)
    machine = machine_info(ROOT)
    if args.commit:
        machine["commit"] = args.commit
    out.with_suffix(".json").write_text(json.dumps(
        {"machine": machine, "command": " ".join(sys.argv),
         "load_average_1_5_15min": {"before": load_before, "after": os.getloadavg()}},
        indent=1))
    print(table.to_string(index=False))
    print(machine)
    return 0


if __name__ == "__main__":
    sys.exit(main())
