"""Ctrl-C during `python -m optimizer solve` still writes a complete, checked plan."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.helpers.paths import ROOT


def test_sigint_writes_a_checked_plan(tmp_path: Path) -> None:
    out = tmp_path / "plan"
    proc = subprocess.Popen(
        [sys.executable, "-m", "optimizer", "solve", str(ROOT / "scenarios" / "demo"),
         "--out", str(out), "--time-limit", "300", "--quiet"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(6)
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 0, stderr
    assert "compliance PASSED" in stdout
    summary = json.loads((out / "summary.json").read_text())
    assert summary["interrupted"] is True
    assert summary["status"] == "FEASIBLE"
    assert summary["solve_time_s"] < 120
    assert (out / "assignment.csv").exists()


def test_resume_after_a_kill_solves_only_the_rest(tmp_path: Path) -> None:
    out = tmp_path / "plan"
    cmd = [sys.executable, "-m", "optimizer", "solve", str(ROOT / "scenarios" / "demo"),
           "--out", str(out), "--time-limit", "20", "--quiet", "--workers", "1"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    pieces = tmp_path / "plan.pieces"
    deadline = time.time() + 60
    while time.time() < deadline and len(list(pieces.glob("*.json"))) < 2:
        time.sleep(0.2)
    proc.kill()                              # a crash, not a Ctrl-C
    proc.communicate()
    kept = {p.name for p in pieces.glob("*.json")}
    assert len(kept) >= 2
    done = subprocess.run([*cmd, "--resume"], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    assert "compliance PASSED" in done.stdout
    assert not pieces.exists()               # removed once the plan is written
    summary = json.loads((out / "summary.json").read_text())
    assert summary["n_units"] == 302
