"""One bench case in its own process, so its peak memory is its own.

    python -m bench.case solve SCENARIO_DIR --time-limit S --workers N --seed N --json OUT
    python -m bench.case maxp SCENARIO_DIR --seed N --json OUT

Writes one JSON object to OUT: the figures of the solver (load, solve, independent
check) or of the MaxP baseline, and ``peak_rss_mb``, the peak resident memory of
the case (loading included): the largest sum of resident memory over this process and
its descendants (the solver may run components in worker processes), sampled every
0.2 s from /proc, and never less than this process's own getrusage peak.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import threading
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from optimizer import solve
from optimizer.checker.checker import check
from optimizer.scenario.load import load_scenario
from optimizer.status import Status


def peak_rss_mb() -> float:
    """Peak resident set size of this process in MB (ru_maxrss is in KB on Linux)."""
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(kb / (1024 * 1024) if sys.platform == "darwin" else kb / 1024, 1)


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _tree_rss_kb(root: int) -> int:
    """Resident memory of ``root`` and all its descendants (Linux /proc)."""
    parent: dict[int, int] = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                stat = (d / "stat").read_text()
                parent[int(d.name)] = int(stat.rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    tree, todo = {root}, [root]
    while todo:
        p = todo.pop()
        kids = [c for c, pp in parent.items() if pp == p and c not in tree]
        tree.update(kids)
        todo += kids
    return sum(_rss_kb(pid) for pid in tree)


class TreeMemory:
    """Peak resident memory of this process tree, sampled in a background thread."""

    def __init__(self, every_s: float = 0.2) -> None:
        self.peak_kb = 0
        self._every = every_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = os.getpid()
        while not self._stop.is_set():
            if Path("/proc/self/status").exists():
                self.peak_kb = max(self.peak_kb, _tree_rss_kb(me))
            self._stop.wait(self._every)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


def run_solve(folder: Path, time_limit_s: float, workers: int, seed: int) -> dict[str, Any]:
    t0 = time.perf_counter()
    scenario = load_scenario(folder)
    load_s = time.perf_counter() - t0
    plan = solve(scenario, time_limit_s=time_limit_s, workers=workers, seed=seed)
    wall_s = time.perf_counter() - t0 - load_s
    report = check(scenario, plan)
    s = plan.summary
    comps = [p.to_json() for p in plan.pieces]
    return {
        "units": scenario.n_units,
        "households": scenario.total_households(),
        "communities": len(plan.communities),
        "exempt": sum(1 for c in plan.communities if c.exemption),
        "status": plan.status.value,
        "objective": plan.objective,
        "bound": plan.bound,
        "gap": plan.gap,
        "solve_time_s": s.get("solve_time_s"),
        "wall_s": round(wall_s, 2),
        "load_s": round(load_s, 2),
        "check_passed": report.passed,
        "failed_rules": sorted(report.failed_rules()),
        "failures": [f"{r.rule_id} {r.community_id}: {r.note}" for r in report.failures()][:20],
        "components": comps,
        "components_optimal": sum(1 for p in plan.pieces if p.status == Status.OPTIMAL),
        "interrupted": plan.interrupted,
        "terms": dict(s.get("terms", {})),
    }


def run_maxp(folder: Path, seed: int) -> dict[str, Any]:
    from bench.maxp import run_baseline, spopt_version

    scenario = load_scenario(folder)
    t0 = time.perf_counter()
    base = run_baseline(scenario, seed)
    out = asdict(base)
    out["failed_rules"] = list(base.failed_rules)
    out["total_s"] = round(time.perf_counter() - t0, 2)
    out["spopt"] = spopt_version()
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("what", choices=("solve", "maxp"))
    ap.add_argument("scenario", type=Path)
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--workers", type=int, default=0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", type=Path, required=True)
    args = ap.parse_args(argv)
    with TreeMemory() as mem:
        if args.what == "solve":
            out = run_solve(args.scenario, args.time_limit, args.workers, args.seed)
        else:
            out = run_maxp(args.scenario, args.seed)
    out["self_peak_rss_mb"] = peak_rss_mb()
    out["children_peak_rss_mb"] = round(
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)
    out["peak_rss_mb"] = max(out["self_peak_rss_mb"], round(mem.peak_kb / 1024, 1))
    args.json.write_text(json.dumps(out, indent=1, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
