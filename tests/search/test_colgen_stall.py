"""Column generation's capped rounds hand over to an exact round once they stall or
the budget is nearly spent (optimizer.search.colgen: STALL, LAST_CHANCE): only exact
rounds lift the bound, so a reserve spent on capped rounds alone ended with the first
round's bound (oversized-urban-nosplit's 82-compound part at the clock). Every bound
stays below the listing's proven optimum and the rounds still converge to the LP."""

from __future__ import annotations

import math
import time

import pytest

from optimizer.search.colgen import _last_chance, generate
from optimizer.search.heuristic import grow_regions
from optimizer.search.stop import StopFlag
from tests.search.test_colgen import _optimum, _piece, _scenario

CASES = [(2, "rich", 5), (6, "plain", 30), (4, "plain", 5)]


@pytest.mark.parametrize(("seed", "variant", "nodes"), CASES)
def test_a_stalled_capped_round_hands_over_to_an_exact_one(seed: int, variant: str,
                                                           nodes: int) -> None:
    """After a capped round whose LP fell by at most 1e-4 of it (once below the first
    LP's value: the degenerate start sits there) the next round is exact; on these
    grids the base went on with capped rounds (6-plain: 9,015,619 -> 9,015,586 ->
    9,015,586 -> 9,015,586, three more)."""
    s = _scenario(seed, variant)
    data = _piece(s)
    start = [tuple(r) for r in grow_regions(data)]
    res = generate(s, data, start, max_rounds=400, heuristic_nodes=nodes, negative_only=True)
    assert res.converged and res.rounds[-1].kind == "exact"
    lp = [r for r in res.rounds if math.isfinite(r.lp_yuan)]
    first = lp[0].lp_yuan
    checked = 0
    for before, now, after in zip(lp, lp[1:], lp[2:], strict=False):
        if now.kind == "heuristic" and now.added > 0 and before.kind == "heuristic" \
                and now.lp_yuan < first - 1e-4 * first \
                and before.lp_yuan - now.lp_yuan <= 1e-4 * now.lp_yuan:
            assert after.kind == "exact"
            checked += 1
    assert checked > 0


@pytest.mark.parametrize(("seed", "variant", "nodes"), CASES)
def test_a_budget_that_ends_the_rounds_ends_them_on_an_exact_one(seed: int, variant: str,
                                                                 nodes: int) -> None:
    """With work for a few rounds only, an exact round is priced before the budget is
    spent (the base spent 0.3 deterministic s on capped rounds alone), and every bound
    is still below the proven optimum."""
    s = _scenario(seed, variant)
    data = _piece(s)
    optimum = _optimum(s, data)
    start = [tuple(r) for r in grow_regions(data)]
    for work in (0.3, 0.45):
        res = generate(s, data, start, max_rounds=400, heuristic_nodes=nodes,
                       negative_only=True, work_s=work)
        assert not res.converged
        assert any(r.kind == "exact" for r in res.rounds)
        assert all(r.bound_yuan <= optimum + 1e-6 for r in res.rounds)


def test_the_clock_counts_as_the_budget() -> None:
    """In wall-clock mode the clock's seconds left, against the last capped round's
    wall seconds, decide too; without a clock or a work budget never."""
    near = StopFlag(time.monotonic() + 1.0)
    far = StopFlag(time.monotonic() + 100.0)
    assert _last_chance(near, None, 0.0, (0.06, 0.5))          # room for 2 rounds
    assert not _last_chance(far, None, 0.0, (0.06, 0.5))       # for 200
    assert not _last_chance(StopFlag(), None, 0.0, (0.06, 0.5))
    assert _last_chance(far, 1.0, 0.8, (0.06, 0.5))            # the work: 3.3 rounds
    assert not _last_chance(far, 1.0, 0.0, (0.06, 0.5))
    assert not _last_chance(near, 1.0, 0.8, None)              # no capped round yet
