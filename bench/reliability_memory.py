"""A memory budget too small (``--memory-gb``): a clear message and the best checked
plan, never a process killed for memory (issue 14, part 2).

    .venv/bin/python bench/reliability_memory.py [--budgets 0.05,0.25,0.5,1,2]
        [--time-limit 20] [--workers 2] [--quick]

On ``generate --preset county --seed 1``, one ``solve --memory-gb GB`` per budget
(plus one without a budget), while this script samples the resident memory of the
solve and all its worker processes (psutil, every 0.1 s). Per run: exit code (a
negative one is a signal: the OOM killer's is SIGKILL), the line that says how many
pieces the budget stopped early, the peak of the whole process tree and of its
largest process, worker processes, objective and gap, and the plan judged on our own
(manifest, households in = out, ``check``). The machine's memory is not capped here
(no cgroup of our own on this machine: its cgroups belong to the session's
machinery), so "not the OOM killer" is shown by the tree's peak against the budget
and by every exit code, not by a kernel limit.

``--quick``: budgets 0.05 and 0.5 GB at a 5 s limit.
"""

from __future__ import annotations

import argparse
import json
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
    optimizer_cmd,
    write_result,
)

GB_BYTES = 1024**3
MB = 1024**2


class TreeMemory(threading.Thread):
    """Peak resident memory of a process and its descendants, sampled every 0.1 s."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak_total, self.peak_one, self.most_procs = pid, 0, 0, 0
        self.done = threading.Event()

    def run(self) -> None:
        import psutil

        try:
            root = psutil.Process(self.pid)
        except psutil.Error:
            return
        while not self.done.is_set():
            try:
                procs = [root, *root.children(recursive=True)]
                rss = []
                for p in procs:
                    try:
                        rss.append(p.memory_info().rss)
                    except psutil.Error:
                        continue
            except psutil.Error:
                break
            self.peak_total = max(self.peak_total, sum(rss))
            self.peak_one = max(self.peak_one, max(rss, default=0))
            self.most_procs = max(self.most_procs, len(rss))
            self.done.wait(0.1)


def one(scen: Path, out: Path, budget: float | None, limit: float,
        workers: int) -> dict[str, Any]:
    args = ["solve", str(scen), "--out", str(out), "--time-limit", f"{limit:g}",
            "--workers", str(workers), "--quiet"]
    if budget is not None:
        args += ["--memory-gb", f"{budget:g}"]
    t0 = time.perf_counter()
    proc = subprocess.Popen(optimizer_cmd(*args), cwd=ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    mem = TreeMemory(proc.pid)
    mem.start()
    stdout, stderr = proc.communicate()
    mem.done.set()
    mem.join()
    row: dict[str, Any] = {"memory_gb": budget, "exit": proc.returncode,
                           "wall_s": round(time.perf_counter() - t0, 1),
                           "peak_tree_mb": round(mem.peak_total / MB),
                           "peak_process_mb": round(mem.peak_one / MB),
                           "processes": mem.most_procs,
                           "message": next((ln for ln in stdout.splitlines()
                                            if "--memory-gb" in ln), ""),
                           "over_budget_note": next((ln for ln in stderr.splitlines()
                                                     if "was not kept" in ln), ""),
                           "traceback": "Traceback" in stderr}
    defects = []
    if proc.returncode != 0:
        defects.append(f"exit {proc.returncode}: {stderr[-800:]}")
    else:
        summary = json.loads((out / "summary.json").read_text())
        row.update(objective=summary.get("objective"), gap=summary.get("gap"),
                   stopped_by_memory=sum("memory budget" in c["method"]
                                         for c in summary.get("components", [])),
                   pieces=len(summary.get("components", [])))
        defects += judge_plan(scen, out)
        if row["stopped_by_memory"] and not row["message"]:
            defects.append("pieces stopped by the budget, and no line says so")
        if budget is not None and mem.peak_one > budget * GB_BYTES \
                and not row["over_budget_note"]:
            defects.append("a process passed the budget, and no line says so")
    row["defects"] = defects
    return row


def run(budgets: list[float], limit: float, workers: int, work: Path) -> dict[str, Any]:
    scen = generate("county", 1, work / "county-seed1")
    rows = []
    for k, budget in enumerate([None, *budgets]):
        row = one(scen, work / f"plan-{k}", budget, limit, workers)
        rows.append(row)
        print({key: v for key, v in row.items() if key != "defects"}, row["defects"] or "",
              flush=True)
    return {"scenario": "generate --preset county --seed 1", "time_limit_s": limit,
            "workers": workers, "runs": len(rows),
            "killed_by_a_signal": sum(r["exit"] < 0 for r in rows),
            "plans_checked": sum(r["exit"] == 0 and not r["defects"] for r in rows),
            "runs_with_defects": sum(bool(r["defects"]) for r in rows), "rows": rows}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--budgets", default="0.05,0.25,0.5,1,2")
    ap.add_argument("--time-limit", type=float, default=20.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--quick", action="store_true", help="0.05 and 0.5 GB, 5 s")
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args(argv)
    if args.quick:
        args.budgets, args.time_limit = "0.05,0.5", 5.0
    budgets = [float(b) for b in args.budgets.split(",")]
    with tempfile.TemporaryDirectory(prefix="reliability-memory-") as tmp:
        figures = run(budgets, args.time_limit, args.workers, Path(tmp))
    path = write_result("reliability_memory", figures, sys.argv if argv is None
                        else ["reliability_memory.py", *argv], args.quick, args.out)
    print(f"{figures['runs_with_defects']} runs with defects; written to {path}")
    return 0 if figures["runs_with_defects"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
