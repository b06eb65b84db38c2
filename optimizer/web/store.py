"""The workbench's embedded database (SQLite, WAL): users, sessions, scenarios,
workspaces, the edit journal, plan versions and jobs.

Every change is one transaction: an edit is journaled and the workspace's revision
bumped together, or not at all, so a crash loses at most the edit in flight.
``synchronous=FULL`` makes a committed edit survive a power cut as well. Optimistic
versions: a change names the revision it was made on; a stale one is refused
(:class:`Conflict`) and nothing is lost.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY, county TEXT NOT NULL, pw_hash TEXT NOT NULL, created REAL NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (
    token_hash TEXT PRIMARY KEY, user TEXT NOT NULL, county TEXT NOT NULL, csrf TEXT NOT NULL,
    expires REAL NOT NULL);
CREATE TABLE IF NOT EXISTS scenarios (
    key TEXT PRIMARY KEY, name TEXT NOT NULL, folder TEXT NOT NULL, origin TEXT NOT NULL,
    counties TEXT NOT NULL, owner TEXT NOT NULL, created REAL NOT NULL);
CREATE TABLE IF NOT EXISTS workspaces (
    id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, scenario TEXT NOT NULL,
    county TEXT NOT NULL, owner TEXT NOT NULL, created REAL NOT NULL,
    revision INTEGER NOT NULL DEFAULT 0, cursor INTEGER NOT NULL DEFAULT 0,
    base TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS journal (
    workspace INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL, kind TEXT NOT NULL, op TEXT NOT NULL, delta TEXT NOT NULL,
    user TEXT NOT NULL, created REAL NOT NULL, PRIMARY KEY (workspace, seq));
CREATE TABLE IF NOT EXISTS versions (
    workspace INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    number INTEGER NOT NULL, label TEXT NOT NULL, source TEXT NOT NULL,
    snapshot TEXT NOT NULL, summary TEXT NOT NULL, user TEXT NOT NULL, created REAL NOT NULL,
    PRIMARY KEY (workspace, number));
CREATE TABLE IF NOT EXISTS jobs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    kind TEXT NOT NULL, status TEXT NOT NULL, params TEXT NOT NULL, progress TEXT NOT NULL,
    message TEXT NOT NULL DEFAULT '', version INTEGER, base_revision INTEGER NOT NULL,
    user TEXT NOT NULL, created REAL NOT NULL, finished REAL);
"""
RUNNING = ("queued", "running")


class Conflict(Exception):
    """A change made on a revision that is no longer the workspace's."""

    def __init__(self, current: int, given: int) -> None:
        self.current, self.given = current, given
        super().__init__(
            f"this workspace changed since you loaded it (it is at revision {current}, your "
            f"page at {given}): another tab or planner saved first. Your change was not "
            "applied and nothing was lost; reload to see the current plan, then redo it.")


@dataclass(frozen=True)
class WorkspaceRow:
    id: int
    name: str
    scenario: str
    county: str
    owner: str
    created: float
    revision: int
    cursor: int


