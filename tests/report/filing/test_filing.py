"""The county filing on the hand-made plan folder (tests/fixtures/filing), read as the
bureau would: the two Word documents opened with python-docx, the xlsx annex with
openpyxl. Every optional part of the plan folder is present there; a second run
without the plan folder checks that absent parts are said to be absent."""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
from pathlib import Path

import docx
import pytest
from openpyxl import load_workbook

from optimizer.errors import PlanError
from optimizer.plan.read import read_plan
from optimizer.report.filing import write_filing
from optimizer.scenario.load import load_scenario
from tests.helpers.filing import (
    FIXTURE,
    all_text,
    column,
    data_words,
    embedded_fonts,
    english_words,
    headings,
    number,
    table,
)

DAY = dt.date(2013, 3, 20)
LAYOUT_CHAPTERS = ("规划依据", "规划原则", "现状与规划概况", "社区布局", "规划图", "人员配备",
                   "网格划分", "规划目标与达标情况", "豁免说明", "附表")
ROOMS_CHAPTERS = ("规划依据", "规划原则", "用房现状", "用房建设规划", "服务项目", "投资与经费预算",
                  "规划目标与达标情况", "豁免说明", "附表")


@pytest.fixture(scope="module")
def scenario():  # type: ignore[no-untyped-def]
    return load_scenario(FIXTURE / "scenario")


@pytest.fixture(scope="module")
def filed(scenario, tmp_path_factory):  # type: ignore[no-untyped-def]
    plan = read_plan(FIXTURE / "plan")
    out = tmp_path_factory.mktemp("filing")
    done = write_filing(scenario, plan, out, plan_dir=FIXTURE / "plan", date=DAY, pdf=False)
    assert len(done) == 1
    return done[0]


