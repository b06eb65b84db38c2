"""Helpers of the workbench tests: a real server on a free port, the browser's flags."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.helpers.paths import ROOT

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium"
                                        if Path("/usr/bin/chromium").exists() else None)
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


@contextmanager
def running_server(scenarios: Path, data_dir: Path, *extra: str) -> Iterator[str]:
    """``python -m optimizer serve`` on a free port; yields its address."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "optimizer", "serve", str(scenarios),
                             "--port", "0", "--data-dir", str(data_dir), *extra],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, env=env)
    try:
        assert proc.stdout is not None
        deadline = time.time() + 60
        line = ""
        while time.time() < deadline:
            line = proc.stdout.readline()
            m = re.search(r"(http://\S+?)/\s", line + " ")
            if m:
                yield m.group(1)
                break
            if not line and proc.poll() is not None:
                raise AssertionError(f"the server did not start (exit {proc.returncode})")
        else:
            raise AssertionError(f"the server printed no address in 60 s: {line!r}")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def make_app(data_dir: Path, scenarios: Path | None = None, *, login: bool = False):  # type: ignore[no-untyped-def]
    """The workbench app in-process (for TestClient)."""
    from optimizer.web.app import Config, create_app

    return create_app(Config(data_dir=data_dir, scenarios_dir=scenarios or ROOT / "scenarios",
                             login_required=login))


def local_client(app):  # type: ignore[no-untyped-def]
    """A TestClient with the local session opened and its CSRF token set."""
    from fastapi.testclient import TestClient

    client = TestClient(app)
    csrf = client.get("/api/session").json()["csrf"]
    client.headers["X-CSRF-Token"] = csrf
    return client


def zip_bytes(files: dict[str, bytes]) -> bytes:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return buf.getvalue()


def two_county_demo(root: Path, name: str = "two") -> Path:
    """A copy of the demo under ``root/name`` whose Huaqing Street lies in a second
    county, Dafeng (7 units): a scenario with two counties for the per-county tests."""
    import shutil

    folder = root / name
    shutil.copytree(ROOT / "scenarios" / "demo", folder)
    path = folder / "units.geojson"
    text = re.sub(r'"county": "Jianhu", "street": "Huaqing Street"',
                  '"county": "Dafeng", "street": "Huaqing Street"',
                  path.read_text(encoding="utf-8"))
    path.write_text(text, encoding="utf-8")
    return folder
