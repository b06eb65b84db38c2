"""The shipped demo with one urban compound raised above the urban maximum (issue 16).

Fuwan Town's urban area is five compounds in a row; with JH-FW-0001 at 4,000 (or
3,200) households the other four (1,725) cannot form a community of 2,000-3,000 on
their own, so they join the oversized compound's community. That community alone is
exempt, its reason names JH-FW-0001; before the fix the whole piece went to the soft
model and the exemption was stamped on a second community the checker rejected.
"""

from __future__ import annotations

import numpy as np
import pytest

from optimizer.checker.checker import check
from optimizer.scenario.model import Scenario, frozen_array
from optimizer.search import solve

RAISED = "JH-FW-0001"
PIECE = {"JH-FW-0001", "JH-FW-0002", "JH-FW-0003", "JH-FW-0004", "JH-FW-0005"}


@pytest.mark.parametrize("households", [4000, 3200])
def test_demo_with_a_compound_above_the_maximum_passes_the_checker(
        demo: Scenario, households: int) -> None:
    hh = np.array(demo.households, dtype=np.int64)
    hh[demo.unit_index[RAISED]] = households
    s = demo.replace(households=frozen_array(hh, np.int64))
    plan = solve(s, time_limit_s=10, workers=1, seed=0)
    report = check(s, plan)
    assert report.passed, report.summary_text()
    comm = dict(zip(plan.unit_ids, plan.community, strict=True))
    exempt = {c.community_id: c.exemption for c in plan.communities if c.exemption}
    urban_exempt = {cid: why for cid, why in exempt.items() if "SIZE-URBAN" in why}
    # One urban exemption, on the raised compound's community, naming that compound.
    assert list(urban_exempt) == [comm[RAISED]]
    assert f"{RAISED} alone has {households:,} households" in urban_exempt[comm[RAISED]]
    members = {u for u, c in comm.items() if c == comm[RAISED]}
    assert members == PIECE
    piece = next(p for p in plan.pieces if p.key == "Jianhu / Fuwan Town / urban")
    assert "soft" not in piece.method
    assert 0 < piece.bound <= piece.objective + 1e-6
