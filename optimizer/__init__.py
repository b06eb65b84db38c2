"""community-optimizer: minimum-cost community plans under the Yancheng 2013 rules."""

from optimizer.costs import Costs, ObjectiveWeights, SolverParams
from optimizer.errors import OptimizerError, PlanError, Problem, ScenarioError
from optimizer.plan import Community, Plan
from optimizer.policy import Policy
from optimizer.scenario import Scenario

__version__ = "0.1.0"

__all__ = [
    "Community", "Costs", "ObjectiveWeights", "OptimizerError", "Plan", "PlanError", "Policy",
    "Problem", "Scenario", "ScenarioError", "SolverParams", "__version__", "check", "solve",
    "sweep",
]


def check(scenario: Scenario, plan: Plan):  # type: ignore[no-untyped-def]
    """Independent compliance check of ``plan`` against ``scenario``."""
    from optimizer.checker import check as _check

    return _check(scenario, plan)


def solve(scenario: Scenario, **kwargs):  # type: ignore[no-untyped-def]
    """Minimum-cost plan for ``scenario`` (see :func:`optimizer.search.solve`)."""
    from optimizer.search import solve as _solve

    return _solve(scenario, **kwargs)


def sweep(scenario: Scenario, grid: dict, **kwargs):  # type: ignore[no-untyped-def,type-arg]
    """KPIs for every combination of parameter values (see :func:`optimizer.sweeps.sweep`)."""
    from optimizer.sweeps import sweep as _sweep

    return _sweep(scenario, grid, **kwargs)
