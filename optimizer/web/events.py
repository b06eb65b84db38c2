"""A job's progress pushed to the page as Server-Sent Events (``text/event-stream``).

``GET /api/jobs/{id}/events`` answers with a stream: ``event: job`` with the job's
JSON (as ``GET /api/jobs/{id}``) each time it changes, then ``event: end`` when the job
has ended (done, cancelled, failed, interrupted). The server watches the job's row in
the database (a read of one row every half second, in the thread pool, never blocking
the event loop); the page does not poll. A stream lasts at most :data:`STREAM_S`
seconds and then ends: the browser's EventSource reconnects by itself after
``retry`` milliseconds, so no connection outlives a proxy's or the server's patience
(uvicorn's graceful shutdown waits 5 s). Each read checks the session again: signed
out, or no longer allowed, the stream says ``gone`` and ends. The page polls
``GET /api/jobs/{id}`` only where EventSource fails.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import StreamingResponse

ACTIVE = ("queued", "running")
POLL_S = 0.5
STREAM_S = 60.0
PING_S = 15.0
RETRY_MS = 1000


def event(name: str, data: Any) -> bytes:
    """One event; the JSON is on one line (json.dumps escapes every newline)."""
    return f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n".encode()


async def _stream(read: Callable[[], dict[str, Any] | None], request: Request
                  ) -> AsyncIterator[bytes]:
    yield f"retry: {RETRY_MS}\n\n".encode()
    start = beat = time.monotonic()
    last = None
    while True:
        view = await run_in_threadpool(read)
        if view is None:
            yield event("gone", {})
            return
        text = json.dumps(view, sort_keys=True)
        now = time.monotonic()
        if text != last:
            last, beat = text, now
            yield event("job", view)
        if view["status"] not in ACTIVE:
            yield event("end", {"status": view["status"]})
            return
        if now - start > STREAM_S:
            return
        if now - beat > PING_S:
            beat = now
            yield b": ping\n\n"
        await asyncio.sleep(POLL_S)
        if await request.is_disconnected():
            return


def job_events(read: Callable[[], dict[str, Any] | None], request: Request
               ) -> StreamingResponse:
    """The event stream of one job; ``read()`` gives its view, or None when the
    caller may no longer see it (or it is gone)."""
    return StreamingResponse(_stream(read, request), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store",
                                      "X-Accel-Buffering": "no"})
