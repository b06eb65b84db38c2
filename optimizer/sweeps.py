"""What-if sweeps: solve a scenario for every combination of parameter values.

``sweep(scenario, {"policy.urban_max_households": [3000, 3500], "year": [2013, 2015]})``
returns one row of KPIs per combination. Names are ``section.field`` for the
``[policy]``, ``[costs]``, ``[objective]`` and ``[solver]`` tables, or a plain Scenario
field (``year``); ``solver.time_limit_s`` sets a point's own time limit. Points run
in parallel worker processes, each deterministic (one CP-SAT worker, its own seed), so
the table does not depend on how many run at once, nor on the executor (local pool,
this process, a Dask cluster).

Ctrl-C (SIGINT) stops a sweep cleanly: points already finished keep their rows (and
plans), running points stop and return their best plan so far (``interrupted`` True),
points not yet started get the status ``NOT RUN`` and no figures.
"""

from __future__ import annotations

import copyreg
import itertools
import os
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pandas as pd

from optimizer.checker import ComplianceReport, check
from optimizer.errors import ConfigError, Problem
from optimizer.plan.model import Plan
from optimizer.progress import Progress, ProgressEvent
from optimizer.scenario.model import Scenario
from optimizer.search import solve
from optimizer.search.executors import Executor, InProcessExecutor, LocalPoolExecutor
from optimizer.search.signals import stop_on_signals
from optimizer.search.stop import StopFlag

SECTIONS = ("policy", "costs", "objective", "solver")


def _mapping_proxy(d: dict[str, Any]) -> MappingProxyType[str, Any]:
    return MappingProxyType(d)


# A point's Plan comes back from a worker process; its summary is a read-only
# MappingProxyType, which pickle cannot copy on its own.
copyreg.pickle(MappingProxyType, lambda m: (_mapping_proxy, (dict(m),)))
NOT_RUN = "NOT RUN"


def sweep(scenario: Scenario, grid: Mapping[str, Sequence[Any]], *, time_limit_s: float = 30.0,
          processes: int = 0, seed: int = 0, executor: Executor | None = None,
          progress: Progress | None = None, out_dir: str | Path | None = None,
          memory_gb: float | None = None, stop: StopFlag | None = None) -> pd.DataFrame:
    """KPIs of the plan for every combination of ``grid`` (a new DataFrame).

    ``executor``: where the points run (:mod:`optimizer.search.executors`; default a local
    pool of ``processes`` processes, 0 = all cores); the base scenario is sent once
    per worker. ``progress`` hears of each point as it finishes (points done/total,
    summed objective and bound). ``out_dir``: each point's plan folder is written to
    ``out_dir/point-NNN`` (named in the ``plan`` column) as soon as it arrives.
    ``memory_gb``: a budget for the executor made here (:mod:`optimizer.search.memory`; a
    point past its share returns an interrupted plan). ``stop``: a flag that stops the
    sweep like Ctrl-C does.
    """
    names = list(grid)
    points = [dict(zip(names, values, strict=True))
              for values in itertools.product(*(grid[n] for n in names))]
    lean = scenario.replace(geometry=None)
    for p in points:
        apply_point(lean, p)        # every bad name or value before any work
    if executor is None:
        procs = min(processes or os.cpu_count() or 1, len(points))
        executor = InProcessExecutor(memory_gb) if procs <= 1 \
            else LocalPoolExecutor(procs, memory_gb)
    want_plans = out_dir is not None
    stop = stop if stop is not None else StopFlag()

    def jobs() -> Iterator[tuple[int, dict[str, Any], float, int, bool]]:
        for k, p in enumerate(points):      # read lazily: none start after a stop
            if stop.is_set():
                return
            yield k, p, time_limit_s, seed, want_plans

    rows: dict[int, dict[str, Any]] = {}
    t0 = time.perf_counter()
    with stop_on_signals(stop):
        for got in executor.map_unordered(_point, lean, jobs(), stop):
            _arrived(got, rows, scenario, points, out_dir)
            if progress is not None:
                k = got[0]
                where = ", ".join(f"{n}={v}" for n, v in points[k].items())
                progress(ProgressEvent(len(rows), len(points),
                                       sum(float(r["objective"]) for r in rows.values()),
                                       sum(float(r["bound"]) for r in rows.values()),
                                       time.perf_counter() - t0, f"point {k}: {where}"))
    return pd.DataFrame([{**p, **rows.get(k, {"status": NOT_RUN, "check": NOT_RUN})}
                         for k, p in enumerate(points)])


def _arrived(got: tuple[int, dict[str, Any], Plan | None, ComplianceReport | None],
             rows: dict[int, dict[str, Any]], scenario: Scenario,
             points: list[dict[str, Any]], out_dir: str | Path | None) -> None:
    """Keep one finished point: its row, and its plan folder when asked."""
    k, kpis, plan, report = got
    if out_dir is not None and plan is not None:
        from optimizer.plan.io import write_plan

        name = f"point-{k:03d}"
        write_plan(plan, Path(out_dir) / name, scenario=apply_point(scenario, points[k]),
                   report=report)
        kpis = {**kpis, "plan": name}
    rows[k] = kpis


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


def _point(base: Scenario, job: tuple[int, dict[str, Any], float, int, bool],
           stop: StopFlag) -> tuple[int, dict[str, Any], Plan | None, ComplianceReport | None]:
    k, point, time_limit_s, seed, want_plan = job
    limit = float(point.get("solver.time_limit_s", time_limit_s))  # a point may set its own
    kpis, plan, report = _kpis(apply_point(base, point), limit, seed, stop)
    return (k, kpis, plan, report) if want_plan else (k, kpis, None, None)


def _kpis(scenario: Scenario, time_limit_s: float, seed: int,
          stop: StopFlag | None = None) -> tuple[dict[str, Any], Plan, ComplianceReport]:
    plan = solve(scenario, time_limit_s=time_limit_s, workers=1, seed=seed, stop=stop)
    report = check(scenario, plan)
    s = plan.summary
    facility = next((r.value for r in report.rows if r.rule_id == "FACILITY-95"), None)
    return {"communities": s["n_communities"], "status": plan.status.value,
            "objective": plan.objective, "bound": plan.bound, "gap": plan.gap,
            "capex_yuan": s["total_capex_yuan"], "annual_cost_yuan": s["total_annual_cost_yuan"],
            "households_moved": s["households_moved"],
            "exempt": sum(1 for c in plan.communities if c.exemption),
            "facility_share": facility, "interrupted": plan.interrupted,
            "check": "pass" if report.passed else "FAIL"}, plan, report
