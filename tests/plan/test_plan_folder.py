"""The plan folder's manifest (issue 14, items 1 and 8): a folder is replaced only when
the engine wrote it, never losing a file it did not write; reports join the manifest;
a kill leaves the old folder or the new one, and the next run tidies what it left.

Plans: the valid plan of tests/helpers/check_fixture.py; reports: tests/helpers/report.py.
"""

from __future__ import annotations

import dataclasses
import errno
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from optimizer import write_plan
from optimizer.errors import OutputError
from optimizer.plan import folder as plan_folder
from optimizer.plan.folder import MANIFEST
from optimizer.plan.read import read_plan

ROOT = Path(__file__).resolve().parents[2]
TESTS = ROOT / "tests"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def listed(folder: Path) -> set[str]:
    return set(json.loads((folder / MANIFEST).read_text())["files"])


def reseeded(plan, seed: int):  # type: ignore[no-untyped-def]
    return dataclasses.replace(plan, summary={**plan.summary, "seed": seed})


# --- item 1: what may be replaced ------------------------------------------------------
def test_a_folder_named_like_a_plan_is_refused_untouched(tmp_path: Path, s, valid) -> None:  # type: ignore[no-untyped-def]
    """The reported loss: a project folder with a summary.json, a .docx and notes."""
    project = tmp_path / "project"
    project.mkdir()
    (project / "summary.json").write_text('{"meeting": "2013-05-02"}')
    (project / "plan.docx").write_bytes(b"PK\x03\x04 a planner's document")
    (project / "notes").mkdir()
    (project / "notes" / "todo.txt").write_text("call the street office")
    before = snapshot(project)
    with pytest.raises(OutputError, match=f"{project} holds plan files \\(summary.json\\) but "
                                          "no manifest.json") as err:
        write_plan(valid, project, scenario=s)
    assert "Nothing was changed" in str(err.value)
    assert snapshot(project) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["project"]


def test_any_other_non_empty_folder_is_refused(tmp_path: Path, valid) -> None:  # type: ignore[no-untyped-def]
    home = tmp_path / "home"
    home.mkdir()
    (home / "scenario.toml").write_text('name = "x"\n')
    (home / "units.geojson").write_text("{}")
    with pytest.raises(OutputError, match="not a plan folder written by community-optimizer "
                                          r"\(it has no manifest.json\); it holds "
                                          "scenario.toml, units.geojson"):
        write_plan(valid, home)
    assert sorted(p.name for p in home.iterdir()) == ["scenario.toml", "units.geojson"]
    with pytest.raises(OutputError, match="is a file, not a folder"):
        write_plan(valid, home / "scenario.toml")


