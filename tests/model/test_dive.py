"""The LP-guided dive over a listing (optimizer.model.dive): legal plans, the optimum
on small listings in a counted number of LPs, dead ends undone, the same plan twice."""

from __future__ import annotations

import itertools

import numpy as np

from optimizer.model.dive import dive
from optimizer.model.master import incidence, solve_master


def _path_listing(n: int, sizes: tuple[int, ...], seed: int
                  ) -> tuple[tuple[tuple[int, ...], ...], np.ndarray]:
    """Every run of ``sizes`` consecutive units of a path of ``n``, random costs with a
    fixed cost per community (so the count matters, as on a street)."""
    rng = np.random.default_rng(seed)
    members = tuple(tuple(range(s, s + k)) for k in sizes for s in range(n - k + 1))
    cost = np.array([1000.0 + 100.0 * len(g) * rng.uniform(0.5, 1.5) for g in members])
    return members, cost


def _best(n: int, members: tuple[tuple[int, ...], ...], cost: np.ndarray) -> float:
    """The cheapest partition by dynamic programming along the path."""
    best = [0.0] + [np.inf] * n
    for end in range(1, n + 1):
        for k, g in enumerate(members):
            if g[-1] == end - 1:
                best[end] = min(best[end], best[g[0]] + cost[k])
    return best[n]


def _is_partition(n: int, members: tuple[tuple[int, ...], ...], chosen: tuple[int, ...]
                  ) -> bool:
    units = sorted(itertools.chain.from_iterable(members[k] for k in chosen))
    return units == list(range(n))


def test_dive_finds_the_optimum_of_a_small_listing_in_few_lps() -> None:
    n = 30
    members, cost = _path_listing(n, (2, 3, 4), seed=7)
    a = incidence(n, members)
    lp = solve_master(a, cost)
    got = dive(a, cost, lp.x, lp.reduced)
    assert _is_partition(n, members, got.chosen)
    assert got.cost_yuan == float(cost[list(got.chosen)].sum())
    assert got.cost_yuan >= lp.bound - 1e-6
    assert abs(got.cost_yuan - _best(n, members, cost)) < 1e-6
    assert got.lps <= 10


def test_dive_plans_are_legal_never_below_the_optimum_and_repeatable() -> None:
    # Runs of 2 and 3 only: a fix can leave a rest of one unit, a dead end.
    for seed in range(12):
        n = 23
        members, cost = _path_listing(n, (2, 3), seed=seed)
        a = incidence(n, members)
        lp = solve_master(a, cost)
        got = dive(a, cost, lp.x, lp.reduced, pool=5)
        again = dive(a, cost, lp.x, lp.reduced, pool=5)
        assert got == again
        assert got.chosen, seed
        assert _is_partition(n, members, got.chosen)
        assert got.cost_yuan >= _best(n, members, cost) - 1e-6


def test_a_dead_end_is_undone() -> None:
    # Units 0-4 on a path; {1,2} is far the cheapest, so the LP wants it, but it
    # leaves unit 0 alone (no single-unit column): the fix must be undone.
    members = ((0, 1), (1, 2), (2, 3, 4), (0, 1, 2), (3, 4))
    cost = np.array([50.0, 1.0, 50.0, 60.0, 40.0])
    a = incidence(5, members)
    # An LP solution that holds {1,2} fully (as a fractional LP might lean).
    x = np.array([0.0, 1.0, 0.0, 0.0, 0.0])
    reduced = np.array([0.0, -100.0, 0.0, 0.0, 0.0])
    got = dive(a, cost, x, reduced, pool=5)
    assert got.backtracks >= 1
    assert got.chosen in ((3, 4), (0, 2))
    assert abs(got.cost_yuan - min(100.0, 100.0)) < 1e-6
