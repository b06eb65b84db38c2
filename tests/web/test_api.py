"""Every endpoint of the workbench API, with good and bad input: malformed JSON, unknown
ids, stale revisions, oversized and malicious uploads (zip-slip, zip bomb, too many
files), and a restart that rebuilds the working plan from the journal."""

from __future__ import annotations

import io
import os
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest

from optimizer.web.service import Service
from tests.helpers.web import ROOT, local_client, make_app, two_county_demo, zip_bytes

DEMO = ROOT / "scenarios" / "demo"


@pytest.fixture()
def client(tmp_path: Path):  # type: ignore[no-untyped-def]
    app = make_app(tmp_path / "data")
    with local_client(app) as c:
        yield c
    app.state.service.close()


def workspace(c: Any) -> tuple[int, dict[str, Any]]:
    w = c.post("/api/workspaces", json={"name": "demo", "scenario": "demo"}).json()
    return w["id"], c.get(f"/api/workspaces/{w['id']}").json()


def a_move(plan: dict[str, Any], c: Any, ws: int) -> dict[str, Any]:
    cid = plan["communities"][0]["id"]
    d = c.get(f"/api/workspaces/{ws}/communities/{cid}").json()
    return {"op": "move", "units": [d["units"][0]], "to": d["neighbours"][0]}


def test_session_scenarios_workspace_plan_and_map(client: Any) -> None:
    s = client.get("/api/session")
    assert s.status_code == 200 and s.json()["user"] == "local"
    scen = client.get("/api/scenarios").json()
    assert [x["key"] for x in scen] == ["demo"] and scen[0]["n_units"] == 302
    ws, w = workspace(client)
    assert w["plan"]["has_plan"] and len(w["plan"]["assign"]) == 302
    assert w["plan"]["counts"]["fail"] > 0          # today's rooms fall short
    assert client.get("/api/workspaces").json()[0]["id"] == ws
    m = client.get(f"/api/workspaces/{ws}/map").json()
    assert len(m["units"]["features"]) == 302 and m["barriers"]["features"]
    lon, lat = m["units"]["features"][0]["properties"]["pt"]
    assert 100 < lon < 130 and 20 < lat < 45        # Jiangsu, in lon/lat
    cid = w["plan"]["communities"][0]["id"]
    d = client.get(f"/api/workspaces/{ws}/communities/{cid}").json()
    assert d["rows"] and d["options"] and d["neighbours"]
    assert client.get(f"/api/workspaces/{ws}/communities/nope").status_code == 404
    assert client.get("/api/workspaces/999").status_code == 404
    empty = client.post("/api/workspaces", json={"name": "e", "scenario": "demo",
                                                 "start": "empty"}).json()
    e = client.get(f"/api/workspaces/{empty['id']}").json()
    assert not e["plan"]["has_plan"]
    r = client.post(f"/api/workspaces/{empty['id']}/edits",
                    json={"revision": 0, "op": {"op": "split", "community": "x"}})
    assert r.status_code == 422 and "no plan" in r.json()["detail"]


def test_bad_requests(client: Any) -> None:
    ws, w = workspace(client)
    bad = client.post("/api/workspaces", content=b"{not json",
                      headers={"Content-Type": "application/json"})
    assert bad.status_code == 422
    assert client.post("/api/workspaces", json={"name": "x", "scenario": "nope"}
                       ).status_code == 404
    assert client.post("/api/workspaces", json={"name": "x", "scenario": "demo",
                                                "extra": 1}).status_code == 422
    url = f"/api/workspaces/{ws}/edits"
    assert client.post(url, json={"revision": 0, "op": {"op": "paint"}}).status_code == 422
    r = client.post(url, json={"revision": 0, "op": {"op": "move", "units": ["nope"]}})
    assert r.status_code == 422 and "no such unit" in r.json()["detail"]
    r = client.post(url, json={"revision": -1, "op": {"op": "move", "units": ["x"]}})
    assert r.status_code == 422
    assert client.get(f"/api/workspaces/{ws}/compare?a=../x").status_code == 422
    assert client.get(f"/api/workspaces/{ws}/export?ref=7").status_code == 404
    assert client.post(f"/api/workspaces/{ws}/versions/9/open",
                       json={"revision": 0}).status_code == 404
    assert client.get("/api/jobs/77").status_code == 404
    huge = b'{"revision": 0, "op": {"op": "move", "units": ["' + b"x" * (3 * 2**20) + b'"]}}'
    r = client.post(url, content=huge, headers={"Content-Type": "application/json"})
    assert r.status_code == 413


def test_edits_undo_redo_conflict_journal(client: Any) -> None:
    ws, w = workspace(client)
    url = f"/api/workspaces/{ws}"
    op = a_move(w["plan"], client, ws)
    r = client.post(f"{url}/edits", json={"revision": 0, "op": op})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["revision"] == 1 and body["units"] == {op["units"][0]: op["to"]}
    assert {c["id"] for c in body["communities"]} >= {op["to"]}
    # a second tab still on revision 0 is refused, nothing lost
    stale = client.post(f"{url}/edits", json={"revision": 0, "op": op})
    assert stale.status_code == 409
    assert "another tab" in stale.json()["detail"] and stale.json()["revision"] == 1
    assert client.post(f"{url}/undo", json={"revision": 1}).json()["revision"] == 2
    r = client.post(f"{url}/redo", json={"revision": 2})
    assert r.status_code == 200 and r.json()["units"] == {op["units"][0]: op["to"]}
    nothing = client.post(f"{url}/redo", json={"revision": 3})
    assert nothing.status_code == 422 and "nothing to redo" in nothing.json()["detail"]
    j = client.get(f"{url}/journal").json()
    assert j["cursor"] == 1 and j["entries"][0]["op"]["op"] == "move"
    # lock, then an edit of the locked community is refused with the reason
    cid = w["plan"]["communities"][0]["id"]
    assert client.post(f"{url}/edits", json={"revision": 3, "op": {
        "op": "lock", "communities": [cid]}}).status_code == 200
    d = client.get(f"{url}/communities/{cid}").json()
    r = client.post(f"{url}/edits", json={"revision": 4, "op": {
        "op": "move", "units": [d["units"][0]], "to": None}})
    assert r.status_code == 422 and "locked" in r.json()["detail"]
    for op2 in ({"op": "split", "community": d["neighbours"][0]},
                {"op": "merge", "a": d["neighbours"][0], "b": d["neighbours"][-1]},
                {"op": "center", "community": d["neighbours"][0], "unit": "nope"}):
        r = client.post(f"{url}/edits", json={"revision": client.get(url).json()["revision"],
                                              "op": op2})
        assert r.status_code in (200, 422), r.text


