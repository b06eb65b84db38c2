"""The plan folder of CONTRACT.md ("A plan is a folder"): write it atomically, read it
back from any tool.

Writing is deterministic: floats are rounded to 6 decimals and printed by ``repr``
(so 469.00000000000006 is written 469.0), JSON keys are sorted, no timestamp is
added, so the same plan always gives byte-identical files. Everything is written
into a hidden sibling folder first and renamed into place, so a crash never leaves
a half-written plan folder; an existing folder is replaced only when its manifest
says the engine wrote it, keeping the planner's own files (optimizer/plan/folder.py).

Reading collects every problem of the folder and raises one :class:`PlanError`.

The CSVs keep ids and names exactly, with no byte-order mark; why, and how formula
injection is handled, is in :func:`_write_csv`.
"""

from __future__ import annotations

import csv
import json
import math
import os
import re
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from optimizer.names import starts_like_formula
from optimizer.plan.folder import check_replaceable, everything, staged_folder
from optimizer.plan.guard import ensure_conserved
from optimizer.plan.lock import output_path
from optimizer.plan.model import GRID_COLUMNS, SUMMARY_KEYS, Community, GridShare, Plan
from optimizer.plan.phasing import Phase, phase_rows
from optimizer.plan.read import ASSIGNMENT_COLUMNS
from optimizer.version import __version__

if TYPE_CHECKING:
    from optimizer.plan.compliance import ComplianceReport
    from optimizer.scenario.model import Scenario

COMPLIANCE_COLUMNS = ("rule_id", "community_id", "status", "value", "limit", "note")
PLAN_FILES = ("assignment.csv", "communities.csv", "communities.geojson", "summary.json",
              "compliance.csv", "grids.csv")
FLOAT_DECIMALS = 6
COORD_DECIMALS = 3  # millimetres in a metric CRS


# --- formatting --------------------------------------------------------------
def format_value(value: Any) -> str:
    """One CSV cell: ints as ints, floats rounded and printed by repr, NaN empty."""
    if value is None:
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        v = float(value)
        if not math.isfinite(v):
            return ""
        v = round(v, FLOAT_DECIMALS)
        return repr(v if v != 0 else 0.0)
    return str(value)