def test_an_empty_folder_is_written(tmp_path: Path, s, valid) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "empty").mkdir()
    out = write_plan(valid, tmp_path / "empty", scenario=s)
    assert listed(out) == {"assignment.csv", "communities.csv", "communities.geojson",
                           "compliance.csv", "summary.json", "grids.csv"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty"]


def test_planner_files_survive_every_new_plan(tmp_path: Path, s, valid) -> None:  # type: ignore[no-untyped-def]
    out = write_plan(valid, tmp_path / "plan", scenario=s)
    (out / "notes.docx").write_bytes(b"PK\x03\x04 my notes")
    (out / "extra").mkdir()
    (out / "extra" / "photo.jpg").write_bytes(b"\xff\xd8 a site visit")
    (out / "drafts").mkdir()                       # an empty folder of the planner's
    for seed in (7, 8):
        write_plan(reseeded(valid, seed), out, scenario=s)
        assert json.loads((out / "summary.json").read_text())["seed"] == seed
        assert (out / "notes.docx").read_bytes() == b"PK\x03\x04 my notes"
        assert (out / "extra" / "photo.jpg").read_bytes() == b"\xff\xd8 a site visit"
        assert (out / "drafts").is_dir()
        assert "notes.docx" not in listed(out) and "extra/photo.jpg" not in listed(out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan"]
    assert read_plan(out).community == valid.community


def test_an_edited_plan_file_is_never_overwritten(tmp_path: Path, s, valid) -> None:  # type: ignore[no-untyped-def]
    out = write_plan(valid, tmp_path / "plan", scenario=s)
    path = out / "communities.csv"
    path.write_text(path.read_text().replace("A1,", "A1 (edited),", 1))
    before = snapshot(out)
    with pytest.raises(OutputError, match="communities.csv changed after community-optimizer "
                                          "wrote it"):
        write_plan(reseeded(valid, 7), out, scenario=s)
    assert snapshot(out) == before


def test_a_planner_file_named_like_a_new_plan_file_is_refused(tmp_path: Path, s, valid) -> None:  # type: ignore[no-untyped-def]
    out = write_plan(valid, tmp_path / "plan")          # no scenario: no geojson written
    assert "communities.geojson" not in listed(out)
    (out / "communities.geojson").write_text('{"drawn": "by hand"}')
    with pytest.raises(OutputError, match="communities.geojson was not written by "
                                          "community-optimizer"):
        write_plan(valid, out, scenario=s)
    assert (out / "communities.geojson").read_text() == '{"drawn": "by hand"}'


def test_a_plan_of_another_tool_stays_readable(tmp_path: Path, s, valid) -> None:  # type: ignore[no-untyped-def]
    out = write_plan(valid, tmp_path / "plan", scenario=s)
    (out / MANIFEST).unlink()                            # as another tool would write it
    assert read_plan(out).community == valid.community
    with pytest.raises(OutputError, match="written by an earlier version or another tool"):
        write_plan(valid, out, scenario=s)


# --- item 8: reports in the manifest, written atomically -----------------------------
@pytest.fixture(scope="module")
def tiny():  # type: ignore[no-untyped-def]
    from tests.helpers.report import tiny_plan, tiny_scenario

    sc = tiny_scenario()
    return sc, tiny_plan(sc)


def test_reports_are_listed_and_replaced_by_the_next_plan(tmp_path: Path, tiny) -> None:  # type: ignore[no-untyped-def]
    from optimizer.report import write_reports

    sc, plan = tiny
    out = write_plan(plan, tmp_path / "plan", scenario=sc)
    (out / "notes.docx").write_bytes(b"mine")
    paths = write_reports(sc, plan, out, lang="en")
    assert all(p.is_file() and p.parent.name in ("plan", "maps") for p in paths.values())
    reports = {"plan.xlsx", "report.html", "plan.gpkg", "maps/overview-C1.png",
               "maps/overview-C1.svg", "maps/street-C1-S1.png", "maps/street-C1-S1.svg",
               "maps/street-C1-S2.png", "maps/street-C1-S2.svg"}
    assert reports < listed(out) and "notes.docx" not in listed(out)
    (out / "maps" / "annotated.png").write_bytes(b"my drawing")
    write_reports(sc, plan, out, lang="zh")              # a second set replaces the first
    assert reports < listed(out) and "maps/annotated.png" not in listed(out)
    assert (out / "maps" / "annotated.png").read_bytes() == b"my drawing"
    write_plan(plan, out, scenario=sc)                   # a new plan drops the old reports
    assert not (out / "plan.xlsx").exists() and not (out / "report.html").exists()
    assert sorted(p.name for p in (out / "maps").iterdir()) == ["annotated.png"]
    assert (out / "notes.docx").read_bytes() == b"mine"
    (out / "maps" / "overview-C1.png").write_bytes(b"mine too")
    with pytest.raises(OutputError, match="maps/overview-C1.png was not written by "
                                          "community-optimizer"):
        write_reports(sc, plan, out, lang="zh")
    assert (out / "maps" / "overview-C1.png").read_bytes() == b"mine too"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan"]


def test_reports_for_a_plan_of_another_tool(tmp_path: Path, tiny) -> None:  # type: ignore[no-untyped-def]
    from optimizer.report import write_reports

    sc, plan = tiny
    out = write_plan(plan, tmp_path / "plan", scenario=sc)
    (out / MANIFEST).unlink()
    before = snapshot(out)
    write_reports(sc, plan, out, lang="en")
    assert {k: v for k, v in snapshot(out).items() if k in before} == before
    assert not any(name in listed(out) for name in before)   # still not ours
    other = tmp_path / "other"                           # with a workbook of its own
    other.mkdir()
    for name, data in {**before, "plan.xlsx": b"the other tool's workbook"}.items():
        (other / name).write_bytes(data)
    with pytest.raises(OutputError, match="plan.xlsx was not written by community-optimizer"):
        write_reports(sc, plan, other, lang="en")
    assert (other / "plan.xlsx").read_bytes() == b"the other tool's workbook"


@pytest.mark.parametrize("where", ["maps", "gpkg"])
def test_a_fault_while_writing_reports_keeps_the_previous_set(
        tmp_path: Path, tiny, monkeypatch: pytest.MonkeyPatch, where: str) -> None:  # type: ignore[no-untyped-def]
    """Disk full half-way through the maps (after one map) or through plan.gpkg (after
    two layers): the previous reports stay whole, nothing partial is left anywhere."""
    import geopandas as gpd
    from matplotlib.figure import Figure

    from optimizer.report import write_reports

    sc, plan = tiny
    out = write_plan(plan, tmp_path / "plan", scenario=sc)
    write_reports(sc, plan, out, lang="en")
    before = snapshot(out)
    calls = {"n": 0}

    def full(real):  # type: ignore[no-untyped-def]
        def write(self, path, *args, **kwargs):  # type: ignore[no-untyped-def]
            calls["n"] += 1
            if calls["n"] > 2:
                raise OSError(errno.ENOSPC, "No space left on device", str(path))
            return real(self, path, *args, **kwargs)
        return write

    if where == "maps":
        monkeypatch.setattr(Figure, "savefig", full(Figure.savefig))
    else:
        monkeypatch.setattr(gpd.GeoDataFrame, "to_file", full(gpd.GeoDataFrame.to_file))
    with pytest.raises(OutputError, match=f"could not write {out} \\(No space left on device: "
                                          f".*\\): the previous folder is untouched"):
        write_reports(sc, plan, out, lang="zh")
    assert calls["n"] == 3
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan"]


# --- item 8: what a killed run leaves, the next run tidies ------------------------------
KILLER = """
import os, signal, sys
sys.path[:0] = [{root!r}]
from tests.helpers.check_fixture import build_plan, scenario, valid_spec
from optimizer.plan import folder as plan_folder
from optimizer.plan import io as plan_io
s = scenario()
plan = build_plan(s, valid_spec())
where = sys.argv[1]
if where == "writing":
    real_all = plan_io._write_all
    def dying_all(plan, folder, *args):
        real_all(plan, folder, *args)
        os.kill(os.getpid(), signal.SIGKILL)
    plan_io._write_all = dying_all
else:
    real_rename = os.rename
    def dying_rename(src, dst):
        real_rename(src, dst)
        if ".old-" in str(dst):
            os.kill(os.getpid(), signal.SIGKILL)
    plan_folder.os.rename = dying_rename
plan_io.write_plan(plan, sys.argv[2], scenario=s)
"""


@pytest.mark.parametrize("where", ["writing", "swapping"])
def test_the_next_run_tidies_what_a_kill_left(tmp_path: Path, s, valid, where: str) -> None:  # type: ignore[no-untyped-def]
    out = write_plan(valid, tmp_path / "plan", scenario=s)
    (out / "notes.docx").write_bytes(b"mine")
    before = snapshot(out)
    (tmp_path / ".plan.tmp-notours").mkdir()             # a hidden folder not of ours
    (tmp_path / ".plan.tmp-0123456789ab").mkdir()        # named like ours, no marker,
    (tmp_path / ".plan.tmp-0123456789ab" / "x.txt").write_text("x")   # not empty: kept
    (tmp_path / ".plan.tmp-ba9876543210").mkdir()        # killed before its marker: empty,
                                                         # removed (the listing below)
    script = KILLER.format(tests=str(TESTS), root=str(ROOT))
    proc = subprocess.run([sys.executable, "-c", script, where, str(out)], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    left = sorted(p.name for p in tmp_path.iterdir())
    stale = [n for n in left if n.startswith((".plan.tmp-", ".plan.old-", ".plan.lock"))
             and n not in (".plan.tmp-notours", ".plan.tmp-0123456789ab",
                           ".plan.tmp-ba9876543210")]
    if where == "writing":
        assert snapshot(out) == before                   # the old plan, whole
        assert len(stale) == 2                           # the stage and the lock file
    else:
        assert not out.exists()                          # killed between the two renames
        assert len(stale) == 3
    with plan_folder.claim_output(out) as (_, notes):
        pass
    assert snapshot(out) == before                       # put back when it was moved aside
    assert any("removed .plan.tmp-" in n for n in notes)
    assert ("put back" in " ".join(notes)) == (where == "swapping")
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".plan.tmp-0123456789ab", ".plan.tmp-notours", "plan"]
    write_plan(reseeded(valid, 7), out, scenario=s)
    assert (out / "notes.docx").read_bytes() == b"mine"


def test_an_old_folder_holding_what_the_new_one_lacks_is_kept(tmp_path: Path, s, valid) -> None:  # type: ignore[no-untyped-def]
    out = write_plan(valid, tmp_path / "plan", scenario=s)
    old = tmp_path / ".plan.old-0123456789ab"
    write_plan(valid, old, scenario=s)
    (old / "only-here.txt").write_text("not in plan/")
    with plan_folder.claim_output(out) as (_, notes):
        pass
    assert (old / "only-here.txt").exists()
    assert any(f"kept {old}: it holds only-here.txt" in n for n in notes)


# --- item 11: one writer per folder -----------------------------------------------------
HOLDER = """
import sys, time
sys.path.insert(0, {root!r})
from optimizer.plan.lock import output_lock
with output_lock(sys.argv[1]):
    print("held", flush=True)
    time.sleep(600)
"""


def test_a_second_writer_is_refused_and_a_killed_one_blocks_nothing(tmp_path: Path, s,  # type: ignore[no-untyped-def]
                                                                    valid) -> None:
    out = tmp_path / "plan"
    holder = subprocess.Popen([sys.executable, "-c", HOLDER.format(root=str(ROOT)), str(out),
                               "--for-the-test"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        with pytest.raises(OutputError, match=f"{out} is being written by another run \\(pid "
                                              f"{holder.pid} on .*, since 20.*--for-the-test"):
            write_plan(valid, out, scenario=s)
        assert not out.exists()
    finally:
        holder.kill()                                   # kill -9: no chance to clean up
        holder.wait()
    assert (tmp_path / ".plan.lock").exists()           # left behind, but not locked
    write_plan(valid, out, scenario=s)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan"]


def test_the_lock_is_reentrant_within_a_process(tmp_path: Path, s, valid) -> None:  # type: ignore[no-untyped-def]
    with plan_folder.claim_output(tmp_path / "plan"):
        write_plan(valid, tmp_path / "plan", scenario=s)
        assert (tmp_path / ".plan.lock").exists()
        assert json.loads((tmp_path / ".plan.lock").read_text())["pid"] == os.getpid()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan"]
