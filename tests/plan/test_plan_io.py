"""Plan folder IO: round trip, byte-identical rewrite, atomic replace, named read errors.

The scenario and the valid plan are those of tests/helpers/check_fixture.py::

          c0       c1    |    c2       c3
    r0  U1200 S1  U1000  |  U1000    U1000 S3
    r1  U1000     U1100 S2| U 600    U 400 S4
    r2  R 220     R 220 S5| R 700    R 600
    r3  R 220     R 220     R 220
"""

from __future__ import annotations

import dataclasses
import errno
import json
import math
from pathlib import Path

import pandas as pd
import pytest

from optimizer import write_plan
from optimizer.checker.checker import check
from optimizer.errors import OutputError, PlanError
from optimizer.plan import io as plan_io
from optimizer.plan.model import COMMUNITY_COLUMNS, SUMMARY_KEYS, Plan
from optimizer.plan.read import read_plan

FILES = ["assignment.csv", "communities.csv", "communities.geojson", "compliance.csv", "grids.csv",
         "summary.json"]


def same_plan(a: Plan, b: Plan) -> None:
    assert a.scenario == b.scenario
    assert (a.unit_ids, a.community, a.grid) == (b.unit_ids, b.community, b.grid)
    assert len(a.communities) == len(b.communities)
    for x, y in zip(a.communities, b.communities, strict=True):
        for f in dataclasses.fields(x):
            u, v = getattr(x, f.name), getattr(y, f.name)
            if isinstance(u, float):
                assert math.isclose(u, v, rel_tol=0, abs_tol=1e-6), (x.community_id, f.name)
            else:
                assert u == v, (x.community_id, f.name)
    assert dict(a.summary) == {k: b.summary[k] for k in a.summary}
    assert (a.status, a.objective, a.bound, a.gap, a.interrupted, a.pieces) \
        == (b.status, b.objective, b.bound, b.gap, b.interrupted, b.pieces)


def test_round_trip(tmp_path: Path, s, valid) -> None:  # type: ignore[no-untyped-def]
    out = write_plan(valid, tmp_path / "plan", scenario=s)
    assert sorted(p.name for p in out.iterdir()) == sorted([*FILES, "manifest.json"])
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["engine"] == "community-optimizer" and sorted(manifest["files"]) == FILES
    back = read_plan(out)
    same_plan(valid, back)
    assert check(s, back).passed
    head = (out / "communities.csv").read_text().splitlines()[0].split(",")
    assert tuple(head[:len(COMMUNITY_COLUMNS)]) == COMMUNITY_COLUMNS
    assert head[len(COMMUNITY_COLUMNS):] == ["swap_site_id", "grids", "population",
                                             "volunteers_needed", "name", "services"]
    summary = json.loads((out / "summary.json").read_text())
    assert set(SUMMARY_KEYS) <= set(summary)
    comp = pd.read_csv(out / "compliance.csv")
    assert list(comp.columns) == list(plan_io.COMPLIANCE_COLUMNS)
    assert set(comp.status) == {"pass", "not_assessed"}   # no communities_today.csv
    assert set(comp[comp.status == "not_assessed"].rule_id) == {
        "HARMONY-90-80", "MGMT-2013", "ORGS-5", "PRO-80-50", "SELFGOV-95", "VOLUNTEER-15-10",
        "SERVICES-6-8"}


def test_geojson_dissolved_with_crs(tmp_path: Path, s, valid) -> None:  # type: ignore[no-untyped-def]
    import geopandas as gpd

    out = write_plan(valid, tmp_path / "plan", scenario=s)
    gdf = gpd.read_file(out / "communities.geojson")
    assert gdf.crs is not None and gdf.crs.to_epsg() == 32651
    assert list(gdf.community_id) == ["A1", "A2", "B1", "RA", "RB"]
    b1 = gdf.set_index("community_id").loc["B1"]
    assert b1.geometry.geom_type == "Polygon"
    assert b1.geometry.area == pytest.approx(4 * 500.0 ** 2)
    assert int(b1.households) == 3000


