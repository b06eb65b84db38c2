"""Validi & Buchanan's cut-edge districting benchmark on the planner's core.

    python bench/cut_edges.py [--level county|tract|all] [--time-limit S] [--out FILE.csv]
                              [--only ME_county,NM_county] [--workers N]
                              [--heuristic-s S] [--plans DIR]

Reads the instances from ../shared/benchmarks/districting-cut-edges/ (GPL-3.0 data,
never copied here; ``--data DIR`` or $CUT_EDGES_DATA when the checkout is elsewhere,
e.g. a git worktree), solves each one listed in results.csv plus the county
instances instances.csv marks infeasible under contiguity, re-checks every plan
independently (cut edges, bounds, contiguity), writes a CSV and prints a table.
``--plans DIR`` also writes each plan as ``DIR/<instance>.json`` in the shape of the
benchmark's ``solutions/`` files (``assignment[i]`` = district of node id i), so a
plan can be re-checked or compared with the published one. Each row also records
when it started, the commit and the load average before and after (1, 5, 15 min), so
a figure from a shared machine says how shared it was.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.machine import machine_info  # noqa: E402
from optimizer.districting.check import check_districting, infeasibility_reason  # noqa: E402
from optimizer.districting.graph import GraphArrays, make_arrays  # noqa: E402
from optimizer.districting.solve import solve_graph  # noqa: E402

DATA = Path(os.environ.get("CUT_EDGES_DATA")
            or ROOT.parent / "shared" / "benchmarks" / "districting-cut-edges")
FIELDS = ["instance", "k", "L", "U", "objective", "bound", "status", "time_s",
          "published_objective", "published_bound", "proved_by", "check", "note",
          "time_limit_s", "workers", "started_utc", "commit", "load_avg_start", "load_avg_end"]


def load_instance(name: str, data: Path = DATA) -> tuple[GraphArrays, int, int, int]:
    """(graph, k, L, U) of one instance, e.g. "ME_county"."""
    level = name.rsplit("_", 1)[1]
    raw = json.loads((data / "instances" / level / f"{name}.json").read_text())
    nodes = sorted(raw["nodes"], key=lambda n: n["id"])
    has_xy = all("lon" in n and "lat" in n for n in nodes)   # MS_county has none
    g = make_arrays([n["population"] for n in nodes], [tuple(e) for e in raw["edges"]],
                    [n["lon"] for n in nodes] if has_xy else None,
                    [n["lat"] for n in nodes] if has_xy else None)
    return g, int(raw["k"]), int(raw["L"]), int(raw["U"])


def instance_list(level: str, data: Path = DATA) -> list[dict[str, str]]:
    """results.csv rows of the level, then the contiguity-infeasible county ones."""
    with open(data / "results.csv", newline="") as f:
        rows = [r for r in csv.DictReader(f) if level in ("all", r["level"])]
    if level in ("all", "county"):
        with open(data / "instances.csv", newline="") as f:
            for r in csv.DictReader(f):
                if r["level"] == "county" and r["status"].startswith("infeasible with contig"):
                    rows.append({"instance": r["instance"], "published_objective": "infeasible",
                                 "published_bound": "infeasible"})
    return rows


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def run_one(row: dict[str, str], time_limit: float, workers: int,
            heuristic_s: float | None = None, plans: Path | None = None,
            data: Path = DATA) -> dict[str, object]:
    name = row["instance"]
    g, k, lo, hi = load_instance(name, data)
    load_start = _load()
    started = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
    start = time.monotonic()
    reason = infeasibility_reason(g, k, lo, hi)
    out: dict[str, object] = {"instance": name, "k": k, "L": lo, "U": hi,
                              "published_objective": row["published_objective"],
                              "published_bound": row["published_bound"]}
    if reason:
        out.update(objective="", bound="", status="infeasible", check="", proved_by="",
                   time_s=round(time.monotonic() - start, 2), note=reason,
                   started_utc=started, load_avg_start=load_start, load_avg_end=_load())
        return out
    res = solve_graph(g, k=k, lo=lo, hi=hi, time_limit_s=time_limit, workers=workers,
                      heuristic_s=heuristic_s)
    note = res.reason
    check = ""
    if res.assignment is not None:
        chk = check_districting(g, res.assignment, k=k, lo=lo, hi=hi)
        check = "ok" if chk.ok and chk.cut_edges == res.objective else "FAIL: " + "; ".join(
            chk.problems)
        if plans is not None:
            plans.mkdir(parents=True, exist_ok=True)
            (plans / f"{name}.json").write_text(json.dumps({
                "instance": name, "cut_edges": chk.cut_edges, "contiguous": chk.ok,
                "L": lo, "U": hi, "k": k, "status": res.status,
                "bound": None if res.bound is None else int(res.bound),
                "assignment": [int(v) for v in res.assignment]}))
    out.update(objective="" if res.objective is None else int(res.objective),
               bound="" if res.bound is None else int(res.bound), status=res.status,
               time_s=round(time.monotonic() - start, 2), check=check, note=note,
               proved_by=res.proved_by, started_utc=started, load_avg_start=load_start,
               load_avg_end=_load())
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--level", choices=["county", "tract", "all"], default="county")
    ap.add_argument("--time-limit", type=float, default=600.0)
    ap.add_argument("--workers", type=int, default=0)
    ap.add_argument("--heuristic-s", type=float, default=None,
                    help="seconds for the start heuristic (default: solve_graph's, "
                         "30 s or a twentieth of the limit; at most a quarter of it)")
    ap.add_argument("--only", default="", help="comma-separated instance names")
    ap.add_argument("--data", type=Path, default=DATA,
                    help=f"the benchmark's folder (default {DATA}, or $CUT_EDGES_DATA)")
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--plans", type=Path, default=None,
                    help="write each plan to DIR/<instance>.json")
    args = ap.parse_args(argv)
    if not args.data.exists():
        print(f"benchmark data not found at {args.data}: pass --data DIR", file=sys.stderr)
        return 2
    commit = machine_info(ROOT)["commit"]
    rows = instance_list(args.level, args.data)
    if args.only:
        keep = set(args.only.split(","))
        rows = [r for r in rows if r["instance"] in keep]
    results = []
    print(f"{'instance':<11} {'k':>2} {'obj':>4} {'bound':>5} {'status':<10} {'time_s':>8} "
          f"{'pub':>4} {'pubLB':>5}  check / note", flush=True)
    for row in rows:
        r = run_one(row, args.time_limit, args.workers, args.heuristic_s, args.plans, args.data)
        r.update(time_limit_s=args.time_limit, workers=args.workers, commit=commit)
        results.append(r)
        print(f"{r['instance']:<11} {r['k']:>2} {r['objective']!s:>4} {r['bound']!s:>5} "
              f"{r['status']:<10} {r['time_s']:>8} {str(r['published_objective'])[:4]:>4} "
              f"{str(r['published_bound'])[:5]:>5}  {r['check']} {r['proved_by']} {r['note']}",
              flush=True)
        if args.out:
            with open(args.out, "w", newline="") as f:
                wr = csv.DictWriter(f, fieldnames=FIELDS)
                wr.writeheader()
                wr.writerows(results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
