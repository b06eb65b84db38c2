"""Shared by the reliability benches (bench/reliability_*.py, bench/RELIABILITY.md):
running the command line, judging a plan folder on our own, result files.

A plan folder is judged without the engine's writing code: its manifest.json must list
every file in it (we put no planner files there) with the right size and SHA-256, the
plan files of CONTRACT.md must be there, every unit of the scenario must be in
assignment.csv exactly once with the households adding up (households in = out), and
``python -m optimizer check`` (the independent checker) must exit 0.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make `bench`, `tests` and `optimizer` importable
    sys.path.insert(0, str(ROOT))

from bench.machine import machine_info  # noqa: E402

PLAN_FILES = ("assignment.csv", "communities.csv", "communities.geojson", "compliance.csv",
              "summary.json")
RESULTS = ROOT / "bench" / "results"


def optimizer_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "optimizer", *args]


def run_cli(*args: str, timeout: float = 1800) -> subprocess.CompletedProcess[str]:
    return subprocess.run(optimizer_cmd(*args), cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout)


def generate(preset: str, seed: int, folder: Path, *options: str) -> Path:
    """``python -m optimizer generate`` once (kept when the folder exists)."""
    if not (folder / "scenario.toml").exists():
        opts = [x for o in options for x in ("--option", o)]
        proc = run_cli("generate", "--preset", preset, "--seed", str(seed), *opts, str(folder))
        if proc.returncode != 0:
            raise RuntimeError(proc.stderr)
    return folder


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` by relative path (empty when it does not exist)."""
    if not folder.is_dir():
        return {}
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def manifest_problems(folder: Path) -> list[str]:
    """What is wrong with a plan folder's manifest and files (module doc)."""
    try:
        doc = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        files: dict[str, Any] = doc["files"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return [f"{folder}: no readable manifest.json ({exc})"]
    out = [f"{name} missing" for name in PLAN_FILES if name not in files]
    for rel, entry in files.items():
        path = folder / rel
        if not path.is_file():
            out.append(f"{rel} listed but absent")
            continue
        data = path.read_bytes()
        shas = {entry["sha256"], *(p.get("sha256") for p in entry.get("previous", ()))}
        if hashlib.sha256(data).hexdigest() not in shas:
            out.append(f"{rel}: {len(data)} bytes do not match the manifest "
                       f"({entry['bytes']} bytes listed)")
    for path in folder.rglob("*"):
        rel = path.relative_to(folder).as_posix()
        if path.is_file() and rel != "manifest.json" and rel not in files:
            out.append(f"{rel} is in the folder but not in the manifest")
    return out


def judge_plan(scenario: Path, plan: Path) -> list[str]:
    """Defects of a plan folder that should be complete: manifest, households, check."""
    from optimizer.scenario.load import load_scenario
    from tests.helpers.fuzz_oracle import households_kept

    out = manifest_problems(plan)
    if out:
        return out
    out += households_kept(load_scenario(scenario), plan)
    proc = run_cli("check", str(scenario), str(plan), timeout=600)
    if proc.returncode != 0 or "compliance PASSED" not in proc.stdout:
        out.append(f"check exits {proc.returncode}: {proc.stdout[-800:]}{proc.stderr[-800:]}")
    return out


def leftovers(out: Path) -> list[str]:
    """Hidden stage/old folders of ``out`` left beside it (the lock file may stay)."""
    return sorted(p.name for p in out.parent.glob(f".{out.name}.*")
                  if not p.name.endswith(".lock"))


def session_pids(sid: int) -> list[int]:
    """Live processes of session ``sid`` (a child started with start_new_session)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if os.getsid(int(entry.name)) == sid:
                stat = (entry / "stat").read_text()
                if stat.rsplit(")", 1)[1].split()[0] != "Z":
                    pids.append(int(entry.name))
        except (OSError, ProcessLookupError, IndexError):
            continue
    return pids


def orphans_after(sid: int, wait_s: float = 10.0) -> int:
    """Processes of session ``sid`` still alive ``wait_s`` after its leader was killed
    (pool workers must notice and exit); any left are then killed (they are ours)."""
    deadline = time.time() + wait_s
    while time.time() < deadline and session_pids(sid):
        time.sleep(0.2)
    left = session_pids(sid)
    for pid in left:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return len(left)


def write_result(name: str, figures: dict[str, Any], argv: list[str], quick: bool,
                 out: Path | None = None) -> Path:
    """bench/results/NAME.json: machine, command, commit, load, figures."""
    path = out or RESULTS / f"{name}{'-quick' if quick else ''}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = {"machine": machine_info(ROOT), "load_average": list(os.getloadavg()),
           "command": " ".join(["bench/" + Path(argv[0]).name, *argv[1:]]),
           "quick": quick, "figures": figures}
    path.write_text(json.dumps(doc, indent=1, ensure_ascii=False, default=str) + "\n",
                    encoding="utf-8")
    return path


def fresh(folder: Path) -> Path:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder
