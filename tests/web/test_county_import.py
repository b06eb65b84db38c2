"""A county planner imports an assignment CSV of his county alone: it becomes a version
in which the other county keeps the working plan's communities; unknown units,
duplicates and units of the other county are refused, each named."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from optimizer.web.auth import add_user
from tests.helpers.web import make_app, two_county_demo

PASSWORD = "a long password"


@pytest.fixture()
def planner(tmp_path: Path):  # type: ignore[no-untyped-def]
    app = make_app(tmp_path / "data", two_county_demo(tmp_path / "scen").parent, login=True)
    add_user(app.state.service.store, "jianhu", "Jianhu", PASSWORD)
    with TestClient(app) as c:
        r = c.post("/api/login", json={"name": "jianhu", "password": PASSWORD})
        c.headers["X-CSRF-Token"] = r.json()["csrf"]
        yield c
    app.state.service.close()


def post_csv(c: Any, ws: int, text: str) -> Any:
    return c.post(f"/api/workspaces/{ws}/import", data={"kind": "csv"},
                  files={"file": ("county.csv", text.encode("utf-8"))})


def test_county_csv_import(planner: Any) -> None:
    c = planner
    ws = c.post("/api/workspaces", json={"name": "m", "scenario": "two"}).json()["id"]
    plan = c.get(f"/api/workspaces/{ws}").json()["plan"]
    units = c.get(f"/api/workspaces/{ws}/map").json()["units"]["features"]
    county = {f["properties"]["id"]: f["properties"]["county"] for f in units}
    ids = [f["properties"]["id"] for f in units]
    mine = [(u, a) for u, a in zip(ids, plan["assign"], strict=True) if county[u] == "Jianhu"]
    theirs = [u for u in ids if county[u] == "Dafeng"]
    # today's Jianhu communities under the other tool's ids
    text = "unit_id,community_id\n" + "".join(f"{u},T-{a}\n" for u, a in mine)
    r = post_csv(c, ws, text)
    assert r.status_code == 200, r.text
    number = r.json()["number"]
    r = c.post(f"/api/workspaces/{ws}/versions/{number}/open", json={"revision": 0})
    assert r.status_code == 200, r.text
    after = c.get(f"/api/workspaces/{ws}").json()["plan"]
    at = dict(zip(ids, after["assign"], strict=True))
    before = dict(zip(ids, plan["assign"], strict=True))
    assert all(at[u] == f"T-{a}" for u, a in mine)
    assert all(at[u] == before[u] for u in theirs)           # Dafeng untouched
    was = {x["id"]: x for x in plan["communities"] if x["county"] == "Dafeng"}
    got = {x["id"]: x for x in after["communities"] if x["county"] == "Dafeng"}
    assert got == was
    # refused, each problem named, nothing saved
    versions = len(c.get(f"/api/workspaces/{ws}/versions").json())
    bad = text + f"{theirs[0]},T-x\nNO-SUCH-UNIT,T-x\n"
    r = post_csv(c, ws, bad)
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert f"unit {theirs[0]} lies in county Dafeng, outside county Jianhu" in detail
    assert "unit NO-SUCH-UNIT is not in the scenario" in detail
    r = post_csv(c, ws, text + f"{mine[0][0]},T-y\n")
    assert r.status_code == 422 and f"unit {mine[0][0]} appears twice" in r.json()["detail"]
    r = post_csv(c, ws, "unit_id,community_id\n" + "".join(f"{u},T-{a}\n" for u, a in mine[1:]))
    assert r.status_code == 422
    assert f"1 units of county Jianhu are not assigned: {mine[0][0]}" in r.json()["detail"]
    assert len(c.get(f"/api/workspaces/{ws}/versions").json()) == versions
