"""Column generation's bound as a piece's floor (optimizer.search.colgen_floor): below
the listing's proven optimum however early its work estimate or the stop flag ends
it, the same from the same input, and set aside only on large pieces of few units a
community."""

from __future__ import annotations

import math
from types import SimpleNamespace
from typing import cast

import pytest

from optimizer.model.count_floor import count_floor
from optimizer.model.piece import PieceData
from optimizer.search.attempt import Choice
from optimizer.search.colgen import COLUMN_S, generate
from optimizer.search.colgen_floor import SHARE, colgen_floor, colgen_reserve
from optimizer.search.heuristic import best_choice, grow_regions
from optimizer.search.stop import StopFlag
from tests.search.test_colgen import CASES, _optimum, _piece, _scenario


def _setup(seed: int, variant: str):  # type: ignore[no-untyped-def]
    s = _scenario(seed, variant)
    data = _piece(s)
    optimum = _optimum(s, data)
    plan: list[Choice] = []
    for r in grow_regions(data):
        ch = best_choice(s, data, r)
        assert ch is not None
        plan.append(ch)
    return s, data, optimum, plan


@pytest.mark.parametrize(("seed", "variant"), CASES)
def test_the_floor_is_below_the_optimum_at_any_work(seed: int, variant: str) -> None:
    s, data, optimum, plan = _setup(seed, variant)
    least = count_floor(data, at_most=len(plan)).least
    full = colgen_floor(s, data, plan, least, 1e6, StopFlag(), deterministic=True)
    assert full.converged and math.isfinite(full.bound)
    assert full.bound <= optimum + 1e-6
    for work in (0.05, 0.3, 1.0):
        got = colgen_floor(s, data, plan, least, work, StopFlag(), deterministic=True)
        assert got.bound <= optimum + 1e-6
        assert got.used_s <= work + COLUMN_S * 2 * data.n + 1e-9
        again = colgen_floor(s, data, plan, least, work, StopFlag(), deterministic=True)
        assert again == got                         # fixed estimates, not the clock
    assert colgen_floor(s, data, plan, least, 1e6, StopFlag(),
                        deterministic=False).bound <= optimum + 1e-6


def test_a_work_cap_stops_pricing_inside_a_round_and_keeps_a_valid_bound() -> None:
    s, data, optimum, plan = _setup(2, "rich")
    local = {int(u): k for k, u in enumerate(data.units)}
    start = [tuple(sorted(local[int(u)] for u in ch.members)) for ch in plan]
    whole = generate(s, data, start, max_rounds=200)
    cut = generate(s, data, start, max_rounds=200, work_s=whole.work_s / 3)
    assert len(cut.rounds) < len(whole.rounds) and not cut.converged
    assert cut.work_s <= whole.work_s / 3 + COLUMN_S * 2 * data.n
    assert all(r.bound_yuan <= optimum + 1e-6 for r in cut.rounds)


def test_a_raised_stop_gives_no_floor() -> None:
    s, data, _, plan = _setup(1, "plain")
    flag = StopFlag()
    flag.set()
    got = colgen_floor(s, data, plan, 1, 1e6, flag, deterministic=True)
    assert got.bound == -math.inf and got.used_s == 0.0


def test_the_reserve_only_on_large_pieces_of_few_units_a_community() -> None:
    s = _scenario(1, "plain")
    data = _piece(s)
    assert colgen_reserve(data, 1000.0) == 0.0                 # 30 units
    big = cast(PieceData, SimpleNamespace(n=300, total=180_000, hi=3000))
    assert colgen_reserve(big, 600.0) == pytest.approx(SHARE * 600.0)  # 5 a community
    assert colgen_reserve(big, 60.0) == 0.0  # too short: SHARE × 60 s < 40 s
    dense = cast(PieceData, SimpleNamespace(n=300, total=90_000, hi=3000))
    assert colgen_reserve(dense, 600.0) == 0.0                 # 10 a community
    yongwu = cast(PieceData, SimpleNamespace(n=200, total=101_930, hi=3000))
    assert colgen_reserve(yongwu, 268.0) == pytest.approx(SHARE * 268.0)  # 5.9
    over = cast(PieceData, SimpleNamespace(n=200, total=90_000, hi=3000))
    assert colgen_reserve(over, 600.0) == 0.0                  # 6.7 a community
