"""Who may do what: login, per-county workspaces (403 on every route of another
county's workspace), CSRF on every change, cookies, hashed passwords, the Host check,
and a server bound beyond the loopback refusing to start without accounts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from optimizer.web.auth import add_user
from optimizer.web.server import ServeError, serve
from tests.helpers.web import ROOT, local_client, make_app, two_county_demo

PASSWORD = "correct horse battery"


@pytest.fixture()
def app(tmp_path: Path):  # type: ignore[no-untyped-def]
    app = make_app(tmp_path / "data", login=True)
    store = app.state.service.store
    add_user(store, "jianhu", "Jianhu", PASSWORD)
    add_user(store, "other", "Dafeng", PASSWORD)
    add_user(store, "city", "*", PASSWORD)
    yield app
    app.state.service.close()


def signed_in(app: Any, name: str) -> TestClient:
    c = TestClient(app)
    r = c.post("/api/login", json={"name": name, "password": PASSWORD})
    assert r.status_code == 200, r.text
    c.headers["X-CSRF-Token"] = r.json()["csrf"]
    return c


def test_login_cookie_and_hash(app: Any) -> None:
    c = TestClient(app)
    assert c.get("/api/session").json()["login_required"] is True
    assert c.get("/api/workspaces").status_code == 401
    assert c.post("/api/login", json={"name": "jianhu", "password": "wrong"}).status_code == 401
    assert c.post("/api/login", json={"name": "nobody", "password": "x"}).status_code == 401
    r = c.post("/api/login", json={"name": "jianhu", "password": PASSWORD})
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    row = app.state.service.store.user("jianhu")
    assert row["pw_hash"].startswith("$argon2id$") and PASSWORD not in row["pw_hash"]
    c.headers["X-CSRF-Token"] = r.json()["csrf"]
    assert c.get("/api/workspaces").status_code == 200
    assert c.post("/api/logout").status_code == 200
    assert c.get("/api/workspaces").status_code == 401


def _routes(app: Any) -> list[tuple[str, str]]:
    out = []
    for r in app.routes:
        if isinstance(r, APIRoute) and "{ws}" in r.path:
            out += [(m, r.path) for m in sorted(r.methods)]
    return out


def test_other_county_gets_403_on_every_workspace_route(app: Any) -> None:
    jh = signed_in(app, "jianhu")
    ws = jh.post("/api/workspaces", json={"name": "mine", "scenario": "demo"}).json()["id"]
    plan = jh.get(f"/api/workspaces/{ws}").json()["plan"]
    cid = plan["communities"][0]["id"]
    jh.post(f"/api/workspaces/{ws}/versions", json={"label": "v"})
    other = signed_in(app, "other")
    assert other.get("/api/scenarios").json() == []          # no scenario of his county
    assert other.get("/api/workspaces").json() == []
    r = other.post("/api/workspaces", json={"name": "x", "scenario": "demo"})
    assert r.status_code == 403
    routes = _routes(app)
    assert len(routes) >= 16     # all of them, and any route added later
    for method, path in routes:
        url = path.replace("{ws}", str(ws)).replace("{cid}", cid).replace("{number}", "1")
        body = {"revision": 0, "op": {"op": "split", "community": cid}, "label": "x",
                "kind": "solve", "time_limit_s": 1}
        r = other.request(method, url, json=body if method == "POST" else None)
        assert r.status_code == 403, (method, url, r.status_code, r.text)
    # and his county's planner still sees it intact; the city bureau sees it too
    assert jh.get(f"/api/workspaces/{ws}").json()["revision"] == 0
    city = signed_in(app, "city")
    assert city.get(f"/api/workspaces/{ws}").status_code == 200
    # a job of that workspace: 403 as well
    job = app.state.service.store.add_job(ws, "solve", {}, 0, "jianhu")
    app.state.service.store.update_job(job, status="failed")
    assert other.get(f"/api/jobs/{job}").status_code == 403
    assert other.post(f"/api/jobs/{job}/cancel").status_code == 403


def test_changes_without_csrf_are_refused(app: Any) -> None:
    jh = signed_in(app, "jianhu")
    ws = jh.post("/api/workspaces", json={"name": "mine", "scenario": "demo"}).json()["id"]
    token = jh.headers.pop("X-CSRF-Token")
    changes = [(m, p) for m, p in _routes(app) if m in ("POST", "DELETE")]
    changes += [("POST", "/api/workspaces"), ("POST", "/api/scenarios"),
                ("POST", "/api/logout"), ("POST", "/api/jobs/1/cancel")]
    for bad in (None, "forged"):
        if bad:
            jh.headers["X-CSRF-Token"] = bad
        for method, path in changes:
            url = path.replace("{ws}", str(ws)).replace("{number}", "1")
            r = jh.request(method, url, json={"revision": 0})
            assert r.status_code == 403, (method, url, r.status_code)
            assert "CSRF" in r.json()["detail"]
    jh.headers["X-CSRF-Token"] = token
    assert jh.get(f"/api/workspaces/{ws}").json()["revision"] == 0


def test_edit_outside_the_county_is_refused(tmp_path: Path) -> None:
    """A county planner's workspace of a two-county scenario changes his county only."""
    app = make_app(tmp_path / "data", two_county_demo(tmp_path / "scen").parent, login=True)
    add_user(app.state.service.store, "jianhu", "Jianhu", PASSWORD)
    jh = signed_in(app, "jianhu")
    ws = jh.post("/api/workspaces", json={"name": "m", "scenario": "two"}).json()["id"]
    plan = jh.get(f"/api/workspaces/{ws}").json()["plan"]
    theirs = next(c for c in plan["communities"] if c["county"] == "Dafeng")
    r = jh.post(f"/api/workspaces/{ws}/edits", json={"revision": 0, "op": {
        "op": "split", "community": theirs["id"]}})
    assert r.status_code == 403 and "outside county Jianhu" in r.json()["detail"]
    app.state.service.close()


def test_host_header_checked_on_the_loopback(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data")
    c = local_client(app)
    assert c.get("/api/session", headers={"Host": "evil.example"}).status_code == 400
    assert c.get("/api/session", headers={"Host": "127.0.0.1:8000"}).status_code == 200
    app.state.service.close()


def test_beyond_the_loopback_needs_accounts(tmp_path: Path) -> None:
    with pytest.raises(ServeError, match="no accounts exist"):
        serve(ROOT / "scenarios", "0.0.0.0", 0, tmp_path / "data", 1, print)
    done = subprocess.run([sys.executable, "-m", "optimizer", "users", "add", "wang",
                           "--county", "Jianhu", "--password-stdin", "--data-dir",
                           str(tmp_path / "data")], input="short\n", capture_output=True,
                          text=True, cwd=ROOT)
    assert done.returncode == 1 and "at least 8" in done.stderr
    done = subprocess.run([sys.executable, "-m", "optimizer", "users", "add", "wang",
                           "--county", "Jianhu", "--password-stdin", "--data-dir",
                           str(tmp_path / "data")], input=PASSWORD + "\n",
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    listed = subprocess.run([sys.executable, "-m", "optimizer", "users", "list",
                             "--data-dir", str(tmp_path / "data")], capture_output=True,
                            text=True, cwd=ROOT)
    assert "wang\tJianhu" in listed.stdout
