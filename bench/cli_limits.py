"""Does ``python -m optimizer solve`` exit by its time limit? (issue 16: "a time limit is
a promise about the clock"), base and branch interleaved.

    .venv/bin/python bench/cli_limits.py --roots base=/tmp/x/base,branch=$PWD \
        --scenarios demo,/tmp/x/cases/big-street-150 --limits 10,20 --workers 1,2 \
        --out bench/results/NAME/cli_limits.jsonl

For each scenario (``demo``: scenarios/demo, else a scenario folder, e.g. one written
by ``bench/piece.py --case NAME --list --cases-dir DIR``), limit and worker count, runs
every root's ``python -m optimizer solve SCENARIO --out ... --time-limit L --workers W
--seed S --quiet`` one after the other (the roots' order alternates from one cell to
the next, so neither side always runs first under the same load) and appends one JSON
line per run: the process's wall time from spawn to exit (what a planner waits for),
its excess over L, the machine's 1-minute load before and after (the machine is shared:
the promise must hold under load), summary.json's phases and the plan's objective,
bound and gap, and a digest of assignment.csv (with one worker, equal digests where
the clock stopped no piece on either side: the same plan). bench/time_limits.py
measures the search's own time; this the process's.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def scenario_path(name: str, root: Path) -> Path:
    """The demo in ``root``'s own scenarios/ folder, or the given folder."""
    return root / "scenarios" / "demo" if name == "demo" else Path(name)


def run_one(root: Path, scenario: Path, limit: float, workers: int, seed: int | None,
            out: Path) -> dict[str, Any]:
    """One CLI solve from ``root`` (its code on PYTHONPATH): wall time spawn-to-exit and
    summary.json's fields."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    load = os.getloadavg()[0]
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "optimizer", "solve", str(scenario),
                           "--out", str(out), "--time-limit", f"{limit:g}",
                           "--workers", str(workers), "--quiet",
                           *(["--seed", str(seed)] if seed is not None else [])],
                          cwd=root, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    row: dict[str, Any] = {"wall_s": round(wall, 3), "over_s": round(wall - limit, 3),
                           "load1_before": round(load, 2),
                           "load1_after": round(os.getloadavg()[0], 2),
                           "exit": proc.returncode}
    summary_file = out / "summary.json"
    if summary_file.exists():
        s = json.loads(summary_file.read_text())
        for key in ("load_time_s", "solve_time_s", "check_time_s", "write_time_s",
                    "objective", "bound", "gap", "deterministic"):
            row[key] = s.get(key)
        row["clock_stopped"] = len(s.get("clock_stopped", []))
        # The plan itself (which unit in which community): equal digests, equal plans.
        row["assignment_md5"] = hashlib.md5((out / "assignment.csv").read_bytes()).hexdigest()
    else:
        row["error"] = proc.stderr[-500:]
    return row


def main(argv: list[str] | None = None) -> int:
    """Run the grid, roots interleaved; one JSON line per run appended to --out."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--roots", default=f"branch={ROOT}",
                    help="label=path,...: source trees to run (each its own PYTHONPATH)")
    ap.add_argument("--scenarios", default="demo")
    ap.add_argument("--limits", default="10,20,30,60")
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--seed", type=int, default=None,
                    help="passed as --seed when given (else the scenario's own)")
    ap.add_argument("--out", required=True)
    args = ap.parse_args(argv)
    roots = [(label, Path(path)) for label, path in
             (item.split("=", 1) for item in args.roots.split(","))]
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    cell = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.scenarios.split(","):
            for limit in (float(x) for x in args.limits.split(",")):
                for workers in (int(x) for x in args.workers.split(",")):
                    order = roots if cell % 2 == 0 else roots[::-1]
                    cell += 1
                    for label, root in order:
                        plan_dir = Path(tmp) / f"plan-{label}"
                        row = {"side": label, "scenario": Path(name).name,
                               "workers": workers, "limit_s": limit, "seed": args.seed,
                               "at": time.strftime("%H:%M:%S", time.gmtime()),
                               **run_one(root, scenario_path(name, root), limit, workers,
                                         args.seed, plan_dir)}
                        line = json.dumps(row)
                        sys.stdout.write(line + "\n")
                        sys.stdout.flush()
                        with out.open("a") as fh:
                            fh.write(line + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
