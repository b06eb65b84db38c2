"""The fewest households a stranded part must give (optimizer.search.oversized_least)
found by the exact cover on small parts, with no solver and no clock.

Why: bench/wild.py seed 1344's 22-village part took CP-SAT 0.43 s to prove that no
partition joins nothing and 0.75 s for the fewest (132 households); the piece's
0.59 s ran out and it ended `soft`, which its check rejects. The exact cover answers
both in under 0.1 s. Against CP-SAT on random set partitionings, and end to end on a
grid whose least is known by brute force (tests/search/test_oversized_least.py).
"""

from __future__ import annotations

import numpy as np
import pytest

import optimizer.search.oversized_least as least
from optimizer.checker import check
from optimizer.scenario.build import grid_scenario
from optimizer.search import solve
from optimizer.search.piece_types import PieceTask
from optimizer.search.stop import StopFlag
from optimizer.status import Status
from tests.helpers.bruteforce import least_joined


def _task() -> PieceTask:
    return PieceTask(index=0, key=("c", "t", "rural"), units=np.arange(1), diagnosis=None,
                     budget_s=10.0, seed=0, threads=1)


@pytest.mark.parametrize("seed", range(12))
def test_the_cover_agrees_with_cp_sat(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(5, 11))
    members = sorted({tuple(sorted(rng.choice(n, size=int(rng.integers(1, 4)),
                                              replace=False).tolist()))
                      for _ in range(int(rng.integers(n, 4 * n)))})
    gain = rng.integers(0, 5, size=len(members)).astype(float)
    chosen, status, _ = least._fewest(n, members, gain, _task(), StopFlag())
    path = [[v for v in (u - 1, u + 1) if 0 <= v < n] for u in range(n)][::-1]
    banded, banded_status, _ = least._fewest(n, members, gain, _task(), StopFlag(), path)
    assert banded_status == status
    assert gain[list(banded)].sum() == gain[list(chosen)].sum()
    monkeypatch.setattr(least, "COVER_UNITS", 0)
    cp_chosen, cp_status, _ = least._fewest(n, members, gain, _task(), StopFlag())
    assert status == cp_status
    assert status in (Status.OPTIMAL, Status.INFEASIBLE)
    if status == Status.OPTIMAL:
        assert sorted(u for k in chosen for u in members[k]) == list(range(n))
        assert gain[list(chosen)].sum() == gain[list(cp_chosen)].sum()
    else:
        assert chosen == ()


def test_a_small_part_needs_no_solver_for_its_least(monkeypatch: pytest.MonkeyPatch) -> None:
    """Grid ordinary-869 (least 2,200 by brute force) with the solver of the least's
    set partitioning removed: the fewest is still found, proven, and passes the check."""
    def no_solver(*args: object, **kwargs: object) -> None:
        raise AssertionError("CP-SAT called for a part the exact cover answers")

    monkeypatch.setattr(least, "solve_setpart", no_solver)
    s = grid_scenario([[500, 1200, 500, 900], [1800, 1200, 200, 500]], kind="rural",
                      no_build=["r0c0"])
    assert least_joined(s) == 2200
    plan = solve(s, time_limit_s=10, workers=1, seed=0)
    report = check(s, plan)
    assert report.passed, report.summary_text()
    joined = [(r.joined.households, r.joined.proven) for c in plan.communities
              for r in c.reasons if r.joined is not None]
    assert joined == [(2200, True)]
