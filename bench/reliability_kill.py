"""kill -9 at random moments of `solve`: the plan folder is complete and checked, or
absent (a previous plan untouched), and `solve --resume` finishes (issue 14, part 2).

    .venv/bin/python bench/reliability_kill.py [--kills 50] [--time-limit 20]
        [--workers 2] [--seed 0] [--work DIR] [--small] [--quick]

On ``generate --preset county --seed 1``: one reference run of ``solve SCEN --out OUT
--time-limit L --workers W --report`` is watched on disk (20 ms polls) to time its
phases: start (imports, loading, the first piece), search (pieces being kept in
OUT.pieces/), assembly (all pieces in: assembling, checking), writing (the plan's
hidden stage .OUT.tmp-*), reports (the plan is in place; maps, xlsx, gpkg). Kill k
targets phase k mod 5: the bench waits (10 ms polls) until the run enters it, then
a uniform part of that phase's length in the reference run (machine load moves the
clock, not the order of events), into a new folder (even k) or over the reference
plan (odd k), and SIGKILLs the solve process alone. Then:

- the phase it really hit, from what is on disk at that moment;
- OUT is absent (only without a previous plan), the previous plan byte for byte, or a
  complete new plan: manifest lists every file with its SHA-256, households in = out,
  ``check`` exits 0 (bench/reliability_common.py);
- the pool's worker processes are gone within 30 s (they watch their parent; one
  still starting when the kill came notices once started), else a defect;
- ``solve --resume --report`` exits 0 with a plan judged the same way, and leaves no
  hidden stage, old folder or OUT.pieces/ behind.

``--small``: ``generate --preset big-county --seed 1 --option streets=40 --option
towns=60,40`` (157 units in 3 pieces) instead, for 50 kills in about 20 minutes.
``--quick``: 5 kills at a 5 s limit (about 3 minutes on 2 loaded cores).
"""

from __future__ import annotations

import argparse
import random
import shutil
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
    fresh,
    generate,
    judge_plan,
    leftovers,
    optimizer_cmd,
    orphans_after,
    snapshot,
    write_result,
)

PHASES = ("start", "search", "assembly", "writing", "reports")


def phase_now(out: Path, final_pieces: int, previous: dict[str, bytes] | None) -> str:
    """Which phase a run writing ``out`` is in, from what is on disk."""
    pieces = out.with_name(out.name + ".pieces")
    stage = list(out.parent.glob(f".{out.name}.tmp-*"))
    manifest = out / "manifest.json"
    written = manifest.exists() and (previous is None or manifest.read_bytes()
                                     != previous.get("manifest.json"))
    if written:
        return "reports"
    if stage:
        return "writing"
    n = len(list(pieces.glob("*.json"))) if pieces.is_dir() else 0
    if n and n >= final_pieces:
        return "assembly"
    return "search" if n else "start"


class Watch(threading.Thread):
    """Polls a running solve's output every 20 ms: when each phase began."""

    def __init__(self, out: Path, proc: subprocess.Popen[str]) -> None:
        super().__init__(daemon=True)
        self.out, self.proc, self.t0 = out, proc, time.perf_counter()
        self.first: dict[str, float] = {}
        self.most_pieces = 0

    def run(self) -> None:
        pieces = self.out.with_name(self.out.name + ".pieces")
        while self.proc.poll() is None:
            now = time.perf_counter() - self.t0
            n = len(list(pieces.glob("*.json"))) if pieces.is_dir() else 0
            if n > self.most_pieces:
                self.most_pieces, self.first["assembly"] = n, now
            if n:
                self.first.setdefault("search", now)
            if list(self.out.parent.glob(f".{self.out.name}.tmp-*")):
                self.first.setdefault("writing", now)
            if (self.out / "manifest.json").exists():
                self.first.setdefault("reports", now)
            time.sleep(0.02)
        self.first["end"] = time.perf_counter() - self.t0


