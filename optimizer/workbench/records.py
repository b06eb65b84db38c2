"""The structural state of a working plan: what the planner (or a solve) decided.

Everything else the workbench shows (households, rooms, cost, staff, grids,
compliance) is derived from these records and the unit assignment, so an edit, its
undo and a replay after a restart only need to carry records. Records name units and
sites by their ids (not array indices): a journal stays readable, and a delta that
names something the scenario lacks is refused instead of silently mis-applied.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from optimizer.rules.remedy import REMEDIES
from optimizer.status import Status


class EditError(ValueError):
    """An edit that cannot be applied, in the planner's words (nothing was changed)."""


@dataclass(frozen=True)
class Record:
    """One community: its id, its center and the center's remedy.

    ``site`` is the site id of sites.csv (``""`` for build and codevelop);
    ``credit_site`` the owned site a swap gives up (``""`` otherwise). ``exemption``
    is the claim written to communities.csv (the checker judges it)."""

    cid: str
    center: str                 # unit id the center stands in
    site: str = ""
    remedy: str = "build"
    credit_site: str = ""
    exemption: str = ""

    def to_json(self) -> dict[str, str]:
        return {"cid": self.cid, "center": self.center, "site": self.site,
                "remedy": self.remedy, "credit_site": self.credit_site,
                "exemption": self.exemption}

    @staticmethod
    def from_json(data: Any) -> Record:
        if not isinstance(data, dict):
            raise EditError(f"a community record must be an object, not {type(data).__name__}")
        try:
            rec = Record(**{k: str(data[k]) for k in ("cid", "center", "site", "remedy",
                                                         "credit_site", "exemption")})
        except KeyError as exc:
            raise EditError(f"a community record lacks {exc.args[0]!r}") from None
        if rec.remedy not in REMEDIES:
            raise EditError(f"unknown remedy {rec.remedy!r} (REMEDY)")
        return rec


@dataclass(frozen=True)
class LockState:
    """The planner's locks: communities kept as they are, units kept with their
    community's center, communities whose center must stay where it is."""

    communities: frozenset[str] = field(default_factory=frozenset)
    units: frozenset[str] = field(default_factory=frozenset)
    centers: frozenset[str] = field(default_factory=frozenset)   # community ids

    def to_json(self) -> dict[str, list[str]]:
        return {"communities": sorted(self.communities), "units": sorted(self.units),
                "centers": sorted(self.centers)}

    @staticmethod
    def from_json(data: Any) -> LockState:
        if not isinstance(data, dict):
            raise EditError("locks must be an object")
        out = {}
        for key in ("communities", "units", "centers"):
            value = data.get(key, [])
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise EditError(f"locks.{key} must be a list of ids")
            out[key] = frozenset(value)
        return LockState(**out)

    def __bool__(self) -> bool:
        return bool(self.communities or self.units or self.centers)


@dataclass(frozen=True)
class Meta:
    """Where the working plan came from: the solve's proven bound and status stay
    valid for the scenario whatever the planner edits (the gap is recomputed)."""

    source: str = "today"          # today | solve | optimize | import | empty
    status: Status = Status.UNKNOWN  # the producer's status of that plan
    objective: float | None = None
    bound: float | None = None
    solve_time_s: float = 0.0
    seed: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {"source": self.source, "status": self.status, "objective": self.objective,
                "bound": self.bound, "solve_time_s": self.solve_time_s, "seed": self.seed}

    @staticmethod
    def from_json(data: Any) -> Meta:
        if not isinstance(data, dict):
            return Meta()

        def num(v: Any) -> float | None:
            return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None

        seed = data.get("seed")
        try:
            status = Status.parse(data.get("status", "UNKNOWN"))
        except ValueError:
            status = Status.UNKNOWN
        return Meta(str(data.get("source", "today")), status,
                    num(data.get("objective")), num(data.get("bound")),
                    num(data.get("solve_time_s")) or 0.0,
                    int(seed) if isinstance(seed, int) and not isinstance(seed, bool) else None)
