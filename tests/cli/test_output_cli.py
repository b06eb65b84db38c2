"""`solve`, `report` and `check --write` on hostile output folders and ordinary faults
(issue 14, items 1, 7, 8 and 11): exit 1 with one clear message and no traceback,
checked before any solving, nothing of the planner's lost.

Scenario: the six squares of tests/helpers/scenarios.py with 700 households per urban
and 600 per rural unit (one urban and one rural community), solved in a second.
"""

from __future__ import annotations

import contextlib
import errno
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

import optimizer.plan.folder
import optimizer.plan.io
import optimizer.search
from optimizer.cli.main import main
from tests.helpers.paths import ROOT
from tests.helpers.scenarios import grid_units, make_scenario

SOLVE = ["--workers", "1", "--time-limit", "5", "--quiet"]


@pytest.fixture(scope="module")
def scen(tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    units = grid_units()
    for u in units:
        u["households"] = 700 if u["kind"] == "urban" else 600
    return make_scenario(tmp_path_factory.mktemp("scenario") / "tiny", units=units)


@pytest.fixture(name="no_solving")
def no_solving_fixture(monkeypatch: pytest.MonkeyPatch) -> None:
    no_solving(monkeypatch)


def no_solving(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("solve ran although the output folder was refused")
    monkeypatch.setattr(optimizer.search, "solve", refuse)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def clean_error(err: str) -> str:
    assert "Traceback" not in err and err.startswith("error: "), err
    return err


def test_solve_refuses_a_project_folder_before_solving(
        tmp_path: Path, scen: Path, no_solving: None, capsys: pytest.CaptureFixture[str]) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "summary.json").write_text("{}")
    (project / "plan.docx").write_bytes(b"PK")
    before = snapshot(project)
    assert main(["solve", str(scen), "--out", str(project), *SOLVE]) == 1
    err = clean_error(capsys.readouterr().err)
    assert f"{project} holds plan files (summary.json) but no manifest.json" in err
    assert snapshot(project) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["project"]
    scen_before = snapshot(scen)                 # --out the scenario folder itself
    assert main(["solve", str(scen), "--out", str(scen), *SOLVE]) == 1
    assert "it has no manifest.json" in clean_error(capsys.readouterr().err)
    assert snapshot(scen) == scen_before


def test_solve_under_a_file_fails_before_solving(tmp_path: Path, scen: Path, no_solving: None,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "notes.txt").write_text("a file, not a folder")
    assert main(["solve", str(scen), "--out", str(tmp_path / "notes.txt" / "plan"),
                 *SOLVE]) == 1
    err = clean_error(capsys.readouterr().err)
    assert f"cannot create the folder {tmp_path / 'notes.txt'}" in err


@contextlib.contextmanager
def read_only_parent() -> Iterator[Path]:
    """A folder this test's user may not write (mode 555), in a world-readable place
    (a root test runs the CLI as nobody: root ignores the mode)."""
    top = Path(tempfile.mkdtemp(prefix="readonly-"))
    try:
        top.chmod(0o755)
        (top / "ro").mkdir(mode=0o555)
        (top / "ro").chmod(0o555)
        yield top / "ro"
    finally:
        (top / "ro").chmod(0o755)
        shutil.rmtree(top)


def run_cli(args: list[str]) -> tuple[int, str]:
    """main(args), as user nobody when this test runs as root (in a forked child that
    has every module it needs loaded, so it reads nothing of root's)."""
    if os.geteuid() != 0:
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            code = main(args)
        return code, err.getvalue()
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:                                          # pragma: no cover (the child)
        result: list[object] = [-1, "child failed"]
        try:
            os.close(r)
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
            err = io.StringIO()
            with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
                result = [main(args), err.getvalue()]
        except BaseException as exc:  # noqa: BLE001 - reported to the parent
            result = [-1, repr(exc)]
        finally:
            os.write(w, json.dumps(result).encode())
            os._exit(0)
    os.close(w)
    with os.fdopen(r, "rb") as fh:
        data = fh.read()
    os.waitpid(pid, 0)
    code, text = json.loads(data)
    return int(code), str(text)


def test_solve_into_a_read_only_folder_fails_before_solving(scen: Path, no_solving: None) -> None:
    with read_only_parent() as ro:
        code, err = run_cli(["solve", str(scen), "--out", str(ro / "plan"), *SOLVE])
        assert code == 1, err
        assert f"cannot write into {ro} (Permission denied" in clean_error(err)
        assert list(ro.iterdir()) == []


def test_disk_full_while_writing_the_plan_keeps_the_previous_one(
        tmp_path: Path, scen: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "plan"
    assert main(["solve", str(scen), "--out", str(out), *SOLVE]) == 0
    before = snapshot(out)

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", "summary.json")

    monkeypatch.setattr(optimizer.plan.io, "_write_json", full)
    assert main(["solve", str(scen), "--out", str(out), *SOLVE, "--seed", "4"]) == 1
    err = clean_error(capsys.readouterr().err)
    assert f"could not write {out} (No space left on device: summary.json)" in err
    assert "the previous folder is untouched" in err
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan", "plan.pieces"]


def test_disk_full_while_drawing_maps(tmp_path: Path, scen: Path,
                                      monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    from matplotlib.figure import Figure

    out = tmp_path / "plan"
    assert main(["solve", str(scen), "--out", str(out), *SOLVE, "--report"]) == 0
    before = snapshot(out)
    real = Figure.savefig

    def full(self, fname, *args, **kwargs):  # type: ignore[no-untyped-def]
        if isinstance(fname, (str, os.PathLike)) and "street" in str(fname):
            raise OSError(errno.ENOSPC, "No space left on device", str(fname))
        return real(self, fname, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", full)
    assert main(["report", str(scen), str(out)]) == 1
    err = clean_error(capsys.readouterr().err)
    assert f"could not write {out} (No space left on device: " in err
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan"]


def test_disk_full_while_solve_writes_its_reports(tmp_path: Path, scen: Path,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """The reliability bench's full disk (a real tmpfs of 1.2 MB, issue 14): solve
    --report wrote the plan, then the maps failed, and the only error line said 'the
    previous folder is untouched, and no partial file is left', as if the new plan were
    lost. It must say the plan is there and how to get the reports."""
    from matplotlib.figure import Figure

    out = tmp_path / "plan"
    real = Figure.savefig

    def full(self, fname, *args, **kwargs):  # type: ignore[no-untyped-def]
        if isinstance(fname, (str, os.PathLike)) and "street" in str(fname):
            raise OSError(errno.ENOSPC, "No space left on device", str(fname))
        return real(self, fname, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", full)
    assert main(["solve", str(scen), "--out", str(out), *SOLVE, "--report"]) == 1
    err = clean_error(capsys.readouterr().err)
    assert "the reports were not written, but the plan is" in err
    assert f"python -m optimizer report {scen} {out}" in err
    assert main(["check", str(scen), str(out)]) == 0
    assert not list(out.glob("*.png"))


HOLDER = """
import sys, time
sys.path.insert(0, {root!r})
from optimizer.plan.lock import output_lock
with output_lock(sys.argv[1]):
    print("held", flush=True)
    time.sleep(600)
"""


def test_a_second_solve_into_the_same_folder_is_refused(
        tmp_path: Path, scen: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "plan"
    assert main(["solve", str(scen), "--out", str(out), *SOLVE]) == 0
    no_solving(monkeypatch)
    holder = subprocess.Popen([sys.executable, "-c", HOLDER.format(root=str(ROOT)), str(out)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        assert main(["solve", str(scen), "--out", str(out), *SOLVE]) == 1
        err = clean_error(capsys.readouterr().err)
        assert f"{out} is being written by another run (pid {holder.pid} on " in err
        assert ", since " in err
        assert main(["report", str(scen), str(out)]) == 1
        assert "is being written by another run" in capsys.readouterr().err
    finally:
        holder.kill()
        holder.wait()


def test_resume_with_a_tampered_piece_solves_it_again(
        tmp_path: Path, scen: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from optimizer.scenario.load import load_scenario

    out = tmp_path / "plan"
    pieces = tmp_path / "plan.pieces"
    optimizer.search.solve(load_scenario(scen), workers=1, checkpoint=pieces)
    doc = json.loads((pieces / "00000.json").read_text())
    doc["result"]["choices"][0]["members"] = doc["result"]["choices"][0]["members"][:1]
    (pieces / "00000.json").write_text(json.dumps(doc))
    assert main(["solve", str(scen), "--out", str(out), *SOLVE, "--resume"]) == 0
    captured = capsys.readouterr()
    assert "compliance PASSED" in captured.out
    assert "note: finished piece 00000.json (C1 / S1 / " in captured.err
    assert "ignored and solved again" in captured.err
    assert not pieces.exists()


def test_check_write_keeps_the_folder_ours(tmp_path: Path, scen: Path,
                                          monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    """compliance.csv rewritten by check --write is still ours: the next solve replaces
    it instead of refusing it as a planner's edit."""
    from optimizer.plan.compliance import ComplianceReport

    out = tmp_path / "plan"
    assert main(["solve", str(scen), "--out", str(out), *SOLVE]) == 0
    engine_csv = (out / "compliance.csv").read_bytes()
    real = ComplianceReport.to_frame
    monkeypatch.setattr(ComplianceReport, "to_frame",
                        lambda self: real(self).assign(note="checked again"))
    assert main(["check", str(scen), str(out), "--write"]) == 0
    assert b"checked again" in (out / "compliance.csv").read_bytes() != engine_csv
    listed = json.loads((out / "manifest.json").read_text())["files"]
    assert "previous" not in listed["compliance.csv"]
    assert main(["solve", str(scen), "--out", str(out), *SOLVE, "--seed", "4"]) == 0
    capsys.readouterr()