def test_rewrite_is_byte_identical(tmp_path: Path, s, valid) -> None:  # type: ignore[no-untyped-def]
    a = write_plan(valid, tmp_path / "a", scenario=s)
    b = write_plan(read_plan(a), tmp_path / "b", scenario=s)
    c = write_plan(valid, tmp_path / "c", scenario=s)
    for name in FILES:
        assert (a / name).read_bytes() == (c / name).read_bytes(), name
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_replace_existing_plan(tmp_path: Path, s, valid) -> None:  # type: ignore[no-untyped-def]
    out = write_plan(valid, tmp_path / "plan", scenario=s)
    other = dataclasses.replace(valid, summary={**valid.summary, "seed": 7})
    write_plan(other, out, scenario=s)
    assert json.loads((out / "summary.json").read_text())["seed"] == 7
    assert [p.name for p in tmp_path.iterdir()] == ["plan"], "no temp or old folder left"


def test_crash_leaves_old_plan_intact(tmp_path: Path, s, valid,  # type: ignore[no-untyped-def]
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    out = write_plan(valid, tmp_path / "plan", scenario=s)
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def boom(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", "communities.geojson")

    monkeypatch.setattr(plan_io, "_write_geojson", boom)
    other = dataclasses.replace(valid, summary={**valid.summary, "seed": 7})
    with pytest.raises(OutputError, match=f"could not write {out}.*No space left on device"
                                          ".*previous folder is untouched"):
        write_plan(other, out, scenario=s)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["plan"]
    with pytest.raises(OutputError, match="nothing was written there"):
        write_plan(other, tmp_path / "new", scenario=s)
    assert [p.name for p in tmp_path.iterdir()] == ["plan"], "no half-written new folder"


def test_refuses_to_replace_a_non_plan_folder(tmp_path: Path, valid) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / "thesis.txt").write_text("precious")
    with pytest.raises(OutputError, match="not a plan folder written by community-optimizer"):
        write_plan(valid, tmp_path / "home")
    assert (tmp_path / "home" / "thesis.txt").read_text() == "precious"


def test_without_scenario_notes_what_is_missing(tmp_path: Path, valid) -> None:  # type: ignore[no-untyped-def]
    out = write_plan(valid, tmp_path / "plan")
    assert not (out / "communities.geojson").exists()
    notes = json.loads((out / "summary.json").read_text())["notes"]
    assert any("communities.geojson not written" in n for n in notes)
    same_plan(valid, read_plan(out))


def test_report_given_is_written(tmp_path: Path, s, valid) -> None:  # type: ignore[no-untyped-def]
    broken = dataclasses.replace(valid, summary={**valid.summary, "households": 1})
    out = write_plan(broken, tmp_path / "plan", scenario=s, report=check(s, broken))
    comp = pd.read_csv(out / "compliance.csv", keep_default_na=False)
    assert comp[comp.status == "fail"].rule_id.tolist() == ["TOTALS"]


# --- reading plans written by other tools ------------------------------------------
def frames(plan: Plan) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, object]]:
    return plan.assignment_frame(), plan.communities_frame(), plan.summary_dict()


def write_by_hand(folder: Path, plan: Plan, *, assignment: pd.DataFrame | None = None,
                  communities: pd.DataFrame | None = None,
                  summary: dict[str, object] | None = None, grids: bool = True) -> Path:
    """A plan folder as another tool might write it: pandas, columns reordered, only
    the contract's columns (and swap_site_id, which a swap needs), grids.csv (unless
    ``grids`` is False), no geojson or compliance."""
    a, c, sm = frames(plan)
    folder.mkdir()
    a = a if assignment is None else assignment
    c = c if communities is None else communities
    a[["grid_id", "unit_id", "community_id"]].to_csv(folder / "assignment.csv", index=False)
    cols = [col for col in (*reversed(COMMUNITY_COLUMNS), "swap_site_id") if col in c.columns]
    c[cols].to_csv(folder / "communities.csv", index=False)
    (folder / "summary.json").write_text(json.dumps(sm if summary is None else summary))
    if grids:
        g = plan.grids_frame()
        g[["households", "unit_id", "grid_id", "community_id"]].to_csv(folder / "grids.csv",
                                                                        index=False)
    return folder


