"""Column generation's cheaper rounds (optimizer.search.colgen: capped heuristic
rounds that only look for columns, exact rounds that seek only negative ones, and
pricing with a cut, optimizer.search.pricing): still the LP over every column when
converged, every round's bound below the listing's proven optimum, the same result
twice, and a cut pricing's floor never above the true least reduced cost."""

from __future__ import annotations

import numpy as np
import pytest

from optimizer.model.master import incidence, solve_master
from optimizer.search.colgen import generate
from optimizer.search.columns import build_columns
from optimizer.search.heuristic import grow_regions
from optimizer.search.pricing import TOLERANCE
from tests.search.test_colgen import CASES, _optimum, _piece, _scenario, random_duals

FAST = dict(heuristic_nodes=30, negative_only=True)


@pytest.mark.parametrize(("seed", "variant"), CASES)
def test_the_cheaper_rounds_reach_the_lp_over_every_column(seed: int, variant: str) -> None:
    s = _scenario(seed, variant)
    data = _piece(s)
    cols = build_columns(s, data, max_columns=10**6, max_steps=10**7)
    assert cols is not None
    full = solve_master(incidence(data.n, cols.members), cols.cost_yuan)
    start = [tuple(r) for r in grow_regions(data)]
    res = generate(s, data, start, max_rounds=400, **FAST)  # type: ignore[arg-type]
    assert res.converged
    assert any(r.kind == "heuristic" for r in res.rounds)
    assert res.rounds[-1].kind == "exact"       # only an exact round ends it
    assert res.lp_yuan == pytest.approx(full.value, rel=1e-9, abs=1e-3)
    assert full.value - data.n * TOLERANCE - 1.0 <= res.bound_yuan <= full.value + 1e-3
    again = generate(s, data, start, max_rounds=400, **FAST)  # type: ignore[arg-type]
    def trace(g):  # type: ignore[no-untyped-def]
        return [(r.kind, r.lp_yuan, r.bound_yuan, r.added, r.nodes, r.work_s)
                for r in g.rounds]
    assert again.bound_yuan == res.bound_yuan and trace(again) == trace(res)


@pytest.mark.parametrize(("seed", "variant"), CASES)
def test_every_cheaper_rounds_bound_is_below_the_optimum(seed: int, variant: str) -> None:
    s = _scenario(seed, variant)
    data = _piece(s)
    optimum = _optimum(s, data)
    start = [tuple(r) for r in grow_regions(data)]
    for kw in (FAST, dict(heuristic_nodes=1), dict(negative_only=True)):
        res = generate(s, data, start, max_rounds=400, **kw)  # type: ignore[arg-type]
        assert res.converged
        assert all(r.bound_yuan <= optimum + 1e-6 for r in res.rounds)
        for work in (0.02, 0.2):
            cut = generate(s, data, start, max_rounds=400, work_s=work,
                           **kw)  # type: ignore[arg-type]
            assert cut.bound_yuan <= optimum + 1e-6


@pytest.mark.parametrize(("seed", "variant"), CASES)
def test_a_cut_pricing_floor_is_below_the_least_reduced_cost(seed: int, variant: str) -> None:
    """With a cut the floor is min(cut, the least): never above the least reduced
    cost of any column the centre can be the centre of (the listing's)."""
    _, data, pr, cols, duals = random_duals(seed, variant)
    for pi in duals:
        reduced = cols.cost_yuan - np.array([pi[list(g)].sum() for g in cols.members])
        for c in range(data.n):
            exact = pr.price_center(c, pi, 2, None, 10**7)
            cut = pr.price_center(c, pi, 2, None, 10**7, cut=0.0)
            assert cut.complete
            assert cut.floor == pytest.approx(min(exact.floor, 0.0), rel=1e-12, abs=1e-9)
        least = min(pr.price_center(c, pi, 2, None, 10**7, cut=0.0).floor
                    for c in range(data.n))
        assert least <= min(float(reduced.min()), 0.0) + 1e-6
