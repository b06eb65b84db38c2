"""The start heuristic on several seeds in spawned processes
(optimizer.districting.seeds): the plan it returns is checked like any other, and
a graph with no plan within bounds gives None from every seed."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from optimizer.districting.check import check_districting
from optimizer.districting.graph import make_arrays
from optimizer.districting.seeds import _collect, best_heuristic_plan
from tests.helpers.partitions import random_grid
from tests.helpers.paths import ROOT


def test_two_seeds_give_a_checked_plan_in_the_budget(caplog: pytest.LogCaptureFixture) -> None:
    k = 4
    g, lo, hi = random_grid(7, 8, k, 0.05)
    with caplog.at_level(logging.WARNING):
        plan = best_heuristic_plan(g, k, lo, hi, time_limit_s=2.0, processes=2)
    assert "overran" not in caplog.text    # the child stopped at the shared deadline
    assert plan is not None
    chk = check_districting(g, plan, lo=lo, hi=hi, k=k)
    assert chk.ok, chk.problems


def test_no_plan_within_bounds_gives_none() -> None:
    """Path 0-1-2 with weights 1, 5, 1 and k = 2 in [3, 3]: no split weighs 3."""
    g = make_arrays([1, 5, 1], [(0, 1), (1, 2)])
    assert best_heuristic_plan(g, 2, 3, 3, time_limit_s=0.5, processes=2) is None


def test_a_failed_child_costs_only_its_plan(caplog: pytest.LogCaptureFixture) -> None:
    proc = subprocess.Popen([sys.executable, "-c", "import sys; sys.exit(3)"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    with caplog.at_level(logging.WARNING):
        assert _collect(proc, 5, time.time() + 1.0) is None
    assert "seed 5 failed (exit 3)" in caplog.text


def test_a_script_without_main_guard_runs_once(tmp_path: Path) -> None:
    """A planner's plain script calling the solver at top level: the children must
    not re-run it (multiprocessing's spawn would)."""
    script = tmp_path / "plain.py"
    script.write_text(
        "from optimizer.districting.graph import make_arrays\n"
        "from optimizer.districting.seeds import _collect, best_heuristic_plan\n"
        "print('script body ran', flush=True)\n"
        "g = make_arrays([1] * 6, [(i, i + 1) for i in range(5)])\n"
        "plan = best_heuristic_plan(g, 2, 3, 3, time_limit_s=0.5, processes=2)\n"
        "print('split', plan[0] == plan[1] == plan[2] != plan[3] == plan[4] == plan[5])\n")
    root = ROOT
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                         timeout=60, cwd=tmp_path,
                         env={**os.environ, "PYTHONPATH": str(root)})
    assert out.returncode == 0, out.stderr
    assert out.stdout.count("script body ran") == 1
    assert "split True" in out.stdout


def test_no_interpreter_for_children_still_gives_a_plan(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    """An embedded Python whose sys.executable cannot be started: this process's
    seed still answers."""
    monkeypatch.setattr(sys, "executable", "/nonexistent/python")
    g = make_arrays([1] * 6, [(i, i + 1) for i in range(5)])
    with caplog.at_level(logging.WARNING):
        plan = best_heuristic_plan(g, 2, 3, 3, time_limit_s=0.5, processes=2)
    assert plan is not None and check_districting(g, plan, lo=3, hi=3, k=2).ok
    assert "seed 1 not started" in caplog.text