def _json_value(value: Any) -> Any:
    """A JSON-safe copy: numpy scalars to Python, NaN/inf to null, tuples to lists."""
    if isinstance(value, Mapping):
        return {str(k): _json_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [_json_value(v) for v in value]
    if isinstance(value, str):
        return str(value)       # a Status (StrEnum) as its word
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        v = float(value)
        return v if math.isfinite(v) else None
    return value


# Columns whose text is our own prose, not an id or a name (see _write_csv).
PROSE_COLUMNS = frozenset({"exemption", "note"})


def prose_cell(text: str) -> str:
    """Our prose never starts like a spreadsheet formula: a leading ``=``, ``+``, ``-``,
    ``@``, tab or line break gets an apostrophe before it (OWASP's CSV-injection advice)."""
    return f"'{text}" if starts_like_formula(text) else text


def _write_csv(path: Path, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """A plan CSV: UTF-8 without a byte-order mark, ``\n`` line ends, minimal quoting.

    Ids and names are written exactly as given, even one starting with ``=``: other
    tools and checkers read these files (CONTRACT.md) and must get the same bytes back,
    so no quote or prefix is added. For the same reason there is no BOM: Python's
    ``csv`` with ``encoding="utf-8"``, Go, awk and a ``split(",")`` would read the first
    column as ``\ufeffunit_id``; and a CSV that Excel opens with a BOM shows Chinese
    but still runs formulas. Planners open plan.xlsx (every text cell text, Chinese
    shown); ``validate`` warns of each name that starts like a formula. Only the prose
    columns (:data:`PROSE_COLUMNS`, written by us) are guarded by :func:`prose_cell`.
    Our readers accept a BOM (``utf-8-sig``), as a file saved by Excel has one.
    """
    prose = [k for k, c in enumerate(columns) if c in PROSE_COLUMNS]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(columns)
        for row in rows:
            cells = [format_value(v) for v in row]
            for k in prose:
                cells[k] = prose_cell(cells[k])
            w.writerow(cells)


def _write_json(path: Path, obj: Any) -> None:
    text = json.dumps(_json_value(obj), sort_keys=True, indent=2, ensure_ascii=False,
                      allow_nan=False)
    path.write_text(text + "\n", encoding="utf-8")


# --- the five files ------------------------------------------------------------
def _write_assignment(plan: Plan, folder: Path) -> None:
    _write_csv(folder / "assignment.csv", ASSIGNMENT_COLUMNS,
               zip(plan.unit_ids, plan.community, plan.grid, strict=True))


def _community_rows(plan: Plan) -> list[list[Any]]:
    names = Community.columns()
    return [[getattr(c, n) for n in names] for c in plan.communities]


def _write_communities(plan: Plan, folder: Path) -> None:
    _write_csv(folder / "communities.csv", Community.columns(), _community_rows(plan))


def whole_unit_grids(plan: Plan, scenario: Scenario) -> tuple[GridShare, ...]:
    """grids.csv rows of a plan without any: every unit whole in its assignment grid."""
    index = scenario.unit_index
    return tuple(GridShare(g, c, u, int(scenario.households[index[u]]))
                 for u, c, g in zip(plan.unit_ids, plan.community, plan.grid, strict=True)
                 if u in index and g)


def _write_grids(plan: Plan, folder: Path, scenario: Scenario | None,
                 notes: list[str]) -> None:
    """grids.csv (CONTRACT.md, optional): the plan's grid rows, ordered by community,
    grid and unit, so a divided unit's first row is its first grid (the one
    assignment.csv names)."""
    rows = plan.grid_shares
    if not rows and scenario is not None:
        rows = whole_unit_grids(plan, scenario)
    if not rows:
        notes.append("grids.csv not written: the plan has no grid rows and no scenario "
                     "was given")
        return
    ordered = sorted(rows, key=lambda g: (g.community_id, g.grid_id, g.unit_id))
    _write_csv(folder / "grids.csv", GRID_COLUMNS,
               ([g.grid_id, g.community_id, g.unit_id, g.households] for g in ordered))


def _crs_member(crs: str) -> dict[str, Any]:
    m = re.fullmatch(r"\s*EPSG:(\d+)\s*", crs, flags=re.IGNORECASE)
    if m:
        name = f"urn:ogc:def:crs:EPSG::{m.group(1)}"
    else:
        import pyproj

        epsg = pyproj.CRS(crs).to_epsg()
        name = f"urn:ogc:def:crs:EPSG::{epsg}" if epsg else pyproj.CRS(crs).to_string()
    return {"type": "name", "properties": {"name": name}}


def _round_coords(obj: Any) -> Any:
    if isinstance(obj, (list, tuple)):
        return [_round_coords(v) for v in obj]
    v = round(float(obj), COORD_DECIMALS)
    return v if v != 0 else 0.0


def _write_geojson(plan: Plan, scenario: Scenario, folder: Path) -> None:
    import shapely
    from shapely.geometry import mapping

    assert scenario.geometry is not None
    geoms = scenario.geometry.units
    members: dict[str, list[int]] = {}
    index = scenario.unit_index
    for u, c in zip(plan.unit_ids, plan.community, strict=True):
        if u in index:
            members.setdefault(c, []).append(index[u])
    features = []
    for com in plan.communities:
        idx = sorted(set(members.get(com.community_id, [])))
        geom = shapely.normalize(shapely.union_all(geoms[idx])) if idx else None
        gj = None
        if geom is not None and not geom.is_empty:
            gj = mapping(geom)
            gj = {"type": gj["type"], "coordinates": _round_coords(gj["coordinates"])}
        props = {k: _json_value(v) for k, v in com.row().items()}
        for k, v in props.items():
            if isinstance(v, float):
                props[k] = round(v, FLOAT_DECIMALS)
        features.append({"type": "Feature", "properties": props, "geometry": gj})
    _write_json(folder / "communities.geojson",
                {"type": "FeatureCollection", "name": "communities",
                 "crs": _crs_member(scenario.geometry.crs), "features": features})


def plan_summary(plan: Plan, notes: Sequence[str] = ()) -> dict[str, Any]:
    """summary.json: :meth:`Plan.summary_dict` with every contract key present (missing
    totals filled from the plan's own communities; the checker recomputes them
    independently)."""
    s = plan.summary_dict()
    filled: dict[str, Any] = {
        "scenario": plan.scenario,
        "n_units": len(plan.unit_ids), "n_communities": len(plan.communities),
        "households": sum(int(c.households) for c in plan.communities),
        "total_capex_yuan": float(sum(c.capex_yuan for c in plan.communities)),
        "total_annual_cost_yuan": float(sum(c.annual_cost_yuan for c in plan.communities)),
    }
    for key in SUMMARY_KEYS:
        if key not in s:
            if key == "version":
                s[key] = __version__
            else:
                s[key] = filled.get(key)
    if notes:
        s["notes"] = [*list(s.get("notes") or []), *notes]
    return s


def _write_compliance(report: ComplianceReport | None, folder: Path) -> None:
    write_compliance_csv(report, folder / "compliance.csv")


def write_compliance_csv(report: ComplianceReport | None, path: Path) -> None:
    """compliance.csv at ``path``, formatted as :func:`write_plan` writes it (``check
    --write`` gives a temporary of :func:`optimizer.plan.folder.replace_file`)."""
    if report is None:
        _write_csv(path, COMPLIANCE_COLUMNS, [])
        return
    frame = report.to_frame()
    _write_csv(path, COMPLIANCE_COLUMNS,
               frame[list(COMPLIANCE_COLUMNS)].itertuples(index=False, name=None))


def _write_all(plan: Plan, folder: Path, scenario: Scenario | None,
               report: ComplianceReport | None, timed: bool = False) -> None:
    t0 = time.perf_counter()
    notes: list[str] = []
    _write_assignment(plan, folder)
    _write_communities(plan, folder)
    _write_grids(plan, folder, scenario, notes)
    if scenario is not None and scenario.geometry is not None:
        _write_geojson(plan, scenario, folder)
    else:
        why = "no scenario was given" if scenario is None else "the scenario has no geometry"
        notes.append(f"communities.geojson not written: {why}")
    if report is None:
        notes.append("compliance.csv holds only its header: the plan was written unchecked")
    _write_compliance(report, folder)
    if plan.phasing is not None:        # CONTRACT.md: optional, when [budget] is given
        _write_csv(folder / "phasing.csv", Phase.columns(), phase_rows(plan.phasing))
    summary = plan_summary(plan, notes)
    if timed:   # how long writing the other files took (summary.json comes last)
        summary["write_time_s"] = round(time.perf_counter() - t0, 3)
    _write_json(folder / "summary.json", summary)


def is_plan_file(rel: str) -> bool:
    return rel in PLAN_FILES or rel == "phasing.csv"


def check_plan_folder(out_dir: str | os.PathLike[str]) -> None:
    """Raise the OutputError :func:`write_plan` would raise for ``out_dir`` (not ours,
    edited files, in use by another run, not writable), before a long solve."""
    check_replaceable(out_dir, writes=is_plan_file, replaces=everything, need_ours=True)


def write_plan(plan: Plan, out_dir: str | os.PathLike[str], *, scenario: Scenario | None = None,
               report: ComplianceReport | None = None, timed: bool = False) -> Path:
    """Write the plan folder atomically and return its path.

    ``timed``: record in summary.json how long writing took (``write_time_s``; the
    command line does, beside load, solve and check times). Off by default, so that
    rewriting a plan gives the same bytes.

    communities.geojson needs ``scenario.geometry``; compliance.csv comes from
    ``report``, or from ``check(scenario, plan)`` when only the scenario is given.
    ``manifest.json``, written last, lists the files written. An existing folder is
    replaced only when its manifest says the engine wrote it, and then only the files
    it lists: any other file in it is carried over into the new folder
    (:mod:`optimizer.plan.folder`). Any other non-empty folder is refused with an
    :class:`OutputError`, and so is a disk error (full, read-only), the previous folder
    untouched.
    A plan that does not hold every unit and household exactly once is never written
    (:func:`optimizer.plan.guard.ensure_conserved` raises and nothing is touched).
    """
    ensure_conserved(plan, scenario)
    with staged_folder(out_dir, writes=is_plan_file, replaces=everything,
                       need_ours=True) as stage:
        _write_all(plan, stage, scenario, report, timed)
    return output_path(out_dir)
