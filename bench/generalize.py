"""Generalization bench (issue 16): the optimizer on scenarios it was not tuned for.

    .venv/bin/python bench/generalize.py                  # every case, the issue's limits
    .venv/bin/python bench/generalize.py --quick          # smoke: town 10 s, oversized 20 s,
                                                          # county 60 s
    .venv/bin/python bench/generalize.py --cases town,oversized-rural-split --tag try
    .venv/bin/python bench/generalize.py --city           # also the city (3,000 s)
    .venv/bin/python bench/generalize.py --scenario DIR --class oversized   # any folder
    .venv/bin/python bench/generalize.py --class town     # one class's cases only
    .venv/bin/python bench/generalize.py --list           # the cases and their targets
    .venv/bin/python bench/generalize.py --summarize TAG  # tables again from saved results

Each case (bench/generalize_cases.py) is written to --cases-dir, then solved by the
command a user runs, ``python -m optimizer solve DIR --out PLAN --time-limit S --quiet``
with the CLI defaults (all cores unless --workers), in a child process whose process
tree's resident memory is sampled every 0.2 s. The plan folder is then read back and
checked by the independent checker (``optimizer.check``); the exemptions are audited
(bench/generalize_audit.py). Writes, under bench/results/:

- ``generalize-<tag>.csv``: one row per case, against its class's target;
- ``generalize-<tag>-pieces.csv``: one row per piece (key, kind, units, households,
  method, status, objective, bound, gap, time, units per community, oversized units),
  to locate the remaining gap by method and piece shape;
- ``generalize-<tag>-by-method.csv``: that gap summed by class, piece kind and method;
- ``generalize-<tag>.json``: machine, command, commit, limits, load averages, and each
  case's checker failures and exemption examples.

The exit code is 1 when a plan fails the checker or a solve fails.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make `bench` and `optimizer` importable
    sys.path.insert(0, str(ROOT))

from bench.case import _tree_rss_kb  # noqa: E402
from bench.generalize_audit import audit_exemptions, piece_rows  # noqa: E402
from bench.generalize_cases import CASES, TARGETS, Case, select  # noqa: E402
from bench.heldout_sweep import is_soft  # noqa: E402
from bench.machine import machine_info  # noqa: E402

COLUMNS = ("case", "class", "scenario", "units", "households", "pieces", "communities",
           "limit_s", "solve_time_s", "wall_s", "status", "objective", "bound", "gap_pct",
           "target_gap_pct", "peak_rss_mb", "check", "exempt", "exempt_on_oversized",
           "exempt_misplaced", "exempt_unnamed", "exempt_other", "exempt_elsewhere",
           "oversized_units", "soft_pieces", "soft_oversized_pieces", "zero_bound_pieces",
           "workers", "meets_target", "why_not")
GRACE_S = 300.0   # load, check and write beyond the limit before the child is stopped


def solve_child(folder: Path, plan: Path, limit_s: float, workers: int | None,
                log: Path) -> tuple[int | None, float, float]:
    """Run the CLI's solve; (exit code or None on timeout, wall seconds, peak tree RSS MB)."""
    cmd = [sys.executable, "-m", "optimizer", "solve", str(folder), "--out", str(plan),
           "--time-limit", f"{limit_s:g}", "--quiet"]
    if workers is not None:
        cmd += ["--workers", str(workers)]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(ROOT)] + [p for p in [os.environ.get("PYTHONPATH", "")] if p]))
    peak_kb = 0
    t0 = time.perf_counter()
    with open(log, "w", encoding="utf-8") as out:
        child = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        code: int | None = None
        while True:
            try:
                code = child.wait(timeout=0.2)
                break
            except subprocess.TimeoutExpired:
                peak_kb = max(peak_kb, _tree_rss_kb(child.pid))
                if time.perf_counter() - t0 > limit_s + GRACE_S:
                    child.kill()
                    child.wait()
                    code = None
                    break
    return code, time.perf_counter() - t0, round(peak_kb / 1024, 1)


