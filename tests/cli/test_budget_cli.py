"""Issue 18's "done when", on the command line: on the demo and on a generated county
with a budget that cannot reach FACILITY-95 by 2015, `solve` writes a phasing the
checker passes and the report says how many communities the money falls short and by
how much; `budget-curve` draws the curve with each point's status and gap, and Ctrl-C
keeps what it has."""

from __future__ import annotations

import csv
import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from optimizer.cli.main import main
from tests.helpers.paths import DEMO, ROOT

BUDGET = """
[budget]
horizon = [2013, 2015]
capital_yuan = {{ 2013 = {a}, 2014 = {a}, 2015 = {a} }}
carry_over = {carry}
"""


def with_budget(src: Path, dst: Path, amount: float, carry: bool = False) -> Path:
    shutil.copytree(src, dst)
    with open(dst / "scenario.toml", "a", encoding="utf-8") as fh:
        fh.write(BUDGET.format(a=amount, carry="true" if carry else "false"))
    return dst


def solved(scenario: Path, out: Path, limit: int, capsys) -> str:  # type: ignore[no-untyped-def]
    assert main(["solve", str(scenario), "--out", str(out), "--time-limit", str(limit),
                 "--workers", "1", "--quiet", "--report"]) == 0
    text = capsys.readouterr().out
    assert main(["check", str(scenario), str(out)]) == 0       # the checker passes
    return text + capsys.readouterr().out


def shortfall_shown(out: Path, text: str) -> dict:  # type: ignore[type-arg]
    claims = json.loads((out / "summary.json").read_text(encoding="utf-8"))["phasing"]
    assert claims["short_communities"] > 0 and claims["extra_to_target_yuan"] > 0
    short, money = claims["short_communities"], claims["extra_to_target_yuan"]
    assert f"the budget falls {short} communities short of FACILITY-95: {money:,.0f} yuan" \
        in text
    page = (out / "report.html").read_text(encoding="utf-8")
    assert f"预算不足:距95%尚差{short}个社区;2015年追加建设资金{money:,.0f}元即可达到目标" in page
    with open(out / "phasing.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0])[:4] == ["community_id", "year", "remedy", "capex_yuan"]
    assert sum(1 for r in rows if r["year"] == "") == claims["not_by_horizon"]
    compliance = pd.read_csv(out / "compliance.csv", dtype=str, keep_default_na=False)
    facility = compliance[compliance["rule_id"] == "FACILITY-95"].iloc[0]
    assert facility["status"] == "exempt" and "proven by the checker" in facility["note"]
    assert (compliance[compliance["rule_id"].isin(["FUND-POOL", "PHASING", "PIPELINE"])]
            ["status"] == "pass").all()
    return claims


def test_demo_with_a_budget_short_of_the_target(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    scenario = with_budget(DEMO, tmp_path / "demo", 4e6)
    out = tmp_path / "plan"
    text = solved(scenario, out, 12, capsys)
    claims = shortfall_shown(out, text)
    assert claims["counties"]["Jianhu"]["budget_yuan"] == [4e6, 4e6, 4e6]
    assert max(claims["counties"]["Jianhu"]["capital_yuan"]) <= 4e6
    # the filing's rooms plan: capital by year beside the budget, the map by year
    assert main(["file", str(scenario), str(out), "--out", str(tmp_path / "filing"),
                 "--no-pdf"]) == 0
    assert (tmp_path / "filing" / "建湖县" / "图" / "phasing.png").is_file()
    # the curve from this plan: every point proven, the target first reached marked
    curve = tmp_path / "curve"
    assert main(["budget-curve", str(scenario), "--out", str(curve), "--plan", str(out),
                 "--points", "6", "--quiet"]) == 0
    table = pd.read_csv(curve / "curve.csv")
    assert (table["status"] == "OPTIMAL").all() and (table["gap"] == 0).all()
    first = json.loads((curve / "curve.json").read_text(encoding="utf-8"))["first_target_yuan"]
    assert first == table[table["reaches_target"]]["budget_yuan"].min()
    assert "FACILITY-95 is first reached at a total of" in capsys.readouterr().out
    for name in ("curve.png", "curve.svg", "curve.xlsx"):
        assert (curve / name).stat().st_size > 1000


def test_generated_county_with_a_budget_short_of_the_target(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["generate", "--preset", "county", "--seed", "3", str(tmp_path / "gen")]) == 0
    scenario = with_budget(tmp_path / "gen", tmp_path / "county", 2e7, carry=True)
    capsys.readouterr()
    out = tmp_path / "plan"
    claims = shortfall_shown(out, solved(scenario, out, 20, capsys))
    assert claims["counted"] > 100 and claims["facility_share"] < 0.95
    assert claims["counties"]["Jianhu"]["carried_yuan"][0] >= 0


def test_bad_budgets_are_a_usage_error(capsys) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SystemExit) as info:
        main(["budget-curve", str(DEMO), "--out", "x", "--budgets", "1e6,-5"])
    assert info.value.code == 2 and "'-5' is not an amount" in capsys.readouterr().err


def test_ctrl_c_ends_the_search_and_still_draws_the_curve(tmp_path: Path) -> None:
    scenario = with_budget(DEMO, tmp_path / "demo", 4e6)
    out = tmp_path / "curve"
    proc = subprocess.Popen(
        [sys.executable, "-m", "optimizer", "budget-curve", str(scenario), "--out", str(out),
         "--time-limit", "3000", "--quiet"], cwd=ROOT, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)
    time.sleep(12)              # inside the boundaries' solves (3,000 s would be theirs)
    assert proc.poll() is None, proc.communicate()
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=600)   # a hang guard, not a speed check
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr and "interrupted:" in stderr
    table = pd.read_csv(out / "curve.csv")
    assert len(table) >= 11 and table["status"].isin(["OPTIMAL", "FEASIBLE"]).all()
    assert json.loads((out / "curve.json").read_text(encoding="utf-8"))["interrupted"]
    assert (out / "curve.png").is_file()
