"""The workbench in a real browser (Debian's chromium driven by Playwright), as a
planner uses it: open the demo, solve it from the page, move a compound to the
neighbouring community and see households, cost and a rule turn red, undo, lock a
community, optimize the rest, compare, and export a plan folder the CLI checker
passes. Takes the README's screenshot (docs/workbench.png)."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.web import CHROMIUM, CHROMIUM_ARGS, ROOT, running_server

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no chromium on this machine "
                                "(.ci/run installs Debian's chromium)")
playwright = pytest.importorskip("playwright.sync_api")
expect = playwright.expect
DEMO = ROOT / "scenarios" / "demo"
SHOT = ROOT / "docs" / "workbench.png"


def _pick_move(plan: dict[str, Any], layers: dict[str, Any]) -> tuple[str, str, str]:
    """A compound (urban unit) whose move to a neighbouring community pushes that
    community above its household bound: (unit id, from, to)."""
    coms = {c["id"]: c for c in plan["communities"]}
    feats = layers["units"]["features"]
    best = None
    for f in feats:
        p = f["properties"]
        a = plan["assign"][p["i"]]
        if p["kind"] != "urban" or coms[a]["locked"]:
            continue
        for j in p["nb"]:
            b = plan["assign"][j]
            if b == a or coms[b]["kind"] != "urban":
                continue
            over = coms[b]["households"] + p["households"] - coms[b]["max_households"]
            if over > 0 and (best is None or over > best[0]):
                best = (over, p["id"], a, b)
    assert best is not None, "no compound can push a neighbour over its bound"
    return best[1], best[2], best[3]


def _click_unit(page: Any, layers: dict[str, Any], unit: str) -> None:
    f = next(f for f in layers["units"]["features"] if f["properties"]["id"] == unit)
    lon, lat = f["properties"]["pt"]
    x, y = page.evaluate("([lat, lon]) => { const m = window.workbench.state.map.map; "
                         "const p = m.latLngToContainerPoint([lat, lon]); return [p.x, p.y]; }",
                         [lat, lon])
    page.locator("#map").click(position={"x": x, "y": y})


def test_planner_session_in_the_browser(tmp_path: Path) -> None:
    with running_server(ROOT / "scenarios", tmp_path / "data") as url, \
            playwright.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 860},
                                      accept_downloads=True)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(url + "/")
        # 1. open the demo (today's communities), then solve it from the page
        page.get_by_test_id("open-demo").click()
        expect(page.get_by_test_id("verdict")).to_be_visible()
        page.get_by_test_id("time-limit").fill("3")
        page.get_by_test_id("solve").click()
        expect(page.get_by_test_id("job")).to_be_visible()
        expect(page.get_by_test_id("job-message")).to_contain_text("version 1", timeout=180_000)
        expect(page.get_by_test_id("verdict")).to_contain_text("方案合规")
        ws = int(page.url.split("ws=")[1])
        plan = context.request.get(f"{url}/api/workspaces/{ws}").json()["plan"]
        layers = context.request.get(f"{url}/api/workspaces/{ws}/map").json()
        unit, frm, to = _pick_move(plan, layers)
        before = {c["id"]: c for c in plan["communities"]}
        # 2. select the compound on the map and move it to the neighbouring community
        _click_unit(page, layers, unit)
        expect(page.get_by_test_id("selected-count")).to_contain_text("1")
        expect(page.get_by_test_id("community-id")).to_have_text(frm)
        page.get_by_test_id("move-target").select_option(to)
        page.get_by_test_id("move").click()
        expect(page.get_by_test_id("community-id")).to_have_text(to)
        hh = before[to]["households"] + next(
            f["properties"]["households"] for f in layers["units"]["features"]
            if f["properties"]["id"] == unit)
        expect(page.get_by_test_id("community-households")).to_contain_text(f"{hh:,}")
        annual = page.get_by_test_id("community-annual").text_content() or ""
        assert f"{before[to]['annual_cost_yuan']:,.0f}" not in annual
        rule = "SIZE-URBAN"
        expect(page.locator(f"[data-testid=community-rows] tr[data-rule={rule}]")) \
            .to_have_attribute("data-status", "fail")
        expect(page.get_by_test_id("verdict")).to_contain_text("方案不合规")
        SHOT.parent.mkdir(exist_ok=True)
        page.get_by_test_id("community-rows").scroll_into_view_if_needed()
        page.screenshot(path=str(SHOT))
        # 3. undo: the plan is compliant again
        page.get_by_test_id("undo").click()
        expect(page.get_by_test_id("verdict")).to_contain_text("方案合规")
        # 4. lock the compound's community, then optimize the rest around it
        _click_unit(page, layers, unit)
        expect(page.get_by_test_id("community-id")).to_have_text(frm)
        page.get_by_test_id("lock").click()
        expect(page.get_by_test_id("community")).to_contain_text("已锁定")
        page.get_by_test_id("optimize").click()
        expect(page.get_by_test_id("job-message")).to_contain_text("version 2", timeout=180_000)
        expect(page.get_by_test_id("versions").locator("li")).to_have_count(2)
        after = context.request.get(f"{url}/api/workspaces/{ws}").json()["plan"]
        assert frm in after["locks"]["communities"]
        members = [i for i, c in enumerate(plan["assign"]) if c == frm]
        assert {after["assign"][i] for i in members} == {frm}
        assert sum(1 for c in after["assign"] if c == frm) == len(members)
        # 5. compare version 1 (the solve) with the working plan
        page.get_by_test_id("compare-a").select_option("1")
        page.get_by_test_id("compare-b").select_option("working")
        page.get_by_test_id("compare").click()
        expect(page.get_by_test_id("compare-result")).to_be_visible()
        # 6. export the working plan as a plan folder; the CLI checker passes it
        with page.expect_download() as dl:
            page.get_by_test_id("export-plan").click()
        zpath = tmp_path / "export.zip"
        dl.value.save_as(zpath)
        with zipfile.ZipFile(zpath) as zf:
            zf.extractall(tmp_path / "export")
        [folder] = list((tmp_path / "export").iterdir())
        done = subprocess.run([sys.executable, "-m", "optimizer", "check", str(DEMO),
                               str(folder)], cwd=ROOT, capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "compliance PASSED" in done.stdout
        # 7. the English switch
        page.get_by_test_id("lang").click()
        expect(page.get_by_test_id("undo")).to_have_text("Undo")
        assert not errors, errors
        browser.close()
