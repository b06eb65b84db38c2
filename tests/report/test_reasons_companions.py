"""The companions clause (optimizer.graph.oversized.companions_clause) in the report:
read back from communities.csv to the record it was written from, and its Chinese
built from that record (never the 'see communities.csv' fallback)."""

from __future__ import annotations

import pytest

from optimizer.graph.oversized import oversized_exemption
from optimizer.report.reasons_exempt import parse_exemption, reason_zh
from optimizer.scenario.build import grid_scenario


@pytest.mark.parametrize("joined", [False, True])
def test_companions_read_back_and_in_chinese(joined: bool) -> None:
    s = grid_scenario([[400, 300, 300, 3000, 700, 800, 600, 600]], kind="rural",
                      no_build=["r0c3", "r0c2"])
    ix = s.unit_index
    ex = oversized_exemption(s, ("C1", "S1", "rural"), ix["r0c3"],
                             [ix["r0c0"]] if joined else None, [], True,
                             companions=[ix["r0c1"], ix["r0c2"]])
    assert ex.companions is not None and ex.companions.households == 600
    assert parse_exemption(ex.text) == ex
    zh = reason_zh(ex)
    assert "r0c3本身无设置社区服务中心之处" in zh
    assert "另含自然村(村民小组)r0c1、r0c2(共600户)" in zh
    assert "原文见" not in zh
    assert ("r0c0(共400户)" in zh) == joined
