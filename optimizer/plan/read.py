"""Reading a plan folder (CONTRACT.md, "A plan is a folder") written by any tool:
every problem of the folder is collected and raised as one :class:`PlanError`."""

from __future__ import annotations

import json
import math
import os
from collections.abc import Sequence
from dataclasses import fields
from pathlib import Path
from typing import Any

import pandas as pd

from optimizer.errors import PlanError, ProblemCollector
from optimizer.plan.model import (
    COMMUNITY_COLUMNS,
    GRID_COLUMNS,
    STATUSES,
    SUMMARY_KEYS,
    Community,
    GridShare,
    Plan,
)
from optimizer.plan.phasing import PHASING_COLUMNS, Phasing, parse_phasing
from optimizer.rules.remedy import REMEDIES

__all__ = ["ASSIGNMENT_COLUMNS", "read_plan"]
ASSIGNMENT_COLUMNS = ("unit_id", "community_id", "grid_id")


# --- reading -------------------------------------------------------------------
_INT_FIELDS = {f.name for f in fields(Community) if f.type in ("int", int)}
_FLOAT_FIELDS = {f.name for f in fields(Community) if f.type in ("float", float)}
_EXTRA_DEFAULTS = {f.name: f.default for f in fields(Community)
                   if f.name not in COMMUNITY_COLUMNS}


def _read_table(folder: Path, name: str, required: Sequence[str],
                pc: ProblemCollector) -> pd.DataFrame | None:
    path = folder / name
    if not path.is_file():
        pc.add(name, f"missing file: a plan folder holds {name} (CONTRACT.md)")
        return None
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        pc.add(name, f"cannot be read as CSV: {exc}")
        return None
    df.columns = [str(c).strip() for c in df.columns]
    missing = [c for c in required if c not in df.columns]
    for col in missing:
        pc.add(name, "missing column (CONTRACT.md)", record="header", field=col)
    return None if missing else df


def _parse_number(text: str, as_int: bool) -> int | float | None:
    try:
        v = float(text)
    except ValueError:
        return None
    if not math.isfinite(v):
        return None
    if as_int:
        return int(v) if v == int(v) else None
    return v


def _read_communities(df: pd.DataFrame, pc: ProblemCollector) -> list[Community]:
    out: list[Community] = []
    seen: set[str] = set()
    for n, rec in enumerate(df.to_dict("records"), start=2):
        cid = str(rec["community_id"]).strip()
        where = cid or f"line {n}"
        if not cid:
            pc.add("communities.csv", "must not be empty", record=f"line {n}",
                   field="community_id", value="")
        elif cid in seen:
            pc.add("communities.csv", "duplicate community id: each community has one row",
                   record=where, field="community_id", value=cid)
        seen.add(cid)
        values: dict[str, Any] = {}
        for name in Community.columns():
            raw = rec.get(name)
            if raw is None:
                values[name] = _EXTRA_DEFAULTS[name]
                continue
            raw = str(raw).strip()
            if name in _INT_FIELDS or name in _FLOAT_FIELDS:
                if raw == "" and name in _EXTRA_DEFAULTS:
                    values[name] = _EXTRA_DEFAULTS[name]
                    continue
                num = _parse_number(raw, name in _INT_FIELDS)
                if num is None:
                    kind = "an integer" if name in _INT_FIELDS else "a number"
                    pc.add("communities.csv", f"must be {kind}", record=where, field=name,
                           value=raw)
                values[name] = num
            else:
                values[name] = raw
        if values["remedy"] not in REMEDIES:
            pc.add("communities.csv", f"unknown remedy; one of {', '.join(REMEDIES)} (REMEDY)",
                   record=where, field="remedy", value=values["remedy"])
        if values["kind"] not in ("urban", "rural"):
            pc.add("communities.csv", "must be urban or rural", record=where, field="kind",
                   value=values["kind"])
        if cid:
            out.append(Community(**values))
    return out


def _read_summary(folder: Path, pc: ProblemCollector) -> dict[str, Any]:
    path = folder / "summary.json"
    if not path.is_file():
        pc.add("summary.json", "missing file: a plan folder holds summary.json (CONTRACT.md)")
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (ValueError, UnicodeDecodeError) as exc:
        pc.add("summary.json", f"is not valid JSON: {exc}")
        return {}
    if not isinstance(data, dict):
        pc.add("summary.json", "must hold one JSON object", value=type(data).__name__)
        return {}
    for key in SUMMARY_KEYS:
        if key not in data:
            pc.add("summary.json", "missing key (CONTRACT.md)", record="summary", field=key)
    if "status" in data and data["status"] not in STATUSES:
        pc.add("summary.json", f"must be one of {', '.join(STATUSES)}", record="summary",
               field="status", value=data["status"])
    return data