class Store:
    """One SQLite database; a connection per thread."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._db().executescript(SCHEMA)

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None,
                                 check_same_thread=True)
            db.row_factory = sqlite3.Row
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            db.execute("PRAGMA foreign_keys=ON")
            self._local.db = db
        return db

    @contextmanager
    def tx(self) -> Iterator[sqlite3.Connection]:
        """One transaction (BEGIN IMMEDIATE: writers queue instead of failing)."""
        db = self._db()
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def query(self, sql: str, args: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        return list(self._db().execute(sql, args))

    # --- users and sessions -------------------------------------------------------
    def add_user(self, name: str, county: str, pw_hash: str) -> None:
        with self.tx() as db:
            db.execute("INSERT INTO users VALUES (?, ?, ?, ?)", (name, county, pw_hash,
                                                                  time.time()))

    def set_password(self, name: str, pw_hash: str) -> bool:
        with self.tx() as db:
            return db.execute("UPDATE users SET pw_hash=? WHERE name=?",
                              (pw_hash, name)).rowcount == 1

    def remove_user(self, name: str) -> bool:
        with self.tx() as db:
            db.execute("DELETE FROM sessions WHERE user=?", (name,))
            return db.execute("DELETE FROM users WHERE name=?", (name,)).rowcount == 1

    def user(self, name: str) -> sqlite3.Row | None:
        rows = self.query("SELECT * FROM users WHERE name=?", (name,))
        return rows[0] if rows else None

    def users(self) -> list[sqlite3.Row]:
        return self.query("SELECT name, county, created FROM users ORDER BY name")

    def add_session(self, token_hash: str, user: str, county: str, csrf: str,
                    ttl_s: float) -> None:
        now = time.time()
        with self.tx() as db:
            db.execute("DELETE FROM sessions WHERE expires < ?", (now,))
            db.execute("INSERT INTO sessions VALUES (?, ?, ?, ?, ?)",
                       (token_hash, user, county, csrf, now + ttl_s))

    def session(self, token_hash: str) -> sqlite3.Row | None:
        rows = self.query("SELECT * FROM sessions WHERE token_hash=? AND expires >= ?",
                          (token_hash, time.time()))
        return rows[0] if rows else None

    def drop_session(self, token_hash: str) -> None:
        with self.tx() as db:
            db.execute("DELETE FROM sessions WHERE token_hash=?", (token_hash,))

    # --- scenarios ----------------------------------------------------------------
    def add_scenario(self, key: str, name: str, folder: str, origin: str,
                     counties: list[str], owner: str) -> None:
        with self.tx() as db:
            db.execute("INSERT OR REPLACE INTO scenarios VALUES (?, ?, ?, ?, ?, ?, ?)",
                       (key, name, folder, origin, json.dumps(counties), owner, time.time()))

    def scenario(self, key: str) -> sqlite3.Row | None:
        rows = self.query("SELECT * FROM scenarios WHERE key=?", (key,))
        return rows[0] if rows else None

    def scenarios(self) -> list[sqlite3.Row]:
        return self.query("SELECT * FROM scenarios ORDER BY name, key")

    # --- workspaces and the journal -------------------------------------------------
    def create_workspace(self, name: str, scenario: str, county: str, owner: str,
                         base: dict[str, Any]) -> int:
        with self.tx() as db:
            cur = db.execute("INSERT INTO workspaces (name, scenario, county, owner, created, "
                             "base) VALUES (?, ?, ?, ?, ?, ?)",
                             (name, scenario, county, owner, time.time(), json.dumps(base)))
            return int(cur.lastrowid or 0)

    def workspace(self, ws: int) -> WorkspaceRow | None:
        rows = self.query("SELECT id, name, scenario, county, owner, created, revision, cursor "
                          "FROM workspaces WHERE id=?", (ws,))
        return WorkspaceRow(*rows[0]) if rows else None

    def workspaces(self) -> list[WorkspaceRow]:
        return [WorkspaceRow(*r) for r in self.query(
            "SELECT id, name, scenario, county, owner, created, revision, cursor "
            "FROM workspaces ORDER BY id")]

    def delete_workspace(self, ws: int) -> None:
        with self.tx() as db:
            db.execute("DELETE FROM workspaces WHERE id=?", (ws,))

    def base(self, ws: int) -> dict[str, Any]:
        return json.loads(self.query("SELECT base FROM workspaces WHERE id=?", (ws,))[0][0])

    def journal(self, ws: int) -> list[sqlite3.Row]:
        return self.query("SELECT seq, kind, op, delta, user, created FROM journal "
                          "WHERE workspace=? ORDER BY seq", (ws,))

    def _bump(self, db: sqlite3.Connection, ws: int, given: int, cursor: int) -> int:
        cur = db.execute("UPDATE workspaces SET revision=revision+1, cursor=? "
                         "WHERE id=? AND revision=?", (cursor, ws, given))
        if cur.rowcount != 1:
            row = db.execute("SELECT revision FROM workspaces WHERE id=?", (ws,)).fetchone()
            raise Conflict(int(row[0]) if row else -1, given)
        return given + 1

    def record_edit(self, ws: int, revision: int, cursor: int, kind: str,
                    op: dict[str, Any], delta: dict[str, Any], user: str) -> int:
        """Journal a new change at ``cursor + 1`` (dropping what could have been redone);
        return the new revision. Raises Conflict on a stale revision."""
        with self.tx() as db:
            new = self._bump(db, ws, revision, cursor + 1)
            db.execute("DELETE FROM journal WHERE workspace=? AND seq>?", (ws, cursor))
            db.execute("INSERT INTO journal VALUES (?, ?, ?, ?, ?, ?, ?)",
                       (ws, cursor + 1, kind, json.dumps(op), json.dumps(delta), user,
                        time.time()))
            return new

    def move_cursor(self, ws: int, revision: int, cursor: int) -> int:
        """Undo or redo: the journal stays, the cursor moves; returns the new revision."""
        with self.tx() as db:
            return self._bump(db, ws, revision, cursor)

    # --- versions --------------------------------------------------------------------
    def add_version(self, ws: int, label: str, source: str, snapshot: dict[str, Any],
                    summary: dict[str, Any], user: str) -> int:
        with self.tx() as db:
            row = db.execute("SELECT COALESCE(MAX(number), 0) FROM versions WHERE workspace=?",
                             (ws,)).fetchone()
            number = int(row[0]) + 1
            db.execute("INSERT INTO versions VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       (ws, number, label, source, json.dumps(snapshot), json.dumps(summary),
                        user, time.time()))
            return number

    def versions(self, ws: int) -> list[sqlite3.Row]:
        return self.query("SELECT number, label, source, summary, user, created FROM versions "
                          "WHERE workspace=? ORDER BY number", (ws,))

    def version_snapshot(self, ws: int, number: int) -> dict[str, Any] | None:
        rows = self.query("SELECT snapshot FROM versions WHERE workspace=? AND number=?",
                          (ws, number))
        return json.loads(rows[0][0]) if rows else None

    # --- jobs --------------------------------------------------------------------------
    def add_job(self, ws: int, kind: str, params: dict[str, Any], base_revision: int,
                user: str) -> int:
        with self.tx() as db:
            cur = db.execute("INSERT INTO jobs (workspace, kind, status, params, progress, "
                             "base_revision, user, created) VALUES (?, ?, 'queued', ?, '{}', "
                             "?, ?, ?)", (ws, kind, json.dumps(params), base_revision, user,
                                          time.time()))
            return int(cur.lastrowid or 0)

    def update_job(self, job: int, **fields: Any) -> None:
        if "progress" in fields:
            fields["progress"] = json.dumps(fields["progress"])
        if fields.get("status") not in (None, *RUNNING):
            fields["finished"] = time.time()
        cols = ", ".join(f"{k}=?" for k in fields)
        with self.tx() as db:
            db.execute(f"UPDATE jobs SET {cols} WHERE id=?", (*fields.values(), job))

    def job(self, job: int) -> sqlite3.Row | None:
        rows = self.query("SELECT * FROM jobs WHERE id=?", (job,))
        return rows[0] if rows else None

    def jobs(self, ws: int) -> list[sqlite3.Row]:
        return self.query("SELECT * FROM jobs WHERE workspace=? ORDER BY id", (ws,))

    def interrupt_running_jobs(self) -> int:
        """At start-up: jobs a stopped server left running are marked interrupted."""
        with self.tx() as db:
            return db.execute(
                "UPDATE jobs SET status='interrupted', finished=?, message="
                "'the server stopped while this job ran; start it again' "
                "WHERE status IN ('queued', 'running')", (time.time(),)).rowcount
