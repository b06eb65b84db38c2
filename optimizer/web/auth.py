"""Accounts, sessions and CSRF tokens.

Passwords are hashed with Argon2id (argon2-cffi). A session is a random token in an
HttpOnly, SameSite=Strict cookie; the database keeps only its SHA-256. Every change
(POST, PUT, DELETE) must carry the session's CSRF token in the ``X-CSRF-Token``
header. A planner's county decides what he sees: ``*`` is every county (the city
bureau; also the local user when the server runs on 127.0.0.1 without login).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from optimizer.web.store import Store

COOKIE = "cow_session"
CSRF_HEADER = "X-CSRF-Token"
SESSION_TTL_S = 12 * 3600
ALL = "*"
LOCAL_USER = "local"
NAME = re.compile(r"^[\w.@-]{1,64}$")
_hasher = PasswordHasher()
# Verified against when the user does not exist, so timing does not tell who exists.
_DUMMY = _hasher.hash("not a password")


@dataclass(frozen=True)
class Session:
    user: str
    county: str
    csrf: str
    token_hash: str

    def sees(self, county: str) -> bool:
        """Whether this planner may see and edit a workspace of ``county``."""
        return self.county == ALL or self.county == county


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def add_user(store: Store, name: str, county: str, password: str) -> None:
    if not NAME.match(name):
        raise ValueError("a user name is 1-64 letters, digits, '.', '@', '_' or '-'")
    if not county.strip():
        raise ValueError("give the county (县市区) whose workspaces the user may open, or '*'")
    if len(password) < 8:
        raise ValueError("a password has at least 8 characters")
    if store.user(name) is not None:
        raise ValueError(f"user {name} exists already")
    store.add_user(name, county.strip(), _hasher.hash(password))


def login(store: Store, name: str, password: str) -> tuple[str, Session] | None:
    """A new session token and session for correct credentials, else None."""
    row = store.user(name)
    try:
        _hasher.verify(row["pw_hash"] if row is not None else _DUMMY, password)
    except (VerificationError, InvalidHashError):
        return None
    if row is None:
        return None
    return new_session(store, name, row["county"])


def new_session(store: Store, user: str, county: str) -> tuple[str, Session]:
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    store.add_session(_digest(token), user, county, csrf, SESSION_TTL_S)
    return token, Session(user, county, csrf, _digest(token))


def session_of(store: Store, token: str | None) -> Session | None:
    if not token or len(token) > 200:
        return None
    row = store.session(_digest(token))
    if row is None:
        return None
    return Session(row["user"], row["county"], row["csrf"], row["token_hash"])


def csrf_ok(session: Session, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(session.csrf.encode(), str(given).encode())
