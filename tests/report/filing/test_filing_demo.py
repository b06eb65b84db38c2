"""``python -m optimizer file`` on the shipped demo (solved once, 5 s), read as the bureau
would: the totals equal the plan files', no English in the Chinese documents, the
exemption in Chinese, and the PDFs (LibreOffice) with the CJK fonts embedded, Chinese
text and pages that are not blank.

The PDF test needs LibreOffice and poppler (Debian: apt-get install -y
libreoffice-writer-nogui poppler-utils, which .ci/run does); without them it is skipped
with the reason. The machine needs no CJK system font: the project ships its own.
"""

from __future__ import annotations

import csv
import json
import re
import subprocess
from pathlib import Path

import numpy as np
import pytest

from optimizer.cli.main import main
from optimizer.scenario.load import load_scenario
from tests.helpers.filing import (
    DEMO,
    all_text,
    column,
    data_words,
    english_words,
    missing_pdf_tools,
    number,
    table,
)

MISSING = missing_pdf_tools()


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[Path, Path]:  # type: ignore[no-untyped-def]
    base = tmp_path_factory.mktemp("demo_filing")
    plan = base / "plan"
    assert main(["solve", str(DEMO), "--out", str(plan), "--time-limit", "5", "--workers", "1",
                 "--quiet"]) in (0, 1)
    out = base / "filing"
    args = ["file", str(DEMO), str(plan), "--out", str(out), "--date", "2013-03-20"]
    assert main([*args, "--no-pdf"] if MISSING else [*args, "--pdf"]) == 0
    return plan, out / "建湖县"


def test_totals_equal_the_plan_files(demo) -> None:  # type: ignore[no-untyped-def]
    plan, folder = demo
    with open(plan / "communities.csv", encoding="utf-8") as fh:
        coms = list(csv.DictReader(fh))
    summary = json.loads((plan / "summary.json").read_text(encoding="utf-8"))
    layout = table(folder / "1-社区布局规划.docx", ("序号", "社区编号", "拟定名称"))
    assert number(layout[-1][layout[0].index("户数")]) == sum(int(c["households"]) for c in coms)
    assert sum(number(v) for v in column(layout[:-1], "户数")) == summary["households"]
    rooms_doc = folder / "2-社区管理和服务用房建设专项规划.docx"
    rooms = table(rooms_doc, ("序号", "社区编号", "拟定名称"))
    assert number(rooms[-1][rooms[0].index("建设投资(元)")]) == \
        pytest.approx(summary["total_capex_yuan"], abs=1)
    capital = table(rooms_doc, ("年度", "社区数", "建设投资(元)"))
    assert capital[1][0] == "2015年底前(分年度安排待预算确定)"     # no phasing: by 2015
    assert number(capital[-1][2]) == pytest.approx(summary["total_capex_yuan"], abs=1)


def test_no_english_and_the_exemption_in_chinese(demo) -> None:  # type: ignore[no-untyped-def]
    plan, folder = demo
    allowed = data_words(load_scenario(DEMO))
    for doc in folder.glob("*.docx"):
        assert english_words(all_text(doc), allowed) == set(), doc.name
    with open(plan / "communities.csv", encoding="utf-8") as fh:
        exempt = [c for c in csv.DictReader(fh) if c["exemption"]]
    if exempt:
        rows = table(folder / "1-社区布局规划.docx", ("社区编号", "拟定名称", "豁免规则"))
        assert column(rows, "社区编号") == [c["community_id"] for c in exempt]
        assert all("原文" not in r and "户" in r for r in column(rows, "理由"))
        assert set(column(rows, "检查结论")) == {"豁免成立"}


@pytest.mark.skipif(bool(MISSING), reason=f"PDF tools not installed: {', '.join(MISSING)} "
                    "(Debian: apt-get install -y libreoffice-writer-nogui poppler-utils)")
def test_pdfs_embed_the_chinese_fonts_and_render(demo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import matplotlib.image as mpimg

    _, folder = demo
    for name, title in (("1-社区布局规划", "建湖县社区布局规划"),
                        ("2-社区管理和服务用房建设专项规划",
                         "建湖县社区管理和服务用房建设专项规划")):
        pdf = folder / f"{name}.pdf"
        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True,
                               check=True).stdout
        cjk = [line for line in fonts.splitlines() if "NotoSerifSC" in line
               or "NotoSansSC" in line]
        assert cjk and all(" yes " in line for line in cjk), fonts   # embedded
        text = subprocess.run(["pdftotext", "-l", "3", str(pdf), "-"], capture_output=True,
                              text=True, check=True).stdout
        assert title in re.sub(r"\s", "", text)
        assert len(re.findall(r"[\u4e00-\u9fff]", text)) > 200
        subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "3", "-l", "3", str(pdf),
                        str(tmp_path / name)], check=True)
        page = mpimg.imread(next(tmp_path.glob(f"{name}*.png")))[:, :, :3]
        ink = (page < 0.5).any(axis=2).mean()
        assert 0.005 < ink < 0.5                     # text, not a blank or a black page
        assert len(np.unique((page * 255).astype(np.uint8).reshape(-1, 3), axis=0)) > 2


def test_report_layer_in_chinese_has_no_english(demo) -> None:  # type: ignore[no-untyped-def]
    """plan.xlsx and report.html with --lang zh: headers, statuses, notes, exemption,
    parameters and the assumptions line in Chinese (the scenario's own name is data)."""
    import html

    from openpyxl import load_workbook

    plan, _ = demo
    assert main(["report", str(DEMO), str(plan), "--lang", "zh"]) == 0
    scenario = load_scenario(DEMO)
    allowed = data_words(scenario) | set(re.findall(r"[A-Za-z]+", scenario.name))
    for ws in load_workbook(plan / "plan.xlsx"):
        texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
        assert english_words(texts, allowed) == set(), ws.title
    page = (plan / "report.html").read_text(encoding="utf-8")
    page = re.sub(r"<(svg|style)\b.*?</\1>", "", page, flags=re.S)
    text = html.unescape(re.sub(r"<[^>]+>", " ", page))
    assert english_words([text], allowed) == set()
    assert "可行" in text or "最优" in text
