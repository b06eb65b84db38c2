"""The full stage of a large listing (optimizer/search/colmaster.py): once a restricted
stage's bound is capped by the columns it left out (L plus the least reduced cost left
out), the rest of the time goes to one stage over every column below the gap, whose
proof is the listing's.

Three units in a triangle: every pair costs 10,000 yuan and every single 12,000, so the
LP takes each pair at one half (15,000 yuan) and the optimum is a pair and a single
(22,000); the three together (90,000) lie above the gap, so the full stage holds every
column below it and not the whole listing (FULL_COLUMNS is six here: on the code before,
a listing larger than it never fit). With the restricted stages cut to one column
(MAX_RESTRICTED) none can prove the plan in hand; only the full stage proves it.
"""

from __future__ import annotations

import numpy as np
import pytest

import optimizer.search.colmaster as colmaster
from optimizer.search.colmaster import solve_by_master
from optimizer.search.stop import StopFlag
from optimizer.status import Status

MEMBERS = ((0,), (1,), (2,), (0, 1), (1, 2), (0, 2), (0, 1, 2))
COST = np.array([12_000.0] * 3 + [10_000.0] * 3 + [90_000.0])


def test_capped_restricted_stages_hand_the_rest_to_the_full_stage(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(colmaster, "MAX_RESTRICTED", 1)
    monkeypatch.setattr(colmaster, "FULL_COLUMNS", 6)   # the listing's 7 do not fit
    got = solve_by_master(3, MEMBERS, COST, [0, 1, 2], budget_s=1.0, workers=1, seed=0,
                          deterministic=False, stop=StopFlag(), count=(1, 3))
    assert got is not None and got.status == Status.OPTIMAL
    assert float(COST[list(got.chosen)].sum()) == pytest.approx(22_000.0)
    assert 21_998.0 <= got.bound_yuan <= 22_000.0
    assert sorted(i for k in got.chosen for i in MEMBERS[k]) == [0, 1, 2]
