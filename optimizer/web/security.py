"""Request-level guards: body size limits, security headers, and who is asking."""

from __future__ import annotations

import json
from typing import Any

from fastapi import HTTPException, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from optimizer.web.auth import COOKIE, CSRF_HEADER, Session, csrf_ok, session_of

JSON_LIMIT = 2 * 1024 * 1024            # an edit of every unit of a city fits
UPLOAD_LIMIT = 64 * 1024 * 1024
UPLOAD_PATHS = ("/api/scenarios", "/import")
CSP = ("default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
       "script-src 'self'; connect-src 'self'; font-src 'self'; object-src 'none'; "
       "base-uri 'none'; frame-ancestors 'none'; form-action 'self'")


class _TooLarge(Exception):
    pass


class BodyLimit:
    """Refuse (413) a request body above its limit, by its Content-Length or, when it
    is streamed without one, as soon as the bytes read pass the limit."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        limit = UPLOAD_LIMIT if path.endswith(UPLOAD_PATHS) else JSON_LIMIT
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None:
            try:
                too_big = int(length) > limit
            except ValueError:
                too_big = True
            if too_big:
                await _send_413(send, limit)
                return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            msg = await receive()
            if msg["type"] == "http.request":
                seen += len(msg.get("body", b""))
                if seen > limit:
                    raise _TooLarge()
            return msg

        async def watch(msg: Message) -> None:
            nonlocal started
            if msg["type"] == "http.response.start":
                started = True
                extra = [(b"x-content-type-options", b"nosniff"),
                         (b"referrer-policy", b"same-origin"),
                         (b"x-frame-options", b"DENY"),
                         (b"content-security-policy", CSP.encode())]
                msg = {**msg, "headers": list(msg.get("headers", [])) + extra}
            await send(msg)

        try:
            await self.app(scope, counted, watch)
        except _TooLarge:
            if not started:
                await _send_413(send, limit)


async def _send_413(send: Send, limit: int) -> None:
    body = json.dumps({"detail": f"the request is larger than {limit // 2**20} MB"}).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def current_session(request: Request) -> Session:
    """The caller's session, or 401."""
    store = request.app.state.service.store
    session = session_of(store, request.cookies.get(COOKIE))
    if session is None:
        raise HTTPException(401, "not signed in: open the workbench page (or sign in) first")
    return session


def changing_session(request: Request) -> Session:
    """The caller's session for a change: the CSRF token must come with it (403)."""
    session = current_session(request)
    if not csrf_ok(session, request.headers.get(CSRF_HEADER)):
        raise HTTPException(403, "missing or wrong CSRF token (reload the page)")
    return session


def problems_detail(exc: Any) -> dict[str, Any]:
    problems = getattr(exc, "problems", ())
    return {"detail": str(exc).splitlines()[0] if problems else str(exc),
            "problems": [str(p) for p in problems]}
