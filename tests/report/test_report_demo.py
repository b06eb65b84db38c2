"""The CLI on the shipped demo (solved once, 5 s): solve --report, report in both
languages, compare against today's communities, and report.html in headless Chromium.

Chromium is the Debian package ``chromium`` (apt-get install -y chromium); without a
binary the browser test is skipped with the reason.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from openpyxl import load_workbook

from optimizer.cli.main import main
from tests.helpers.paths import DEMO

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


@pytest.fixture(scope="module")
def demo_plan(tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    out = tmp_path_factory.mktemp("demo") / "plan"
    code = main(["solve", str(DEMO), "--out", str(out), "--time-limit", "5", "--workers", "1",
                 "--quiet", "--report", "--lang", "en"])
    assert code in (0, 1)
    assert (out / "report.html").is_file()
    return out


def test_solve_report_then_report_in_chinese(demo_plan: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    en = load_workbook(demo_plan / "plan.xlsx").sheetnames
    assert en[:2] == ["Layout plan", "Service rooms"]
    assert main(["report", str(DEMO), str(demo_plan)]) == 0
    zh = load_workbook(demo_plan / "plan.xlsx").sheetnames
    assert zh[:2] == ["社区布局规划", "社区用房专项规划"]
    assert "xlsx" in capsys.readouterr().out
    maps = sorted(p.name for p in (demo_plan / "maps").glob("*.svg"))
    assert maps[0].startswith("overview-") and len(maps) >= 2


def test_compare_against_today(demo_plan: Path, tmp_path: Path,
                               capsys: pytest.CaptureFixture[str]) -> None:
    csv = tmp_path / "diff.csv"
    png = tmp_path / "diff.png"
    assert main(["compare", str(DEMO), "current", str(demo_plan), "--csv", str(csv),
                 "--map", str(png)]) == 0
    out = capsys.readouterr().out
    assert "households reassigned" in out
    assert csv.stat().st_size > 200 and png.stat().st_size > 20_000
    assert main(["compare", str(DEMO), str(demo_plan), str(demo_plan)]) == 0
    assert "units moved 0 of" in capsys.readouterr().out


def _browser() -> str | None:
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


def test_report_renders_in_headless_chromium(demo_plan: Path, tmp_path: Path) -> None:
    import matplotlib.image as mpimg

    browser = _browser()
    if browser is None:
        pytest.skip("no chromium binary found (Debian: apt-get install -y chromium)")
    shot = tmp_path / "shot.png"
    proc = subprocess.run(
        [browser, "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
         "--no-first-run", "--disable-extensions", f"--user-data-dir={tmp_path / 'profile'}",
         "--enable-logging=stderr", "--v=0", "--window-size=1280,2000",
         f"--screenshot={shot}", (demo_plan / "report.html").as_uri()],
        capture_output=True, text=True, timeout=120, check=False)
    assert shot.is_file(), proc.stderr[-2000:]
    console = [line for line in proc.stderr.splitlines() if ":CONSOLE" in line]
    assert console == [], console
    img = mpimg.imread(shot)[::2, ::2, :3]
    ink = (img < 0.9).any(axis=2).mean()
    colours = len(np.unique((img.reshape(-1, 3) * 255).astype(np.uint8), axis=0))
    assert ink > 0.05 and colours > 50, (ink, colours)
