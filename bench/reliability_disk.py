"""A full disk and a read-only output, for real: a clear error, the previous plan
untouched, nothing partial left, and the next run on a freed disk finishes (issue 14,
part 2).

    .venv/bin/python bench/reliability_disk.py [--scenario demo|county|DIR]
        [--steps 12] [--time-limit 3] [--quick]

Needs root (it mounts a tmpfs; without root it stops and says so). The output folder
lives on a small tmpfs (``mount -t tmpfs -o size=...``) that first holds a previous
plan with its reports. Then, for each of ``--steps`` amounts of free space from 0 to
what a plan and its reports need, a filler file leaves that much free, and ``solve
--report`` runs into the folder: so the disk fills at a different point each time
(the kept pieces, the plan's stage, the swap, the maps, plan.gpkg). Each run must exit
0 with a complete plan (manifest, households, ``check``) or 1 with a one-line error
naming the folder and no traceback, the folder being the previous plan byte for byte
or a complete new one; no hidden stage may stay behind once the next run (filler
removed, ``--resume``) has finished, and that run must write a complete plan.

Read-only: the tmpfs is remounted read-only with the previous plan in it; ``solve``
(into the plan, and into a new folder beside it), ``report`` and ``check --write``
must each exit 1 at once (before any solving: the seconds are recorded) with the
folder named, and leave the plan byte for byte.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.reliability_common import (  # noqa: E402
    generate,
    judge_plan,
    leftovers,
    run_cli,
    snapshot,
    write_result,
)


class NeedsRoot(RuntimeError):
    """tmpfs cannot be mounted here (not root, or no mount namespace rights)."""


@contextlib.contextmanager
def tmpfs(size_bytes: int) -> Iterator[Path]:
    """A fresh tmpfs of ``size_bytes`` mounted on a temporary folder, unmounted after."""
    where = Path(tempfile.mkdtemp(prefix="reliability-tmpfs-"))
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_bytes}", "tmpfs",
                           str(where)], capture_output=True, text=True)
    if proc.returncode != 0:
        where.rmdir()
        raise NeedsRoot(f"cannot mount a tmpfs ({proc.stderr.strip() or 'not root'})")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True)
        shutil.rmtree(where, ignore_errors=True)


def remount(where: Path, mode: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{mode}", str(where)], check=True,
                   capture_output=True)


def free_bytes(where: Path) -> int:
    st = os.statvfs(where)
    return st.f_bavail * st.f_frsize


def fill(where: Path, leave: int) -> int:
    """Write ``where/filler`` so that ``leave`` bytes stay free; its size."""
    filler = where / "filler"
    filler.unlink(missing_ok=True)
    size = max(0, free_bytes(where) - leave)
    with open(filler, "wb") as fh:
        block = b"\0" * (1 << 16)
        left = size
        while left > 0:
            try:
                left -= fh.write(block[:min(left, len(block))])
            except OSError:
                break
    return size


def restore(where: Path, saved: dict[str, bytes]) -> Path:
    """The previous plan, byte for byte, alone on the disk."""
    for child in where.iterdir():
        shutil.rmtree(child) if child.is_dir() else child.unlink()
    plan = where / "plan"
    for rel, data in saved.items():
        (plan / rel).parent.mkdir(parents=True, exist_ok=True)
        (plan / rel).write_bytes(data)
    return plan


def solve_args(scen: Path, out: Path, limit: float, *extra: str) -> list[str]:
    return ["solve", str(scen), "--out", str(out), "--time-limit", f"{limit:g}",
            "--workers", "1", "--quiet", "--report", *extra]


def judge_failure(proc: subprocess.CompletedProcess[str], out: Path) -> list[str]:
    """An exit 1 must be one clear line naming the folder (or the folder it is in, when
    that is what cannot be written), never a traceback."""
    errors = [ln for ln in proc.stderr.splitlines() if ln.startswith("error:")]
    out_defects = []
    if "Traceback" in proc.stderr:
        out_defects.append(f"traceback: {proc.stderr[-1500:]}")
    if proc.returncode != 1 or len(errors) != 1 or not (
            str(out) in errors[0] or str(out.parent) in errors[0]):
        out_defects.append(f"exit {proc.returncode}, error lines {errors!r}")
    return out_defects


def full_disk(scen: Path, steps: int, limit: float) -> dict[str, Any]:
    rows: list[dict[str, Any]] = []
    with tmpfs(64 << 20) as where:     # room to write the previous plan and measure it
        plan = where / "plan"
        first = run_cli(*solve_args(scen, plan, limit))
        if first.returncode != 0:
            raise RuntimeError(first.stderr)
        saved = snapshot(plan)
        need = sum(len(b) for b in saved.values())
    size = 2 * need + (1 << 20)
    with tmpfs(size) as where:
        for k in range(steps):
            leave = int(need * 1.3 * (k / max(1, steps - 1)) ** 2)   # finer near full
            plan = restore(where, saved)
            fill(where, leave)
            t0 = time.perf_counter()
            proc = run_cli(*solve_args(scen, plan, limit))
            row: dict[str, Any] = {"free_bytes": leave, "exit": proc.returncode,
                                   "seconds": round(time.perf_counter() - t0, 1),
                                   "error": next((ln for ln in proc.stderr.splitlines()
                                                  if ln.startswith("error:")), "")}
            defects: list[str] = []
            now = snapshot(plan)
            if now == saved:
                row["folder"] = "previous untouched"
            elif not now:
                row["folder"] = "absent"
                defects.append("the previous plan is gone")
            else:
                row["folder"] = "new plan"
                (where / "filler").unlink(missing_ok=True)   # room for check's imports
                defects += judge_plan(scen, plan)
            if proc.returncode != 0:
                defects += judge_failure(proc, plan)
            (where / "filler").unlink(missing_ok=True)
            again = run_cli(*solve_args(scen, plan, limit, "--resume"))
            row["next_run_exit"] = again.returncode
            if again.returncode != 0:
                defects.append(f"the next run exits {again.returncode}: {again.stderr[-800:]}")
            else:
                defects += [f"next run: {d}" for d in judge_plan(scen, plan)]
            if leftovers(plan):
                defects.append(f"left behind: {leftovers(plan)}")
            row["defects"] = defects
            rows.append(row)
            print(f"free {leave:>9,} B: exit {row['exit']} ({row['seconds']} s), "
                  f"{row['folder']}; {row['error'][:110]}; next run {row['next_run_exit']}; "
                  f"defects {defects or 'none'}", flush=True)
    return {"disk_bytes": size, "plan_and_reports_bytes": need, "runs": len(rows),
            "exit_0": sum(r["exit"] == 0 for r in rows),
            "exit_1_clear": sum(r["exit"] == 1 and not r["defects"] for r in rows),
            "previous_untouched": sum(r["folder"] == "previous untouched" for r in rows),
            "new_plan_complete": sum(r["folder"] == "new plan" and not r["defects"]
                                     for r in rows),
            "runs_with_defects": sum(bool(r["defects"]) for r in rows), "rows": rows}


def read_only(scen: Path, limit: float) -> dict[str, Any]:
    rows = []
    with tmpfs(64 << 20) as where:
        plan = where / "plan"
        if run_cli(*solve_args(scen, plan, limit)).returncode != 0:
            raise RuntimeError("the previous plan could not be written")
        saved = snapshot(plan)
        remount(where, "ro")
        try:
            for name, args, target in (
                    ("solve into the plan", solve_args(scen, plan, 600), plan),
                    ("solve into a new folder", solve_args(scen, where / "new", 600),
                     where / "new"),
                    ("report", ["report", str(scen), str(plan)], plan),
                    ("check --write", ["check", str(scen), str(plan), "--write"], plan)):
                t0 = time.perf_counter()
                proc = run_cli(*args, timeout=900)
                row: dict[str, Any] = {"command": name, "exit": proc.returncode,
                                       "seconds": round(time.perf_counter() - t0, 1),
                                       "error": next((ln for ln in proc.stderr.splitlines()
                                                      if ln.startswith("error:")), "")}
                defects = judge_failure(proc, target)
                if snapshot(plan) != saved:
                    defects.append("the plan changed")
                if name.startswith("solve") and row["seconds"] > 60:
                    defects.append("solved before finding the folder read-only")
                row["defects"] = defects
                rows.append(row)
                print(f"read-only, {name}: exit {row['exit']} in {row['seconds']} s; "
                      f"{row['error'][:120]}; defects {defects or 'none'}", flush=True)
        finally:
            remount(where, "rw")
    return {"runs": len(rows), "runs_with_defects": sum(bool(r["defects"]) for r in rows),
            "rows": rows}


def scenario(name: str, work: Path) -> Path:
    if name == "demo":
        return ROOT / "scenarios" / "demo"
    if name == "county":
        return generate("county", 1, work / "county-seed1")
    return Path(name)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scenario", default="county")
    ap.add_argument("--steps", type=int, default=12)
    ap.add_argument("--time-limit", type=float, default=5.0)
    ap.add_argument("--quick", action="store_true", help="the demo, 5 steps, 2 s limit")
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args(argv)
    if args.quick:
        args.scenario, args.steps, args.time_limit = "demo", 5, 2.0
    with tempfile.TemporaryDirectory(prefix="reliability-disk-") as tmp:
        scen = scenario(args.scenario, Path(tmp))
        try:
            figures = {"scenario": args.scenario, "time_limit_s": args.time_limit,
                       "how": "tmpfs (mount -t tmpfs -o size=N), filled by a file; "
                              "read-only by mount -o remount,ro",
                       "full_disk": full_disk(scen, args.steps, args.time_limit),
                       "read_only": read_only(scen, args.time_limit)}
        except NeedsRoot as exc:
            print(f"skipped: {exc}; run as root", file=sys.stderr)
            return 2
    path = write_result("reliability_disk", figures, sys.argv if argv is None
                        else ["reliability_disk.py", *argv], args.quick, args.out)
    bad = figures["full_disk"]["runs_with_defects"] + figures["read_only"]["runs_with_defects"]
    print(f"{bad} runs with defects; written to {path}")
    return 0 if bad == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
