"""community-optimizer: minimum-cost community plans under the Yancheng 2013 rules.

The public API, for notebooks and scripts::

    s = optimizer.load_scenario("scenarios/demo")
    plan = optimizer.solve(s, time_limit_s=60, workers=1, seed=0)
    report = optimizer.check(s, plan)
    optimizer.write_plan(plan, "out/demo", scenario=s, report=report)
    curve = optimizer.budget_curve(s.replace(budget={...}), time_limit_s=60)

The names are the library's own functions and types (real signatures), imported
when first used: importing one layer (say ``optimizer.checker``) does not load the
others, so the checker runs without the model or the search ever being imported.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from optimizer.version import __version__

if TYPE_CHECKING:
    from optimizer.api import write_plan
    from optimizer.checker import ComplianceReport, ComplianceRow, check
    from optimizer.errors import OptimizerError, PlanError, Problem, ScenarioError
    from optimizer.plan.model import Community, Plan
    from optimizer.plan.read import read_plan
    from optimizer.report.budget_curve import write_budget_curve
    from optimizer.rules.costs import Costs, ObjectiveWeights, SolverParams
    from optimizer.rules.policy import Policy
    from optimizer.scenario.load import load_scenario
    from optimizer.scenario.model import Scenario
    from optimizer.search import solve
    from optimizer.search.budget_curve import budget_curve
    from optimizer.search.phasing import phase
    from optimizer.sweeps import sweep

_WHERE = {
    "write_plan": "optimizer.api", "check": "optimizer.checker",
    "ComplianceReport": "optimizer.checker", "ComplianceRow": "optimizer.checker",
    "OptimizerError": "optimizer.errors", "PlanError": "optimizer.errors",
    "Problem": "optimizer.errors", "ScenarioError": "optimizer.errors",
    "read_plan": "optimizer.plan.read", "Community": "optimizer.plan.model",
    "Plan": "optimizer.plan.model", "Costs": "optimizer.rules.costs",
    "ObjectiveWeights": "optimizer.rules.costs", "SolverParams": "optimizer.rules.costs",
    "Policy": "optimizer.rules.policy", "load_scenario": "optimizer.scenario.load",
    "Scenario": "optimizer.scenario.model", "solve": "optimizer.search",
    "sweep": "optimizer.sweeps", "budget_curve": "optimizer.search.budget_curve",
    "phase": "optimizer.search.phasing", "write_budget_curve": "optimizer.report.budget_curve",
}
__all__ = [
    "Community", "ComplianceReport", "ComplianceRow", "Costs", "ObjectiveWeights",
    "OptimizerError", "Plan", "PlanError", "Policy", "Problem", "Scenario", "ScenarioError",
    "SolverParams", "__version__", "budget_curve", "check", "load_scenario", "phase",
    "read_plan", "solve", "sweep", "write_budget_curve", "write_plan",
]


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        value = getattr(importlib.import_module(_WHERE[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'optimizer' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__
