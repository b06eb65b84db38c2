"""The boxed clause (optimizer/graph/boxed.py) in the report: the engine's record of a
community a boxed-in oversized unit joined, read back from communities.csv to the same
record, and its Chinese built from that record (never the 'see communities.csv'
fallback), naming the unit and the units between."""

from __future__ import annotations

import dataclasses

import pytest

from optimizer.checker import check
from optimizer.graph.boxed import boxed_clause, boxed_record
from optimizer.graph.oversized import oversized_exemption
from optimizer.report.reasons_exempt import exemption_text, parse_exemption, reason_zh
from optimizer.scenario.build import grid_scenario
from optimizer.search import solve

KEY = ("C1", "S1", "rural")


@pytest.mark.parametrize("between", [False, True])
def test_the_boxed_clause_reads_back_and_in_chinese(between: bool) -> None:
    s = grid_scenario([[1800, 300, 1800], [1800, 1800, 1800]], kind="rural",
                      no_build=["r0c0", "r0c1"])
    ix = s.unit_index
    path = [ix["r0c1"]] if between else []
    base = oversized_exemption(s, KEY, ix["r0c2"])
    ex = dataclasses.replace(base, text=base.text + boxed_clause(s, KEY, ix["r0c0"], path),
                             boxed=(boxed_record(s, ix["r0c0"], path),))
    assert parse_exemption(ex.text) == ex
    zh = reason_zh(ex)
    assert "其所在社区另含超规模的自然村(村民小组)r0c0(共1,800户)" in zh
    assert "r0c0本身无设置社区服务中心之处" in zh
    assert ("经由自然村(村民小组)r0c1(共300户)" in zh) == between
    assert "原文见" not in zh


def test_the_plan_of_a_boxed_in_unit_says_it_in_chinese() -> None:
    """Seed 92 of the random grids (tests/search/test_boxed.py): the record the engine
    made is the one the words read back to, and both give the same Chinese."""
    s = grid_scenario([[1800, 1800, 1500, 1800], [1800, 200, 1200, 1200]], kind="rural",
                      no_build=["r0c0", "r0c2", "r1c0", "r1c2"])
    plan = solve(s, time_limit_s=10, workers=1, seed=0)
    assert check(s, plan).passed
    [com] = [c for c in plan.communities if any(r.boxed for r in c.reasons)]
    zh = exemption_text(com.exemption, "zh", reasons=com.reasons)
    assert "超规模的自然村(村民小组)r0c0(共1,800户)" in zh
    assert exemption_text(com.exemption, "zh") == zh
