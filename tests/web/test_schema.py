"""A bounded schemathesis run against the workbench's OpenAPI schema: whatever
requests the schema admits (and many it does not), the server never answers 500."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402

from optimizer.web.auth import ALL, COOKIE, LOCAL_USER, new_session  # noqa: E402
from tests.helpers.web import make_app  # noqa: E402


def test_no_server_errors(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data")
    service = app.state.service
    token, session = new_session(service.store, LOCAL_USER, ALL)
    headers = {"Cookie": f"{COOKIE}={token}", "X-CSRF-Token": session.csrf}
    ws = service.create_workspace("demo", "demo", ALL, LOCAL_USER, "today")
    service.save_version(ws, "v1", "saved", LOCAL_USER)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    # Solves are tested in test_web_api (they start processes); logging out or deleting
    # the workspace would only make every later case a 401/404.
    schema = (schema.exclude(path="/api/workspaces/{ws}/jobs", method="POST")
              .exclude(path="/api/logout").exclude(method="DELETE"))
    seen: list[str] = []
    for result in schema.get_all_operations():
        op = result.ok()
        seen.append(f"{op.method.upper()} {op.path}")

        # A filing writes Word documents, PDFs and maps for seconds a case: its bad
        # input is tested in test_filing_export, the fuzzing runs the other exports.
        strategy = op.as_strategy().filter(lambda c: (c.query or {}).get("what") != "filing")

        @settings(max_examples=25, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=strategy)
        def check(case: Any) -> None:
            response = case.call(headers=headers)
            assert response.status_code < 500, (case.method, case.path, response.text[:500])

        check()
    assert len(seen) >= 20, seen
    service.close()
