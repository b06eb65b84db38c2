"""Faults, for real, on a small county (issue 14, part 2; the long runs with figures
are bench/reliability_kill.py and bench/reliability_disk.py, whose code this runs):

- ``kill -9`` of ``solve --report`` as the search is under way (into a new folder) and
  as the plan's stage is being written (over a previous plan): afterwards the folder
  is absent, the previous plan byte for byte, or a complete checked plan; the pool's
  workers are gone; ``solve --resume`` finishes with a complete checked plan and
  leaves nothing behind;
- a full disk and a read-only output (a real tmpfs; root only, else skipped): one
  clear error line naming the folder, the previous plan untouched, and on a freed
  disk the next run finishes.

Fixture: ``generate --preset town --seed 1`` (302 units, 2 streets/towns).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pytest

from tests.helpers.paths import ROOT

sys.path.insert(0, str(ROOT))

from bench import reliability_disk as disk  # noqa: E402
from bench import reliability_kill as kill  # noqa: E402
from bench.reliability_common import (  # noqa: E402
    generate,
    judge_plan,
    leftovers,
    run_cli,
    snapshot,
)

LIMIT = 2.0


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate("town", 1, tmp_path_factory.mktemp("town") / "scenario")


@pytest.fixture(scope="module")
def previous(town: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    plan = tmp_path_factory.mktemp("previous") / "plan"
    proc = run_cli(*disk.solve_args(town, plan, LIMIT))
    assert proc.returncode == 0, proc.stderr
    return plan


@pytest.mark.parametrize("k,target", [(0, "search"), (1, "writing")])
def test_kill_9_leaves_a_whole_folder_and_resume_finishes(
        town: Path, previous: Path, tmp_path: Path, k: int, target: str) -> None:
    pieces = len(json.loads((previous / "summary.json").read_text())["components"])
    row = kill.one_kill(k, town, tmp_path, previous, target, 0.0, LIMIT, 2, pieces)
    assert row["hit"] in (target, "assembly", "reports"), row   # a fast machine moves on
    assert row["orphans"] == 0
    assert row["after_kill"] == ("absent" if k == 0 else "previous untouched") \
        or row["after_kill"] == "new plan", row
    assert row["resume_exit"] == 0
    assert row["defects"] == [], row["defects"]


def test_the_phase_is_read_from_the_disk(tmp_path: Path, previous: Path) -> None:
    """The bench's phase labels (what a kill hit) follow what a run leaves on disk."""
    out = tmp_path / "plan"
    assert kill.phase_now(out, 3, None) == "start"
    (tmp_path / "plan.pieces").mkdir()
    (tmp_path / "plan.pieces" / "00000.json").write_text("{}")
    assert kill.phase_now(out, 3, None) == "search"
    for n in (1, 2):
        (tmp_path / "plan.pieces" / f"0000{n}.json").write_text("{}")
    assert kill.phase_now(out, 3, None) == "assembly"
    (tmp_path / ".plan.tmp-0123456789ab").mkdir()
    assert kill.phase_now(out, 3, None) == "writing"
    (out).mkdir()
    (out / "manifest.json").write_text("{}")
    assert kill.phase_now(out, 3, None) == "reports"
    assert kill.phase_now(out, 3, {"manifest.json": b"{}"}) == "writing"   # still the old



def test_a_full_disk_and_a_read_only_folder(town: Path, previous: Path) -> None:
    saved = snapshot(previous)
    size = 2 * sum(len(b) for b in saved.values()) + (1 << 20)
    manager = disk.tmpfs(size)
    try:
        where = manager.__enter__()
    except disk.NeedsRoot as exc:
        pytest.skip(f"{exc}: the full-disk and read-only tests need a tmpfs (run as root)")
    try:
        plan = disk.restore(where, saved)
        disk.fill(where, 0)
        proc = run_cli(*disk.solve_args(town, plan, LIMIT))
        assert disk.judge_failure(proc, plan) == []
        assert "No space left on device" in proc.stderr
        assert snapshot(plan) == saved
        (where / "filler").unlink()
        again = run_cli(*disk.solve_args(town, plan, LIMIT, "--resume"))
        assert again.returncode == 0, again.stderr
        assert judge_plan(town, plan) == [] and leftovers(plan) == []
        now = snapshot(plan)
        disk.remount(where, "ro")
        try:
            for args in (disk.solve_args(town, plan, 600), ["report", str(town), str(plan)]):
                t0 = time.perf_counter()
                proc = run_cli(*args)
                assert disk.judge_failure(proc, plan) == []
                assert "Read-only file system" in proc.stderr
                assert time.perf_counter() - t0 < 60      # before any solving
                assert snapshot(plan) == now
        finally:
            disk.remount(where, "rw")
    finally:
        manager.__exit__(None, None, None)
