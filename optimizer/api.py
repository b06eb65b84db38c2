"""Conveniences of the public API that span layers (see :mod:`optimizer`)."""

from __future__ import annotations

import os
from pathlib import Path

from optimizer.checker import check
from optimizer.plan import io as plan_io
from optimizer.plan.compliance import ComplianceReport
from optimizer.plan.model import Plan
from optimizer.scenario.model import Scenario

__all__ = ["write_plan"]


def write_plan(plan: Plan, out_dir: str | os.PathLike[str], *, scenario: Scenario | None = None,
               report: ComplianceReport | None = None) -> Path:
    """Write the plan folder (CONTRACT.md) atomically; compliance.csv holds ``report``,
    or the independent check of ``plan`` against ``scenario`` when no report is given
    (see :func:`optimizer.plan.io.write_plan` for the folder's safety rules)."""
    if report is None and scenario is not None:
        report = check(scenario, plan)
    return plan_io.write_plan(plan, out_dir, scenario=scenario, report=report)
