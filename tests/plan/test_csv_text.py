"""The plan CSVs under hostile names (issue 14, item 3): ids and names round-trip
byte-exactly through our reader, pandas and ``csv`` (no BOM, no prefix); our own
prose columns never start like a formula; ``validate`` names what a spreadsheet would
run; our readers accept a BOM. Why this design: ``optimizer.plan.io._write_csv``.
"""

from __future__ import annotations

import csv
import dataclasses
from pathlib import Path

import pandas as pd
import pytest

from optimizer import write_plan
from optimizer.cli.main import main
from optimizer.plan.read import read_plan
from optimizer.scenario.load import load_scenario
from optimizer.search import solve
from tests.helpers.check_fixture import build_plan, valid_spec, write_scenario_folder
from tests.helpers.check_fixture import scenario as fixture_scenario
from tests.helpers.hostile import COUNTY, SITE, STREETS, hostile_scenario
from tests.helpers.scenarios import make_scenario, sites_csv


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    s = hostile_scenario()
    plan = solve(s, time_limit_s=10, workers=1)
    return s, plan, write_plan(plan, tmp_path_factory.mktemp("csv") / "plan", scenario=s)


# --- the plan CSVs ------------------------------------------------------------------
def test_csv_values_round_trip_exactly(hostile) -> None:  # type: ignore[no-untyped-def]
    s, plan, out = hostile
    raw = (out / "communities.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    with open(out / "communities.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["street"] for r in rows} == set(STREETS)
    assert {r["county"] for r in rows} == {COUNTY}
    assert SITE in {r["site_id"] for r in rows}
    frame = pd.read_csv(out / "communities.csv", dtype=str, keep_default_na=False)
    assert set(frame["street"]) == set(STREETS)
    back = read_plan(out)
    assert back.communities == plan.communities
    assert (back.unit_ids, back.community) == (plan.unit_ids, plan.community)


def test_our_prose_never_starts_like_a_formula(tmp_path: Path) -> None:
    s = fixture_scenario()
    valid = build_plan(s, valid_spec())
    first = dataclasses.replace(valid.communities[0], full_time_staff=-3,
                                exemption="=CMD|' /C calc'!A0")
    plan = dataclasses.replace(valid, communities=(first, *valid.communities[1:]))
    out = write_plan(plan, tmp_path / "plan", scenario=s)
    comp = pd.read_csv(out / "compliance.csv", dtype=str, keep_default_na=False)
    notes = comp.loc[comp["rule_id"] == "STAFF-3-5", "note"].tolist()
    assert notes[0].startswith("'-3 outside 3..5"), notes
    assert not any(n.startswith(("=", "+", "-", "@", "\t", "\r")) for n in comp["note"])
    com = pd.read_csv(out / "communities.csv", dtype=str, keep_default_na=False)
    assert com.loc[0, "exemption"] == "'=CMD|' /C calc'!A0"


def test_check_write_guards_notes_too(tmp_path: Path) -> None:
    folder = write_scenario_folder(tmp_path / "scenario")
    valid = build_plan(fixture_scenario(), valid_spec())
    first = dataclasses.replace(valid.communities[0], full_time_staff=-3)
    plan = write_plan(dataclasses.replace(valid, communities=(first, *valid.communities[1:])),
                      tmp_path / "plan")
    assert main(["check", str(folder), str(plan), "--write"]) == 1
    comp = pd.read_csv(plan / "compliance.csv", dtype=str, keep_default_na=False)
    assert any(n.startswith("'-3 outside 3..5") for n in comp["note"])


# --- readers accept a byte-order mark -------------------------------------------------
BOM = b"\xef\xbb\xbf"


def test_read_plan_accepts_a_bom(hostile, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import shutil

    _, plan, out = hostile
    copy = Path(shutil.copytree(out, tmp_path / "saved-by-excel"))
    for name in ("assignment.csv", "communities.csv", "compliance.csv", "summary.json"):
        (copy / name).write_bytes(BOM + (copy / name).read_bytes())
    back = read_plan(copy)
    assert back.communities == plan.communities
    assert (back.unit_ids, back.community, back.grid) == (plan.unit_ids, plan.community,
                                                          plan.grid)


@pytest.mark.parametrize("fmt", ["geojson", "csv"])
def test_scenario_loaders_accept_a_bom(tmp_path: Path, fmt: str) -> None:
    plain = make_scenario(tmp_path / "plain", fmt=fmt)
    bom = make_scenario(tmp_path / "bom", fmt=fmt)
    for name in ("scenario.toml", "sites.csv", f"units.{fmt}"):
        (bom / name).write_bytes(BOM + (bom / name).read_bytes())
    a, b = load_scenario(plain), load_scenario(bom)
    assert (a.unit_ids, a.street, a.sites.site_ids, a.year) == \
        (b.unit_ids, b.street, b.sites.site_ids, b.year)
    assert a.households.tolist() == b.households.tolist()


# --- validate names what a spreadsheet would run ----------------------------------------
def test_validate_warns_of_formula_names(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    from tests.helpers.scenarios import grid_units

    units = grid_units()
    units[0]["street"] = units[1]["street"] = "=1+1"
    units[2]["unit_id"] = "-7"
    folder = make_scenario(tmp_path / "s", units=units, sites=sites_csv(
        ['"=HYPERLINK(""http://x"")",u1,300,true,600,', "s2,u6,450,false,450,900000"]))
    assert main(["validate", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "Warning: names starting with" in out
    assert "units: street: '=1+1' (2 units)" in out
    assert "units: unit_id: '-7'" in out
    assert "sites.csv: site_id: '=HYPERLINK(\"http://x\")'" in out
    clean = make_scenario(tmp_path / "clean")
    assert main(["validate", str(clean)]) == 0
    assert "Warning" not in capsys.readouterr().out

