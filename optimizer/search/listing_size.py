"""How large a piece's listing of every community would be, before listing it.

:func:`optimizer.search.columns.connected_groups` gives up past MAX_STEPS groups
visited or MAX_COLUMNS found, but only after visiting them: on a 300-compound street
(10 compounds per community, about 9 × 10^8 groups) and a 262-compound real map
(5 per community, about 7 × 10^6) it spent 5-7 s idle, 18 s on a loaded machine, a
third of a 60 s budget, before failing. Knuth's estimator (Knuth 1975, "Estimating
the efficiency of backtrack programs") predicts the size of that search tree from a
few random descents: along a path from the root, each node's branching factor
multiplies the weight of the next level, and the sum of those products is an
unbiased estimate of the number of nodes. The search tree here is the enumeration's
own (same root, same extension sets, same pruning by the upper bound), so the
estimate counts exactly what the enumeration would visit; the columns are the nodes
of at least ``lo`` households.

The estimate is only a prediction, never a proof: it decides whether to try the
listing, and the listing keeps its own caps. Its draws come from a generator seeded
by the piece, so the same piece gets the same decision (deterministic mode).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np

from optimizer.model.piece import PieceData

PROBES = 8              # random descents per root
SKIP_FACTOR = 2.0       # skip the listing when the estimate is this many times a cap


@dataclass(frozen=True)
class ListingEstimate:
    steps: float        # groups the enumeration would visit (estimated)
    columns: float      # ... of them within the household bounds
    work: int           # nodes the descents visited (their own cost)


def estimate_listing(data: PieceData, probes: int = PROBES,
                     stop_above: float = float("inf")) -> ListingEstimate:
    """Knuth's estimate of :func:`connected_groups`'s search on ``data``, stopping
    early once the running estimate of steps passes ``stop_above`` (the answer is then
    only "more than that"). On the pieces of bench/generalize.py: 1.7 × 10^5 steps
    estimated for 1.2 × 10^5 visited (150-compound street), in 0.05-0.1 s."""
    h = [int(v) for v in data.households]
    lo, hi, nbrs = data.lo, data.hi, data.nbrs
    closed = [sum(1 << u for u in nbrs[v]) | 1 << v for v in range(data.n)]
    rng = random.Random(data.n * 7919 + data.total)
    steps = columns = 0.0
    work = 0
    for root in range(data.n):
        if h[root] > hi:
            continue
        acc_s = acc_c = 0.0
        for _ in range(probes):
            weight, seen = h[root], closed[root]
            ext = [u for u in nbrs[root] if u > root]
            mult, est_s, est_c = 1.0, 1.0, 1.0 if weight >= lo else 0.0
            while True:
                kids = [i for i, u in enumerate(ext) if weight + h[u] <= hi]
                work += 1
                if not kids:
                    break
                mult *= len(kids)
                i = kids[rng.randrange(len(kids))]
                w = ext[i]
                # The child that adds ext[i] keeps the extension set before it, plus
                # the new unit's neighbours above the root that neither are in the
                # group nor border it (as connected_groups does).
                ext = ext[:i] + [u for u in nbrs[w] if u > root and not seen >> u & 1]
                weight += h[w]
                seen |= closed[w]
                est_s += mult
                if weight >= lo:
                    est_c += mult
            acc_s += est_s
            acc_c += est_c
        steps += acc_s / probes
        columns += acc_c / probes
        if steps > stop_above:
            break
    return ListingEstimate(steps, columns, work)


def listing_hopeless(data: PieceData, max_columns: int, max_steps: int) -> bool:
    """Whether the listing is predicted to pass one of its caps by SKIP_FACTOR or
    more (then it is not tried: it would fail after spending its whole cap)."""
    est = estimate_listing(data, stop_above=SKIP_FACTOR * max_steps)
    return est.steps > SKIP_FACTOR * max_steps or est.columns > SKIP_FACTOR * max_columns


MAX_TYPICAL_UNITS = 12      # lower bound / mean households above this: do not even try


def worth_listing(households: np.ndarray, lo: int) -> bool:
    """Whether a piece's communities hold few enough units (≤ MAX_TYPICAL_UNITS of its
    mean non-empty unit) for every one of them to be listed."""
    nonzero = households[households > 0]
    return bool(len(nonzero)) and lo / float(nonzero.mean()) <= MAX_TYPICAL_UNITS
