"""The workbench in a real browser (Debian's chromium driven by Playwright), as a
planner uses it: open the demo, solve it from the page (progress pushed by the
server), move a compound to the neighbouring community and see households, cost and a
rule turn red, undo, select units with the box and the lasso and move them, lock a
community, optimize the rest, compare, export a plan folder the CLI checker passes and
the county filing. Takes a screenshot into the test's tmp folder; with
UPDATE_SCREENSHOT=1 it refreshes the README's docs/workbench.png (a test run must not
rewrite tracked files)."""

from __future__ import annotations

import io
import math
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest

from tests.helpers.web import CHROMIUM, CHROMIUM_ARGS, ROOT, running_server

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no chromium on this machine "
                                "(.ci/run installs Debian's chromium)")
playwright = pytest.importorskip("playwright.sync_api")
expect = playwright.expect
DEMO = ROOT / "scenarios" / "demo"
README_SHOT = ROOT / "docs" / "workbench.png"


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


Poly = list[tuple[float, float]]


def _inside(pt: tuple[float, float], poly: Poly) -> bool:
    hit = False
    for k in range(len(poly)):
        (xi, yi), (xj, yj) = poly[k], poly[k - 1]
        if (yi > pt[1]) != (yj > pt[1]) and pt[0] < (xj - xi) * (pt[1] - yi) / (yj - yi) + xi:
            hit = not hit
    return hit


def _to_outline(pt: tuple[float, float], poly: Poly) -> float:
    """Distance (pixels) from a point to the polygon's outline."""
    best = math.inf
    for k in range(len(poly)):
        (ax, ay), (bx, by) = poly[k - 1], poly[k]
        dx, dy = bx - ax, by - ay
        s = max(0.0, min(1.0, ((pt[0] - ax) * dx + (pt[1] - ay) * dy) / (dx * dx + dy * dy)))
        best = min(best, math.dist(pt, (ax + s * dx, ay + s * dy)))
    return best


def _box(x: float, y: float, r: float) -> Poly:
    return [(x - r, y - r), (x + r, y - r), (x + r, y + r), (x - r, y + r)]


def _lasso(x: float, y: float, r: float) -> Poly:
    return [(x + r * math.cos(math.pi * (k + 0.5) / 4), y + r * math.sin(math.pi * (k + 0.5) / 4))
            for k in range(8)]


def _region(page: Any, assign: list[str], locked: list[str], shape: Any) -> tuple[Poly, list[int]]:
    """A box or lasso outline (map pixels) around two or more units of one unlocked
    community: no unit's point near the outline (the page decides by the point), no
    center marker under a vertex (a marker keeps the mouse events to itself)."""
    screen = page.evaluate("""() => {
      const m = window.workbench.state.map, map = m.map, size = map.getSize();
      const px = (pt) => {
        const p = map.latLngToContainerPoint([pt[1], pt[0]]); return [p.x, p.y]; };
      const at = new Map(m.units.map((f) => [f.properties.id, f.properties.pt]));
      const centers = [...m.comms.values()].filter((c) => at.has(c.center));
      return { units: m.units.map((f) => px(f.properties.pt)), width: size.x,
               height: size.y, centers: centers.map((c) => px(at.get(c.center))) }; }""")
    units = [tuple(p) for p in screen["units"]]
    w, h = screen["width"], screen["height"]
    for x, y in units:
        if not (0.25 * w < x < 0.7 * w and 0.2 * h < y < 0.75 * h):
            continue
        for r in (25, 35, 45, 60):
            poly = shape(x, y, r)
            inside = [j for j, p in enumerate(units) if _inside(p, poly)]
            coms = {assign[j] for j in inside}
            if len(inside) < 2 or len(coms) != 1 or coms & set(locked):
                continue
            if any(_to_outline(p, poly) < 4 for p in units):
                continue
            if any(math.dist(v, c) < 10 for v in poly for c in screen["centers"]):
                continue
            return poly, inside
    raise AssertionError("no place on the map for a clean selection")