def solve_cmd(scen: Path, out: Path, limit: float, workers: int, *extra: str) -> list[str]:
    return optimizer_cmd("solve", str(scen), "--out", str(out), "--time-limit", f"{limit:g}",
                         "--workers", str(workers), "--quiet", "--report", *extra)


def reference(scen: Path, out: Path, limit: float, workers: int) -> tuple[dict[str, float], int]:
    proc = subprocess.Popen(solve_cmd(scen, out, limit, workers), cwd=ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    watch = Watch(out, proc)
    watch.start()
    _, err = proc.communicate()
    watch.join()
    if proc.returncode != 0:
        raise RuntimeError(f"the reference run failed: {err[-2000:]}")
    times = {"start": 0.3, **watch.first}
    return times, watch.most_pieces


def windows(times: dict[str, float]) -> dict[str, tuple[float, float]]:
    bounds = [times["start"], times["search"], times["assembly"], times["writing"],
              times["reports"], times["end"]]
    return {p: (bounds[i], max(bounds[i], bounds[i + 1] - 0.01)) for i, p in enumerate(PHASES)}


def wait_for(target: str, out: Path, proc: subprocess.Popen[str], final_pieces: int,
             previous: dict[str, bytes] | None) -> bool:
    """Until the run enters phase ``target`` (polled every 10 ms); False if it ended."""
    want = PHASES.index(target)
    while proc.poll() is None:
        if PHASES.index(phase_now(out, final_pieces, previous)) >= want:
            return True
        time.sleep(0.01)
    return False


def one_kill(k: int, scen: Path, work: Path, ref_plan: Path, target: str, delay: float,
             limit: float, workers: int, final_pieces: int) -> dict[str, Any]:
    """Start a solve, wait until it enters ``target``, SIGKILL it ``delay`` s later."""
    out = work / f"kill-{k}" / "plan"
    fresh(out.parent)
    previous = None
    if k % 2:
        shutil.copytree(ref_plan, out)
        previous = snapshot(out)
    t0 = time.perf_counter()
    proc = subprocess.Popen(solve_cmd(scen, out, limit, workers), cwd=ROOT, text=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    wait_for(target, out, proc, final_pieces, previous)
    time.sleep(delay)
    hit = phase_now(out, final_pieces, previous) if proc.poll() is None else "finished"
    at = time.perf_counter() - t0
    proc.kill()
    proc.wait()
    row: dict[str, Any] = {"kill": k, "at_s": round(at, 2), "hit": hit,
                           "over_previous": previous is not None,
                           "orphans": orphans_after(proc.pid, ORPHAN_WAIT_S)}
    defects: list[str] = []
    if row["orphans"]:
        defects.append(f"{row['orphans']} processes of the killed solve still alive "
                       f"{ORPHAN_WAIT_S:g} s later")
    if not out.exists():
        row["after_kill"] = "absent"
        if previous is not None:
            defects.append("the previous plan is gone")
    elif previous is not None and snapshot(out) == previous:
        row["after_kill"] = "previous untouched"
    else:
        row["after_kill"] = "new plan"
        defects += [f"after the kill: {d}" for d in judge_plan(scen, out)]
    t0 = time.perf_counter()
    res = subprocess.run(solve_cmd(scen, out, limit, workers, "--resume"), cwd=ROOT,
                         capture_output=True, text=True, timeout=3600)
    row["resume_s"] = round(time.perf_counter() - t0, 1)
    row["resume_exit"] = res.returncode
    if res.returncode != 0 or "Traceback" in res.stderr:
        defects.append(f"resume exits {res.returncode}: {res.stderr[-1500:]}")
    else:
        defects += [f"after the resume: {d}" for d in judge_plan(scen, out)]
        left = leftovers(out) + ([out.name + ".pieces"]
                                 if out.with_name(out.name + ".pieces").exists() else [])
        if left:
            defects.append(f"left behind after the resume: {left}")
    row["defects"] = defects
    shutil.rmtree(out.parent, ignore_errors=True)
    return row


# A worker still importing when its caller is killed notices only once started (and
# then within a second): seconds on a loaded machine, hence the margin.
ORPHAN_WAIT_S = 30.0
SMALL = ("big-county", ("streets=40", "towns=60,40"))   # 157 units, 37,516 households


def run(kills: int, limit: float, workers: int, seed: int, work: Path,
        log: Any = print, small: bool = False) -> dict[str, Any]:
    if small:
        scen = generate(SMALL[0], 1, work / "small-county-seed1", *SMALL[1])
        name = f"generate --preset {SMALL[0]} --seed 1 " + " ".join(
            f"--option {o}" for o in SMALL[1])
    else:
        scen = generate("county", 1, work / "county-seed1")
        name = "generate --preset county --seed 1"
    ref_plan = work / "reference" / "plan"
    fresh(ref_plan.parent)
    times, final_pieces = reference(scen, ref_plan, limit, workers)
    ref_defects = judge_plan(scen, ref_plan)
    win = windows(times)
    shown = {p: [round(a, 2), round(b, 2)] for p, (a, b) in win.items()}
    log(f"reference: {final_pieces} pieces; phases (s) {shown}")
    rng = random.Random(seed)
    rows = []
    for k in range(kills):
        target = PHASES[k % len(PHASES)]
        lo, hi = win[target]
        delay = rng.uniform(0.0, hi - lo) if target != "start" else rng.uniform(lo, hi)
        row = one_kill(k, scen, work, ref_plan, target, delay, limit, workers, final_pieces)
        row["target"] = target
        rows.append(row)
        log(f"kill {k}: target {row['target']}, hit {row['hit']} at {row['at_s']} s -> "
            f"{row['after_kill']}; orphans {row['orphans']}; resume {row['resume_exit']} in "
            f"{row['resume_s']} s; defects {row['defects'] or 'none'}")
    counts = {p: sum(r["hit"] == p for r in rows) for p in (*PHASES, "finished")}
    return {"scenario": name, "time_limit_s": limit,
            "workers": workers, "seed": seed, "reference_phases_s": win,
            "reference_defects": ref_defects, "kills": len(rows), "hit_by_phase": counts,
            "after_kill": {s: sum(r["after_kill"] == s for r in rows)
                           for s in ("absent", "previous untouched", "new plan")},
            "orphan_processes": sum(r["orphans"] for r in rows),
            "resumes_finished": sum(r["resume_exit"] == 0 for r in rows),
            "plans_checked": sum(r["after_kill"] == "new plan" and not any(
                d.startswith("after the kill") for d in r["defects"]) for r in rows)
            + sum(r["resume_exit"] == 0 and not any(d.startswith("after the resume")
                                                    for d in r["defects"]) for r in rows),
            "runs_with_defects": sum(bool(r["defects"]) for r in rows),
            "households_lost": 0 if not any("households" in d for r in rows
                                            for d in r["defects"]) else "see rows",
            "rows": rows}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kills", type=int, default=50)
    ap.add_argument("--time-limit", type=float, default=20.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--work", type=Path, default=None)
    ap.add_argument("--quick", action="store_true", help="5 kills at a 5 s limit")
    ap.add_argument("--small", action="store_true",
                    help="a small generated county (3 streets and towns, 157 units) instead "
                         "of the county preset (3,003 units): 50 kills in about 20 minutes")
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args(argv)
    if args.quick:
        args.kills, args.time_limit = 5, 5.0
    with tempfile.TemporaryDirectory(prefix="reliability-kill-") as tmp:
        figures = run(args.kills, args.time_limit, args.workers, args.seed,
                      args.work or Path(tmp), small=args.small)
    path = write_result("reliability_kill", figures, sys.argv if argv is None
                        else ["reliability_kill.py", *argv], args.quick, args.out)
    print(f"{figures['kills']} kills, {figures['runs_with_defects']} with defects; "
          f"written to {path}")
    return 0 if figures["runs_with_defects"] == 0 and not figures["reference_defects"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
