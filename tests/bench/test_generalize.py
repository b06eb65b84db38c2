"""The generalization bench (bench/generalize.py) on a tiny drawn scenario: the result
files have their columns and their figures come from a real solve and check; the
exemption audit catches an exemption copied onto a community without its unit.

Eight 100 m squares, all urban, county C1 street S1; a1 holds 3,500 households (above
the 3,000 maximum), the others 700 each (4,900: two communities of 2,000-3,000)::

    +----+----+----+----+
    | a1 | a2 | a3 | a4 |      a1: 3,500 households (oversized)
    +----+----+----+----+
    | b1 | b2 | b3 | b4 |
    +----+----+----+----+
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import pandas as pd
import pytest

from tests.helpers.paths import ROOT

sys.path.insert(0, str(ROOT))

from bench.generalize import COLUMNS, case_names, main, method_name, parse  # noqa: E402
from bench.generalize_audit import audit_exemptions, named_units  # noqa: E402
from bench.generalize_cases import CASES, TARGETS  # noqa: E402
from optimizer.plan.read import read_plan  # noqa: E402
from optimizer.scenario.load import load_scenario  # noqa: E402
from tests.helpers.scenarios import eight_squares  # noqa: E402


def _tiny(folder: Path) -> Path:
    return eight_squares(folder, {"a1": 3_500}, site_unit="b2")


def test_bench_writes_cases_pieces_and_sidecar(tmp_path: Path) -> None:
    folder = _tiny(tmp_path / "tiny")
    res = tmp_path / "res"
    code = main(["--scenario", str(folder), "--class", "oversized", "--limit-oversized", "5",
                 "--workers", "1", "--tag", "t", "--results", str(res),
                 "--cases-dir", str(tmp_path / "work")])
    rows = pd.read_csv(res / "generalize-t.csv")
    assert tuple(rows.columns) == COLUMNS
    row = rows.iloc[0]
    assert row["case"] == "tiny" and row["class"] == "oversized"
    assert row["units"] == 8 and row["households"] == 8_400
    assert row["oversized_units"] == 1
    assert row["bound"] <= row["objective"] + 1e-6
    assert row["peak_rss_mb"] > 10 and row["limit_s"] == 5
    wrong = row["exempt_misplaced"] + row["exempt_unnamed"] + row["exempt_other"]
    assert wrong + row["exempt_elsewhere"] <= row["exempt"]
    assert row["exempt"] <= row["exempt_on_oversized"] + wrong + row["exempt_elsewhere"]
    assert code == (0 if row["check"] == "pass" else 1)
    assert (row["meets_target"] == "yes") == (not isinstance(row["why_not"], str))
    pieces = pd.read_csv(res / "generalize-t-pieces.csv")
    assert list(pieces["key"]) == ["C1 / S1 / urban"]
    assert pieces.iloc[0]["units"] == 8 and pieces.iloc[0]["oversized_units"] == 1
    side = json.loads((res / "generalize-t.json").read_text())
    assert side["machine"]["commit"] and side["limits_s"]["oversized"] == 5
    assert side["cases"][0]["class"] == "oversized"
    assert (tmp_path / "work" / "t" / "plans" / "tiny" / "summary.json").exists()
    by_method = pd.read_csv(res / "generalize-t-by-method.csv")
    assert by_method["gap_yuan"].sum() == pytest.approx(pieces["gap_yuan"].sum(), abs=0.01)
    (res / "generalize-t-by-method.csv").unlink()
    assert main(["--summarize", "t", "--results", str(res)]) == 0
    assert (res / "generalize-t-by-method.csv").exists()


def test_audit_catches_an_exemption_on_a_community_without_its_unit(tmp_path: Path) -> None:
    folder = _tiny(tmp_path / "tiny")
    assert main(["--scenario", str(folder), "--class", "oversized", "--limit-oversized", "5",
                 "--workers", "1", "--tag", "a", "--results", str(tmp_path / "res"),
                 "--cases-dir", str(tmp_path / "work")]) in (0, 1)
    plan_dir = tmp_path / "work" / "a" / "plans" / "tiny"
    scenario = load_scenario(folder)
    plan = read_plan(plan_dir)
    a1 = plan.community[list(plan.unit_ids).index("a1")]
    other = next(c for c in plan.communities if c.community_id != a1)
    # plant the issue's defect: a1's exemption copied onto another community
    path = plan_dir / "communities.csv"
    with open(path, newline="", encoding="utf-8") as f:
        recs = list(csv.DictReader(f))
    for rec in recs:
        if rec["community_id"] == other.community_id:
            rec["exemption"] = "SIZE-URBAN: the compound a1 alone has 3,500 households"
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(recs[0]))
        w.writeheader()
        w.writerows(recs)
    audit = audit_exemptions(scenario, read_plan(plan_dir))
    assert audit["exempt_misplaced"] >= 1
    assert any(other.community_id in e and "a1" in e for e in audit["exemption_examples"])


def test_named_units_are_whole_tokens() -> None:
    ids = {"JH-NY-0012", "JH-NY-0001", "a1"}
    text = "Town 'Nanyang' (county 'Jianhu'): the rural village JH-NY-0012 alone has 1,563"
    assert named_units(text, ids) == {"JH-NY-0012"}
    assert named_units("JH-NY-00123 and a10", ids) == set()


def test_every_case_has_a_class_with_a_target_and_unique_name() -> None:
    names = [c.name for c in CASES]
    assert len(names) == len(set(names))
    assert {c.cls for c in CASES} <= set(TARGETS)
    assert any(c.options.get("size") == 150 and c.preset == "big-street" for c in CASES)
    assert any(c.preset == "big-county" for c in CASES)
    assert {"town", "county", "city"} <= {c.preset for c in CASES}


def test_class_alone_runs_that_class_only() -> None:
    """`--class county` without folders ran every case (it only labelled --scenario
    folders); now it runs the county cases, and labels folders as before."""
    county = case_names(parse(["--class", "county"]))
    assert county and {c.cls for c in CASES if c.name in county} == {"county"}
    assert case_names(parse([])) is None
    assert case_names(parse(["--cases", "town, big-street-150"])) == ["town", "big-street-150"]
    assert case_names(parse(["--scenario", "x", "--class", "oversized"])) == []


@pytest.mark.parametrize(("method", "name"), [
    ("columns(24388, lp, dive, resplit(1 of 21), 4 integer stages)", "columns"),
    ("exact(k=4,5), then fewer(-2 in 5)+lns(40 rounds)", "exact, then fewer+lns"),
    ("moves+lns+lagrangian bound", "moves+lns+lagrangian bound"),
])
def test_the_method_loses_its_parameters_nested_ones_too(method: str, name: str) -> None:
    """The city's by-method table had "columns, 4 integer stages)" as a method of its
    own: the parameters were cut at the first ")"."""
    assert method_name(method) == name