def evaluate(case: Case | None, cls: str, folder: Path, plan_dir: Path, limit_s: float,
             workers: int | None, logs: Path) -> tuple[dict[str, Any], list[dict[str, Any]],
                                                       dict[str, Any]]:
    """Solve, read back, check and audit one case: (row, piece rows, details)."""
    from optimizer import check
    from optimizer.plan.read import read_plan
    from optimizer.scenario.load import load_scenario

    name = case.name if case else folder.name
    row: dict[str, Any] = {"case": name, "class": cls, "limit_s": limit_s,
                           "scenario": case.describe() if case else str(folder),
                           "target_gap_pct": TARGETS[cls].gap_pct}
    details: dict[str, Any] = {"case": name, "load_before": os.getloadavg()}
    code, wall, peak = solve_child(folder, plan_dir, limit_s, workers, logs / f"{name}.log")
    row.update(wall_s=round(wall, 1), peak_rss_mb=peak)
    details.update(exit_code=code, load_after=os.getloadavg())
    if code is None or not (plan_dir / "summary.json").exists():
        tail = (logs / f"{name}.log").read_text(encoding="utf-8", errors="replace")
        why = "timeout" if code is None else f"exit {code}"
        row.update(status=f"FAILED ({why})", check="n/a", meets_target="no",
                   why_not=f"no plan ({why}): " + " | ".join(tail.strip().splitlines()[-2:]))
        return row, [], details
    scenario = load_scenario(folder)
    plan = read_plan(plan_dir)
    report = check(scenario, plan)
    s = plan.summary
    pieces = piece_rows(name, scenario, plan)
    audit = audit_exemptions(scenario, plan)
    gap = plan.gap
    row.update(units=scenario.n_units, households=scenario.total_households(),
               pieces=len(pieces), communities=len(plan.communities),
               solve_time_s=s.get("solve_time_s"), status=plan.status.value,
               objective=plan.objective, bound=plan.bound,
               gap_pct=round(100 * float(gap), 3) if gap is not None else None,
               check="pass" if report.passed else "FAIL " + ",".join(sorted(report.failed_rules())),
               soft_pieces=sum(1 for p in pieces if is_soft(str(p["method"]))),
               soft_oversized_pieces=sum(1 for p in pieces if is_soft(str(p["method"]))
                                         and p.get("oversized_units")),
               zero_bound_pieces=sum(1 for p in pieces if float(p["bound"]) <= 0.0),
               workers=s.get("workers"),
               **{k: v for k, v in audit.items() if k != "exemption_examples"})
    verdict = judge(row, cls)
    row.update(meets_target="yes" if not verdict else "no", why_not="; ".join(verdict))
    details.update(failures=[f"{r.rule_id} {r.community_id}: {r.note}"
                             for r in report.failures()][:20],
                   exemption_examples=audit["exemption_examples"],
                   interrupted=plan.interrupted)
    return row, pieces, details


def judge(row: dict[str, Any], cls: str) -> list[str]:
    """Why the case misses its class's target (empty: it meets it)."""
    t = TARGETS[cls]
    why = []
    if row["check"] != "pass":
        why.append(f"checker: {row['check']}")
    gap = row.get("gap_pct")
    if gap is None or gap > t.gap_pct:
        why.append(f"gap {gap}% > {t.gap_pct}%")
    if float(row.get("solve_time_s") or 0) > 1.05 * row["limit_s"] + 5:
        why.append(f"solve took {row['solve_time_s']} s for a {row['limit_s']:g} s limit")
    if t.memory_mb and float(row.get("peak_rss_mb") or 0) > t.memory_mb:
        why.append(f"peak memory {row['peak_rss_mb']} MB > {t.memory_mb:g} MB")
    if row.get("exempt_misplaced"):
        why.append(f"{row['exempt_misplaced']} exemptions on communities without the unit "
                   "they name")
    if t.exemptions_on_oversized_only and row.get("exempt_other"):
        why.append(f"{row['exempt_other']} exemptions on communities without an oversized unit")
    if row.get("exempt_unnamed"):
        why.append(f"{row['exempt_unnamed']} exemptions name no unit")
    if row.get("soft_oversized_pieces"):
        why.append(f"{row['soft_oversized_pieces']} pieces with oversized units solved by "
                   "the soft fallback")
    return why


