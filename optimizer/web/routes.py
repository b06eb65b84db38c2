"""The workspace API: plan, edits, undo/redo, versions, compare, export, import, jobs.

Every route of a workspace first finds it and checks the planner's county (403 for
another county's); every change needs the CSRF token and the revision it was made on.
Handlers are plain ``def``: FastAPI runs them in its thread pool, so a slow export
never blocks the event loop, and solves run in their own processes.
"""

from __future__ import annotations

import tempfile
from pathlib import Path as FilePath
from typing import Annotated, Any, Literal

from fastapi import (
    Depends,
    FastAPI,
    File,
    Form,
    HTTPException,
    Path,
    Query,
    Request,
    UploadFile,
)
from fastapi.responses import Response, StreamingResponse
from starlette.concurrency import run_in_threadpool

from optimizer.plan.read import read_plan
from optimizer.web.auth import ALL, COOKIE, Session, session_of
from optimizer.web.events import job_events
from optimizer.web.exports import filing_zip, plan_zip
from optimizer.web.models import EditRequest, JobRequest, NewWorkspace, RevisionRequest, SaveVersion
from optimizer.web.security import changing_session, current_session
from optimizer.web.service import Forbidden, NotFound, Service
from optimizer.web.store import WorkspaceRow
from optimizer.web.uploads import PLAN_FILES, read_zip
from optimizer.web.views import change_view, compare_view, detail_view, plan_view
from optimizer.workbench import (
    EditError,
    merge_assignment,
    read_assignment_csv,
    state_from_plan,
)

# Ids in paths: SQLite integers (a larger number is a 422, not an overflow).
WsId = Annotated[int, Path(ge=1, le=2**62)]
JobId = Annotated[int, Path(ge=1, le=2**62)]
Number = Annotated[int, Path(ge=1, le=2**62)]
# A plan of the workspace: the working plan, today's communities, or a version number.
Ref = Annotated[str, Query(max_length=20, pattern=r"^(working|today|[0-9]{1,9})$")]
County = Annotated[str | None, Query(min_length=1, max_length=100)]


