"""What a plan phased under a [budget] shows: the phasing, capital-by-year and shortfall
sheets of plan.xlsx (numbers as numbers, text as text), the section of report.html
with how many communities the money falls short and by how much, the map coloured by
year, the filing's capital table with the budget; and the budget curve's files."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from optimizer import write_plan
from optimizer.checker import check
from optimizer.plan.model import Plan
from optimizer.report import write_reports
from optimizer.report.budget_curve import CURVE_FILES, write_budget_curve
from optimizer.report.filing import write_filing
from optimizer.scenario.model import Scenario
from optimizer.search.budget_curve import NOT_RUN, budget_curve
from optimizer.search.phasing import phase
from optimizer.search.stop import StopFlag
from tests.helpers import phasing as fx
from tests.helpers.filing import all_text, data_words, english_words

TIGHT = (1e6, 1e6, 1e6)


@pytest.fixture(scope="module")
def tight() -> tuple[Scenario, Plan]:
    # a street named like a formula: its cells must stay text
    scenario = fx.budgeted(TIGHT, first="=1+1")
    plan = fx.plan("=1+1")
    return scenario, plan.with_phasing(phase(scenario, plan))


@pytest.fixture(scope="module", params=["zh", "en"])
def written(request, tight, tmp_path_factory):  # type: ignore[no-untyped-def]
    scenario, plan = tight
    out = tmp_path_factory.mktemp(f"phased_{request.param}")
    write_plan(plan, out, scenario=scenario, report=check(scenario, plan))
    with warnings.catch_warnings():
        warnings.simplefilter("error")          # a missing glyph (boxes) would warn
        write_reports(scenario, plan, out, lang=request.param)
    return request.param, out


def test_workbook_sheets_of_the_phasing(written) -> None:  # type: ignore[no-untyped-def]
    lang, out = written
    wb = load_workbook(out / "plan.xlsx")
    names = ("分年度实施计划", "建设资金分年度安排", "资金缺口") if lang == "zh" else (
        "Phasing", "Capital by year", "Shortfall")
    assert all(n in wb.sheetnames for n in names)
    ph = wb[names[0]]
    header = [c.value for c in ph[1]]
    rows = [[c for c in r] for r in ph.iter_rows(min_row=2)]
    year = header.index("用房达标年度" if lang == "zh" else "Year the rooms meet the standard")
    street = header.index("街道/镇" if lang == "zh" else "Street/town")
    years = sorted(str(r[year].value) for r in rows)
    assert years == ["2013", "2015", "规划期内未安排" if lang == "zh" else "not by the horizon"]
    formula = [r for r in rows if r[street].value == "=1+1"]
    assert formula and all(r[street].data_type == "s" for r in formula)
    capital = [[c.value for c in r] for r in wb[names[1]].iter_rows(min_row=2)]
    assert [r[1:5] for r in capital] == [[2013, 1e6, 0, 336_000], [2014, 1e6, 0, 0],
                                         [2015, 1e6, 0, 0]]
    short = [[c.value for c in r] for r in wb[names[2]].iter_rows(min_row=2)]
    assert short[-1][0] == ("合计" if lang == "zh" else "Total")
    assert short[-1][1:] == [4, 3, 0.75, 1, 1_840_000, 840_000]
    budget = wb["经费预算" if lang == "zh" else "Budget"]
    assert [r[0].value for r in budget.iter_rows(min_row=2)] == [2013, 2014, 2015]


def test_report_says_how_far_the_money_falls_short(written) -> None:  # type: ignore[no-untyped-def]
    lang, out = written
    page = (out / "report.html").read_text(encoding="utf-8")
    if lang == "zh":
        assert "分年度实施(预算约束下)" in page and "4个社区中3个用房达标(75.0%)" in page
        assert "预算不足:距95%尚差1个社区;2015年追加建设资金840,000元即可达到目标" in page
        assert "建设投资1,840,000元须在2015年后安排" in page
    else:
        assert "The budget falls 1 communities short of 95%: 840,000 yuan more in 2015" in page
    assert 'id="map-phasing"' in page
    assert (out / "maps" / "phasing.png").stat().st_size > 10_000
    assert (out / "maps" / "phasing.svg").is_file()


def test_the_filing_shows_the_budget_by_year(tight, tmp_path: Path) -> None:
    import docx

    scenario, plan = tight
    write_plan(plan, tmp_path / "plan", scenario=scenario, report=check(scenario, plan))
    done = write_filing(scenario, plan, tmp_path / "filing", plan_dir=tmp_path / "plan",
                        pdf=False)
    d = docx.Document(str(done[0].rooms))
    table = next(t for t in d.tables if "预算建设资金(元)" in [c.text for c in t.rows[0].cells])
    cells = [[c.text for c in r.cells] for r in table.rows]
    assert cells[1] == ["2013年", "1", "336,000", "1,000,000"]
    assert cells[-2][:3] == ["规划期内未安排", "1", "1,840,000"]
    assert cells[-1][3] == "3,000,000"
    text = "\n".join(p.text for p in d.paragraphs)
    assert "预算不足:1个社区规划期内未安排,建设投资1,840,000元须在2015年后安排" in text
    assert (done[0].folder / "图" / "phasing.png").is_file()
    for doc in (done[0].layout, done[0].rooms):      # no English in the zh documents
        assert english_words(all_text(doc), data_words(scenario)) == set(), doc.name


def test_budget_curve_files_and_an_interrupted_curve(tight, tmp_path: Path) -> None:
    scenario, plan = tight
    curve = budget_curve(scenario, plans=[plan], points=5, refine=4)
    df = curve.points
    assert (df["status"] == "OPTIMAL").all() and df["budget_yuan"].is_monotonic_increasing
    assert df["facility_share"].is_monotonic_increasing
    # no single year of the equal split holds the 1.84 M build below 5.52 M in all
    assert curve.first_target_yuan is not None and 5.52e6 <= curve.first_target_yuan
    assert df[df["refined"]].shape[0] == 4
    paths = write_budget_curve(curve, tmp_path / "c", lang="zh", scenario_name="t")
    assert sorted(p.name for p in paths.values()) == sorted(CURVE_FILES)
    back = pd.read_csv(tmp_path / "c" / "curve.csv")
    assert list(back["budget_yuan"]) == list(df["budget_yuan"])
    head = [c.value for c in load_workbook(tmp_path / "c" / "curve.xlsx").active[1]]
    assert head[:3] == ["规划期预算总额(元)", "首次达到95%", "求解状态"]
    stop = StopFlag()
    seen: list[int] = []

    def progress(event) -> None:  # type: ignore[no-untyped-def]
        seen.append(event.done)
        if event.done == 2:
            stop.set()
    cut = budget_curve(scenario, plans=[plan], points=5, progress=progress, stop=stop)
    assert cut.interrupted and seen == [1, 2]
    status = list(cut.points["status"])
    assert len(status) - status.count(NOT_RUN) == 2 and status.count(NOT_RUN) >= 3
    write_budget_curve(cut, tmp_path / "cut", lang="en")


def test_every_phasing_note_reads_in_chinese(tight) -> None:  # type: ignore[no-untyped-def]
    import dataclasses
    import re

    from optimizer.plan.phasing import Phasing
    from optimizer.report.reasons import limit_text, note_text

    scenario, plan = tight
    ph = plan.phasing
    first = ph.phases[0]

    def moved(cid: str, year: int | None) -> tuple:  # type: ignore[type-arg]
        return tuple(dataclasses.replace(p, year=year) if p.community_id == cid else p
                     for p in ph.phases)

    ids = {p.funding: p.community_id for p in ph.phases}
    variants = [
        ph.phases,
        (*ph.phases, first, dataclasses.replace(first, community_id="X-9")),
        (dataclasses.replace(first, remedy="purchase", capex_yuan=first.capex_yuan + 9),
         *ph.phases[2:]),
        moved(ids["pipeline"], 2013), moved(ids["budget"], 2016),
    ]
    notes = set()
    for phases in variants:
        for claims in ({**ph.summary}, {}, {**ph.summary, "facility_share": 1.0}):
            for r in check(scenario, plan.with_phasing(Phasing(phases, claims))).rows:
                if r.rule_id in ("PHASING", "FUND-POOL", "PIPELINE", "FACILITY-95"):
                    notes.add((r.note, str(r.limit)))
    carried = scenario.replace(budget={"horizon": [2013, 2015], "carry_over": True,
                                       "capital_yuan": {2013: 1, 2014: 1, 2015: 1}})
    for r in check(carried, plan).rows:
        if r.rule_id == "FUND-POOL":
            notes.add((r.note, str(r.limit)))
    assert len(notes) >= 8
    for note, limit in notes:
        if not note:
            continue                      # a line that passes may say nothing
        zh = str(note_text(note, "zh"))
        assert "原文" not in zh and re.search(r"[\u4e00-\u9fff]", zh), (note, zh)
        assert not re.search(r"[a-z]{5,}", str(limit_text(limit, "zh")).replace(
            "available_year", "")), limit