def _cell(v: Any) -> str:
    if v is None or (isinstance(v, float) and v != v):
        return "-"
    if isinstance(v, float):
        return f"{v:,.2f}"
    if isinstance(v, int):
        return f"{v:,}"
    return str(v).replace("|", "/")


def markdown(frame: pd.DataFrame) -> str:
    cols = ["case", "class", "units", "households", "limit_s", "solve_time_s", "gap_pct",
            "target_gap_pct", "check", "exempt", "exempt_misplaced", "exempt_other",
            "soft_pieces",
            "peak_rss_mb", "meets_target"]
    head = "| " + " | ".join(cols) + " |"
    sep = "|" + "|".join("---" for _ in cols) + "|"
    body = ["| " + " | ".join(_cell(v) for v in rec) + " |"
            for rec in frame[cols].astype(object).itertuples(index=False)]
    return "\n".join([head, sep, *body])


def method_name(method: str) -> str:
    """A piece's method without its parameters, nested ones too: "columns(24388, lp,
    resplit(1 of 21), 4 integer stages)" is "columns" (a first-match cut left
    "columns, 4 integer stages)" as a method of its own in the city's table)."""
    while True:
        bare = re.sub(r"\([^()]*\)", "", method)
        if bare == method:
            return bare.strip()
        method = bare


def gap_by_method(pieces: pd.DataFrame, classes: dict[str, str]) -> pd.DataFrame:
    """Where the gap sits: yuan of gap by class, piece kind and method (the method's
    name without its parameters), with the pieces' sizes."""
    if pieces.empty:
        return pd.DataFrame()
    p = pieces.assign(cls=pieces["case"].map(classes),
                      method=pieces["method"].astype(str).map(method_name))
    g = p.groupby(["cls", "kind", "method"]).agg(
        pieces=("key", "size"), units_median=("units", "median"), units_max=("units", "max"),
        objective=("objective", "sum"), gap_yuan=("gap_yuan", "sum")).reset_index()
    g["gap_pct_of_objective"] = (100 * g["gap_yuan"] / g["objective"]).round(2)
    total = g.groupby("cls")["gap_yuan"].transform("sum")
    g["share_of_class_gap_pct"] = (100 * g["gap_yuan"] / total.where(total > 0)).round(1)
    return g.sort_values(["cls", "gap_yuan"], ascending=[True, False])


def summarize(base: Path) -> int:
    """Print the case table and write/print the gap by method from saved results."""
    frame = pd.read_csv(base.with_suffix(".csv"))
    pieces = pd.read_csv(base.with_name(base.name + "-pieces.csv"))
    by_method = gap_by_method(pieces, dict(zip(frame["case"], frame["class"], strict=True)))
    by_method.to_csv(base.with_name(base.name + "-by-method.csv"), index=False)
    print(markdown(frame))
    print()
    print(by_method.to_string(index=False))
    return 0


