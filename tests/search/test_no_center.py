"""A piece where some community can have no service center (ONE-STATION): a unit with
no_build and no site (or only a small one), alone in its piece or cut off from every
place a center could stand within the size bounds.

It used to stop everything ("no plan at all", blaming SIZE-URBAN) while validate said
nothing. Now the diagnosis names the unit and the rule, the piece gets its least-bad
plan (a new build stands in, priced as the fix, ONE-STATION exempt naming the unit),
the rest is solved as usual, and the checker accepts the exemption only where its own
proof (optimizer/checker/center.py) holds.

Layouts (households; X = no_build, no site)::

    S1 S1 | S2          S1 S1          lone village (rural, 800): too small and no
    1200 1300 | 2500X   2500X 2500     center: both SIZE-RURAL and ONE-STATION
"""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest
import shapely

import optimizer.model.precedence as precedence
import optimizer.search.driver as driver
from optimizer.checker import check
from optimizer.graph import diagnose
from optimizer.graph.center import Centerless
from optimizer.scenario.build import grid_scenario
from optimizer.search import solve
from tests.helpers.paths import ROOT
from tests.helpers.scenarios import make_scenario, toml_text


def _lonely(**kw):  # type: ignore[no-untyped-def]
    return grid_scenario([[1200, 1300, 2500]], street=[["S1", "S1", "S2"]],
                         no_build=["r0c2"], **kw)


def _rows(report, cid):  # type: ignore[no-untyped-def]
    return {r.rule_id: r for r in report.rows if r.community_id == cid}


def test_validation_names_the_unit_and_the_rule() -> None:
    found = [d for d in diagnose(_lonely()) if d.reason == "no-center"]
    assert len(found) == 1
    d = found[0]
    assert d.rule == "ONE-STATION" and d.units == ("r0c2",)
    assert "no place for a service center" in d.message and "no_build" in d.message
    assert "r0c2" in d.relaxation
    assert not [d for d in diagnose(_lonely()) if d.rule.startswith("SIZE")]


def test_the_piece_is_exempt_and_the_rest_solved() -> None:
    s = _lonely()
    plan = solve(s, time_limit_s=5, workers=1)
    report = check(s, plan)
    assert report.passed, report.summary_text()
    exempt = [c for c in plan.communities if c.exemption]
    assert [(c.street, c.households, c.site_unit_id, c.remedy) for c in exempt] == \
        [("S2", 2500, "r0c2", "build")]
    assert exempt[0].exemption.startswith("ONE-STATION") and "r0c2" in exempt[0].exemption
    rows = _rows(report, exempt[0].community_id)
    assert rows["ONE-STATION"].status == "exempt" and rows["REMEDY"].status == "exempt"
    assert "r0c2" in rows["ONE-STATION"].note
    assert rows["SIZE-URBAN"].status == "pass"
    s1 = [c for c in plan.communities if c.street == "S1"]
    assert [(c.households, c.exemption) for c in s1] == [(2500, "")]
    facility = next(r for r in report.rows if r.rule_id == "FACILITY-95")
    assert facility.status == "pass" and exempt[0].community_id in facility.note
    assert plan.summary["exemptions"][0]["reason"].startswith("ONE-STATION")


@pytest.mark.parametrize("sites", [[], [dict(site_id="tiny", unit_id="r0c0", area_m2=150,
                                             owned=True, max_area_m2=300)]])
def test_no_center_within_the_bounds(sites: list[dict[str, object]]) -> None:
    """r0c0 (no_build; no site, or one that can never reach 400 m²) could share a
    community only with r0c1, and together they hold 5,000 > 3,000: no community of
    2,000-3,000 holding r0c0 has a place for a center. The piece still splits in two:
    r0c0 alone, its center a stand-in build, exempt; r0c1 as usual."""
    s = grid_scenario([[2500, 2500]], no_build=["r0c0"], sites=sites)
    d = [d for d in diagnose(s) if d.reason == "no-center"]
    assert len(d) == 1 and d[0].units == ("r0c0",) and "2,000-3,000" in d[0].message
    if sites:
        assert "tiny" in d[0].message and "300 m²" in d[0].message
    plan = solve(s, time_limit_s=5, workers=1)
    report = check(s, plan)
    assert report.passed, report.summary_text()
    by_center = {c.site_unit_id: c for c in plan.communities}
    assert set(by_center) == {"r0c0", "r0c1"}
    assert by_center["r0c0"].exemption.startswith("ONE-STATION")
    assert by_center["r0c1"].exemption == ""


