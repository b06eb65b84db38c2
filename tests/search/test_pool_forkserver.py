"""A local pool's workers fork from a fork server that has the search imported
(optimizer.poolstart): a spawned worker imported it after the hand-out, 1.7-6.3 s off
every piece's clock at load 6-10 (bench/JOURNAL.md, session 28). Their parent is
the server, so the watch that ends them when the caller is killed must not read the
caller's pid as their parent's."""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from optimizer.poolstart import pool_context
from optimizer.search.executors import LocalPoolExecutor

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif("forkserver" not in mp.get_all_start_methods(),
                                reason="no fork server on this platform: pools spawn")


def _whose(shared: Any, item: int, stop: Any) -> tuple[int, int, bool]:
    return item, os.getppid(), "optimizer.search.dispatch" in sys.modules


def test_the_workers_fork_from_the_server_with_the_search_imported() -> None:
    assert pool_context().get_start_method() == "forkserver"
    got = list(LocalPoolExecutor(2).map_unordered(_whose, None, [1, 2, 3]))
    assert sorted(i for i, _, _ in got) == [1, 2, 3]
    # Not this process's children (spawned ones were), and they run the tasks: the
    # watch kept them (it ended a worker whose parent was not the caller).
    assert all(ppid != os.getpid() for _, ppid, _ in got)
    assert all(has for _, _, has in got)


CALLER = """
import os, sys, time
from pathlib import Path
from optimizer.search.executors import LocalPoolExecutor


def sleepy(shared, item, stop):
    Path(shared, f"{item}.pid").write_text(str(os.getpid()))
    stop.wait(120)
    return item


if __name__ == "__main__":
    list(LocalPoolExecutor(2).map_unordered(sleepy, sys.argv[1], [1, 2]))
"""


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    # A zombie is gone too (not reaped yet by its new parent).
    with open(f"/proc/{pid}/stat") as fh:
        return fh.read().rsplit(")", 1)[1].split()[0] == "Z"


def test_a_kill_9_of_the_caller_ends_the_forked_workers(tmp_path: Path) -> None:
    script = tmp_path / "caller.py"
    script.write_text(CALLER)
    caller = subprocess.Popen([sys.executable, str(script), str(tmp_path)], cwd=tmp_path,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        end = time.monotonic() + 90
        while len(list(tmp_path.glob("*.pid"))) < 2 and time.monotonic() < end:
            time.sleep(0.1)
        pids = [int(p.read_text()) for p in tmp_path.glob("*.pid")]
        assert len(pids) == 2
        caller.send_signal(signal.SIGKILL)
        caller.wait(timeout=10)
        end = time.monotonic() + 15
        while not all(_gone(p) for p in pids) and time.monotonic() < end:
            time.sleep(0.2)
        assert all(_gone(p) for p in pids)
    finally:
        if caller.poll() is None:
            caller.kill()