def _read_grids(folder: Path, pc: ProblemCollector) -> tuple[GridShare, ...]:
    """grids.csv (optional, CONTRACT.md): one row per grid and unit. Checked here: the
    columns, whole households ≥ 0, ids present, a (grid, unit) pair once. Whether the
    rows name the plan's units and communities, hold every unit's households and make
    connected grids of about 300 is the checker's (COORD-300)."""
    if not (folder / "grids.csv").is_file():
        return ()
    df = _read_table(folder, "grids.csv", GRID_COLUMNS, pc)
    if df is None:
        return ()
    out: list[GridShare] = []
    seen: set[tuple[str, str]] = set()
    for n, rec in enumerate(df.to_dict("records"), start=2):
        where = f"line {n}"
        ids = {c: str(rec[c]).strip() for c in ("grid_id", "community_id", "unit_id")}
        for col, val in ids.items():
            if not val:
                pc.add("grids.csv", "must not be empty", record=where, field=col, value="")
        raw = str(rec["households"]).strip()
        hh = _parse_number(raw, True)
        if hh is None or hh < 0:
            pc.add("grids.csv", "must be a whole number ≥ 0", record=where, field="households",
                   value=raw)
            hh = 0
        pair = (ids["grid_id"], ids["unit_id"])
        if pair in seen:
            pc.add("grids.csv", "the same grid and unit appear twice: one row per grid and unit",
                   record=where, field="unit_id", value=ids["unit_id"])
        seen.add(pair)
        out.append(GridShare(ids["grid_id"], ids["community_id"], ids["unit_id"], int(hh)))
    return tuple(out)


def read_plan(plan_dir: str | os.PathLike[str]) -> Plan:
    """Read a plan folder written by any tool; raise one PlanError listing every problem."""
    folder = Path(plan_dir)
    pc = ProblemCollector()
    if not folder.is_dir():
        pc.add(str(folder), "plan folder not found")
        pc.raise_if_any(PlanError)
    adf = _read_table(folder, "assignment.csv", ASSIGNMENT_COLUMNS, pc)
    cdf = _read_table(folder, "communities.csv", COMMUNITY_COLUMNS, pc)
    communities = _read_communities(cdf, pc) if cdf is not None else []
    summary = _read_summary(folder, pc)
    unit_ids: list[str] = []
    community: list[str] = []
    grid: list[str] = []
    if adf is not None:
        known = {c.community_id for c in communities}
        for n, rec in enumerate(adf.to_dict("records"), start=2):
            u = str(rec["unit_id"]).strip()
            c = str(rec["community_id"]).strip()
            g = str(rec["grid_id"]).strip()
            where = u or f"line {n}"
            if not u:
                pc.add("assignment.csv", "must not be empty", record=f"line {n}",
                       field="unit_id", value="")
            if cdf is not None and c not in known:
                pc.add("assignment.csv", "names a community that communities.csv lacks",
                       record=where, field="community_id", value=c)
            unit_ids.append(u)
            community.append(c)
            grid.append(g)
    shares = _read_grids(folder, pc)
    phasing = _read_phasing(folder, summary, pc)
    pc.raise_if_any(PlanError)
    name = str(summary.get("scenario") or folder.name)
    return Plan(scenario=name, unit_ids=tuple(unit_ids), community=tuple(community),
                grid=tuple(grid), communities=tuple(communities), summary=summary,
                grid_shares=shares, phasing=phasing)


def _read_phasing(folder: Path, summary: dict[str, Any],
                  pc: ProblemCollector) -> Phasing | None:
    """phasing.csv when the folder holds one (CONTRACT.md: optional), else None."""
    if not (folder / "phasing.csv").is_file():
        return None
    df = _read_table(folder, "phasing.csv", PHASING_COLUMNS, pc)
    if df is None:
        return None
    claims = summary.get("phasing")
    problems: list[tuple[str, str, str, str]] = []
    phasing = parse_phasing(df, claims if isinstance(claims, dict) else {}, problems)
    for record, fld, value, rule in problems:
        pc.add("phasing.csv", rule, record=record, field=fld, value=value)
    return phasing
