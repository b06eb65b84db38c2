"""The command line's exit without the interpreter's teardown (optimizer/cli/leave.py):
it must keep what an ordinary exit does that matters: the exit code, the atexit
callbacks, the buffered output, and a running non-daemon thread's work."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.helpers.paths import ROOT

SCRIPT = """
import atexit, sys, threading, time
from pathlib import Path
from optimizer.cli.leave import leave
out = Path(sys.argv[1])
atexit.register(lambda: (out / "atexit").write_text("ran"))
if sys.argv[2] == "thread":
    def late() -> None:
        time.sleep(0.3)
        (out / "thread").write_text("done")
    threading.Thread(target=late).start()
sys.stdout.write("buffered, no newline")
leave(3)
"""


def _run(tmp: Path, mode: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", SCRIPT, str(tmp), mode], cwd=ROOT,
                          capture_output=True, text=True, timeout=120,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})


def test_leave_keeps_the_code_the_callbacks_and_the_output(tmp_path: Path) -> None:
    p = _run(tmp_path, "plain")
    assert p.returncode == 3, p.stderr
    assert p.stdout == "buffered, no newline"
    assert (tmp_path / "atexit").read_text() == "ran"


def test_leave_waits_for_a_running_thread(tmp_path: Path) -> None:
    p = _run(tmp_path, "thread")
    assert p.returncode == 3, p.stderr
    assert (tmp_path / "thread").read_text() == "done"
    assert (tmp_path / "atexit").read_text() == "ran"


POOL = """
import os, sys, time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import util
from pathlib import Path
from optimizer.cli.leave import leave
out = Path(sys.argv[1])
class Teardown:             # written only by the interpreter's teardown
    def __del__(self) -> None:
        (out / "teardown").write_text("ran")
def slow_end() -> None:     # a worker ending a while after its last result
    time.sleep(1.0)
    os._exit(0)             # as optimizer.search.pool_worker.exit_now
def init() -> None:
    util.Finalize(None, slow_end, exitpriority=-100)
if __name__ == "__main__":
    kept = Teardown()
    pool = ProcessPoolExecutor(1, initializer=init)
    assert pool.submit(abs, -2).result() == 2
    pool.shutdown(wait=False)       # every result in, as optimizer.search.executors
    leave(4)
"""


def test_leave_skips_the_teardown_while_a_pool_worker_is_ending(tmp_path: Path) -> None:
    # bench/wild.py seed 1251 (10 s, two workers): with a worker still ending, the
    # pool's manager thread was alive, so the ordinary exit ran: 0.3-0.7 s from main's
    # return to the process's end, against 0.24 s without a worker left.
    script = tmp_path / "pool.py"
    script.write_text(POOL)
    p = subprocess.run([sys.executable, str(script), str(tmp_path)], cwd=ROOT,
                       capture_output=True, text=True, timeout=120,
                       env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert p.returncode == 4, p.stderr
    assert not (tmp_path / "teardown").exists()
    # the check can fail: the same script ends through the ordinary exit
    plain = script.read_text().replace("leave(4)", "sys.exit(4)")
    script.write_text(plain)
    p = subprocess.run([sys.executable, str(script), str(tmp_path)], cwd=ROOT,
                       capture_output=True, text=True, timeout=120,
                       env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert p.returncode == 4 and (tmp_path / "teardown").read_text() == "ran"


def test_the_command_line_exits_through_leave() -> None:
    text = (ROOT / "optimizer" / "__main__.py").read_text(encoding="utf-8")
    assert "leave(main(" in text
