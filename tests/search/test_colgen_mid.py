"""Column generation's exact rounds at central duals and the floors of unfinished
centres (optimizer.search.colgen.central_duals, optimizer.search.pricing): the duals
are the restricted LP's (every pool column's reduced cost ≥ 0, their sum its value),
the generation still ends at the LP over every column, every round's bound is below
the listing's proven optimum, the same twice; an unfinished centre's floor is never
above the least reduced cost of its columns nor below its root's."""

from __future__ import annotations

from types import SimpleNamespace
from typing import cast

import numpy as np
import pytest

from optimizer.model.master import incidence, solve_master
from optimizer.model.piece import PieceData
from optimizer.search.colgen import (
    CENTRAL_TOL,
    ColumnPool,
    central_duals,
    generate,
    solve_lp,
)
from optimizer.search.colgen_floor import SHARE, colgen_reserve
from optimizer.search.heuristic import grow_regions
from optimizer.search.pricing import TOLERANCE
from tests.search.test_colgen import CASES, _optimum, _piece, _scenario, random_duals


def _trace(g):  # type: ignore[no-untyped-def]
    return [(r.kind, r.central, r.lp_yuan, r.bound_yuan, r.added, r.nodes, r.work_s)
            for r in g.rounds]


@pytest.mark.parametrize(("seed", "variant"), CASES)
def test_central_duals_are_the_restricted_lps(seed: int, variant: str) -> None:
    s = _scenario(seed, variant)
    data = _piece(s)
    start = [tuple(sorted(r)) for r in grow_regions(data)]
    partial = generate(s, data, start, max_rounds=4, central=False)
    pool: ColumnPool = partial.pool
    got = solve_lp(data.n, pool, None)
    assert got is not None
    value, pi, _ = got
    ref = np.random.default_rng(seed).uniform(0.0, 2.0, data.n) * pi.mean()
    near = central_duals(data.n, pool, value, ref, None)
    assert near is not None
    a = incidence(data.n, pool.members)
    reduced = np.asarray(pool.cost) - a.T @ near
    assert reduced.min() >= -1e-6 * max(1.0, abs(value))
    assert near.sum() >= value - CENTRAL_TOL * abs(value) - 1e-6
    assert np.abs(near - ref).sum() <= np.abs(pi - ref).sum() + 1e-6   # the nearest


@pytest.mark.parametrize(("seed", "variant"), CASES)
def test_central_rounds_reach_the_lp_and_stay_below_the_optimum(seed: int,
                                                                 variant: str) -> None:
    s, data, pr, cols, _ = random_duals(seed, variant)
    full = solve_master(incidence(data.n, cols.members), cols.cost_yuan)
    optimum = _optimum(s, data)
    start = [tuple(sorted(r)) for r in grow_regions(data)]
    lam = np.full(data.n, full.value / data.n)      # any multipliers: a first round
    for kw in (dict(heuristic_nodes=30), dict(heuristic_nodes=0), dict(max_nodes=20)):
        res = generate(s, data, start, max_rounds=400, central=True, duals=lam, pricer=pr,
                       **kw)  # type: ignore[arg-type]
        assert res.converged
        assert any(r.central for r in res.rounds)
        assert res.lp_yuan == pytest.approx(full.value, rel=1e-9, abs=1e-3)
        assert res.bound_yuan >= full.value - data.n * TOLERANCE - 1e-6 * full.value
        assert all(r.bound_yuan <= optimum + 1e-6 for r in res.rounds)
        for work in (0.02, 0.2):
            cut = generate(s, data, start, max_rounds=400, central=True, duals=lam,
                           work_s=work, **kw)  # type: ignore[arg-type]
            assert cut.bound_yuan <= optimum + 1e-6
        again = generate(s, data, start, max_rounds=400, central=True, duals=lam,
                         **kw)  # type: ignore[arg-type]
        assert _trace(again) == _trace(res)


@pytest.mark.parametrize(("seed", "variant"), CASES)
def test_an_unfinished_centres_floor_is_between_its_root_and_its_least(
        seed: int, variant: str) -> None:
    _, data, pr, _, duals = random_duals(seed, variant)
    unfinished = 0
    for pi in duals:
        for c in range(data.n):
            exact = pr.price_center(c, pi, 2, None, 10**7)
            root = pr.price_center(c, pi, 2, None, 0)
            for cap in (1, 3, 10, 30):
                for cut in (np.inf, 0.0):
                    got = pr.price_center(c, pi, 2, None, cap, cut)
                    if got.complete:
                        continue
                    unfinished += 1
                    assert got.floor <= min(exact.floor, cut) + 1e-6
                    assert got.floor >= root.floor - 1e-6
    assert unfinished > 0


def test_the_reserve_keyed_on_units() -> None:
    mid = cast(PieceData, SimpleNamespace(n=82, total=53_540, hi=3000))    # 4.6 a community
    assert colgen_reserve(mid, 67.0) == pytest.approx(SHARE * 67.0)       # 20.1 s ≥ 16.4
    assert colgen_reserve(mid, 50.0) == 0.0                               # 15 s < 16.4
    small = cast(PieceData, SimpleNamespace(n=50, total=30_000, hi=3000))
    assert colgen_reserve(small, 600.0) == 0.0                            # listed sizes
    big = cast(PieceData, SimpleNamespace(n=262, total=140_000, hi=3000))
    assert colgen_reserve(big, 55.0) == 0.0                               # 16.5 s < 52.4
