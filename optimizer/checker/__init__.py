"""The independent checker: ``check(scenario, plan)`` recomputes every rule from the
scenario and the plan's assignment. It never imports the model, the search or the
districting layer (import-linter contract in pyproject.toml), so it can disagree
with them."""

from optimizer.checker.checker import check, community_rows, plan_rows
from optimizer.plan.compliance import ComplianceReport, ComplianceRow

__all__ = ["ComplianceReport", "ComplianceRow", "check", "community_rows", "plan_rows"]