def install(app: FastAPI, service: Service) -> None:
    def ws_of(ws: int, s: Session) -> WorkspaceRow:
        row = service.workspace(ws)
        if not s.sees(row.county):
            raise Forbidden(f"workspace {ws} belongs to county {row.county}, not yours")
        return row

    # As dependencies, so that another county's planner gets 403 before his request
    # body is even read (not a 422 that would tell him what the route expects).
    def reader(ws: WsId, s: Session = Depends(current_session)) -> Session:
        ws_of(ws, s)
        return s

    def writer(ws: WsId, s: Session = Depends(changing_session)) -> Session:
        ws_of(ws, s)
        return s

    def info(row: WorkspaceRow) -> dict[str, Any]:
        return {"id": row.id, "name": row.name, "scenario": row.scenario,
                "county": row.county, "owner": row.owner, "revision": row.revision}

    @app.get("/api/workspaces")
    def list_workspaces(s: Session = Depends(current_session)) -> list[dict[str, Any]]:
        return [info(r) for r in service.store.workspaces() if s.sees(r.county)]

    @app.post("/api/workspaces")
    def create_workspace(body: NewWorkspace,
                         s: Session = Depends(changing_session)) -> dict[str, Any]:
        ws = service.create_workspace(body.name, body.scenario, s.county, s.user, body.start)
        return info(service.workspace(ws))

    @app.get("/api/workspaces/{ws}")
    def get_workspace(ws: WsId, s: Session = Depends(reader)) -> dict[str, Any]:
        row = ws_of(ws, s)
        wb = service.bench(ws)
        entry = service.catalog.entry(row.scenario)
        return {**info(service.workspace(ws)), "scenario_name": entry.name if entry else "",
                "plan": plan_view(wb)}

    @app.delete("/api/workspaces/{ws}")
    def delete_workspace(ws: WsId, s: Session = Depends(writer)) -> dict[str, bool]:
        ws_of(ws, s)
        if any(j["status"] in ("queued", "running") for j in service.store.jobs(ws)):
            raise EditError("a job runs in this workspace: cancel it first")
        service.store.delete_workspace(ws)
        return {"ok": True}

    @app.get("/api/workspaces/{ws}/map")
    def get_map(ws: WsId, request: Request, s: Session = Depends(reader)) -> Response:
        """Units, borders, barriers and sites in lon/lat (GeoJSON), built once."""
        plain, packed = service.map_json(ws_of(ws, s))
        if "gzip" in request.headers.get("accept-encoding", ""):
            return Response(packed, media_type="application/json",
                            headers={"Content-Encoding": "gzip", "Vary": "Accept-Encoding"})
        return Response(plain, media_type="application/json")

    @app.get("/api/workspaces/{ws}/communities/{cid}")
    def get_community(ws: WsId, cid: str, s: Session = Depends(reader)
                      ) -> dict[str, Any]:
        ws_of(ws, s)
        wb = service.bench(ws)
        if cid not in wb.live.com:
            raise NotFound(f"no community {cid!r} in the working plan")
        return detail_view(wb, cid)

    def changed(ws: int, kind: str, revision: int, user: str,
                op: dict[str, Any] | None = None) -> dict[str, Any]:
        change, rev = service.change(ws, revision, user, kind, op)
        return {"revision": rev, **change_view(service.bench(ws), change)}

    @app.post("/api/workspaces/{ws}/edits")
    def post_edit(ws: WsId, body: EditRequest, s: Session = Depends(writer)
                  ) -> dict[str, Any]:
        ws_of(ws, s)
        return changed(ws, "edit", body.revision, s.user, body.op.model_dump())

    @app.post("/api/workspaces/{ws}/undo")
    def post_undo(ws: WsId, body: RevisionRequest, s: Session = Depends(writer)
                  ) -> dict[str, Any]:
        ws_of(ws, s)
        return changed(ws, "undo", body.revision, s.user)

    @app.post("/api/workspaces/{ws}/redo")
    def post_redo(ws: WsId, body: RevisionRequest, s: Session = Depends(writer)
                  ) -> dict[str, Any]:
        ws_of(ws, s)
        return changed(ws, "redo", body.revision, s.user)

    @app.get("/api/workspaces/{ws}/journal")
    def get_journal(ws: WsId, s: Session = Depends(reader)) -> dict[str, Any]:
        row = ws_of(ws, s)
        import json

        return {"cursor": row.cursor, "entries": [
            {"seq": r["seq"], "kind": r["kind"], "op": json.loads(r["op"]), "user": r["user"],
             "created": r["created"]} for r in service.store.journal(ws)]}

    # --- versions -----------------------------------------------------------------
    @app.get("/api/workspaces/{ws}/versions")
    def get_versions(ws: WsId, s: Session = Depends(reader)) -> list[dict[str, Any]]:
        import json

        ws_of(ws, s)
        return [{"number": r["number"], "label": r["label"], "source": r["source"],
                 "summary": json.loads(r["summary"]), "user": r["user"],
                 "created": r["created"]} for r in service.store.versions(ws)]

    @app.post("/api/workspaces/{ws}/versions")
    def post_version(ws: WsId, body: SaveVersion, s: Session = Depends(writer)
                     ) -> dict[str, int]:
        ws_of(ws, s)
        return {"number": service.save_version(ws, body.label, "saved", s.user)}

    @app.post("/api/workspaces/{ws}/versions/{number}/open")
    def open_version(ws: WsId, number: Number, body: RevisionRequest,
                     s: Session = Depends(writer)) -> dict[str, Any]:
        ws_of(ws, s)
        state = service.state_of(ws, str(number))
        change, rev = service.change(ws, body.revision, s.user, "load",
                                     {"op": "open", "version": number}, state)
        return {"revision": rev, **change_view(service.bench(ws), change)}

    @app.get("/api/workspaces/{ws}/compare")
    def get_compare(ws: WsId, a: Ref = "today", b: Ref = "working",
                    s: Session = Depends(reader)) -> dict[str, Any]:
        ws_of(ws, s)
        with service.lock(ws):
            plan_a, _ = service.plan_of(ws, a)
            plan_b, wb = service.plan_of(ws, b)
        return compare_view(service.bench(ws), plan_a, plan_b, (a, b))

    @app.get("/api/workspaces/{ws}/export")
    def get_export(ws: WsId, ref: Ref = "working",
                   what: Literal["plan", "reports", "filing"] = "plan",
                   lang: Literal["zh", "en"] = "zh", county: County = None, pdf: bool = True,
                   s: Session = Depends(reader)) -> Response:
        """A zip of the plan folder (CONTRACT.md); ``reports`` adds plan.xlsx, maps,
        report.html and plan.gpkg; ``filing`` is the county filing package (Word
        documents, PDFs when LibreOffice is installed and ``pdf``, the xlsx annex and
        the maps), one folder per county: a county's workspace files that county only;
        ``county`` picks one county of a workspace of every county."""
        row = ws_of(ws, s)
        counties = _filing_counties(row, county)
        with service.lock(ws):
            plan, wb = service.plan_of(ws, ref)
            report = wb.report()
        if what == "filing":
            out = filing_zip(wb.scenario, plan, report, f"filing-{ws}-{ref}",
                             counties=counties, lang=lang, pdf=pdf)
        else:
            out = plan_zip(wb.scenario, plan, report, f"plan-{ws}-{ref}",
                           reports=what == "reports", lang=lang)
        headers = {"Content-Disposition": f'attachment; filename="{out.filename}"'}
        if out.notes:
            headers["X-Export-Notes"] = "; ".join(out.notes)
        return Response(out.data, media_type="application/zip", headers=headers)

    def _filing_counties(row: WorkspaceRow, county: str | None) -> set[str] | None:
        if row.county != ALL:
            if county is not None and county != row.county:
                raise Forbidden(f"workspace {row.id} plans county {row.county} only")
            return {row.county}
        if county is None:
            return None
        if county not in set(service.scenario_of(row).county):
            raise NotFound(f"the scenario has no county {county!r}")
        return {county}

    @app.post("/api/workspaces/{ws}/import")
    async def post_import(ws: WsId, file: UploadFile = File(...),
                          kind: Literal["plan", "csv"] = Form("plan"),
                          s: Session = Depends(writer)) -> dict[str, Any]:
        """A plan folder (zip) or an assignment CSV (unit_id, community_id) made in
        another tool: it becomes a new version (open it to edit it). A CSV may plan
        some counties only (a county's workspace: its own county): the units of the
        other counties keep the working plan's communities."""
        row = ws_of(ws, s)
        data = await file.read()
        # Pricing a county's communities takes a while: not in the event loop.
        number = await run_in_threadpool(import_version, row, kind, data, s.user)
        return {"number": number}

    def import_version(row: WorkspaceRow, kind: str, data: bytes, user: str) -> int:
        ws = row.id
        wb = service.bench(ws)
        if kind == "csv":
            assignment = read_assignment_csv(data)
            with service.lock(ws):
                base = wb.state.copy()
            state = merge_assignment(base, assignment,
                                     None if row.county == ALL else row.county, wb.pricer)
        else:
            files = read_zip(data, PLAN_FILES).files
            with tempfile.TemporaryDirectory(prefix="workbench-import-") as tmp:
                for name in PLAN_FILES:              # fixed names, never the request's
                    if name in files:
                        (FilePath(tmp) / name).write_bytes(files[name])
                plan = read_plan(tmp)
            state = state_from_plan(wb.scenario, plan, "import")
        return service.save_version(ws, f"imported {kind}", "import", user, state)

    # --- jobs ---------------------------------------------------------------------
    def job_view(row: Any) -> dict[str, Any]:
        import json

        return {"id": row["id"], "workspace": row["workspace"], "kind": row["kind"],
                "status": row["status"], "progress": json.loads(row["progress"]),
                "params": json.loads(row["params"]), "message": row["message"],
                "version": row["version"], "created": row["created"],
                "finished": row["finished"]}

    def job_of(job: int, s: Session) -> Any:
        row = service.store.job(job)
        if row is None:
            raise NotFound(f"no job {job}")
        ws_of(row["workspace"], s)
        return row

    @app.post("/api/workspaces/{ws}/jobs")
    def post_job(ws: WsId, body: JobRequest, s: Session = Depends(writer)
                 ) -> dict[str, Any]:
        ws_of(ws, s)
        job = service.start_job(ws, body.kind, body.time_limit_s, s.user)
        return job_view(service.store.job(job))

    @app.get("/api/workspaces/{ws}/jobs")
    def get_jobs(ws: WsId, s: Session = Depends(reader)) -> list[dict[str, Any]]:
        ws_of(ws, s)
        return [job_view(r) for r in service.store.jobs(ws)]

    @app.get("/api/jobs/{job}")
    def get_job(job: JobId, s: Session = Depends(current_session)) -> dict[str, Any]:
        return job_view(job_of(job, s))

    @app.get("/api/jobs/{job}/events", response_class=StreamingResponse,
             responses={200: {"content": {"text/event-stream": {}},
                              "description": "job events, then end (optimizer.web.events)"}})
    def get_job_events(job: JobId, request: Request,
                       s: Session = Depends(current_session)) -> StreamingResponse:
        """The job's progress pushed as Server-Sent Events until it ends."""
        job_of(job, s)                  # 404 or 403 before the stream starts
        token = request.cookies.get(COOKIE)

        def read() -> dict[str, Any] | None:
            now = session_of(service.store, token)
            row = service.store.job(job) if now is not None else None
            if now is None or row is None:
                return None
            try:
                ws_of(row["workspace"], now)
            except (Forbidden, NotFound):
                return None
            return job_view(row)

        return job_events(read, request)

    @app.post("/api/jobs/{job}/cancel")
    def post_cancel(job: JobId, s: Session = Depends(changing_session)) -> dict[str, Any]:
        row = job_of(job, s)
        if row["status"] not in ("queued", "running") or not service.jobs.cancel(job):
            raise HTTPException(409, f"job {job} is not running ({row['status']})")
        return job_view(service.store.job(job))
