"""The independent checker: a valid hand-made plan passes; breaking one thing at a time
is caught with its rule id. The scenario and the valid plan are drawn in
tests/helpers/check_fixture.py::

          c0       c1    |    c2       c3
    r0  U1200 S1  U1000  |  U1000    U1000 S3(for sale)
    r1  U1000     U1100 S2| U 600    U 400 S4
    r2  R 220     R 220 S5| R 700    R 600 (new_development)
    r3  R 220     R 220     R 220 (street A, no_build)

    A1 = r0c0 r1c0 (keep S1), A2 = r0c1 r1c1 (extend S2), B1 = rows 0-1 of c2-c3
    (swap S3 for S4), RA = rural A (build r2c0), RB = r2c2 r2c3 (codevelop r2c3)
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from optimizer import write_plan
from optimizer.checker.checker import check
from optimizer.cli.main import main
from optimizer.plan.model import Plan
from optimizer.scenario.build import grid_scenario
from optimizer.scenario.load import load_scenario
from tests.helpers.check_fixture import (
    build_plan,
    scenario,
    valid_spec,
    write_scenario_folder,
)


def failing(report: Any) -> set[tuple[str, str]]:
    return {(r.rule_id, r.community_id) for r in report.failures()}


def local(report: Any) -> set[tuple[str, str]]:
    """The failing lines of single communities (plan-wide shares such as FACILITY-95
    follow from them)."""
    return {f for f in failing(report) if f[1] != "*"}


def with_community(plan: Plan, cid: str, **changes: Any) -> Plan:
    coms = tuple(dataclasses.replace(c, **changes) if c.community_id == cid else c
                 for c in plan.communities)
    return dataclasses.replace(plan, communities=coms)


def with_rows(plan: Plan, rows: list[tuple[str, str, str]]) -> Plan:
    return dataclasses.replace(plan, unit_ids=tuple(r[0] for r in rows),
                               community=tuple(r[1] for r in rows),
                               grid=tuple(r[2] for r in rows))


def rows_of(plan: Plan) -> list[tuple[str, str, str]]:
    return list(zip(plan.unit_ids, plan.community, plan.grid, strict=True))


def test_valid_plan_passes(s, valid) -> None:  # type: ignore[no-untyped-def]
    report = check(s, valid)
    assert report.passed, report.summary_text()
    assert not report.failures()
    frame = report.to_frame()
    assert list(frame.columns) == ["rule_id", "community_id", "status", "value", "limit", "note"]
    pairs = list(zip(frame.rule_id, frame.community_id, strict=True))
    assert len(pairs) == len(set(pairs)), "one row per rule id and community"
    for rid in ("ASSIGNMENT", "TOTALS", "FACILITY-95", "VOLUNTEER-15-10", "HARMONY-90-80",
                "FIX-2013-03", "PLAN-2013-03"):
        assert (rid, "*") in pairs
    for rid in ("CONTIGUITY", "NESTING", "KIND", "SIZE-URBAN", "ONE-STATION", "REMEDY",
                "AREA-PER-HH", "AREA-MIN", "COORD-300", "STAFF-3-5", "COST"):
        assert (rid, "A1") in pairs
    assert ("NEWDEV-1500", "RB") in pairs and ("SIZE-RURAL", "RA") in pairs
    assert check(s, valid).to_frame().equals(frame), "deterministic"
    assert "0 fail" in report.summary_text()


# --- the assignment -------------------------------------------------------------
def test_unit_missing(s, valid) -> None:  # type: ignore[no-untyped-def]
    spec = valid_spec()
    spec["RA"]["grids"] = [["r2c0"], ["r2c1"], ["r3c0"], ["r3c1"]]   # r3c2 dropped
    report = check(s, build_plan(s, spec))
    assert ("ASSIGNMENT", "*") in failing(report)
    assert ("HOUSEHOLDS", "*") in failing(report)
    assert "r3c2" in next(r.note for r in report.failures() if r.rule_id == "ASSIGNMENT")


def test_unit_twice(s, valid) -> None:  # type: ignore[no-untyped-def]
    plan = with_rows(valid, [*rows_of(valid), ("r3c2", "RB", "RB-G02")])
    report = check(s, plan)
    assert ("ASSIGNMENT", "*") in failing(report)
    assert ("HOUSEHOLDS", "*") in failing(report)
    assert ("HOUSEHOLDS", "RB") in failing(report)


def test_unknown_unit(s, valid) -> None:  # type: ignore[no-untyped-def]
    plan = with_rows(valid, [*rows_of(valid), ("r9c9", "A1", "A1-G01")])
    report = check(s, plan)
    assert failing(report) == {("ASSIGNMENT", "*")}
    assert "r9c9" in report.failures()[0].note


def test_unit_in_unknown_community(s, valid) -> None:  # type: ignore[no-untyped-def]
    rows = [(u, "ZZ" if u == "r3c2" else c, g) for u, c, g in rows_of(valid)]
    report = check(s, with_rows(valid, rows))
    assert ("ASSIGNMENT", "*") in failing(report)


# --- one community broken ---------------------------------------------------------
def test_non_contiguous(s) -> None:  # type: ignore[no-untyped-def]
    spec = valid_spec()   # r0c0+r1c1 (2,300) and r0c1+r1c0 (2,000): diagonals only
    spec["A1"]["grids"] = [["r0c0"], ["r1c1"]]
    spec["A2"] = dict(grids=[["r0c1"], ["r1c0"]], remedy="build", site="", at="r0c1")
    assert failing(check(s, build_plan(s, spec))) == {("CONTIGUITY", "A1"),
                                                       ("CONTIGUITY", "A2")}


def test_households_above_bound(s) -> None:  # type: ignore[no-untyped-def]
    spec = valid_spec()
    del spec["A2"]
    spec["A1"] = dict(grids=[["r0c0"], ["r1c0"], ["r0c1"], ["r1c1"]], remedy="build", site="",
                      at="r0c1")
    report = check(s, build_plan(s, spec))
    assert failing(report) == {("SIZE-URBAN", "A1")}
    assert "1300 households over" in report.failures()[0].note


def test_claimed_households_wrong(s, valid) -> None:  # type: ignore[no-untyped-def]
    report = check(s, with_community(valid, "A1", households=2500))
    assert ("HOUSEHOLDS", "A1") in failing(report)


def test_area_too_small(s, valid) -> None:  # type: ignore[no-untyped-def]
    report = check(s, with_community(valid, "RA", area_after_m2=350.0))   # 1,100 h
    assert ("AREA-MIN", "RA") in failing(report)
    assert ("AREA-PER-HH", "RA") not in failing(report)   # 350 >= 220 m²
    report = check(s, with_community(valid, "B1", area_after_m2=550.0))   # 3,000 h
    assert ("AREA-PER-HH", "B1") in failing(report)
    assert ("AREA-MIN", "B1") not in failing(report)


def test_required_area_claim_wrong(s, valid) -> None:  # type: ignore[no-untyped-def]
    report = check(s, with_community(valid, "A1", area_required_m2=300.0))
    assert failing(report) == {("AREA-PER-HH", "A1")}


def test_coordinators_wrong(s, valid) -> None:  # type: ignore[no-untyped-def]
    assert failing(check(s, with_community(valid, "A1", coordinators=6))) == {
        ("COORD-300", "A1")}


def test_grid_not_connected(s) -> None:  # type: ignore[no-untyped-def]
    spec = valid_spec()   # r3c0 and r3c2 are not neighbours
    spec["RA"]["shares"] = [[("r2c0", 220), ("r2c1", 55)], [("r2c1", 165), ("r3c1", 110)],
                            [("r3c1", 110), ("r3c2", 165)], [("r3c0", 220), ("r3c2", 55)]]
    report = check(s, build_plan(s, spec))
    assert failing(report) == {("COORD-300", "RA")}
    assert "RA-G04 is not connected" in report.failures()[0].note


def test_grid_count_wrong(s) -> None:  # type: ignore[no-untyped-def]
    spec = valid_spec()   # 1,100 households: 4 coordinators, 3 grids
    spec["RA"]["shares"] = [[("r3c0", 220), ("r2c0", 147)], [("r2c0", 73), ("r2c1", 220),
                                                              ("r3c1", 73)],
                            [("r3c1", 147), ("r3c2", 220)]]
    report = check(s, build_plan(s, spec))
    assert failing(report) == {("COORD-300", "RA")}
    assert "3 grids, expected 4" in report.failures()[0].note


def test_grid_shared_by_two_communities(s, valid) -> None:  # type: ignore[no-untyped-def]
    rows = [(u, c, "A1-G01" if g == "A2-G01" else g) for u, c, g in rows_of(valid)]
    report = check(s, with_rows(valid, rows))
    assert {("COORD-300", "A1"), ("COORD-300", "A2")} <= failing(report)


@pytest.mark.parametrize("staff", [3, 6])
def test_staff_wrong(s, valid, staff: int) -> None:  # type: ignore[no-untyped-def]
    assert failing(check(s, with_community(valid, "A1", full_time_staff=staff))) == {
        ("STAFF-3-5", "A1")}


def test_nesting_across_streets(s) -> None:  # type: ignore[no-untyped-def]
    spec = valid_spec()   # r1c2 (street B) joins A2 (street A): 2,700 and 2,400
    spec["A2"]["grids"] = [["r0c1"], ["r1c1"], ["r1c2"]]
    spec["B1"]["grids"] = [["r0c2"], ["r0c3"], ["r1c3"]]
    report = check(s, build_plan(s, spec))
    assert failing(report) == {("NESTING", "A2")}


def test_kind_mixed(s) -> None:  # type: ignore[no-untyped-def]
    spec = valid_spec()   # rural r2c0 joins urban A1
    spec["A1"]["grids"] = [["r0c0"], ["r1c0"], ["r2c0"]]
    spec["RA"] = dict(grids=[["r2c1"], ["r3c0"], ["r3c1"], ["r3c2"]], remedy="keep",
                      site="S5", at="r2c1")
    report = check(s, build_plan(s, spec))
    assert ("KIND", "A1") in failing(report)


def test_site_used_twice(s, valid) -> None:  # type: ignore[no-untyped-def]
    report = check(s, with_community(valid, "A2", site_id="S1", site_unit_id="r0c0",
                                     remedy="keep", area_before_m2=500.0, area_after_m2=500.0))
    assert ("ONE-STATION", "*") in failing(report)
    assert ("ONE-STATION", "A2") in failing(report)


def test_site_not_in_community(s, valid) -> None:  # type: ignore[no-untyped-def]
    spec = valid_spec()
    spec["A2"].update(remedy="keep", site="S5", at="r2c1")   # S5 stands in rural r2c1
    assert failing(check(s, build_plan(s, spec))) == {("ONE-STATION", "A2")}


def test_site_named_in_wrong_unit(s, valid) -> None:  # type: ignore[no-untyped-def]
    report = check(s, with_community(valid, "A1", site_unit_id="r1c0"))
    assert failing(report) == {("ONE-STATION", "A1")}


def test_keep_with_area_below(s, valid) -> None:  # type: ignore[no-untyped-def]
    plan = with_community(valid, "A2", remedy="keep", capex_yuan=0.0)
    report = check(s, plan)
    assert ("REMEDY", "A2") in failing(report)


def test_extend_beyond_max_area(s, valid) -> None:  # type: ignore[no-untyped-def]
    report = check(s, with_community(valid, "A2", area_after_m2=700.0))
    assert ("REMEDY", "A2") in failing(report)
    assert "max_area_m2" in next(r.note for r in report.failures() if r.rule_id == "REMEDY")


def test_purchase_of_owned_site(s, valid) -> None:  # type: ignore[no-untyped-def]
    report = check(s, with_community(valid, "A1", remedy="purchase"))
    assert ("REMEDY", "A1") in failing(report)


def test_swap_site_outside_community(s, valid) -> None:  # type: ignore[no-untyped-def]
    report = check(s, with_community(valid, "B1", swap_site_id="S5"))
    assert ("REMEDY", "B1") in failing(report)


def test_build_in_no_build_unit(s) -> None:  # type: ignore[no-untyped-def]
    spec = valid_spec()
    spec["RA"]["at"] = "r3c2"
    report = check(s, build_plan(s, spec))
    assert local(report) == {("REMEDY", "RA")}
    assert ("FACILITY-95", "*") in failing(report)   # 4 of 5 communities meet it


def test_codevelop_outside_new_development(s) -> None:  # type: ignore[no-untyped-def]
    spec = valid_spec()
    spec["RB"]["at"] = "r2c2"
    assert local(check(s, build_plan(s, spec))) == {("REMEDY", "RB")}


def test_codevelop_below_1500(s, valid) -> None:  # type: ignore[no-untyped-def]
    report = check(s, with_community(valid, "RB", area_after_m2=1000.0))
    assert ("NEWDEV-1500", "RB") in failing(report)


def test_cost_wrong(s, valid) -> None:  # type: ignore[no-untyped-def]
    a1 = next(c for c in valid.communities if c.community_id == "A1")
    assert failing(check(s, with_community(valid, "A1", annual_cost_yuan=a1.annual_cost_yuan
                                           + 5))) == {("COST", "A1")}
    assert check(s, with_community(valid, "A1",
                                   annual_cost_yuan=a1.annual_cost_yuan + 0.5)).passed


def test_wrong_totals(s, valid) -> None:  # type: ignore[no-untyped-def]
    plan = dataclasses.replace(valid, summary={**valid.summary, "total_capex_yuan":
                                               valid.summary["total_capex_yuan"] + 1000})
    assert failing(check(s, plan)) == {("TOTALS", "*")}
    plan = dataclasses.replace(valid, summary={**valid.summary, "households": 9000})
    assert failing(check(s, plan)) == {("TOTALS", "*")}


# --- exemptions -------------------------------------------------------------------
def test_unjustified_exemption(s) -> None:  # type: ignore[no-untyped-def]
    spec = valid_spec()
    spec["A1"]["exemption"] = "SIZE-URBAN: street A is too small"
    report = check(s, build_plan(s, spec))
    assert failing(report) == {("SIZE-URBAN", "A1")}
    assert "exemption not justified" in report.failures()[0].note


def test_exemption_for_a_rule_it_cannot_prove(s) -> None:  # type: ignore[no-untyped-def]
    spec = valid_spec()
    spec["A1"]["exemption"] = "AREA-MIN: no room"
    assert failing(check(s, build_plan(s, spec))) == {("AREA-MIN", "A1")}
    spec["A1"]["exemption"] = "because we say so"
    assert failing(check(s, build_plan(s, spec))) == {("EXEMPTION", "A1")}


def island():  # type: ignore[no-untyped-def]
    """Rural street; a river cuts r0c2 off (``|`` is the barrier)::

        r0   R700  R600 | R300
    """
    return grid_scenario([[700, 600, 300]], kind="rural", cut=[("r0c1", "r0c2")])


def test_justified_exemption_island(s) -> None:  # type: ignore[no-untyped-def]
    sc = island()
    spec = {"M": dict(grids=[["r0c0"], ["r0c1"]], remedy="build", site="", at="r0c0"),
            "I": dict(grids=[["r0c2"]], remedy="build", site="", at="r0c2",
                      exemption="SIZE-RURAL: r0c2 is cut off by the river with 300 "
                                "households, fewer than 1,000")}
    report = check(sc, build_plan(sc, spec))
    assert report.passed, report.summary_text()
    exempt = [(r.rule_id, r.community_id) for r in report.rows if r.status == "exempt"]
    assert exempt == [("SIZE-RURAL", "I")]
    # without the exemption the same plan fails SIZE-RURAL
    spec["I"]["exemption"] = ""
    assert failing(check(sc, build_plan(sc, spec))) == {("SIZE-RURAL", "I")}


def test_exemption_justified_only_when_no_whole_number_fits() -> None:
    """No river: ``r0  R700 R600 R300`` is one piece of 1,600 households (no k fits);
    with ``R800`` added it holds 2,400 = two communities, so no exemption is needed."""
    sc = grid_scenario([[700, 600, 300]], kind="rural")
    spec = {"M": dict(grids=[["r0c0"], ["r0c1"]], remedy="build", site="", at="r0c0"),
            "I": dict(grids=[["r0c2"]], remedy="build", site="", at="r0c2",
                      exemption="SIZE-RURAL: small")}
    # 1,600 rural households fit no whole number of 1,000..1,500 communities: justified
    assert check(sc, build_plan(sc, spec)).passed
    sc = grid_scenario([[700, 600, 300, 800]], kind="rural")   # 2,400 = 2 communities
    spec["J"] = dict(grids=[["r0c3"]], remedy="build", site="", at="r0c3")
    assert ("SIZE-RURAL", "I") in failing(check(sc, build_plan(sc, spec)))


def test_justified_exemption_unit_above_bound() -> None:
    """One urban compound of 3,500 households alone exceeds 3,000::

        r0   U3500  U2500
    """
    sc = grid_scenario([[3500, 2500]])
    spec = {"B": dict(grids=[["r0c0"]], remedy="build", site="", at="r0c0",
                      exemption="SIZE-URBAN: r0c0 alone has 3,500 households"),
            "C": dict(grids=[["r0c1"]], remedy="build", site="", at="r0c1")}
    report = check(sc, build_plan(sc, spec))
    assert report.passed, report.summary_text()
    assert [r.rule_id for r in report.rows if r.status == "exempt"] == ["SIZE-URBAN"]


def test_cli_check(tmp_path: Path, valid, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    folder = write_scenario_folder(tmp_path / "scenario")
    loaded = load_scenario(folder)
    assert loaded.edges.tolist() == scenario().edges.tolist()
    good = write_plan(valid, tmp_path / "good", scenario=loaded)
    assert main(["check", str(folder), str(good)]) == 0
    assert "compliance PASSED" in capsys.readouterr().out
    bad = write_plan(with_community(valid, "A1", coordinators=6), tmp_path / "bad")
    assert main(["check", str(folder), str(bad), "--write"]) == 1
    out = capsys.readouterr().out
    assert "FAIL COORD-300 A1" in out
    comp = pd.read_csv(bad / "compliance.csv", keep_default_na=False)
    assert comp[comp.status == "fail"].rule_id.tolist() == ["COORD-300"]
    assert main(["check", str(folder), str(tmp_path / "nowhere")]) == 1
    assert "plan folder not found" in capsys.readouterr().err


def test_duplicate_community_row(s, valid) -> None:  # type: ignore[no-untyped-def]
    plan = dataclasses.replace(valid, communities=(*valid.communities, valid.communities[0]))
    assert ("ASSIGNMENT", "*") in failing(check(s, plan))


def test_checker_imports_neither_model_nor_search() -> None:
    import subprocess
    import sys

    code = ("import sys, optimizer.checker.checker, optimizer.plan.io; "
            "bad = [m for m in sys.modules if m.startswith(('optimizer.model', "
            "'optimizer.search'))]; print(bad); sys.exit(1 if bad else 0)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