def test_versions_compare_export_import(client: Any, tmp_path: Path) -> None:
    ws, w = workspace(client)
    url = f"/api/workspaces/{ws}"
    n = client.post(f"{url}/versions", json={"label": "today as it is"}).json()["number"]
    assert n == 1
    client.post(f"{url}/edits", json={"revision": 0, "op": a_move(w["plan"], client, ws)})
    vs = client.get(f"{url}/versions").json()
    assert vs[0]["label"] == "today as it is" and vs[0]["summary"]["n_units"] == 302
    cmp = client.get(f"{url}/compare?a=1&b=working").json()
    assert cmp["units_moved"] == 1 and cmp["changes"]
    assert client.get(f"{url}/compare?a=today&b=1").json()["units_moved"] == 0
    r = client.post(f"{url}/versions/1/open", json={"revision": 1})
    assert r.status_code == 200 and r.json()["revision"] == 2
    z = client.get(f"{url}/export?ref=working")
    assert z.status_code == 200 and z.headers["content-type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(z.content)).namelist()
    assert {n.split("/")[-1] for n in names} >= {"assignment.csv", "communities.csv",
                                                 "communities.geojson", "summary.json",
                                                 "compliance.csv"}
    # the exported folder comes back in as a version; so does an assignment CSV
    r = client.post(f"{url}/import", files={"file": ("p.zip", z.content)},
                    data={"kind": "plan"})
    assert r.status_code == 200 and r.json()["number"] == 2
    csv = "unit_id,community_id\n" + "\n".join(
        f"{f['properties']['id']},{c}" for f, c in zip(
            client.get(f"{url}/map").json()["units"]["features"],
            client.get(url).json()["plan"]["assign"], strict=True))
    r = client.post(f"{url}/import", files={"file": ("a.csv", csv.encode())},
                    data={"kind": "csv"})
    assert r.status_code == 200 and r.json()["number"] == 3
    r = client.post(f"{url}/import", files={"file": ("a.csv", b"unit_id,community_id\nx,y\n")},
                    data={"kind": "csv"})
    assert r.status_code == 422 and "not in the scenario" in r.json()["detail"]
    r = client.post(f"{url}/import", files={"file": ("p.zip", b"not a zip")},
                    data={"kind": "plan"})
    assert r.status_code == 400
    r = client.post(f"{url}/import", files={"file": ("p.zip", zip_bytes({"x.txt": b"1"}))},
                    data={"kind": "plan"})
    assert r.status_code == 422 and "missing file" in r.json()["detail"] + str(r.json())


def test_export_reports(client: Any) -> None:
    ws, _ = workspace(client)
    z = client.get(f"/api/workspaces/{ws}/export?what=reports&lang=en")
    assert z.status_code == 200
    names = {n.split("/")[-1] for n in zipfile.ZipFile(io.BytesIO(z.content)).namelist()}
    assert {"plan.xlsx", "report.html", "plan.gpkg"} <= names


def test_scenario_uploads(client: Any, tmp_path: Path) -> None:
    files = {p.name: p.read_bytes() for p in DEMO.iterdir()}
    r = client.post("/api/scenarios", files={"file": ("demo.zip", zip_bytes(
        {f"demo/{k}": v for k, v in files.items()}))})
    assert r.status_code == 200, r.text
    key = r.json()["key"]
    assert r.json()["n_units"] == 302
    assert key in {s["key"] for s in client.get("/api/scenarios").json()}
    assert client.post("/api/workspaces", json={"name": "u", "scenario": key}).status_code == 200
    # a GeoPackage of units alone
    import geopandas as gpd

    gpkg = tmp_path / "units.gpkg"
    gpd.read_file(DEMO / "units.geojson").to_file(gpkg, layer="units", driver="GPKG")
    r = client.post("/api/scenarios", files={"file": ("u.gpkg", gpkg.read_bytes())})
    assert r.status_code == 200, r.text
    assert r.json()["n_units"] == 302


@pytest.mark.parametrize("name,data,why", [
    ("slip", {"../evil/scenario.toml": b"x"}, "unsafe path"),
    ("abs", {"/etc/scenario.toml": b"x"}, "unsafe path"),
    ("many", {f"f{i}.txt": b"x" for i in range(100)}, "at most"),
    ("bomb", {"units.geojson": b"\0" * (40 * 2**20), "scenario.toml": b"x"}, "zip bomb"),
    ("toml", {"scenario.toml": b'[data]\nunits = "../../etc/passwd"\n'}, "name a file"),
    ("none", {"readme.txt": b"x"}, "no scenario.toml"),
    ("bad", None, "not a zip"),
])
def test_malicious_uploads_are_refused(client: Any, name: str, data: Any, why: str,
                                       tmp_path: Path) -> None:
    payload = zip_bytes(data) if data is not None else b"PK\x03\x04garbage"
    r = client.post("/api/scenarios", files={"file": (f"{name}.zip", payload)})
    assert r.status_code == 400, r.text
    assert why in r.json()["detail"]
    uploads = tmp_path / "data" / "uploads"
    assert not uploads.exists() or not any(uploads.iterdir())
    assert not (tmp_path / "evil").exists()


def test_oversized_upload_is_refused(client: Any) -> None:
    big = b"0" * (65 * 2**20)
    r = client.post("/api/scenarios", files={"file": ("big.zip", big)})
    assert r.status_code == 413


def _wait(c: Any, job: int, timeout: float = 180) -> dict[str, Any]:
    deadline = time.time() + timeout
    while time.time() < deadline:
        j = c.get(f"/api/jobs/{job}").json()
        if j["status"] not in ("queued", "running"):
            return j  # type: ignore[no-any-return]
        time.sleep(0.5)
    raise AssertionError("the job did not end")


def test_jobs_solve_cancel_and_restart(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data")
    with local_client(app) as c:
        ws, _ = workspace(c)
        url = f"/api/workspaces/{ws}"
        r = c.post(f"{url}/jobs", json={"kind": "solve", "time_limit_s": 2})
        assert r.status_code == 200 and r.json()["status"] in ("queued", "running")
        again = c.post(f"{url}/jobs", json={"kind": "solve", "time_limit_s": 2})
        assert again.status_code == 422 and "still running" in again.json()["detail"]
        j = _wait(c, r.json()["id"])
        assert j["status"] == "done" and j["version"] == 1 and "opened" in j["message"]
        plan = c.get(url).json()["plan"]
        assert plan["passed"] and plan["meta"]["source"] == "solve"
        assert plan["summary"]["bound"] is not None
        assert c.post(f"/api/jobs/{j['id']}/cancel").status_code == 409
        # cancel a long solve: it stops early and still gives a version
        r = c.post(f"{url}/jobs", json={"kind": "solve", "time_limit_s": 600})
        time.sleep(3)
        assert c.post(f"/api/jobs/{r.json()['id']}/cancel").status_code == 200
        j = _wait(c, r.json()["id"], 120)
        assert j["status"] in ("cancelled", "failed"), j
        if j["status"] == "cancelled":
            assert j["version"] == 2
        rev = c.get(url).json()["revision"]
        c.post(f"{url}/edits", json={"revision": rev, "op": a_move(plan, c, ws)})
        before = c.get(url).json()
    app.state.service.close()
    # a job left running by a stopped server is marked interrupted at the next start
    svc = Service(tmp_path / "data", ROOT / "scenarios")
    job = svc.store.add_job(ws, "solve", {"time_limit_s": 1, "workers": 1}, 0, "local")
    svc.store.update_job(job, status="running")
    app2 = make_app(tmp_path / "data")
    with local_client(app2) as c2:
        assert c2.get(f"/api/jobs/{job}").json()["status"] == "interrupted"
        after = c2.get(f"/api/workspaces/{ws}").json()
        assert after["revision"] == before["revision"]
        assert after["plan"]["assign"] == before["plan"]["assign"]
        assert after["plan"]["summary"] == before["plan"]["summary"]
        assert c2.delete(f"/api/workspaces/{ws}").json() == {"ok": True}
        assert c2.get(f"/api/workspaces/{ws}").status_code == 404
    app2.state.service.close()


def test_a_killed_server_loses_nothing_committed(tmp_path: Path) -> None:
    """kill -9 after a run of edits: the restarted server has every committed edit."""
    import signal

    import httpx

    from tests.helpers.web import running_server

    data = tmp_path / "data"
    with running_server(ROOT / "scenarios", data) as url:
        c = httpx.Client(base_url=url, timeout=60)
        c.headers["X-CSRF-Token"] = c.get("/api/session").json()["csrf"]
        ws = c.post("/api/workspaces", json={"name": "d", "scenario": "demo"}).json()["id"]
        plan = c.get(f"/api/workspaces/{ws}").json()["plan"]
        rev = 0
        for k in range(5):
            cid = plan["communities"][k]["id"]
            d = c.get(f"/api/workspaces/{ws}/communities/{cid}").json()
            r = c.post(f"/api/workspaces/{ws}/edits", json={"revision": rev, "op": {
                "op": "move", "units": [d["units"][0]], "to": None}})
            assert r.status_code == 200, r.text
            rev = r.json()["revision"]
        rev = c.post(f"/api/workspaces/{ws}/undo", json={"revision": rev}).json()["revision"]
        before = c.get(f"/api/workspaces/{ws}").json()
        pid = int((data / "server.lock").read_text())
        os.kill(pid, signal.SIGKILL)
    with running_server(ROOT / "scenarios", data) as url:
        c = httpx.Client(base_url=url, timeout=60)
        c.get("/api/session")
        after = c.get(f"/api/workspaces/{ws}").json()
        assert after["revision"] == before["revision"] == rev
        assert after["plan"]["assign"] == before["plan"]["assign"]
        assert after["plan"]["can_redo"] and after["plan"]["can_undo"]


def test_county_workspace_solves_its_county_only(tmp_path: Path) -> None:
    """In a two-county scenario a county planner's solve re-plans his county and leaves
    the other county's communities as they were."""
    from optimizer.web.auth import add_user

    app = make_app(tmp_path / "data", two_county_demo(tmp_path / "scen").parent, login=True)
    add_user(app.state.service.store, "jianhu", "Jianhu", "a long password")
    from fastapi.testclient import TestClient

    with TestClient(app) as c:
        csrf = c.post("/api/login", json={"name": "jianhu", "password": "a long password"}
                      ).json()["csrf"]
        c.headers["X-CSRF-Token"] = csrf
        ws = c.post("/api/workspaces", json={"name": "m", "scenario": "two"}).json()["id"]
        before = c.get(f"/api/workspaces/{ws}").json()["plan"]
        theirs = {x["id"]: x for x in before["communities"] if x["county"] == "Dafeng"}
        job = c.post(f"/api/workspaces/{ws}/jobs", json={"kind": "solve", "time_limit_s": 2})
        assert job.status_code == 200, job.text
        j = _wait(c, job.json()["id"])
        assert j["status"] == "done", j
        after = c.get(f"/api/workspaces/{ws}").json()["plan"]
        got = {x["id"]: x for x in after["communities"] if x["county"] == "Dafeng"}
        assert got == theirs                     # untouched, ids and numbers
        mine = [x for x in after["communities"] if x["county"] == "Jianhu"]
        assert mine and all(x["status"] != "fail" for x in mine)
        assert after["summary"]["bound"] is None  # a county's bound is not the plan's
    app.state.service.close()
