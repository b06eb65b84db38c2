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


def test_the_command_line_exits_through_leave() -> None:
    text = (ROOT / "optimizer" / "__main__.py").read_text(encoding="utf-8")
    assert "leave(main(" in text
