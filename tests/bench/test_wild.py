"""The independent scenario writer (bench/wild.py) writes folders the loader reads, in
each of the formats it draws (GeoJSON with and without a crs member, GeoPackage,
Shapefile, CSV with WKT; metric and geographic CRSs), with the units it drew; and the
same seed writes the same scenario."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.helpers.paths import ROOT

sys.path.insert(0, str(ROOT))

from bench.wild import choices, wild_verdict, write  # noqa: E402
from bench.wild_compose import compose  # noqa: E402
from optimizer.scenario.load import load_scenario  # noqa: E402

# Small seeds, one per file format and kind of CRS (bench/wild.py --list shows them).
SEEDS = {13: ("shp", True), 32: ("geojson", False), 86: ("gpkg", False),
         11: ("csv", False), 92: ("csv", True), 107: ("geojson", True)}


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_the_writer_s_folders_load_with_its_units(tmp_path: Path, seed: int) -> None:
    drawn, ch = write(seed, tmp_path / "s")
    fmt, geographic = SEEDS[seed]
    assert ch["format"] == fmt
    assert ch["crs"] in (("EPSG:4326", "EPSG:4490") if geographic
                         else ("EPSG:32651", "EPSG:4549"))
    sc = load_scenario(tmp_path / "s")
    want = {u.uid: u.households for u in drawn.units}
    assert dict(zip(sc.unit_ids, (int(h) for h in sc.households), strict=True)) == want


def test_a_seed_writes_the_same_scenario() -> None:
    a, b = compose(32), compose(32)
    assert [(u.uid, u.households, u.kind, u.geom.wkt) for u in a.units] == \
        [(u.uid, u.households, u.kind, u.geom.wkt) for u in b.units]
    assert choices(32) == choices(32)


def test_a_check_failing_only_on_today_s_targets_is_not_the_plan_s_defect() -> None:
    ok = {"rc": 1, "check_rc": 1, "rule_fails": [], "target_fails": ["ORGS-5"],
          "households_in": 5, "households_out": 5, "over_s": -1.0}
    assert wild_verdict(ok) == "ok"
    assert wild_verdict({**ok, "rule_fails": ["SIZE-URBAN"]}) == "rc=1,check"


def test_late_rooms_excuse_facility_95_counted_without_the_proved_shortfalls() -> None:
    # bench/wild.py seed 96: one community exempt AREA-PER-HH (rooms coming too small,
    # proved by the checker) and one centred on rooms handed over after 2015; the
    # checker counts 8 of 9 without the exempt one, which the late rooms explain.
    line = ("  FAIL FACILITY-95 *: 8 of 10 communities meet the area standard; below it "
            "with an exempt shortfall (AREA-PER-HH, rooms coming): X-U04; without them 8 "
            "of 9 meet it (value 0.8, limit 0.95)")
    r = {"check_rc": 1, "rc": 1, "rule_fails": ["FACILITY-95"], "check_fails": [line],
         "late_pipeline": ["X-R02"]}
    assert wild_verdict(r) != wild_verdict({**r, "late_pipeline": []})
    assert "check" not in wild_verdict(r)
