"""Tiny instances solved to the optimum found by enumerating every partition.

Grid (households per unit, all urban, one street)::

    r0: 700  800  650
    r1: 900  600  750
    r2: 500  850  700

Every partition of the 9 units into connected parts of 2,000-3,000 households
(1,000-1,500 in the rural variant, which halves every figure) is enumerated;
each part takes its cheapest center (site option, build or co-build) priced with
optimizer.rules.remedy, plus the distance and moved terms. The solver must
reach the same optimum and prove it.
"""

from __future__ import annotations

import pytest

from optimizer.checker.checker import check
from optimizer.search import solve
from tests.helpers.bruteforce import VARIANTS, brute_force, variant_scenario


@pytest.mark.parametrize("variant", VARIANTS)
def test_solver_reaches_brute_force_optimum(variant: str) -> None:
    s = variant_scenario(variant)
    expected = brute_force(s)
    plan = solve(s, time_limit_s=30, workers=1, seed=0)
    assert plan.status == "OPTIMAL"
    assert plan.objective == pytest.approx(expected, abs=1.0)
    assert plan.bound <= plan.objective + 1e-6
    assert plan.gap < 1e-5
    report = check(s, plan)
    assert report.passed, report.summary_text()
