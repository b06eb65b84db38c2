"""Issue 17's "done when" on a generated town with a communities_today.csv we write: the
plan's data and rules reach the filed documents. Targets measured (none ``pass``
without data), service lists, grids within 300 ± 100, names, social insurance and the
costs by year; without the file (the demo, tests/report/filing/test_filing_demo.py)
the same targets are not assessed."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from optimizer.cli.main import main
from optimizer.scenario.load import load_scenario
from tests.helpers.filing import all_text, column, table

REPORTED = ("HARMONY-90-80", "MGMT-2013", "ORGS-5", "PRO-80-50", "SELFGOV-95",
            "VOLUNTEER-15-10")


@pytest.fixture(scope="module")
def town(tmp_path_factory) -> tuple[Path, Path, Path]:  # type: ignore[no-untyped-def]
    base = tmp_path_factory.mktemp("today_filing")
    scen, plan, out = base / "town", base / "plan", base / "filing"
    assert main(["generate", "--preset", "town", "--seed", "5", "--today", "0.9",
                 str(scen)]) == 0
    assert main(["solve", str(scen), "--out", str(plan), "--time-limit", "8", "--workers",
                 "1", "--quiet"]) in (0, 1)
    assert main(["file", str(scen), str(plan), "--out", str(out), "--date", "2013-03-20",
                 "--no-pdf"]) == 0
    return scen, plan, next(p for p in out.iterdir() if p.is_dir())


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_targets_are_measured_never_pass_without_data(town) -> None:  # type: ignore[no-untyped-def]
    scen, plan, _ = town
    comp = _rows(plan / "compliance.csv")
    for r in comp:
        if r["rule_id"] in REPORTED and r["status"] == "pass":
            assert r["value"] != "", r            # a pass always carries its measure
    orgs = [r for r in comp if r["rule_id"] == "ORGS-5" and r["community_id"] != "*"]
    n = len(_rows(plan / "communities.csv"))
    assert len(orgs) == n                         # a line per community
    assert {r["status"] for r in orgs} <= {"pass", "fail", "not_assessed"}
    assert any(r["status"] in ("pass", "fail") for r in orgs)
    for r in orgs:
        if r["status"] == "fail":
            assert "still to register" in r["note"]
    s = load_scenario(scen)
    assert s.communities_today is not None and len(s.communities_today) > 0


def test_service_lists_names_and_grids(town) -> None:  # type: ignore[no-untyped-def]
    scen, plan, _ = town
    coms = _rows(plan / "communities.csv")
    s = load_scenario(scen)
    for c in coms:
        base = s.policy.basic_services(c["kind"] == "urban")
        assert c["services"].split(";")[:len(base)] == list(base)
        assert c["name"]
    assert len({c["name"] for c in coms}) == len(coms)
    grids = _rows(plan / "grids.csv")
    sizes: dict[str, int] = {}
    for g in grids:
        sizes[g["grid_id"]] = sizes.get(g["grid_id"], 0) + int(g["households"])
    assert len(sizes) == sum(int(c["coordinators"]) for c in coms)
    small = {c["community_id"] for c in coms if int(c["households"]) <= 300}
    assert all(200 <= v <= 400 for g, v in sizes.items()
               if g.rsplit("-G", 1)[0] not in small)
    comp = _rows(plan / "compliance.csv")
    assert {r["status"] for r in comp if r["rule_id"] == "COORD-300"} <= {"pass", "exempt"}
    assert not [r for r in comp if r["rule_id"] == "SERVICES-6-8" and r["status"] == "fail"]


def test_costs_by_year_with_social_insurance(town) -> None:  # type: ignore[no-untyped-def]
    _, plan, folder = town
    summary = json.loads((plan / "summary.json").read_text(encoding="utf-8"))
    assert summary["plan_years"] == [2013, 2015]
    assert summary["total_horizon_cost_yuan"] > 3 * summary["total_annual_cost_yuan"]
    assert "SOCIAL-INS" in summary["assumptions"]
    running = table(folder / "2-社区管理和服务用房建设专项规划.docx", ("年度", "城市社区数"))
    assert [r[0] for r in running[1:]] == ["2013年", "2014年", "2015年", "合计"]
    insurance = column(running, "单位社保缴费(元)")
    assert all(float(v.replace(",", "")) > 0 for v in insurance)
    text = "".join(all_text(folder / "2-社区管理和服务用房建设专项规划.docx"))
    assert "SOCIAL-INS" in text and "上年度" in text


def test_the_filed_targets_table_shows_measures(town) -> None:  # type: ignore[no-untyped-def]
    _, _, folder = town
    rows = table(folder / "2-社区管理和服务用房建设专项规划.docx", ("规则编号", "目标"))
    status = dict(zip(column(rows, "规则编号"), column(rows, "结果"), strict=True))
    assert status["ORGS-5"] in ("达标", "未达标", "未评估(缺少数据)")
    assert any(status[r] != "未评估(缺少数据)" for r in REPORTED)
    notes = dict(zip(column(rows, "规则编号"), column(rows, "说明"), strict=True))
    assert "说明原文见" not in notes["ORGS-5"] and "说明原文见" not in notes["HARMONY-90-80"]
