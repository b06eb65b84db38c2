"""optimizer.model.attach_bound.attach_lp_rounds: the relaxation of attach_lp_bound by
rounds of columns (the master over a subset, the columns of negative reduced cost
added). Each round's value is a Lagrangian bound, so it may only be below the LP over
every column; run to the end it is that LP (within GEN_TOLERANCE)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from optimizer.model import attach_bound
from optimizer.model.attach_bound import attach_lp_bound, attach_lp_rounds


def _random_listing(seed: int) -> tuple[int, list[tuple[int, ...]], np.ndarray, np.ndarray]:
    """A random set-partitioning instance: 30 units, their singletons and random groups
    (so every unit is covered), costs that grow with the households."""
    rng = np.random.default_rng(seed)
    n = 30
    h = rng.integers(200, 1500, n)
    groups = {(u,) for u in range(n)}
    while len(groups) < 4000:
        k = int(rng.integers(2, 6))
        groups.add(tuple(sorted(rng.choice(n, k, replace=False).tolist())))
    members = sorted(groups)
    cost = np.array([8e5 + 150.0 * h[list(g)].sum() + rng.uniform(0, 2e5) for g in members])
    return n, members, cost, h


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_rounds_reach_the_lp_and_never_pass_it(seed: int, monkeypatch: pytest.MonkeyPatch
                                                    ) -> None:
    n, members, cost, h = _random_listing(seed)
    free = [0, 1, 2, 5, 8]
    join = 40.0 * h[free].astype(np.float64)
    cap = int(h[[0, 1, 2]].sum())
    full = attach_lp_bound(n, members, cost, h, free, cap, join)
    monkeypatch.setattr(attach_bound, "GEN_START", 50)     # several rounds
    monkeypatch.setattr(attach_bound, "GEN_ADD", 40)
    monkeypatch.setattr(attach_bound, "GEN_TOLERANCE", 0.0)
    value, work = attach_lp_rounds(n, members, cost, h, free, cap, join)
    assert math.isfinite(full) and work > 0
    assert value <= full + 1e-6 * abs(full)
    assert value >= full - 1e-6 * abs(full)
    # one round only: still a bound, below the LP
    monkeypatch.setattr(attach_bound, "GEN_ROUNDS", 1)
    first, _ = attach_lp_rounds(n, members, cost, h, free, cap, join)
    assert first <= full + 1e-6 * abs(full)
