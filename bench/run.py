"""Benchmark the optimizer on the generated presets, against the MaxP baseline.

    .venv/bin/python bench/run.py [--cases town,county,city]
        [--time-limit-town S --time-limit-county S --time-limit-city S]
        [--workers N] [--out FILE] [--cases-dir DIR] [--no-maxp]
        [--scenario DIR ... --time-limit S]     (also bench existing scenario folders)

For each case: generate the preset with its fixed seed into --cases-dir (not
committed), then in a child process load it, solve it, check the plan with the
independent checker and measure the child's peak memory; then, in another child,
run spopt's MaxPHeuristic baseline (bench/maxp.py) on the same units. Prints the
table and the machine, and writes FILE (Markdown), FILE with .csv (the table) and
FILE with .json (every figure, per component). See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make `bench` and `optimizer` importable
    sys.path.insert(0, str(ROOT))

from bench.machine import machine_info  # noqa: E402
from optimizer.synth.voronoi.generate import generate  # noqa: E402

SEEDS = {"town": 2013, "county": 2013, "city": 2013}
TIME_LIMITS = {"town": 60.0, "county": 600.0, "city": 3600.0}
TARGETS = {"town": "optimal or gap <= 0.5% in 60 s",
           "county": "gap <= 2% in 10 min, <= 4 GB",
           "city": "checked plan in 60 min, gap <= 3%"}
COLUMNS = ("case", "units", "households", "communities", "exempt", "status", "time_s",
           "objective", "bound", "gap_pct", "peak_mem_mb", "check",
           "maxp_time_s", "maxp_regions", "maxp_over_upper", "maxp_noncontiguous", "maxp_failed",
           "maxp_cost", "maxp_vs_ours_pct", "maxp_check")
GRACE_S = 300.0   # a child may overrun its time limit by this much (load, check) before
                  # it is stopped and the case reported as a timeout


def _child(args: list[str], timeout_s: float) -> tuple[dict[str, Any] | None, str]:
    """Run ``python -m bench.case ...`` and return its JSON, or None and why not."""
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        out = Path(tmp) / "out.json"
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(
            [str(ROOT)] + [p for p in [os.environ.get("PYTHONPATH", "")] if p]))
        try:
            done = subprocess.run([sys.executable, "-m", "bench.case", *args, "--json", str(out)],
                                  cwd=ROOT, env=env, capture_output=True, text=True,
                                  timeout=timeout_s, check=False)
        except subprocess.TimeoutExpired:
            return None, f"timeout after {timeout_s:.0f} s"
        if done.returncode != 0 or not out.exists():
            tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
            return None, f"exit {done.returncode}: {' | '.join(tail)}"
        return json.loads(out.read_text()), ""


def run_case(case: str, folder: Path, time_limit_s: float, workers: int, maxp: bool,
             seed: int = 0) -> dict[str, Any]:
    """Solve and baseline one generated scenario; one row of the table (and details)."""
    row: dict[str, Any] = {"case": case}
    got, why = _child(["solve", str(folder), "--time-limit", str(time_limit_s),
                       "--workers", str(workers), "--seed", str(seed)], time_limit_s + GRACE_S)
    if got is None:
        row.update(status=f"FAILED ({why})", check="n/a")
    else:
        gap = got.get("gap")
        row.update(units=got["units"], households=got["households"],
                   communities=got["communities"], exempt=got["exempt"], status=got["status"],
                   time_s=got["solve_time_s"], objective=got["objective"], bound=got["bound"],
                   gap_pct=round(100 * float(gap), 3) if gap is not None else None,
                   peak_mem_mb=got["peak_rss_mb"],
                   check="pass" if got["check_passed"] else
                   "FAIL " + ",".join(got["failed_rules"]))
        row["_solve"] = got
    if not maxp:
        row.update(maxp_check="not run")
        return row
    base, why = _child(["maxp", str(folder), "--seed", str(seed)], 4 * 3600.0)
    if base is None:
        row.update(maxp_check=f"FAILED ({why})")
    elif not base["available"]:
        row.update(maxp_check=base["note"])
    else:
        cost = float(base["cost_yuan"])
        ours = row.get("objective")
        row.update(maxp_time_s=round(float(base["time_s"]), 2), maxp_regions=base["regions"],
                   maxp_over_upper=base["over_upper"],
                   maxp_noncontiguous=base["noncontiguous"],
                   maxp_failed=base["failed_components"],
                   maxp_cost=round(cost, 2) if base["check_passed"] else None,
                   maxp_vs_ours_pct=(round(100 * (cost / float(ours) - 1), 2)
                                     if base["check_passed"] and ours else None),
                   maxp_check="pass" if base["check_passed"] else
                   "FAIL " + ",".join(base["failed_rules"]))
        row["_maxp"] = base
    return row


def table(rows: list[dict[str, Any]]) -> pd.DataFrame:
    return pd.DataFrame([{c: r.get(c) for c in COLUMNS} for r in rows], columns=list(COLUMNS))


def markdown(frame: pd.DataFrame, machine: dict[str, str], limits: dict[str, float]) -> str:
    def cell(v: Any) -> str:
        if v is None or (isinstance(v, float) and v != v):
            return "-"
        if isinstance(v, float):
            return f"{v:,.2f}"
        if isinstance(v, int):
            return f"{v:,}"
        return str(v).replace("|", "/")

    head = "| " + " | ".join(frame.columns) + " |"
    sep = "|" + "|".join("---" for _ in frame.columns) + "|"
    body = ["| " + " | ".join(cell(v) for v in rec) + " |"
            for rec in frame.astype(object).itertuples(index=False)]
    lim = ", ".join(f"{c} {limits[c]:g} s" for c in frame["case"])
    mach = "; ".join(f"{k} {v}" for k, v in machine.items())
    return "\n".join([head, sep, *body, "", f"Time limits: {lim}.", "", f"Machine: {mach}.", ""])


def parse(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", default=None,
                    help="comma-separated presets (town, county, city); default all three, "
                         "or none when --scenario is given")
    for case in TIME_LIMITS:
        ap.add_argument(f"--time-limit-{case}", type=float, default=TIME_LIMITS[case],
                        help=f"seconds for the {case} solve (default {TIME_LIMITS[case]:g})")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--seed", type=int, default=0, help="solver and MaxP seed")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "results.md")
    ap.add_argument("--cases-dir", type=Path, default=ROOT / "bench" / "out" / "cases")
    ap.add_argument("--no-maxp", action="store_true", help="skip the MaxP baseline")
    ap.add_argument("--scenario", type=Path, action="append", default=[],
                    help="also bench this scenario folder (repeatable); the case is its name")
    ap.add_argument("--time-limit", type=float, default=60.0,
                    help="seconds per --scenario solve (default 60)")
    args = ap.parse_args(argv)
    if args.cases is None:
        args.cases = "" if args.scenario else ",".join(TIME_LIMITS)
    args.case_list = [c.strip() for c in args.cases.split(",") if c.strip()]
    bad = [c for c in args.case_list if c not in TIME_LIMITS]
    if bad:
        ap.error(f"unknown case(s) {', '.join(bad)}: choose from {', '.join(TIME_LIMITS)}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    limits = {c: float(getattr(args, f"time_limit_{c}")) for c in TIME_LIMITS}
    machine = machine_info(ROOT)
    jobs = [(c, generate(c, SEEDS[c], args.cases_dir / c)) for c in args.case_list]
    for folder in args.scenario:
        limits[folder.name] = args.time_limit
        jobs.append((folder.name, folder))
    rows = []
    for case, folder in jobs:
        print(f"[{case}] {folder}: solving with {limits[case]:g} s, "
              f"{args.workers} workers ...", flush=True)
        load_start = os.getloadavg()   # the machine may be shared: every figure says how much
        row = run_case(case, folder, limits[case], args.workers, not args.no_maxp, args.seed)
        row["load_avg_start"], row["load_avg_end"] = list(load_start), list(os.getloadavg())
        rows.append(row)
        print(f"[{case}] {table(rows[-1:]).iloc[0].to_dict()}", flush=True)
    frame = table(rows)
    md = markdown(frame, machine, limits)
    print()
    print(md)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.with_suffix(".md").write_text(md)
    frame.to_csv(args.out.with_suffix(".csv"), index=False)
    args.out.with_suffix(".json").write_text(json.dumps(
        {"machine": machine, "time_limits": limits, "seeds": SEEDS, "targets": TARGETS,
         "rows": rows}, indent=1, default=str))
    return 0 if all(str(r.get("check")) == "pass" for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