def _draw(page: Any, tool: str, poly: Poly) -> None:
    """Press, move and release with the box (two corners) or lasso (every vertex) tool."""
    origin = page.locator("#map").bounding_box()
    page.get_by_test_id(f"tool-{tool}").click()
    points = [poly[0], poly[2]] if tool == "box" else poly
    page.mouse.move(origin["x"] + points[0][0], origin["y"] + points[0][1])
    page.mouse.down()
    for x, y in points[1:]:
        page.wait_for_timeout(60)       # Leaflet's canvas passes one mousemove per 32 ms
        page.mouse.move(origin["x"] + x, origin["y"] + y)
    page.wait_for_timeout(60)
    page.mouse.up()
    page.get_by_test_id("tool-click").click()


def _select_and_move(page: Any, url: str, ws: int, tool: str, to_neighbour: bool) -> None:
    """Select units of one community with ``tool``, then move them to a new community
    or to a neighbouring one; the server's plan shows them moved."""
    request = page.context.request
    plan = request.get(f"{url}/api/workspaces/{ws}").json()["plan"]
    layers_ids = page.evaluate("window.workbench.state.map.units.map((f) => f.properties.id)")
    poly, inside = _region(page, plan["assign"], plan["locks"]["communities"],
                           _box if tool == "box" else _lasso)
    frm = plan["assign"][inside[0]]
    want = sorted(layers_ids[j] for j in inside)
    _draw(page, tool, poly)
    expect(page.get_by_test_id("selected-count")).to_contain_text(f"{len(inside)} ")
    assert sorted(page.evaluate("window.workbench.state.selected.map((u) => u.id)")) == want
    expect(page.get_by_test_id("community-id")).to_have_text(frm)
    target = ""
    if to_neighbour:
        target = request.get(f"{url}/api/workspaces/{ws}/communities/{frm}").json()[
            "neighbours"][0]
    page.get_by_test_id("move-target").select_option(target)
    rev = page.evaluate("window.workbench.state.revision")
    page.get_by_test_id("move").click()
    page.wait_for_function("(r) => window.workbench.state.revision > r", arg=rev)
    after = request.get(f"{url}/api/workspaces/{ws}").json()["plan"]["assign"]
    got = {after[j] for j in inside}
    assert len(got) == 1 and got != {frm}
    assert got == {target} if target else got.isdisjoint(plan["assign"])


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
        assert page.evaluate("window.workbench.state.jobVia") == "events"   # pushed
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
        shot = README_SHOT if os.environ.get("UPDATE_SCREENSHOT") else tmp_path / "workbench.png"
        shot.parent.mkdir(exist_ok=True)
        page.get_by_test_id("community-rows").scroll_into_view_if_needed()
        page.screenshot(path=str(shot))
        assert shot.stat().st_size > 10_000
        # 3. undo: the plan is compliant again
        page.get_by_test_id("undo").click()
        expect(page.get_by_test_id("verdict")).to_contain_text("方案合规")
        # 3b. select by box, move to a new community; by lasso, move to a neighbour;
        # then undo both: the plan is the solve's again
        _select_and_move(page, url, ws, "box", to_neighbour=False)
        _select_and_move(page, url, ws, "lasso", to_neighbour=True)
        for _ in range(2):
            rev = page.evaluate("window.workbench.state.revision")
            page.get_by_test_id("undo").click()
            page.wait_for_function("(r) => window.workbench.state.revision > r", arg=rev)
        now = context.request.get(f"{url}/api/workspaces/{ws}").json()["plan"]
        assert now["assign"] == plan["assign"]
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
        # 6b. the county filing of version 1 (the solve), from its line in the list
        with page.expect_download(timeout=300_000) as dl:
            page.get_by_test_id("filing-1").click()
        with zipfile.ZipFile(dl.value.path()) as zf:
            names = zf.namelist()
            layout = next(n for n in names if n.endswith("社区布局规划.docx"))
            text = [p.text for p in docx.Document(io.BytesIO(zf.read(layout))).paragraphs]
        assert any(n.endswith("专项规划.docx") for n in names)
        assert any("建湖县社区布局规划" in p for p in text)
        # 7. the English switch
        page.get_by_test_id("lang").click()
        expect(page.get_by_test_id("undo")).to_have_text("Undo")
        assert not errors, errors
        browser.close()
