"""Pydantic models of every request body: unknown fields and oversized values are
refused (422) before any handler runs."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

Id = Annotated[str, Field(min_length=1, max_length=200)]
Ids = Annotated[list[Id], Field(max_length=50_000)]
Revision = Annotated[int, Field(ge=0, le=2**62)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Login(Strict):
    name: Annotated[str, Field(min_length=1, max_length=64)]
    password: Annotated[str, Field(min_length=1, max_length=1024)]


class NewWorkspace(Strict):
    name: Annotated[str, Field(min_length=1, max_length=120)]
    scenario: Id
    start: Literal["today", "empty"] = "today"


class MoveOp(Strict):
    """Move units to a community, or to a new one (``to`` null)."""

    op: Literal["move"]
    units: Annotated[Ids, Field(min_length=1)]
    to: Id | None = None


class MergeOp(Strict):
    """Merge community ``b`` into ``a``."""

    op: Literal["merge"]
    a: Id
    b: Id


class SplitOp(Strict):
    """Split off ``units`` as a new community; without units: the parts of a
    disconnected community, or two halves of a connected one."""

    op: Literal["split"]
    community: Id
    units: Ids | None = None


class CenterOp(Strict):
    """Put the center in ``unit``: on ``site`` (a site id, ``build`` or ``codevelop``)
    or the cheapest option there (null)."""

    op: Literal["center"]
    community: Id
    unit: Id
    site: Id | None = None


class LockOp(Strict):
    """Lock (or unlock) communities, units and centers for "optimize the rest"."""

    op: Literal["lock"]
    communities: Ids = []
    units: Ids = []
    centers: Ids = []
    locked: bool = True


Op = Annotated[MoveOp | MergeOp | SplitOp | CenterOp | LockOp, Field(discriminator="op")]


class EditRequest(Strict):
    revision: Revision
    op: Op


class RevisionRequest(Strict):
    revision: Revision


class SaveVersion(Strict):
    label: Annotated[str, Field(min_length=1, max_length=200)]


class JobRequest(Strict):
    kind: Literal["solve", "optimize"]
    time_limit_s: Annotated[float, Field(ge=1, le=24 * 3600)] = 60.0
