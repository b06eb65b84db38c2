"""community-optimizer: minimum-cost community plans under the Yancheng 2013 rules.

The public API, for notebooks and scripts::

    s = optimizer.load_scenario("scenarios/demo")
    plan = optimizer.solve(s, time_limit_s=60, workers=1, seed=0)
    report = optimizer.check(s, plan)
    optimizer.write_plan(plan, "out/demo", scenario=s, report=report)
"""

from __future__ import annotations

import os
from pathlib import Path

from optimizer.check import ComplianceReport, ComplianceRow, check
from optimizer.errors import OptimizerError, PlanError, Problem, ScenarioError
from optimizer.plan import io as _plan_io
from optimizer.plan.io import read_plan
from optimizer.plan.model import Community, Plan
from optimizer.rules.costs import Costs, ObjectiveWeights, SolverParams
from optimizer.rules.policy import Policy
from optimizer.scenario import Scenario
from optimizer.scenario.load import load_scenario
from optimizer.search import solve
from optimizer.sweeps import sweep
from optimizer.version import __version__

__all__ = [
    "Community", "ComplianceReport", "ComplianceRow", "Costs", "ObjectiveWeights",
    "OptimizerError", "Plan", "PlanError", "Policy", "Problem", "Scenario", "ScenarioError",
    "SolverParams", "__version__", "check", "load_scenario", "read_plan", "solve", "sweep",
    "write_plan",
]


def write_plan(plan: Plan, out_dir: str | os.PathLike[str], *, scenario: Scenario | None = None,
               report: ComplianceReport | None = None) -> Path:
    """Write the plan folder (CONTRACT.md) atomically; compliance.csv holds ``report``,
    or the independent check of ``plan`` against ``scenario`` when no report is given
    (see :func:`optimizer.plan.io.write_plan` for the folder's safety rules)."""
    if report is None and scenario is not None:
        report = check(scenario, plan)
    return _plan_io.write_plan(plan, out_dir, scenario=scenario, report=report)