def test_too_small_and_no_center_carries_both_exemptions() -> None:
    s = grid_scenario([[1200, 1300, None, 800]], kind="rural", no_build=["r0c3"])
    plan = solve(s, time_limit_s=5, workers=1)
    report = check(s, plan)
    assert report.passed, report.summary_text()
    lone = next(c for c in plan.communities if c.site_unit_id == "r0c3")
    assert lone.exemption.startswith("SIZE-RURAL") and " | ONE-STATION: " in lone.exemption
    rows = _rows(report, lone.community_id)
    assert {rows[r].status for r in ("SIZE-RURAL", "ONE-STATION", "REMEDY")} == {"exempt"}


def test_the_checker_refuses_what_it_cannot_prove(monkeypatch: pytest.MonkeyPatch) -> None:
    """A solver whose diagnosis wrongly calls every no_build unit centerless, and
    that thinks no unit can hold a legal center (so STAND-IN-LAST never bars the
    stand-in): the checker, with its own proof, rejects the stand-in centers it
    produces."""
    # r0c1 can build; a center in r0c0 (the heavier) would be nearer most households.
    s = grid_scenario([[1300, 1200, 2500]], no_build=["r0c0"])
    assert not [d for d in diagnose(s) if d.reason == "no-center"]

    def wrong(scenario, units, lo, hi):  # type: ignore[no-untyped-def]
        bad = tuple(u for u in units if scenario.is_no_build(u))
        return Centerless(bad, bad)

    monkeypatch.setattr(driver, "centerless", wrong)
    monkeypatch.setattr(precedence, "legal_capacity_m2", lambda scenario, unit: 0.0)
    monkeypatch.setattr(driver, "_diagnoses_by_component", lambda sc, comps, given=None: (
        {}, {0: dataclasses.replace(diagnose(_lonely())[0], units=("r0c0",))}))
    plan = solve(s, time_limit_s=5, workers=1)
    claims = [c for c in plan.communities if c.exemption.startswith("ONE-STATION")]
    assert [c.site_unit_id for c in claims] == ["r0c0"]    # the search took the stand-in
    report = check(s, plan)
    assert not report.passed
    bad = [r for r in report.failures() if r.rule_id == "ONE-STATION"]
    assert bad and "not justified" in bad[0].note
    honest = dataclasses.replace(plan, communities=tuple(
        dataclasses.replace(c, exemption="ONE-STATION: none") for c in plan.communities))
    assert not check(s, honest).passed


def test_cli_validate_and_solve_a_lonely_compound(tmp_path: Path) -> None:
    units = [{"unit_id": uid, "households": hh, "kind": "urban", "county": "C1",
              "street": street, "no_build": uid == "u3",
              "geometry": shapely.box(500_000 + 100 * k, 3_700_000, 500_100 + 100 * k,
                                      3_700_100)}
             for k, (uid, hh, street) in enumerate([("u1", 1200, "S1"), ("u2", 1300, "S1"),
                                                    ("u3", 2500, "S2")])]
    folder = make_scenario(tmp_path / "scen", units=units, sites="site_id,unit_id,area_m2,"
                           "owned,max_area_m2,purchase_price_yuan\n", toml=toml_text())
    cmd = [sys.executable, "-m", "optimizer"]
    val = subprocess.run([*cmd, "validate", str(folder)], cwd=ROOT, capture_output=True,
                         text=True, timeout=120)
    assert val.returncode == 0, val.stderr
    assert "[ONE-STATION]" in val.stdout and "u3" in val.stdout
    out = tmp_path / "plan"
    res = subprocess.run([*cmd, "solve", str(folder), "--out", str(out), "--time-limit", "5",
                          "--workers", "1", "--quiet"], cwd=ROOT, capture_output=True,
                         text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    assert "compliance PASSED" in res.stdout and "ONE-STATION" in res.stdout
    again = subprocess.run([*cmd, "check", str(folder), str(out)], cwd=ROOT,
                           capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stdout


def test_a_center_out_of_the_soft_models_reach_still_gets_a_plan() -> None:
    """A rural chain of 3,100 households that no split fits (no-partition), buildable
    only at one end: the units past 1,800 households from it were out of the soft
    model's reach ("no plan at all"). Now: the whole piece as one community around
    the legal center, SIZE-RURAL exempt as the diagnosis proves."""
    s = grid_scenario([[300] * 10 + [100]], kind="rural",
                      no_build=[f"r0c{c}" for c in range(1, 11)])
    plan = solve(s, time_limit_s=5, workers=1)
    report = check(s, plan)
    assert report.passed, report.summary_text()
    assert [(c.households, c.site_unit_id) for c in plan.communities] == [(3100, "r0c0")]
    assert plan.communities[0].exemption.startswith("SIZE-RURAL")