def _communities() -> list[dict[str, str]]:
    with open(FIXTURE / "plan" / "communities.csv", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _summary() -> dict:  # type: ignore[type-arg]
    return json.loads((FIXTURE / "plan" / "summary.json").read_text(encoding="utf-8"))


def test_folder_holds_both_plans_the_annex_and_the_maps(filed) -> None:  # type: ignore[no-untyped-def]
    assert filed.folder.name == "建湖县"
    names = sorted(p.name for p in filed.folder.iterdir())
    assert names == ["1-社区布局规划.docx", "2-社区管理和服务用房建设专项规划.docx",
                     "3-附表.xlsx", "图"]
    assert sorted(p.name for p in (filed.folder / "图").iterdir()) == [
        "overview.png", "phasing.png", "street-01-上冈镇.png", "street-02-近湖街道.png"]


def test_official_titles_and_cover(filed) -> None:  # type: ignore[no-untyped-def]
    for path, title in ((filed.layout, "建湖县社区布局规划(2013—2015年)"),
                        (filed.rooms, "建湖县社区管理和服务用房建设专项规划(2013—2015年)")):
        d = docx.Document(str(path))
        assert d.core_properties.title == title
        text = [p.text for p in d.paragraphs]
        assert text.count(title) == 2                 # the cover and the first page
        cover = {row.cells[0].text: row.cells[1].text for row in d.tables[0].rows}
        assert cover["县(市、区)"] == "建湖县"
        assert cover["编制单位"] == "建湖县民政局"
        assert cover["编制日期"] == "2013年3月20日"
        assert cover["版本"].startswith("第1版(方案指纹 ")
        assert "盐政发〔2013〕6号" in cover["依据"]


def test_chapters_in_order(filed) -> None:  # type: ignore[no-untyped-def]
    for path, chapters in ((filed.layout, LAYOUT_CHAPTERS), (filed.rooms, ROOMS_CHAPTERS)):
        top = [h.split("、", 1)[1] for h in headings(path) if "、" in h[:4]]
        assert tuple(top) == chapters, top
    basis = [h for h in headings(filed.rooms) if h.startswith("(")]
    assert any("FIX-2013-03" in h for h in basis) and any("FACILITY-95" in h for h in basis)


def test_layout_table_totals_equal_communities_csv(filed) -> None:  # type: ignore[no-untyped-def]
    rows = table(filed.layout, ("序号", "社区编号", "拟定名称"))
    coms = _communities()
    body, total = rows[:-1], rows[-1]
    assert column(body, "社区编号") == sorted(c["community_id"] for c in coms)
    hh = sum(int(c["households"]) for c in coms)
    assert sum(number(v) for v in column(body, "户数")) == hh
    assert number(total[rows[0].index("户数")]) == hh
    assert sum(number(v) for v in column(body, "基本单元")) == len(
        read_plan(FIXTURE / "plan").unit_ids)
    assert set(column(body, "规模标准(户)")) == {"1,000–1,500", "2,000–3,000"}


def test_proposed_names(filed) -> None:  # type: ignore[no-untyped-def]
    rows = table(filed.layout, ("序号", "社区编号", "拟定名称"))
    names = dict(zip(column(rows[:-1], "社区编号"), column(rows[:-1], "拟定名称"), strict=True))
    # the planner's name; the current community mostly kept; the larger keeper of
    # 草堰口村 keeps its name, the other gets the town and an ordinal
    assert names == {"JH-U1": "湖垛社区", "JH-U2": "秀夫新城社区", "JH-R1": "草堰口村",
                     "JH-R2": "上冈镇第1社区"}


def test_rooms_plan_dates_and_capital(filed) -> None:  # type: ignore[no-untyped-def]
    rows = table(filed.rooms, ("序号", "社区编号", "拟定名称"))
    body = {r[1]: dict(zip(rows[0], r, strict=True)) for r in rows[1:-1]}
    # FIX-2013-03: the proposal is due 2013-03-31 for the one community below standard;
    # the works in the phasing year (2014), never "completed by 2013-03-31"
    assert body["JH-R1"]["解决方案提出时限"] == "2013-03-31"
    assert body["JH-R1"]["建成时限"] == "2014年"
    assert body["JH-U2"]["建成时限"] == "2015年" and body["JH-U2"]["置换用房"] == "S6"
    assert body["JH-U1"]["解决方案提出时限"] == "—"
    assert body["JH-R1"]["解决方式"] == "扩建" and body["JH-U2"]["解决方式"] == "置换"
    capex = _summary()["total_capex_yuan"]
    assert number(rows[-1][rows[0].index("建设投资(元)")]) == pytest.approx(capex)


def test_budget_by_year_keeps_capital_apart(filed) -> None:  # type: ignore[no-untyped-def]
    cap = table(filed.rooms, ("年度", "社区数", "建设投资(元)"))
    assert [r[0] for r in cap[1:]] == ["2014年", "2015年", "合计"]
    assert [number(r[2]) for r in cap[1:]] == [420_000, 2_100_000, 2_520_000]
    assert number(cap[-1][2]) == pytest.approx(_summary()["total_capex_yuan"])
    running = table(filed.rooms, ("年度", "城市社区数"))
    assert [r[0] for r in running[1:]] == ["2013年", "2014年", "2015年", "合计"]
    assert "建设投资(元)" not in running[0]                 # BUDGET-OWN
    funding = [number(v) for v in column(running, "办公经费(元)")[:3]]
    assert funding[0] < funding[1] < funding[2]           # FUND-URBAN grows


def test_targets_are_honest(filed) -> None:  # type: ignore[no-untyped-def]
    rows = table(filed.rooms, ("规则编号", "目标"))
    status = dict(zip(column(rows, "规则编号"), column(rows, "结果"), strict=True))
    assert status["HARMONY-90-80"] == status["SELFGOV-95"] == status["PRO-80-50"] \
        == "未评估(缺少数据)"
    # written "pass" with no value in compliance.csv: not certified as met
    assert status["MGMT-2013"] == "未评估(缺少数据)"
    assert status["SERVICES-6-8"] == "未达标" and status["ORGS-5"] == "达标"
    notes = dict(zip(column(rows, "规则编号"), column(rows, "说明"), strict=True))
    assert "用房面积" in notes["FACILITY-95"]
    facility = dict(zip(column(rows, "规则编号"), column(rows, "目标"), strict=True))
    assert facility["FACILITY-95"].startswith("社区服务设施及功能达标率")
    assert table(filed.rooms, ("规则编号", "目标")) == table(filed.layout, ("规则编号", "目标"))


def test_staffing_grids_and_services(filed) -> None:  # type: ignore[no-untyped-def]
    staff = table(filed.layout, ("社区编号", "拟定名称", "类型", "户数", "两委成员"))
    assert {"两委成员", "专职工作者", "网格综合协理员"} <= set(staff[0])
    assert all(3 <= number(v) <= 5 for v in column(staff[:-1], "专职工作者"))
    grids = table(filed.layout, ("网格编号",))
    assert len(grids) - 2 == 25                         # header and total row
    assert sum(number(v) for v in column(grids[:-1], "户数")) == 7200
    assert all(200 <= number(v) <= 400 for v in column(grids[:-1], "户数"))
    assert all("部分" in v for v in column(grids[:-1], "基本单元"))
    services = table(filed.rooms, ("社区编号", "拟定名称", "类型", "基本服务项目"))
    missing = dict(zip(column(services, "社区编号"), column(services, "缺少的基本服务"),
                       strict=True))
    assert missing["JH-R2"] == "为农代理" and missing["JH-R1"] == "无"
    base = dict(zip(column(services, "社区编号"), column(services, "基本服务项目"), strict=True))
    assert "生产资料" in base["JH-R1"] and "生产资料" not in base["JH-U1"]


def test_figures_are_in_the_documents(filed) -> None:  # type: ignore[no-untyped-def]
    layout, rooms = docx.Document(str(filed.layout)), docx.Document(str(filed.rooms))
    assert len(layout.inline_shapes) == 3               # overview + two streets
    assert len(rooms.inline_shapes) == 2                # overview + phasing
    captions = [p.text for p in layout.paragraphs if p.style.name == "Caption"]
    assert "图1 建湖县社区布局总图" in captions


def test_no_english_in_the_chinese_documents(filed, scenario) -> None:  # type: ignore[no-untyped-def]
    allowed = data_words(scenario)
    for path in (filed.layout, filed.rooms):
        assert english_words(all_text(path), allowed) == set(), path.name


def test_fonts_are_embedded_and_cover_the_text(filed) -> None:  # type: ignore[no-untyped-def]
    for path in (filed.layout, filed.rooms):
        fonts = embedded_fonts(path)
        assert set(fonts) == {"Noto Serif SC Embedded", "Noto Sans SC Embedded"}
        chars = {ch for t in all_text(path) for ch in t if ord(ch) > 0x2E80}
        for family, font in fonts.items():
            assert "glyf" in font                       # TrueType outlines
            assert font["name"].getDebugName(1) == family
            cmap = font.getBestCmap()
            assert chars - set(map(chr, cmap)) == set()


def test_annex_holds_the_tables_as_numbers_and_text(filed) -> None:  # type: ignore[no-untyped-def]
    wb = load_workbook(filed.annex)
    assert {"社区布局规划表", "社区管理和服务用房建设规划表", "规划目标与达标情况", "网格划分表",
            "建设投资分年度安排", "社区基本单元构成表"} <= set(wb.sheetnames)
    ws = wb["社区布局规划表"]
    header = [c.value for c in ws[2]]
    col = header.index("户数") + 1
    values = [ws.cell(row=r, column=col).value for r in range(3, ws.max_row + 1)]
    assert values[:4] == [1300, 1200, 2400, 2300] and all(isinstance(v, int) for v in values[:4])
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                assert cell.data_type == "s"


def test_a_name_is_never_a_formula(scenario, tmp_path: Path) -> None:
    plan_dir = tmp_path / "plan"
    shutil.copytree(FIXTURE / "plan", plan_dir)
    rows = _communities()
    for r in rows:
        if r["community_id"] == "JH-U2":
            r["name"] = '=HYPERLINK("http://x","y")'
    with open(plan_dir / "communities.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    done = write_filing(scenario, read_plan(plan_dir), tmp_path / "out", plan_dir=plan_dir,
                        date=DAY, pdf=False)
    ws = load_workbook(done[0].annex)["社区布局规划表"]
    cells = [c for row in ws.iter_rows() for c in row if c.value and "HYPERLINK" in str(c.value)]
    assert cells and all(c.data_type == "s" for c in cells)


def test_without_the_plan_folder_absent_parts_are_said(scenario, tmp_path: Path) -> None:
    plan = read_plan(FIXTURE / "plan")
    done = write_filing(scenario, plan, tmp_path, date=DAY, pdf=False)[0]
    text = "".join(all_text(done.layout) + all_text(done.rooms))
    assert "方案未提供 grids.csv" in text and "方案未提供 phasing.csv" in text
    assert "2015年底前(分年度安排待预算确定)" in text
    assert "检查结果由本系统独立检查器重新计算" in text
    rows = table(done.rooms, ("规则编号", "目标"))
    status = dict(zip(column(rows, "规则编号"), column(rows, "结果"), strict=True))
    # no communities_today.csv: the checker writes these not_assessed
    for rule in ("HARMONY-90-80", "MGMT-2013", "ORGS-5", "PRO-80-50", "SELFGOV-95",
                 "VOLUNTEER-15-10"):
        assert status[rule] == "未评估(缺少数据)", rule
    # JH-R2's list lacks 为农代理, a rural basic service: the checker finds it
    assert status["SERVICES-6-8"] == "未达标"


def test_english_documents(scenario, tmp_path: Path) -> None:
    done = write_filing(scenario, read_plan(FIXTURE / "plan"), tmp_path, lang="en",
                        plan_dir=FIXTURE / "plan", date=DAY, pdf=False)[0]
    assert done.layout.name == "1-layout-plan.docx"
    d = docx.Document(str(done.rooms))
    assert d.core_properties.title == ("建湖县: Special plan for community management and "
                                       "service rooms (2013-2015)")
    assert any(h.endswith("Targets") for h in headings(done.rooms))


def test_bad_phasing_names_file_field_and_value(scenario, tmp_path: Path) -> None:
    plan_dir = tmp_path / "plan"
    shutil.copytree(FIXTURE / "plan", plan_dir)
    (plan_dir / "phasing.csv").write_text("community_id,year,remedy,capex_yuan\n"
                                          "JH-R1,twenty,extend,-5\n", encoding="utf-8")
    with pytest.raises(PlanError) as exc:
        write_filing(scenario, read_plan(plan_dir), tmp_path / "out", plan_dir=plan_dir,
                     pdf=False)
    text = str(exc.value)
    assert "phasing.csv" in text and "year" in text and "twenty" in text and "-5" in text
    assert not (tmp_path / "out" / "建湖县").exists()
