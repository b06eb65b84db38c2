"""Count-reducing neighbourhoods (optimizer.search.lns_fewer): a group of adjacent
communities whose households fit one community fewer is re-solved with the count
fixed; the result is legal (bounds, contiguity, a center each) and cheaper."""

from __future__ import annotations

import numpy as np
import pytest

from optimizer.graph import components
from optimizer.model.piece import PieceData, piece_data
from optimizer.scenario.build import grid_scenario
from optimizer.scenario.model import Scenario
from optimizer.search import lns_fewer
from optimizer.search.attempt import Attempt, Choice
from optimizer.search.heuristic import best_choice
from optimizer.search.lns import improve
from optimizer.search.lns_fewer import fewer_communities, fewer_group
from optimizer.search.piece_common import plan_cost
from optimizer.search.stop import StopFlag
from optimizer.status import Status
from tests.helpers.plans import assert_legal

ROWS, COLS = 4, 6


def _blocks() -> tuple[Scenario, PieceData, list[Choice]]:
    """A 4 x 6 street of compounds of 300-700 households (12,600: 5-6 communities of
    2,000-3,000) split into six 2 x 2 blocks of 2,100 households each: three blocks
    hold more than two communities can, four fit three."""
    pattern = ((700, 600), (500, 300))
    s = grid_scenario([[pattern[r % 2][c % 2] for c in range(COLS)] for r in range(ROWS)])
    [comp] = components(s)
    data = piece_data(s, comp.key, comp.units)
    regions = [[r * COLS + c for r in (2 * i, 2 * i + 1) for c in (2 * j, 2 * j + 1)]
               for i in range(ROWS // 2) for j in range(COLS // 2)]
    plan = [best_choice(s, data, reg) for reg in regions]
    assert all(ch is not None for ch in plan)
    return s, data, [ch for ch in plan if ch is not None]


def test_group_grows_until_one_fewer_fits() -> None:
    s, data, plan = _blocks()
    hh = [2100] * len(plan)
    adj: list[set[int]] = [set() for _ in plan]
    for c, ch in enumerate(plan):
        for d, other in enumerate(plan):
            if c != d and any(int(v) in other.members for u in ch.members
                              for v in s.neighbours[u]):
                adj[c].add(d)
    group = fewer_group(plan, hh, adj, 0, data.hi, 0.97, 10, 70)
    # 2 x 2,100 > 0.97 x 3,000 and 3 x 2,100 > 0.97 x 6,000: four communities.
    assert group is not None and len(group) == 4
    assert fewer_group(plan, hh, adj, 0, data.hi, 0.97, 3, 70) is None   # the cap


def test_fewer_communities_removes_one_the_search_keeps() -> None:
    s, data, plan = _blocks()
    before = plan_cost(s, tuple(plan))
    fewer, stats = fewer_communities(s, data, plan, work_s=20.0, seed=1, stop=StopFlag())
    assert len(fewer) == 5 and stats.removed == 1
    assert_legal(s, data, fewer, cheapest_center=False)
    assert plan_cost(s, tuple(fewer)) < before
    # The search over adjacent communities with the count free, the same number of
    # sub-solves of the same deterministic time: still six communities.
    kept, _ = improve(s, data, list(plan), time_s=0.0, seed=1, stop=StopFlag(),
                      max_rounds=stats.attempts, communities=3, sub_time_s=2.0)
    assert len(kept) == 6
    # Same input and seed: the same plan.
    again, _ = fewer_communities(s, data, plan, work_s=20.0, seed=1, stop=StopFlag())
    assert again == fewer


def test_nothing_to_remove_at_the_fewest() -> None:
    rng = np.random.default_rng(0)
    s = grid_scenario([[int(v) for v in row] for row in rng.integers(2400, 2900, (1, 3))])
    [comp] = components(s)
    data = piece_data(s, comp.key, comp.units)
    plan = [best_choice(s, data, [k]) for k in range(data.n)]
    got, stats = fewer_communities(s, data, [ch for ch in plan if ch is not None],
                                   work_s=5.0, seed=1, stop=StopFlag())
    assert len(got) == 3 and stats.attempts == 0


def test_held_centers_then_moved(monkeypatch: pytest.MonkeyPatch) -> None:
    """The groups tried with the other communities' centers held (larger groups,
    small models): one community fewer, legal, its centers then free to move."""
    monkeypatch.setattr(lns_fewer, "TRIES", ((0.97, 16, 100, True),))
    s, data, plan = _blocks()
    fewer, stats = fewer_communities(s, data, plan, work_s=20.0, seed=1, stop=StopFlag())
    assert len(fewer) == 5 and stats.removed == 1
    assert_legal(s, data, fewer, cheapest_center=False)
    assert plan_cost(s, tuple(fewer)) < plan_cost(s, tuple(plan))


def test_repair_then_continue_is_one_search() -> None:
    """The large-piece search repairs first and goes on after the count-reducing
    moves; where they remove nothing, the two calls draw and seed as one search."""
    rng = np.random.default_rng(3)
    s = grid_scenario(rng.integers(400, 700, size=(5, 6)).tolist())
    [comp] = [c for c in components(s) if len(c.units) > 1]
    data = piece_data(s, comp.key, comp.units)
    strips = [[r * 6 + c for r in range(5) for c in (2 * k, 2 * k + 1)] for k in range(3)]
    regions = [strips[0][:2], strips[0][2:], *strips[1:]]
    start = [best_choice(s, data, r) for r in regions]
    plan = [ch for ch in start if ch is not None]
    whole, _ = improve(s, data, list(plan), time_s=0.0, seed=5, stop=StopFlag(),
                       max_rounds=6, communities=3, sub_time_s=0.5)
    stream = np.random.default_rng(5)
    first, st = improve(s, data, list(plan), time_s=0.0, seed=5, stop=StopFlag(),
                        max_rounds=6, communities=3, sub_time_s=0.5, until_within=True,
                        rng=stream)
    assert 0 < st.rounds < 6
    rest, _ = improve(s, data, first, time_s=0.0, seed=5, stop=StopFlag(),
                      max_rounds=6 - st.rounds, communities=3, sub_time_s=0.5, rng=stream,
                      first_round=st.rounds)
    assert rest == whole


def test_larger_groups_where_the_small_tries_find_none(monkeypatch: pytest.MonkeyPatch
                                                       ) -> None:
    # One fewer on the blocks needs four communities; with the small tries capped at
    # three no group passes them (a street 97% full at the fewest count: 14-18
    # communities where the tries stop at 16 / 100 units), so only the larger groups,
    # tried after a whole pass of the small ones found nothing, remove one.
    s, data, plan = _blocks()
    monkeypatch.setattr(lns_fewer, "TRIES", ((0.97, 3, 70, False), (0.97, 3, 70, True)))
    before = plan_cost(s, tuple(plan))
    fewer, stats = fewer_communities(s, data, plan, work_s=40.0, seed=1, stop=StopFlag())
    assert len(fewer) == 5 and stats.removed == 1
    assert_legal(s, data, fewer, cheapest_center=False)
    assert plan_cost(s, tuple(fewer)) < before
    again, _ = fewer_communities(s, data, plan, work_s=40.0, seed=1, stop=StopFlag())
    assert again == fewer


def _timed_out_free(monkeypatch: pytest.MonkeyPatch, calls: list[tuple[int, bool]],
                    used: float | None = None) -> None:
    """Every free-center sub-solve ends without a plan (UNKNOWN), at its time (or
    after ``used``), as the 31-48-compound groups of real-tokyo-urban's street do;
    centers-held ones run."""
    real = lns_fewer.run_model

    def spy(scenario: Scenario, data: PieceData, **kw: object) -> Attempt:
        free = kw.get("allowed_centers") is None
        calls.append((data.n, free))
        if free and kw.get("hint") is None:
            t = float(kw["time_s"]) if used is None else used   # type: ignore[arg-type]
            return Attempt(Status.UNKNOWN, (), float("nan"), 0.0, 0, t, t)
        return real(scenario, data, **kw)   # type: ignore[arg-type]

    monkeypatch.setattr(lns_fewer, "run_model", spy)


def test_no_free_try_as_large_as_one_that_found_nothing(monkeypatch: pytest.MonkeyPatch
                                                        ) -> None:
    """A free-center try that ran its whole time without a plan: no group of as many
    units or more gets a free try after it (each would spend its time the same way);
    the centers-held tries go on and still remove the community."""
    s, data, plan = _blocks()
    calls: list[tuple[int, bool]] = []
    _timed_out_free(monkeypatch, calls)
    fewer, stats = fewer_communities(s, data, plan, work_s=40.0, seed=1, stop=StopFlag())
    first_free = [n for n, free in calls if free]
    # The blocks' groups are all four blocks (16 units): one free try, then held only.
    assert first_free == [16]
    assert len(fewer) == 5 and stats.removed == 1
    assert_legal(s, data, fewer, cheapest_center=False)
    assert stats.used_s < 5.0       # not a 2-s try for every group
    again, _ = fewer_communities(s, data, plan, work_s=40.0, seed=1, stop=StopFlag())
    assert again == fewer


def test_a_try_cut_short_by_the_phase_caps_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """A free try given less than its full time (the phase's work nearly spent) proves
    nothing about groups of its size: the next free tries still run."""
    s, data, plan = _blocks()
    calls: list[tuple[int, bool]] = []
    _timed_out_free(monkeypatch, calls, used=0.5)
    monkeypatch.setattr(lns_fewer, "TRIES", ((0.97, 10, 70, False),))
    fewer_communities(s, data, plan, work_s=3.0, seed=1, stop=StopFlag(), sub_time_s=2.0)
    assert sum(free for _, free in calls) == 1          # its full 2 s: the cap holds
    calls.clear()
    fewer_communities(s, data, plan, work_s=3.0, seed=1, stop=StopFlag(), sub_time_s=5.0)
    assert sum(free for _, free in calls) >= 2          # 3 s of 5: no cap
