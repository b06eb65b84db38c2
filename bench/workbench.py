"""Workbench figures (issue 19): time to first map, edit latency, server memory, and a
bounded locust run of 20 simulated planners. Not a test: results go to
``bench/results/workbench.json`` and ``bench/README.md`` quotes them.

    .venv/bin/pip install -r bench/requirements.txt      # locust
    .venv/bin/python bench/workbench.py                  # county + city streets, 300 s locust
    .venv/bin/python bench/workbench.py --locust-s 60 --no-city
    .venv/bin/python bench/workbench.py --core-only      # in-process edit latency only

Cases: ``county`` (``generate county --seed 1``, about 3,000 units) and
``city-streets`` (the ``city`` preset, seed 1, cut to its urban district Tinghu: the
street set of a city district, about 5,000 units). Everything runs on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run"]


def prepare(folder: Path, city: bool) -> list[str]:
    from optimizer.synth.voronoi.generate import generate

    generate("county", 1, folder / "county")
    cases = ["county"]
    if city:
        import geopandas as gpd
        import pandas as pd

        full = folder / "_city"
        generate("city", 1, full)
        out = folder / "city-streets"
        out.mkdir()
        units = gpd.read_file(full / "units.geojson")
        units = units[units["county"] == "Tinghu"]
        units.to_file(out / "units.geojson", driver="GeoJSON")
        sites = pd.read_csv(full / "sites.csv", dtype=str, keep_default_na=False)
        sites[sites["unit_id"].isin(set(units["unit_id"]))].to_csv(out / "sites.csv",
                                                                   index=False)
        (out / "barriers.geojson").write_bytes((full / "barriers.geojson").read_bytes())
        toml = (full / "scenario.toml").read_text(encoding="utf-8")
        toml = re.sub(r'^name = ".*"$', 'name = "City preset seed 1, Tinghu district"', toml,
                      flags=re.M)
        (out / "scenario.toml").write_text(toml, encoding="utf-8")
        cases.append("city-streets")
    return cases


def start_server(scenarios: Path, data: Path) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen([sys.executable, "-m", "optimizer", "serve", str(scenarios),
                             "--port", "0", "--data-dir", str(data)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    assert proc.stdout is not None
    for _ in range(200):
        line = proc.stdout.readline()
        m = re.search(r"(http://\S+?)/\s", line + " ")
        if m:
            return proc, m.group(1)
    raise RuntimeError("the server did not start")


def rss_mb(pid: int) -> float:
    text = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+)", text).group(1)) / 1024  # type: ignore[union-attr]


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


def browser_case(url: str, case: str, edits: int, seed: int) -> dict[str, Any]:
    from playwright.sync_api import expect, sync_playwright

    rng = random.Random(seed)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        ctx = browser.new_context(viewport={"width": 1400, "height": 860})
        page = ctx.new_page()
        page.goto(url + "/")
        page.get_by_test_id(f"open-{case}").wait_for()
        ws = ctx.request.post(f"{url}/api/workspaces", headers={
            "X-CSRF-Token": ctx.request.get(f"{url}/api/session").json()["csrf"]},
            data={"name": case, "scenario": case}).json()["id"]
        t0 = time.perf_counter()
        page.goto(f"{url}/#ws={ws}")
        expect(page.get_by_test_id("verdict")).to_be_visible(timeout=120_000)
        page.locator("#map canvas").first.wait_for()
        first_map = time.perf_counter() - t0
        layers = ctx.request.get(f"{url}/api/workspaces/{ws}/map").json()
        ids = [f["properties"]["id"] for f in layers["units"]["features"]]
        nb = [f["properties"]["nb"] for f in layers["units"]["features"]]
        times: list[float] = []
        for _ in range(edits):
            assign = page.evaluate("() => window.workbench.state.plan.assign")
            while True:
                i = rng.randrange(len(ids))
                others = [j for j in nb[i] if assign[j] != assign[i]]
                if others:
                    break
            op = {"op": "move", "units": [ids[i]], "to": assign[rng.choice(others)]}
            ms = page.evaluate("async (op) => { const t = performance.now(); "
                               "await window.workbench.edit(op); "
                               "return performance.now() - t; }", op)
            times.append(ms / 1000.0)
        browser.close()
    return {"workspace": ws, "units": len(ids), "first_map_s": round(first_map, 3),
            "edit_median_s": round(statistics.median(times), 4),
            "edit_p95_s": round(pct(times, 0.95), 4), "edit_max_s": round(max(times), 4),
            "edits": len(times)}


def api_edits(url: str, ws: int, edits: int, seed: int) -> dict[str, Any]:
    import httpx

    rng = random.Random(seed)
    c = httpx.Client(base_url=url, timeout=60)
    c.headers["X-CSRF-Token"] = c.get("/api/session").json()["csrf"]
    w = c.get(f"/api/workspaces/{ws}").json()
    rev, assign = w["revision"], w["plan"]["assign"]
    layers = c.get(f"/api/workspaces/{ws}/map").json()
    ids = [f["properties"]["id"] for f in layers["units"]["features"]]
    nb = [f["properties"]["nb"] for f in layers["units"]["features"]]
    index = {u: i for i, u in enumerate(ids)}
    times = []
    for _ in range(edits):
        while True:
            i = rng.randrange(len(ids))
            others = [j for j in nb[i] if assign[j] != assign[i]]
            if others:
                break
        t = time.perf_counter()
        r = c.post(f"/api/workspaces/{ws}/edits", json={"revision": rev, "op": {
            "op": "move", "units": [ids[i]], "to": assign[rng.choice(others)]}})
        times.append(time.perf_counter() - t)
        r.raise_for_status()
        rev = r.json()["revision"]
        for u, cid in r.json()["units"].items():
            assign[index[u]] = cid
    return {"api_edit_median_s": round(statistics.median(times), 4),
            "api_edit_p95_s": round(pct(times, 0.95), 4)}


def core_edits(folder: Path, edits: int, seed: int) -> dict[str, Any]:
    """The server's share of an edit, in-process (no HTTP, no browser): re-pricing and
    incremental re-check of the touched communities (``Workbench.edit``), then the
    response's views (plan-wide lines and totals); and one full ``optimizer.check`` of
    the plan, what the incremental check saves."""
    import optimizer
    from optimizer.scenario.load import load_scenario
    from optimizer.web.views import change_view
    from optimizer.workbench import EditError, Workbench, state_today

    s = load_scenario(folder)
    wb = Workbench(s, state_today(s))
    wb.pricer.warm()
    rng = random.Random(seed)
    edit_t: list[float] = []
    view_t: list[float] = []
    while len(edit_t) < edits:
        i = rng.randrange(s.n_units)
        a = wb.state.assign[i]
        others = [int(j) for j in s.neighbours[i] if wb.state.assign[int(j)] != a]
        if not others:
            continue
        op = {"op": "move", "units": [s.unit_ids[i]], "to": wb.state.assign[rng.choice(others)]}
        t0 = time.perf_counter()
        try:
            change = wb.edit(op)
        except EditError:
            continue
        t1 = time.perf_counter()
        change_view(wb, change)
        edit_t.append(t1 - t0)
        view_t.append(time.perf_counter() - t1)
    t0 = time.perf_counter()
    optimizer.check(s, wb.plan())
    full = time.perf_counter() - t0
    total = [a + b for a, b in zip(edit_t, view_t, strict=True)]
    return {"units": s.n_units, "edits": len(edit_t),
            "core_edit_median_s": round(statistics.median(edit_t), 4),
            "core_edit_p95_s": round(pct(edit_t, 0.95), 4),
            "core_view_median_s": round(statistics.median(view_t), 4),
            "core_total_median_s": round(statistics.median(total), 4),
            "core_total_p95_s": round(pct(total, 0.95), 4),
            "full_check_s": round(full, 3)}


def locust_run(url: str, scenario: str, users: int, seconds: int, out: Path) -> dict[str, Any]:
    wsfile = out / "locust-workspaces.txt"
    cmd = [sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "workbench_locust.py"),
           "--headless", "-u", str(users), "-r", "5", "-t", f"{seconds}s", "--host", url,
           "--csv", str(out / "locust"), "--only-summary", "--stop-timeout", "10"]
    env = {**os.environ, "WORKBENCH_SCENARIO": scenario,
           "WORKBENCH_WORKSPACES_FILE": str(wsfile)}
    subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True,
                   timeout=seconds + 120)
    import csv

    with open(out / "locust_stats.csv", encoding="utf-8") as fh:
        rows = {r["Name"]: r for r in csv.DictReader(fh)}
    agg = rows["Aggregated"]
    edits = rows.get("/api/workspaces/{ws}/edits", {})
    return {"users": users, "seconds": seconds, "requests": int(agg["Request Count"]),
            "failures": int(agg["Failure Count"]), "p95_ms": float(agg["95%"]),
            "median_ms": float(agg["50%"]), "edits": int(edits.get("Request Count", 0)),
            "edit_p95_ms": float(edits.get("95%", 0) or 0),
            "workspaces": [int(x) for x in wsfile.read_text().split()]}


def replay_matches(url: str, data: Path, scenarios: Path, workspaces: list[int]) -> int:
    """Replay each workspace's journal from the database; count those whose replay is
    not the plan the server holds (must be 0)."""
    import httpx

    from optimizer.scenario.load import load_scenario
    from optimizer.web.store import Store
    from optimizer.workbench import Delta, PlanState

    store = Store(data / "workbench.sqlite3")
    c = httpx.Client(base_url=url, timeout=60)
    c.get("/api/session")
    bad = 0
    cache: dict[str, Any] = {}
    for ws in workspaces:
        row = store.workspace(ws)
        assert row is not None
        s = cache.setdefault(row.scenario, load_scenario(scenarios / row.scenario))
        state = PlanState.from_snapshot(s, store.base(ws))
        for r in store.journal(ws)[:row.cursor]:
            state.apply(Delta.from_json(json.loads(r["delta"])))
        served = c.get(f"/api/workspaces/{ws}").json()
        bad += int(served["plan"]["assign"] != state.assign or served["revision"] != row.revision)
    return bad


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--edits", type=int, default=100)
    ap.add_argument("--users", type=int, default=20)
    ap.add_argument("--locust-s", type=int, default=300)
    ap.add_argument("--no-city", action="store_true")
    ap.add_argument("--core-only", action="store_true",
                    help="only the in-process edit latency (no server, browser, locust)")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "workbench.json"))
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="workbench-bench-"))
    scenarios, data = tmp / "scenarios", tmp / "data"
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                            capture_output=True, text=True).stdout.strip()
    result: dict[str, Any] = {"commit": commit, "cpus": os.cpu_count(),
                              "loadavg_start": [round(x, 2) for x in os.getloadavg()],
                              "cases": {}}
    cases = prepare(scenarios, not args.no_city and not args.core_only)
    if args.core_only:
        for k, case in enumerate(cases):
            result["cases"][case] = core_edits(scenarios / case, args.edits, 100 + k)
            print(case, json.dumps(result["cases"][case]), flush=True)
        return _write(result, Path(args.out))
    proc, url = start_server(scenarios, data)
    try:
        result["rss_idle_mb"] = round(rss_mb(proc.pid), 1)
        for k, case in enumerate(cases):
            r = browser_case(url, case, args.edits, k)
            r.update(api_edits(url, r["workspace"], args.edits, 100 + k))
            r.update(core_edits(scenarios / case, args.edits, 100 + k))
            r["server_rss_mb"] = round(rss_mb(proc.pid), 1)
            result["cases"][case] = r
            print(case, json.dumps(r), flush=True)
        if args.locust_s > 0:
            lo = locust_run(url, "county", args.users, args.locust_s, tmp)
            lo["replay_mismatches"] = replay_matches(url, data, scenarios, lo["workspaces"])
            lo["server_rss_mb"] = round(rss_mb(proc.pid), 1)
            lo["workspaces"] = len(lo["workspaces"])
            result["locust"] = lo
            print("locust", json.dumps(lo), flush=True)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return _write(result, Path(args.out))


def _write(result: dict[str, Any], out: Path) -> int:
    result["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"written to {out}")
    return 0 if not result.get("locust") or (result["locust"]["failures"] == 0 and
                                             result["locust"]["replay_mismatches"] == 0) else 1


if __name__ == "__main__":
    sys.exit(main())
