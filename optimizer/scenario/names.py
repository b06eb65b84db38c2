"""``[names]`` of scenario.toml: the planner's names for planned communities (issue 17).

Every planned community gets a proposed name (:mod:`optimizer.plan.naming`): the name of
today's community whose households it mostly keeps, else its street/town and an
ordinal. ``[names]`` overrides either, in two tables::

    [names.current]            # today's community -> the name of the planned one
    "Xingfu" = "幸福社区"       #   named after it (the one that keeps most of it)
    [names.community]          # community_id of the plan -> its name
    "Jianhu-FuwanTown-U01" = "阜湾社区"

A ``current`` key must be a ``current_community`` of the units (checked on loading); a
``community`` key is an id the solver writes (``<county>-<street>-U01``), known only
once a plan exists: one that names no community of the plan is reported in the plan's
summary notes. Names are text of 1 to 40 characters without control characters, and no
name is given twice.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from optimizer.errors import Problem

FILE = "scenario.toml"
TABLES = ("current", "community")
MAX_NAME = 40


@dataclass(frozen=True)
class PlanNames:
    """The planner's names: by today's community and by community id."""

    current: Mapping[str, str] = field(default_factory=dict)
    community: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "current", MappingProxyType(dict(self.current)))
        object.__setattr__(self, "community", MappingProxyType(dict(self.community)))

    def __reduce__(self) -> tuple[type[PlanNames], tuple[dict[str, str], dict[str, str]]]:
        return PlanNames, (dict(self.current), dict(self.community))

    def __bool__(self) -> bool:
        return bool(self.current or self.community)

    def fingerprint(self) -> str:
        """A stable text of every name, for checkpoints (names change the plan files)."""
        return repr((sorted(self.current.items()), sorted(self.community.items())))


def _name_problem(value: Any) -> str | None:
    if not isinstance(value, str):
        return "must be text (the community's name)"
    text = value.strip()
    if not text:
        return "must not be empty"
    if len(text) > MAX_NAME:
        return f"must be at most {MAX_NAME} characters"
    if any(unicodedata.category(ch).startswith("C") for ch in text):
        return "must not hold control characters (tabs, line breaks)"
    return None


def parse_names(table: Any, current: Collection[str] | None,
                file: str = FILE) -> tuple[PlanNames, list[Problem]]:
    """``[names]`` checked: every problem at once (the names kept are the good ones).

    ``current`` holds the units' current_community names (None: the units could not
    be read, so the ``current`` keys are not checked against them)."""
    problems: list[Problem] = []
    out: dict[str, dict[str, str]] = {t: {} for t in TABLES}
    if not isinstance(table, dict):
        return PlanNames(), [Problem(file, "must be a table with the tables current and "
                                     "community", record="[names]", field="names",
                                     value=table)]
    for key, value in table.items():
        if key not in TABLES:
            close = difflib.get_close_matches(str(key), TABLES, n=1, cutoff=0.5)
            problems.append(Problem(file, "unknown table in [names]", record="[names]",
                                    field=str(key), hint=f"did you mean '{close[0]}'?" if close
                                    else "[names.current] or [names.community]"))
            continue
        if not isinstance(value, dict):
            problems.append(Problem(file, "must be a table of key = \"name\"",
                                    record=f"[names.{key}]", field=key, value=value))
            continue
        for k, v in value.items():
            why = _name_problem(v)
            if why:
                problems.append(Problem(file, why, record=f"[names.{key}]", field=str(k),
                                        value=v))
                continue
            out[key][str(k)] = str(v).strip()
    if current is not None:
        known = sorted(set(current))
        for k in list(out["current"]):
            if k not in current:
                close = difflib.get_close_matches(k, known, n=1, cutoff=0.6)
                problems.append(Problem(file, "must be a current_community of the units",
                                        record="[names.current]", field=k,
                                        hint=f"did you mean '{close[0]}'?" if close else None))
                del out["current"][k]
    seen: dict[str, str] = {}
    for t in TABLES:
        for k, v in out[t].items():
            if v in seen:
                problems.append(Problem(file, f"is given twice (also to {seen[v]}): each "
                                        "community needs its own name",
                                        record=f"[names.{t}]", field=k, value=v))
            seen.setdefault(v, f"[names.{t}] {k}")
    return PlanNames(out["current"], out["community"]), problems