def parse(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", default=None, help="comma-separated case names (--list)")
    ap.add_argument("--quick", action="store_true", help="short limits (a smoke run)")
    ap.add_argument("--city", action="store_true", help="also the city case (3,000 s)")
    for cls, t in TARGETS.items():
        ap.add_argument(f"--limit-{cls}", type=float, default=None,
                        help=f"seconds for {cls} cases (default {t.limit_s:g}, quick "
                             f"{t.quick_s:g})")
    ap.add_argument("--workers", type=int, default=None,
                    help="passed to solve (default: the CLI's, all cores)")
    ap.add_argument("--tag", default=None, help="results file tag (default: date + full/quick)")
    ap.add_argument("--results", type=Path, default=ROOT / "bench" / "results")
    ap.add_argument("--cases-dir", type=Path, default=ROOT / "bench" / "out" / "generalize")
    ap.add_argument("--scenario", type=Path, action="append", default=[],
                    help="also bench this scenario folder (repeatable)")
    ap.add_argument("--class", dest="cls", choices=list(TARGETS), default=None,
                    help="target class of the --scenario folders (default town); "
                         "without --scenario or --cases, run that class's cases only")
    ap.add_argument("--list", action="store_true", help="list the cases and exit")
    ap.add_argument("--summarize", metavar="TAG", default=None,
                    help="no solving: re-derive the tables (and -by-method.csv) from the "
                         "result files of TAG")
    return ap.parse_args(argv)


def case_names(args: argparse.Namespace) -> list[str] | None:
    """The cases asked for: --cases; none beside --scenario folders; a --class's own
    cases; else None (every case)."""
    if args.cases:
        return [n.strip() for n in args.cases.split(",") if n.strip()]
    if args.scenario:
        return []
    if args.cls:
        return [c.name for c in CASES if c.cls == args.cls]
    return None


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    if args.list:
        for c in CASES:
            print(f"{c.name:28s} {c.cls:10s} {c.describe()}")
        return 0
    if args.summarize:
        return summarize(args.results / f"generalize-{args.summarize}")
    cases, skipped = select(case_names(args), args.city)
    limits = {cls: getattr(args, f"limit_{cls}") or (t.quick_s if args.quick else t.limit_s)
              for cls, t in TARGETS.items()}
    tag = args.tag or dt.datetime.now().strftime("%Y%m%d-%H%M") + ("-quick" if args.quick
                                                                    else "-full")
    work = args.cases_dir / tag
    logs = work / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    machine = machine_info(ROOT)
    machine["dirty"] = str(bool(subprocess.run(
        ["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
        capture_output=True, text=True, check=False).stdout.strip()))
    jobs: list[tuple[Case | None, str, Path]] = []
    for c in cases:
        print(f"[{c.name}] writing {c.describe()} ...", flush=True)
        jobs.append((c, c.cls, c.build(work / "scenarios" / c.name)))
    jobs += [(None, args.cls or "town", folder) for folder in args.scenario]
    rows, pieces, details = [], [], []
    for case, cls, folder in jobs:
        name = case.name if case else folder.name
        print(f"[{name}] solving ({cls}, {limits[cls]:g} s) ...", flush=True)
        row, prow, det = evaluate(case, cls, folder, work / "plans" / name, limits[cls],
                                  args.workers, logs)
        rows.append(row)
        pieces += prow
        details.append(det)
        print(f"[{name}] gap {row.get('gap_pct')}% check {row.get('check')} "
              f"target {row.get('meets_target')} {row.get('why_not', '')}", flush=True)
    frame = pd.DataFrame([{c: r.get(c) for c in COLUMNS} for r in rows], columns=list(COLUMNS))
    args.results.mkdir(parents=True, exist_ok=True)
    base = args.results / f"generalize-{tag}"
    frame.to_csv(base.with_suffix(".csv"), index=False)
    pd.DataFrame(pieces).to_csv(base.with_name(base.name + "-pieces.csv"), index=False)
    base.with_suffix(".json").write_text(json.dumps({
        "machine": machine, "command": [Path(sys.argv[0]).name, *(argv or sys.argv[1:])],
        "quick": args.quick, "limits_s": limits, "workers": args.workers,
        "targets": {k: v.text for k, v in TARGETS.items()}, "skipped": skipped,
        "cases": [{"name": c.name if c else f.name, "class": cs,
                   "scenario": c.describe() if c else str(f)} for c, cs, f in jobs],
        "details": details}, indent=1, default=str))
    by_method = gap_by_method(pd.DataFrame(pieces), {r["case"]: r["class"] for r in rows})
    by_method.to_csv(base.with_name(base.name + "-by-method.csv"), index=False)
    print()
    print(markdown(frame))
    print()
    if not by_method.empty:
        print("Where the gap sits (by class, piece kind and method):")
        print(by_method.to_string(index=False))
        print()
    for s in skipped:
        print(f"skipped {s}")
    print(f"machine: {'; '.join(f'{k} {v}' for k, v in machine.items())}")
    print(f"written: {base.with_suffix('.csv')}, {base.name}-pieces.csv, "
          f"{base.name}-by-method.csv, {base.name}.json")
    return 0 if all(r.get("check") == "pass" for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
