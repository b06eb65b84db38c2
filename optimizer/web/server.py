"""Start the workbench (``python -m optimizer serve``) and manage its accounts
(``python -m optimizer users``).

On 127.0.0.1 (or localhost, ::1) no login is needed. Bound to any other address the
server refuses to start unless accounts exist, and then asks every visitor to sign in.
One server per data folder: a second one is refused (its in-memory plans would
disagree with the first's).
"""

from __future__ import annotations

import fcntl
import os
import socket
from collections.abc import Callable
from pathlib import Path
from typing import IO

from optimizer.errors import OptimizerError
from optimizer.web.store import Store

DEFAULT_DATA = Path("workbench-data")
LOOPBACK = ("127.0.0.1", "localhost", "::1")


class ServeError(OptimizerError):
    """The server cannot start as asked (the reason says why)."""


def _lock_data_dir(data_dir: Path) -> IO[str]:
    data_dir.mkdir(parents=True, exist_ok=True)
    fh = open(data_dir / "server.lock", "w")  # noqa: SIM115 (held while serving)
    try:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        fh.close()
        raise ServeError(f"another workbench server uses {data_dir}; stop it or give "
                         "--data-dir") from None
    fh.write(str(os.getpid()))
    fh.flush()
    return fh


def serve(scenarios_dir: Path | None, host: str, port: int, data_dir: Path, workers: int,
          announce: Callable[[str], None], login: bool = False) -> None:
    import uvicorn

    from optimizer.web.app import Config, create_app

    local = host in LOOPBACK
    store = Store(_prepare(data_dir))
    if not local and not store.users():
        raise ServeError(f"refusing to listen on {host}: no accounts exist. Add one with "
                         "'python -m optimizer users add NAME --county COUNTY' (or serve on "
                         "127.0.0.1, where no login is needed)")
    if scenarios_dir is not None and not scenarios_dir.is_dir():
        raise ServeError(f"scenarios folder not found: {scenarios_dir}")
    lock = _lock_data_dir(data_dir)
    try:
        config = Config(data_dir=data_dir, scenarios_dir=scenarios_dir, host=host, port=port,
                        login_required=login or not local, workers=workers)
        app = create_app(config)
        service = app.state.service
        sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            raise ServeError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
        sock.listen(2048)       # connections queue from now on: the address is usable
        bound = sock.getsockname()[1]
        shown = f"[{host}]" if ":" in host else host
        announce(f"workbench: http://{shown}:{bound}/  (scenarios: {scenarios_dir}, data: "
                 f"{data_dir}{', login required' if config.login_required else ''})")
        if service.interrupted:
            announce(f"{service.interrupted} jobs of the last run were marked interrupted")
        server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False,
                                               timeout_graceful_shutdown=5))
        try:
            server.run(sockets=[sock])
        finally:
            service.close()
    finally:
        lock.close()


def _prepare(data_dir: Path) -> Path:
    data_dir.mkdir(parents=True, exist_ok=True)
    return data_dir / "workbench.sqlite3"


def users(action: str, name: str | None, county: str | None, data_dir: Path,
          password: str | None, out: Callable[[str], None]) -> int:
    from optimizer.web.auth import _hasher as hasher
    from optimizer.web.auth import add_user

    store = Store(_prepare(data_dir))
    if action == "list":
        for row in store.users():
            out(f"{row['name']}\t{row['county']}")
        return 0
    assert name is not None
    if action == "remove":
        if not store.remove_user(name):
            raise ServeError(f"no user {name}")
        out(f"removed {name}")
        return 0
    if password is None:
        raise ServeError("no password given")
    if action == "passwd":
        if len(password) < 8:
            raise ServeError("a password has at least 8 characters")
        if not store.set_password(name, hasher.hash(password)):
            raise ServeError(f"no user {name}")
        out(f"password of {name} changed")
        return 0
    try:
        add_user(store, name, county or "", password)
    except ValueError as exc:
        raise ServeError(str(exc)) from None
    out(f"added {name} (county {county})")
    return 0
