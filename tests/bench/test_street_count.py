"""bench/street_count.py's fullest group within the maximum, against brute force."""

from __future__ import annotations

from itertools import combinations

import numpy as np

from bench.street_count import fullest
from optimizer.graph import components, is_connected
from optimizer.model.piece import piece_data
from optimizer.scenario.build import grid_scenario


def test_fullest_group_matches_brute_force() -> None:
    rng = np.random.default_rng(7)
    for _ in range(5):
        s = grid_scenario(rng.integers(100, 1700, size=(3, 3)).tolist())
        [comp] = [c for c in components(s) if len(c.units) > 1]
        data = piece_data(s, comp.key, comp.units)
        h = [int(v) for v in data.households]
        for u in range(data.n):
            best = h[u]
            for r in range(1, data.n + 1):
                for group in combinations(range(data.n), r):
                    total = sum(h[i] for i in group)
                    if u in group and total <= data.hi and total > best \
                            and is_connected([int(data.units[i]) for i in group], s.neighbours):
                        best = total
            assert fullest(data, u) == (best, True)