def test_check_plan_written_by_another_tool(tmp_path: Path, s, valid) -> None:  # type: ignore[no-untyped-def]
    plan = read_plan(write_by_hand(tmp_path / "other", valid))
    report = check(s, plan)
    assert report.passed, report.summary_text()
    a, c, _ = frames(valid)
    c.loc[c.community_id == "A1", "full_time_staff"] = 5
    a = a[a.unit_id != "r3c2"]
    plan = read_plan(write_by_hand(tmp_path / "broken", valid, assignment=a, communities=c))
    failed = {(r.rule_id, r.community_id) for r in check(s, plan).failures()}
    assert {("STAFF-3-5", "A1"), ("ASSIGNMENT", "*")} <= failed
    # Without grids.csv its grids are whole units by assignment.csv: A1's 1,200-household
    # compound is one grid, far from 300 (COORD-300).
    plan = read_plan(write_by_hand(tmp_path / "nogrids", valid, grids=False))
    assert plan.grid_shares == ()
    bad = {r.community_id: r.note for r in check(s, plan).failures() if r.rule_id == "COORD-300"}
    assert "A1" in bad and "outside 200..400" in bad["A1"]


def test_read_errors_are_all_named(tmp_path: Path, valid) -> None:  # type: ignore[no-untyped-def]
    a, c, sm = frames(valid)
    c = c.astype(object)
    c.loc[0, "households"] = "many"          # A1: bad number
    c.loc[1, "remedy"] = "demolish"          # A2: unknown remedy
    c.loc[4, "community_id"] = "RA"          # duplicate id (RB row renamed)
    a.loc[0, "community_id"] = "Z9"          # unknown community
    del sm["gap"]
    folder = write_by_hand(tmp_path / "bad", valid, assignment=a, communities=c, summary=sm)
    with pytest.raises(PlanError) as err:
        read_plan(folder)
    text = str(err.value)
    problems = {(p.file, p.record, p.field) for p in err.value.problems}
    assert ("communities.csv", "A1", "households") in problems and "'many'" in text
    assert ("communities.csv", "A2", "remedy") in problems and "'demolish'" in text
    assert ("communities.csv", "RA", "community_id") in problems
    assert ("assignment.csv", "r0c0", "community_id") in problems and "'Z9'" in text
    assert ("summary.json", "summary", "gap") in problems
    assert "RB" in text   # assignment rows of the renamed RB now name an unknown community


def test_read_missing_files_and_columns(tmp_path: Path, valid) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "p"
    folder.mkdir()
    with pytest.raises(PlanError) as err:
        read_plan(folder)
    files = {p.file for p in err.value.problems}
    assert files == {"assignment.csv", "communities.csv", "summary.json"}
    a, c, _ = frames(valid)
    folder = write_by_hand(tmp_path / "q", valid, communities=c.drop(columns=["remedy"]))
    with pytest.raises(PlanError) as err:
        read_plan(folder)
    assert [(p.file, p.field) for p in err.value.problems] == [("communities.csv", "remedy")]
    with pytest.raises(PlanError, match="plan folder not found"):
        read_plan(tmp_path / "nowhere")


def test_grid_ids_sort_as_their_numbers_past_99_grids() -> None:
    """grids.csv is written sorted by id and a divided unit's first grid is its first row
    there; 'G100' sorting before 'G99' made assignment.csv and grids.csv disagree (COORD-300
    failed on an oversized unit's community of 100+ grids)."""
    from optimizer.plan.model import grid_id

    for count in (1, 15, 99, 100, 120, 1000):
        ids = [grid_id("C-U01", n, count) for n in range(1, count + 1)]
        assert sorted(ids) == ids and len(set(ids)) == count
    assert grid_id("C-U01", 3, 15) == "C-U01-G03"        # plans of <100 grids unchanged
    assert grid_id("C-U01", 3, 120) == "C-U01-G003"
