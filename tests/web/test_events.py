"""Job progress pushed as Server-Sent Events: a real solve streamed to its end, a
stream that ends before the job (the browser reconnects), a session that ends
mid-stream, and who may listen (401, 403, 404)."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from optimizer.web import events
from optimizer.web.auth import COOKIE, _digest, add_user
from tests.helpers.web import local_client, make_app

PASSWORD = "a long password"


def parse(text: str) -> list[tuple[str, Any]]:
    """The stream's events as (name, data); comments and retry lines skipped."""
    out = []
    for block in text.split("\n\n"):
        lines = [x for x in block.split("\n") if x and not x.startswith(":")]
        name = next((x[7:] for x in lines if x.startswith("event: ")), None)
        data = "\n".join(x[6:] for x in lines if x.startswith("data: "))
        if name is not None:
            out.append((name, json.loads(data)))
    return out


def stream(c: Any, job: int) -> tuple[Any, list[tuple[str, Any]]]:
    with c.stream("GET", f"/api/jobs/{job}/events") as r:
        body = "".join(r.iter_text())
    return r, parse(body)


def after_first_event(monkeypatch: pytest.MonkeyPatch, action: Any) -> threading.Thread:
    """Run ``action`` (in a thread) once the stream has sent its first event."""
    sent = threading.Event()
    real = events.event

    def spy(name: str, data: Any) -> bytes:
        sent.set()
        return real(name, data)

    monkeypatch.setattr(events, "event", spy)
    thread = threading.Thread(target=lambda: sent.wait(60) and action())
    thread.start()
    return thread


def test_a_solve_is_streamed_to_its_end(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data")
    with local_client(app) as c:
        ws = c.post("/api/workspaces", json={"name": "d", "scenario": "demo"}).json()["id"]
        job = c.post(f"/api/workspaces/{ws}/jobs", json={"kind": "solve", "time_limit_s": 2}
                     ).json()["id"]
        r, got = stream(c, job)
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        assert r.headers["cache-control"] == "no-store"
        names = [n for n, _ in got]
        assert names[-1] == "end" and set(names[:-1]) == {"job"}
        last = got[-2][1]
        assert last == c.get(f"/api/jobs/{job}").json()          # the same view as GET
        assert last["status"] == "done" and last["version"] == 1
        assert last["progress"]["objective"] is not None
        assert got[-1][1] == {"status": "done"}
        assert c.get(f"/api/jobs/{job}/events").text.startswith("retry: ")   # ended: at once
        assert c.get("/api/jobs/999/events").status_code == 404
    app.state.service.close()


def test_long_streams_end_and_ended_sessions_hear_gone(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(events, "POLL_S", 0.05)
    monkeypatch.setattr(events, "STREAM_S", 0.3)
    app = make_app(tmp_path / "data")
    service = app.state.service
    with local_client(app) as c:
        ws = c.post("/api/workspaces", json={"name": "d", "scenario": "demo"}).json()["id"]
        job = service.store.add_job(ws, "solve", {}, 0, "local")   # no process: stays queued
        # the stream ends after STREAM_S without "end": the browser reconnects
        r, got = stream(c, job)
        assert [n for n, _ in got] == ["job"] and got[0][1]["status"] == "queued"
        # progress arrives as it is written; the job's end ends the stream
        monkeypatch.setattr(events, "STREAM_S", 30.0)
        after_first_event(monkeypatch, lambda: service.store.update_job(
            job, status="failed", message="boom"))
        r, got = stream(c, job)
        assert [n for n, _ in got] == ["job", "job", "end"]
        assert got[1][1]["message"] == "boom"
        # signed out meanwhile: "gone", and the stream ends
        job2 = service.store.add_job(ws, "solve", {}, 0, "local")
        token = c.cookies[COOKIE]
        after_first_event(monkeypatch, lambda: service.store.drop_session(_digest(token)))
        r, got = stream(c, job2)
        assert [n for n, _ in got] == ["job", "gone"]
        assert c.get(f"/api/jobs/{job2}/events").status_code == 401
    service.close()


def test_another_countys_planner_may_not_listen(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data", login=True)
    store = app.state.service.store
    add_user(store, "jianhu", "Jianhu", PASSWORD)
    add_user(store, "other", "Dafeng", PASSWORD)
    clients = {}
    for name in ("jianhu", "other"):
        c = TestClient(app)
        c.headers["X-CSRF-Token"] = c.post("/api/login", json={
            "name": name, "password": PASSWORD}).json()["csrf"]
        clients[name] = c
    ws = clients["jianhu"].post("/api/workspaces", json={"name": "m", "scenario": "demo"}
                                ).json()["id"]
    job = store.add_job(ws, "solve", {}, 0, "jianhu")
    store.update_job(job, status="failed")
    assert clients["other"].get(f"/api/jobs/{job}/events").status_code == 403
    _, got = stream(clients["jianhu"], job)
    assert [n for n, _ in got] == ["job", "end"]
    app.state.service.close()
