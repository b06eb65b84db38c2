"""What-if sweeps: solve a scenario for every combination of parameter values.

``sweep(scenario, {"policy.urban_max_households": [3000, 3500], "year": [2013, 2015]})``
returns one row of KPIs per combination. Names are ``section.field`` for the
``[policy]``, ``[costs]``, ``[objective]`` and ``[solver]`` tables, or a plain Scenario
field (``year``). Points run in parallel worker processes, each deterministic (one
CP-SAT worker, its own seed), so the table does not depend on how many run at once.
"""

from __future__ import annotations

import itertools
import multiprocessing as mp
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import pandas as pd

from optimizer.checker import check
from optimizer.errors import ConfigError, Problem
from optimizer.scenario.model import Scenario
from optimizer.search import solve

SECTIONS = ("policy", "costs", "objective", "solver")


def sweep(scenario: Scenario, grid: Mapping[str, Sequence[Any]], *, time_limit_s: float = 30.0,
          processes: int = 0, seed: int = 0) -> pd.DataFrame:
    """KPIs of the plan for every combination of ``grid`` (a new DataFrame)."""
    names = list(grid)
    points = [dict(zip(names, values, strict=True))
              for values in itertools.product(*(grid[n] for n in names))]
    variants = [apply_point(scenario.replace(geometry=None), p) for p in points]
    jobs = [(v, time_limit_s, seed) for v in variants]
    procs = processes or mp.cpu_count() or 1
    if procs <= 1 or len(jobs) <= 1:
        rows = [_kpis(*job) for job in jobs]
    else:
        ctx = mp.get_context("spawn")
        with ProcessPoolExecutor(max_workers=min(procs, len(jobs)), mp_context=ctx) as pool:
            rows = list(pool.map(_kpis_job, jobs))
    return pd.DataFrame([{**p, **r} for p, r in zip(points, rows, strict=True)])


def apply_point(scenario: Scenario, point: Mapping[str, Any]) -> Scenario:
    """``scenario`` with the overrides of one sweep point applied."""
    tables: dict[str, dict[str, Any]] = {}
    plain: dict[str, Any] = {}
    for name, value in point.items():
        section, _, field = name.partition(".")
        if field and section in SECTIONS:
            tables.setdefault(section, {})[field] = value
        elif not field and name in ("year",):
            plain[name] = value
        else:
            raise ConfigError([Problem("sweep()", "must be section.field with section one of "
                                       f"{', '.join(SECTIONS)}, or 'year'", record=name,
                                       field="grid", value=value)])
    return scenario.replace(**tables, **plain)


def _kpis_job(job: tuple[Scenario, float, int]) -> dict[str, Any]:
    return _kpis(*job)


def _kpis(scenario: Scenario, time_limit_s: float, seed: int) -> dict[str, Any]:
    plan = solve(scenario, time_limit_s=time_limit_s, workers=1, seed=seed)
    report = check(scenario, plan)
    s = plan.summary
    facility = next((r.value for r in report.rows if r.rule_id == "FACILITY-95"), None)
    return {"communities": s["n_communities"], "status": s["status"],
            "objective": s["objective"], "bound": s["bound"], "gap": s["gap"],
            "capex_yuan": s["total_capex_yuan"], "annual_cost_yuan": s["total_annual_cost_yuan"],
            "households_moved": s["households_moved"],
            "exempt": sum(1 for c in plan.communities if c.exemption),
            "facility_share": facility, "check": "pass" if report.passed else "FAIL"}
