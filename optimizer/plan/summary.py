"""The typed parts of a plan's summary: one :class:`PieceSummary` per piece the solver
solved on its own, and :class:`SummaryExtras`, the read-only rest of summary.json.

summary.json's ``components`` list is the pieces' :meth:`PieceSummary.to_json`; a
reader gets them back with :meth:`PieceSummary.from_json`, which names the field
that is wrong.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields
from typing import Any

from optimizer.status import Status

# summary.json's keys that Plan holds as typed fields (optimizer.plan.model.Plan).
_TYPED = {"status": "status", "objective": "objective", "bound": "bound", "gap": "gap",
          "interrupted": "interrupted", "components": "pieces"}


@dataclass(frozen=True)
class PieceSummary:
    """What the solver did on one piece (one county / street / kind component): its
    size, the status and bound it proved, how (``method``, prose for people) and how
    long. ``clock_stopped``: the wall clock stopped it at the time limit;
    ``memory_stopped``: the memory budget stopped it early (its best plan so far)."""

    key: str                # "county / street / kind"
    units: int
    households: int
    status: Status
    method: str
    objective: float        # yuan/year, the piece's share of the plan's objective
    bound: float            # a proven lower bound on it
    time_s: float
    used_s: float
    clock_stopped: bool = False
    memory_stopped: bool = False

    def to_json(self) -> dict[str, Any]:
        """The entry of summary.json's ``components``. ``memory_stopped`` is written
        only when true (a plan solved without a memory budget has none)."""
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        if not self.memory_stopped:
            del out["memory_stopped"]
        return out

    @classmethod
    def from_json(cls, raw: object) -> PieceSummary:
        """A PieceSummary from an entry of ``components``; ValueError naming the field
        that is missing or of the wrong type."""
        if not isinstance(raw, Mapping):
            raise ValueError(f"is not a JSON object: {raw!r}")
        names = {f.name for f in fields(cls)}
        unknown = sorted(set(raw) - names)
        if unknown:
            raise ValueError(f"unknown field {unknown[0]!r} (fields: {', '.join(sorted(names))})")
        got: dict[str, Any] = {}
        for f in fields(cls):
            if f.name not in raw:
                if f.name in ("clock_stopped", "memory_stopped"):
                    continue
                raise ValueError(f"missing field {f.name!r}")
            got[f.name] = _field(f.name, raw[f.name])
        return cls(**got)


def _field(name: str, value: object) -> Any:
    kind = {"key": str, "method": str, "units": int, "households": int,
            "clock_stopped": bool, "memory_stopped": bool}.get(name, float)
    if name == "status":
        try:
            return Status.parse(value)
        except ValueError as exc:
            raise ValueError(f"field 'status': {exc}") from None
    if kind is bool:
        if not isinstance(value, bool):
            raise ValueError(f"field {name!r} must be true or false, not {value!r}")
        return value
    if kind is str:
        if not isinstance(value, str):
            raise ValueError(f"field {name!r} must be text, not {value!r}")
        return value
    if isinstance(value, bool) or not isinstance(value, int | float) \
            or (kind is int and not isinstance(value, int)):
        raise ValueError(f"field {name!r} must be a{'' if kind is float else ' whole'} "
                         f"number, not {value!r}")
    if kind is float and not math.isfinite(value):
        raise ValueError(f"field {name!r} must be finite, not {value!r}")
    return value


class SummaryExtras(Mapping[str, Any]):
    """The keys of summary.json that Plan does not type (totals, terms, notes, ...),
    read-only. Asking it for a typed one (``status``, ``objective``, ``bound``,
    ``gap``, ``interrupted``, ``components``) is a mistake that would otherwise read
    as "missing": it raises a KeyError naming the Plan field to use instead."""

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[str, Any] | None = None) -> None:
        self._data: dict[str, Any] = dict(data or {})

    def __getitem__(self, key: str) -> Any:
        if key in _TYPED:
            raise KeyError(f"{key!r} is not in Plan.summary: use Plan.{_TYPED[key]}")
        return self._data[key]

    def get(self, key: str, default: Any = None) -> Any:
        if key in _TYPED:
            raise KeyError(f"{key!r} is not in Plan.summary: use Plan.{_TYPED[key]}")
        return self._data.get(key, default)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"SummaryExtras({self._data!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Mapping) and dict(self.items()) == dict(other.items())


class SummaryFieldError(ValueError):
    """A value of summary.json that does not fit its typed field: ``key`` names it
    (``components[3]`` for a piece), ``value`` is what was there."""

    def __init__(self, key: str, message: str, value: object) -> None:
        super().__init__(f"{key}: {message}")
        self.key, self.message, self.value = key, message, value


def typed_fields(summary: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """``summary`` (summary.json as a dict) split into Plan's typed fields (keyword
    arguments of Plan: status, objective, bound, gap, interrupted, pieces) and the
    rest (Plan.summary). :class:`SummaryFieldError` naming the key whose value is
    wrong; a key absent keeps the Plan's default."""
    rest = {k: v for k, v in summary.items() if k not in _TYPED}
    typed: dict[str, Any] = {}
    if "status" in summary:
        try:
            typed["status"] = Status.parse(summary["status"])
        except ValueError as exc:
            raise SummaryFieldError("status", str(exc), summary["status"]) from None
    for key in ("objective", "bound", "gap"):
        v = summary.get(key)
        if v is None:
            continue
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
            raise SummaryFieldError(key, "must be a finite number or null", v)
        typed[key] = v
    if "interrupted" in summary:
        if not isinstance(summary["interrupted"], bool):
            raise SummaryFieldError("interrupted", "must be true or false",
                                    summary["interrupted"])
        typed["interrupted"] = summary["interrupted"]
    comps = summary.get("components")
    if comps is not None:
        if not isinstance(comps, list):
            raise SummaryFieldError("components", "must be a list", type(comps).__name__)
        pieces = []
        for k, raw in enumerate(comps):
            try:
                pieces.append(PieceSummary.from_json(raw))
            except ValueError as exc:
                raise SummaryFieldError(f"components[{k}]", str(exc), raw) from None
        typed["pieces"] = tuple(pieces)
    return typed, rest
