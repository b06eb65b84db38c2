"""A community of units with no households yet (a development not moved into, an
industrial park): one grid holds its units, with no coordinator, and the checker
agrees (found by the loader fuzz, tests/reliability/test_fuzz_folders.py: every such
plan failed COORD-300, "1 grids, expected min(0 coordinators, 3 units) = 0").

Fixture: a town whose rural area, three villages in a row, has 0 households::

    +------+------+------+
    | r0c0 | r0c1 | r0c2 |    rural, 0 households each
    +------+------+------+
"""

from __future__ import annotations

import optimizer
from optimizer.scenario.build import grid_scenario


def test_an_empty_piece_gets_one_grid_and_passes_the_check() -> None:
    s = grid_scenario([[0, 0, 0]], kind="rural")
    plan = optimizer.solve(s, time_limit_s=5, workers=1)
    [com] = plan.communities
    assert com.households == 0 and com.coordinators == 0
    assert len(set(plan.grid)) == 1
    report = optimizer.check(s, plan)
    coord = [r for r in report.rows if r.rule_id == "COORD-300"]
    assert [r.status for r in coord] == ["pass"], coord
    assert report.passed, report.summary_text()
