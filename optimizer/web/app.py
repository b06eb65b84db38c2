"""The workbench's web application (FastAPI): sessions, scenarios, and the page.

``create_app(config)`` builds it; :mod:`optimizer.web.routes` holds the workspace
API. Every error is JSON with a ``detail`` in the planner's words: 400 bad upload,
401 not signed in, 403 another county's workspace or no CSRF token, 404 unknown id,
409 a stale revision, 413 too large, 422 an edit or file that cannot apply.
"""

from __future__ import annotations

import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, File, HTTPException, Request, UploadFile
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.trustedhost import TrustedHostMiddleware

from optimizer.errors import OptimizerError
from optimizer.web import routes
from optimizer.web.auth import ALL, COOKIE, LOCAL_USER, Session, login, new_session, session_of
from optimizer.web.models import Login
from optimizer.web.security import (
    BodyLimit,
    changing_session,
    current_session,
    problems_detail,
)
from optimizer.web.service import Forbidden, NotFound, Service
from optimizer.web.store import Conflict
from optimizer.web.uploads import SCENARIO_FILES, UploadError, read_zip
from optimizer.workbench import EditError

STATIC = Path(__file__).parent / "static"
LOOPBACK = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True)
class Config:
    data_dir: Path
    scenarios_dir: Path | None
    host: str = "127.0.0.1"
    port: int = 8000
    login_required: bool = False       # always when bound beyond the loopback
    workers: int = 1                   # solver threads per job


def create_app(config: Config, service: Service | None = None) -> FastAPI:
    service = service or Service(config.data_dir, config.scenarios_dir, config.workers)
    app = FastAPI(title="community-optimizer workbench", version="0.1.0",
                  description="The planner's workbench: shape a community plan with cost "
                              "and compliance live (issue 19).")
    app.state.service = service
    app.state.config = config
    if not config.login_required and config.host in LOOPBACK:
        # DNS rebinding: on the loopback without login, only loopback names may ask.
        app.add_middleware(TrustedHostMiddleware,
                           allowed_hosts=[*LOOPBACK, "testserver"])
    app.add_middleware(GZipMiddleware, minimum_size=2048)
    app.add_middleware(BodyLimit)

    @app.exception_handler(EditError)
    async def _edit(_: Request, exc: EditError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, 422)

    @app.exception_handler(Conflict)
    async def _conflict(_: Request, exc: Conflict) -> JSONResponse:
        return JSONResponse({"detail": str(exc), "revision": exc.current}, 409)

    @app.exception_handler(NotFound)
    async def _missing(_: Request, exc: NotFound) -> JSONResponse:
        return JSONResponse({"detail": str(exc.args[0]) if exc.args else "not found"}, 404)

    @app.exception_handler(Forbidden)
    async def _forbidden(_: Request, exc: Forbidden) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, 403)

    @app.exception_handler(UploadError)
    async def _upload(_: Request, exc: UploadError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, 400)

    @app.exception_handler(OptimizerError)
    async def _data(_: Request, exc: OptimizerError) -> JSONResponse:
        return JSONResponse(problems_detail(exc), 422)

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-store"})

    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/fonts/sc.otf", include_in_schema=False)
    def cjk_font() -> Response:
        """Noto Sans SC (OFL) from the installed package the reports use: Chinese text on
        a machine without CJK fonts, with no font from the web."""
        import pylopdf_fonts_zh_cn

        path = Path(pylopdf_fonts_zh_cn.sans_path())
        if not path.is_file():
            raise HTTPException(404, "no packaged CJK font")
        return FileResponse(path, media_type="font/otf",
                            headers={"Cache-Control": "public, max-age=604800"})

    @app.get("/api/session")
    def get_session(request: Request, response: Response) -> dict[str, Any]:
        """Who is signed in, and the CSRF token for changes. Without login (127.0.0.1),
        a local session with every county is opened here."""
        s = session_of(service.store, request.cookies.get(COOKIE))
        if s is None and not config.login_required:
            token, s = new_session(service.store, LOCAL_USER, ALL)
            _set_cookie(response, request, token)
        if s is None:
            return {"user": None, "county": None, "csrf": None, "login_required": True}
        return {"user": s.user, "county": s.county, "csrf": s.csrf,
                "login_required": config.login_required,
                "interrupted_jobs": service.interrupted}

    @app.post("/api/login")
    def post_login(body: Login, request: Request, response: Response) -> dict[str, Any]:
        got = login(service.store, body.name, body.password)
        if got is None:
            raise HTTPException(401, "wrong user name or password")
        token, s = got
        _set_cookie(response, request, token)
        return {"user": s.user, "county": s.county, "csrf": s.csrf}

    @app.post("/api/logout")
    def post_logout(response: Response,
                    s: Session = Depends(changing_session)) -> dict[str, bool]:
        service.store.drop_session(s.token_hash)
        response.delete_cookie(COOKIE, path="/")
        return {"ok": True}

    @app.get("/api/scenarios")
    def list_scenarios(s: Session = Depends(current_session)) -> list[dict[str, Any]]:
        return [{"key": e.key, "name": e.name, "origin": e.origin, "counties": list(e.counties),
                 "n_units": e.n_units, "problem": e.problem}
                for e in service.catalog.entries()
                if s.county == ALL or s.county in e.counties]

    @app.post("/api/scenarios")
    async def upload_scenario(file: UploadFile = File(...),
                              s: Session = Depends(changing_session)) -> dict[str, Any]:
        """A zip of a scenario folder, or a GeoPackage of units (layer ``units`` or a
        single layer; no sites: an empty sites.csv is made)."""
        data = await file.read()
        key = "u-" + secrets.token_hex(6)
        folder = service.data_dir / "uploads" / key
        files = _scenario_files(data)
        folder.mkdir(parents=True)
        try:
            for name in SCENARIO_FILES:            # fixed names, never the request's
                if name in files:
                    (folder / name).write_bytes(files[name])
            entry = service.catalog.add_upload(key, folder, s.user)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        return {"key": entry.key, "name": entry.name, "counties": list(entry.counties),
                "n_units": entry.n_units}

    routes.install(app, service)
    return app


def _scenario_files(data: bytes) -> dict[str, bytes]:
    if data[:16] == b"SQLite format 3\x00":
        toml = 'name = "uploaded GeoPackage"\n\n[data]\nunits = "units.gpkg"\nsites = "sites.csv"\n'
        return {"units.gpkg": data, "scenario.toml": toml.encode(),
                "sites.csv": b"site_id,unit_id,area_m2,owned,max_area_m2,purchase_price_yuan\n"}
    files = read_zip(data, SCENARIO_FILES).files
    if "scenario.toml" not in files:
        raise UploadError("the zip holds no scenario.toml (upload a scenario folder, "
                          "CONTRACT.md)")
    import tomllib

    try:
        doc = tomllib.loads(files["scenario.toml"].decode("utf-8-sig"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise UploadError(f"scenario.toml cannot be read: {exc}") from None
    data_tab = doc.get("data", {})
    for key, value in (data_tab.items() if isinstance(data_tab, dict) else []):
        if not isinstance(value, str) or value.lower() not in files:
            raise UploadError(f"scenario.toml [data] {key} = {value!r}: name a file that the "
                              "zip holds beside scenario.toml")
        if value != value.lower():
            raise UploadError(f"scenario.toml [data] {key} = {value!r}: use the lower-case "
                              "file name")
    return files


def _set_cookie(response: Response, request: Request, token: str) -> None:
    response.set_cookie(COOKIE, token, httponly=True, samesite="strict", path="/",
                        secure=request.url.scheme == "https", max_age=12 * 3600)
