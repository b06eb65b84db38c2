"""The county filing exported from the workbench (issue 19 step 7): a zip of one folder
per county, each with the two Word documents (opened with python-docx), the xlsx
annex, the maps and, when LibreOffice is installed, the PDFs. A county's planner gets
his county's folder only, with the documents the whole plan's filing has for it."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from optimizer.report.filing.write import FILES
from optimizer.report.maps import slug
from optimizer.report.places import county_name
from optimizer.web.auth import add_user
from tests.helpers.web import make_app, two_county_demo

PASSWORD = "a long password"
LAYOUT, ROOMS, ANNEX, MAPS = FILES["zh"]


@pytest.fixture()
def app(tmp_path: Path):  # type: ignore[no-untyped-def]
    app = make_app(tmp_path / "data", two_county_demo(tmp_path / "scen").parent, login=True)
    add_user(app.state.service.store, "jianhu", "Jianhu", PASSWORD)
    add_user(app.state.service.store, "city", "*", PASSWORD)
    yield app
    app.state.service.close()


def signed_in(app: Any, name: str) -> TestClient:
    c = TestClient(app)
    r = c.post("/api/login", json={"name": name, "password": PASSWORD})
    c.headers["X-CSRF-Token"] = r.json()["csrf"]
    return c


def folder(county: str) -> str:
    return slug(county_name(county, "zh"))


def unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def paragraphs(data: bytes) -> list[str]:
    return [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]


def test_filing_of_every_county_and_of_one(app: Any) -> None:
    city = signed_in(app, "city")
    ws = city.post("/api/workspaces", json={"name": "all", "scenario": "two"}).json()["id"]
    r = city.get(f"/api/workspaces/{ws}/export?what=filing&pdf=false")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/zip"
    assert f'filename="filing-{ws}-working.zip"' in r.headers["content-disposition"]
    files = unzip(r.content)
    top = f"filing-{ws}-working"
    for county in ("Jianhu", "Dafeng"):
        base = f"{top}/{folder(county)}"
        for name in (LAYOUT, ROOMS, ANNEX):
            assert f"{base}/{name}" in files, (base, name, sorted(files))
        assert any(n.startswith(f"{base}/{MAPS}/") and n.endswith(".png") for n in files)
        layout = paragraphs(files[f"{base}/{LAYOUT}"])
        assert any(county_name(county, "zh") + "社区布局规划" in p for p in layout)
        assert any(county_name(county, "zh") in p
                   for p in paragraphs(files[f"{base}/{ROOMS}"]))
        sheets = load_workbook(io.BytesIO(files[f"{base}/{ANNEX}"])).sheetnames
        assert sheets
    assert not any(n.endswith(".pdf") for n in files)      # pdf=false
    # one county of a workspace of every county
    only = unzip(city.get(f"/api/workspaces/{ws}/export?what=filing&pdf=false"
                          "&county=Dafeng").content)
    assert {n.split("/")[1] for n in only} == {folder("Dafeng")}
    assert city.get(f"/api/workspaces/{ws}/export?what=filing&county=Nowhere"
                    ).status_code == 404
    assert city.get(f"/api/workspaces/{ws}/export?what=filing&ref=99").status_code == 404
    assert city.get(f"/api/workspaces/{ws}/export?what=bogus").status_code == 422
    # the county planner's own workspace of the same plan: his county only, and the
    # documents the whole filing has for his county
    jh = signed_in(app, "jianhu")
    mine = jh.post("/api/workspaces", json={"name": "mine", "scenario": "two"}).json()["id"]
    assert jh.get(f"/api/workspaces/{mine}/export?what=filing&county=Dafeng"
                  ).status_code == 403
    assert jh.get(f"/api/workspaces/{ws}/export?what=filing").status_code == 403
    r = jh.get(f"/api/workspaces/{mine}/export?what=filing")
    assert r.status_code == 200, r.text
    got = unzip(r.content)
    top = f"filing-{mine}-working"
    assert {n.split("/")[1] for n in got} <= {folder("Jianhu"), "说明.txt"}
    base = f"{top}/{folder('Jianhu')}"
    assert paragraphs(got[f"{base}/{LAYOUT}"]) == \
        paragraphs(files[f"filing-{ws}-working/{folder('Jianhu')}/{LAYOUT}"])
    pdfs = sorted(n for n in got if n.endswith(".pdf"))
    if shutil.which("soffice"):
        assert [Path(n).stem for n in pdfs] == sorted(Path(n).stem for n in (LAYOUT, ROOMS))
        assert all(got[n].startswith(b"%PDF") for n in pdfs)
    else:       # no LibreOffice: no PDFs, and the zip and a header say why
        assert not pdfs and "LibreOffice" in r.headers["x-export-notes"]
        assert "LibreOffice" in got[f"{top}/说明.txt"].decode("utf-8")


def test_filing_of_an_empty_plan_is_refused(app: Any) -> None:
    city = signed_in(app, "city")
    ws = city.post("/api/workspaces", json={"name": "e", "scenario": "two",
                                            "start": "empty"}).json()["id"]
    r = city.get(f"/api/workspaces/{ws}/export?what=filing&pdf=false")
    assert r.status_code == 422 and "nothing to file" in r.json()["detail"]
