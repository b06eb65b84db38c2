"""The optional parts of a plan folder the filing renders (CONTRACT.md): communities.csv
``name``/``services``, grids.csv, phasing.csv and compliance.csv (with ``not_assessed``).

Each part is either read and validated (every problem collected into one PlanError
naming file, record, field and value) or absent, and :attr:`PlanExtras.absent` says
why, so a document can say so instead of inventing it.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from optimizer.errors import PlanError, ProblemCollector

COMPLIANCE_STATUSES = ("pass", "fail", "exempt", "not_assessed")
GRID_COLUMNS = ("grid_id", "community_id", "unit_id", "households")
PHASING_COLUMNS = ("community_id", "year", "remedy", "capex_yuan")
COMPLIANCE_COLUMNS = ("rule_id", "community_id", "status", "value", "limit", "note")


@dataclass(frozen=True)
class GridRow:
    grid_id: str
    community_id: str
    unit_id: str
    households: int


@dataclass(frozen=True)
class PhaseRow:
    community_id: str
    year: int | None            # None: not by the horizon
    remedy: str
    capex_yuan: float


@dataclass(frozen=True)
class CheckRow:
    rule_id: str
    community_id: str
    status: str
    value: str
    limit: str
    note: str


@dataclass(frozen=True)
class PlanExtras:
    """What a plan folder holds beyond the Plan object (empty for an in-memory plan)."""

    names: dict[str, str] = field(default_factory=dict)
    services: dict[str, tuple[str, ...]] = field(default_factory=dict)
    grids: tuple[GridRow, ...] | None = None
    phasing: tuple[PhaseRow, ...] | None = None
    compliance: tuple[CheckRow, ...] | None = None
    absent: dict[str, str] = field(default_factory=dict)   # part -> why it is absent


def _csv(path: Path, required: tuple[str, ...], pc: ProblemCollector) -> pd.DataFrame | None:
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        pc.add(path.name, f"cannot be read as CSV: {exc}")
        return None
    df.columns = [str(c).strip() for c in df.columns]
    missing = [c for c in required if c not in df.columns]
    for col in missing:
        pc.add(path.name, "missing column (CONTRACT.md)", record="header", field=col)
    return None if missing else df


def _number(text: str, name: str, where: str, col: str, pc: ProblemCollector,
            *, integer: bool, empty_ok: bool = False) -> float | None:
    text = text.strip()
    if text == "" and empty_ok:
        return None
    try:
        v = float(text)
    except ValueError:
        v = math.nan
    if not math.isfinite(v) or v < 0 or (integer and v != int(v)):
        pc.add(name, f"must be {'a whole number' if integer else 'a number'} ≥ 0",
               record=where, field=col, value=text)
        return None
    return v


def _grids(df: pd.DataFrame, pc: ProblemCollector) -> tuple[GridRow, ...]:
    out = []
    for n, rec in enumerate(df.to_dict("records"), start=2):
        where = f"line {n}"
        hh = _number(str(rec["households"]), "grids.csv", where, "households", pc, integer=True)
        for col in ("grid_id", "community_id", "unit_id"):
            if not str(rec[col]).strip():
                pc.add("grids.csv", "must not be empty", record=where, field=col, value="")
        out.append(GridRow(str(rec["grid_id"]).strip(), str(rec["community_id"]).strip(),
                           str(rec["unit_id"]).strip(), int(hh or 0)))
    return tuple(out)


def _phasing(df: pd.DataFrame, pc: ProblemCollector) -> tuple[PhaseRow, ...]:
    out = []
    for n, rec in enumerate(df.to_dict("records"), start=2):
        where = str(rec["community_id"]).strip() or f"line {n}"
        year = _number(str(rec["year"]), "phasing.csv", where, "year", pc, integer=True,
                       empty_ok=True)
        capex = _number(str(rec["capex_yuan"]), "phasing.csv", where, "capex_yuan", pc,
                        integer=False, empty_ok=True)
        out.append(PhaseRow(str(rec["community_id"]).strip(),
                            int(year) if year is not None else None,
                            str(rec["remedy"]).strip(), float(capex or 0.0)))
    return tuple(out)


def _compliance(df: pd.DataFrame, pc: ProblemCollector) -> tuple[CheckRow, ...]:
    out = []
    for n, rec in enumerate(df.to_dict("records"), start=2):
        status = str(rec["status"]).strip()
        if status not in COMPLIANCE_STATUSES:
            pc.add("compliance.csv", f"status must be one of {', '.join(COMPLIANCE_STATUSES)}",
                   record=f"line {n}", field="status", value=status)
        out.append(CheckRow(*(str(rec[c]).strip() for c in COMPLIANCE_COLUMNS)))
    return tuple(out)


def read_extras(plan_dir: str | os.PathLike[str]) -> PlanExtras:
    """The optional parts of the plan folder; one PlanError lists every problem."""
    folder = Path(plan_dir)
    pc = ProblemCollector()
    absent: dict[str, str] = {}
    names: dict[str, str] = {}
    services: dict[str, tuple[str, ...]] = {}
    coms = _csv(folder / "communities.csv", ("community_id",), pc) \
        if (folder / "communities.csv").is_file() else None
    if coms is not None:
        if "name" in coms.columns:
            names = {str(c).strip(): str(v).strip()
                     for c, v in zip(coms["community_id"], coms["name"], strict=True)
                     if str(v).strip()}
        else:
            absent["name"] = "communities.csv has no name column"
        if "services" in coms.columns:
            services = {str(c).strip(): tuple(s.strip() for s in str(v).split(";") if s.strip())
                        for c, v in zip(coms["community_id"], coms["services"], strict=True)
                        if str(v).strip()}
        else:
            absent["services"] = "communities.csv has no services column"
    frames: dict[str, pd.DataFrame] = {}
    for part, required in (("grids.csv", GRID_COLUMNS), ("phasing.csv", PHASING_COLUMNS),
                           ("compliance.csv", COMPLIANCE_COLUMNS)):
        path = folder / part
        if not path.is_file():
            absent[part] = f"the plan folder has no {part}"
            continue
        df = _csv(path, required, pc)
        if df is not None:
            frames[part] = df
    grids = _grids(frames["grids.csv"], pc) if "grids.csv" in frames else None
    phasing = _phasing(frames["phasing.csv"], pc) if "phasing.csv" in frames else None
    compliance = _compliance(frames["compliance.csv"], pc) if "compliance.csv" in frames \
        else None
    pc.raise_if_any(PlanError)
    if compliance == ():
        absent["compliance.csv"] = "compliance.csv holds only its header"
        compliance = None
    return PlanExtras(names=names, services=services, grids=grids, phasing=phasing,
                      compliance=compliance, absent=absent)
