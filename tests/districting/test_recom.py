"""Recombination moves (optimizer.districting.recom) keep a plan feasible and never
add cut edges.

A 6×6 grid with random weights 5..40 is split by the heuristic's region growing
and annealing into 4 districts within ±10 % of the ideal; recombination from there
must return k connected districts within the bounds, cut edges no more than before.
On a 2×6 ladder of equal weights split into left and right halves the best split is
one rung (2 cut edges)::

    0 - 1 - 2 | 3 - 4 - 5
    |   |   |   |   |   |
    6 - 7 - 8 | 9 -10 -11

A plan starting from a ragged split (cuts 4) must reach 2; from the best split,
recombination must stop once it stalls.
"""

from __future__ import annotations

import random
import time

from optimizer.districting.check import check_districting
from optimizer.districting.graph import make_arrays
from optimizer.districting.recom import recombine
from optimizer.districting.solve import cut_count


def _grid_edges(rows: int, cols: int) -> list[tuple[int, int]]:
    edges = [(r * cols + c, r * cols + c + 1) for r in range(rows) for c in range(cols - 1)]
    return edges + [(r * cols + c, (r + 1) * cols + c) for r in range(rows - 1)
                    for c in range(cols)]


def test_recombination_keeps_plans_feasible_and_never_adds_cuts() -> None:
    from optimizer.districting.heuristic import _anneal, _grow

    tested = 0
    for seed in range(5):
        rng = random.Random(seed)
        weights = [rng.randint(5, 40) for _ in range(36)]
        g = make_arrays(weights, _grid_edges(6, 6))
        nbrs = [list(v) for v in g.nbrs()]
        total, k = sum(weights), 4
        lo, hi = int(total / k * 0.9), int(total / k * 1.1) + 1
        start = _grow(nbrs, weights, k, rng)
        assert start is not None
        plan = _anneal(nbrs, weights, start, k, lo, hi, rng, time.monotonic() + 1.0, [])
        if plan is None:     # annealing found no plan within the bounds for this seed
            continue
        tested += 1
        before = cut_count(g, plan)
        after = recombine(nbrs, weights, plan, k, lo, hi, rng, time.monotonic() + 0.5)
        chk = check_districting(g, after, lo=lo, hi=hi, k=k)
        assert chk.ok, chk.problems
        assert chk.cut_edges <= before
    assert tested >= 3, f"only {tested} of 5 seeds gave a start plan: recombination untested"


def test_recombination_finds_the_one_rung_split() -> None:
    g = make_arrays([1] * 12, _grid_edges(2, 6))
    nbrs = [list(v) for v in g.nbrs()]
    ragged = [0, 0, 1, 1, 1, 1,
              0, 0, 0, 0, 1, 1]          # 6 and 6, both connected, 4 cut edges
    assert cut_count(g, ragged) == 4
    out = recombine(nbrs, [1] * 12, ragged, 2, 6, 6, random.Random(0),
                    time.monotonic() + 2.0, max_moves=400)
    assert cut_count(g, out) == 2
    assert check_districting(g, out, lo=6, hi=6, k=2).ok


class _Counting(random.Random):
    """A Random that counts its draws (recombine's steps, without a clock)."""

    draws = 0

    def random(self) -> float:
        self.draws += 1
        return super().random()

    def getrandbits(self, k: int) -> int:
        self.draws += 1
        return super().getrandbits(k)


def test_recombination_stops_when_it_stalls() -> None:
    """At the one-rung split nothing can gain, so ``stall_moves`` ends the search
    long before the deadline (it would otherwise run the full 30 s)."""
    g = make_arrays([1] * 12, _grid_edges(2, 6))
    nbrs = [list(v) for v in g.nbrs()]
    best = [0, 0, 0, 1, 1, 1,
            0, 0, 0, 1, 1, 1]
    rng = _Counting(0)
    out = recombine(nbrs, [1] * 12, best, 2, 6, 6, rng, time.monotonic() + 3600.0,
                    stall_moves=200)
    # A step count, not a clock: 200 stalled moves draw a few random numbers each; the
    # million moves allowed would draw millions.
    assert rng.draws < 200 * 50, rng.draws
    assert cut_count(g, out) == 2
