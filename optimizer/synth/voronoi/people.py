"""Households, flags and today's communities of a generated scenario.

Compounds 小区 hold 100-2,500 households (lognormal, median ~520); villagers'
groups 村民小组 hold 20-300 (lognormal around the county's mean). Today's
communities (``current_community``) are grown as contiguous groups of units whose
sizes break the 2013 standards the way pre-2013 communities did: many too small,
some too large (SIZE-URBAN 2,000-3,000, SIZE-RURAL 1,000-1,500).
"""

from __future__ import annotations

from collections import deque

import numpy as np

from optimizer.synth.voronoi.repair import UNIT_RANGE


def draw_households(rng: np.random.Generator, urban: np.ndarray, group: np.ndarray,
                    totals: dict[int, int]) -> np.ndarray:
    """Households per unit; units of each ``group`` label are scaled to ``totals[label]``."""
    h = np.where(urban, rng.lognormal(np.log(520.0), 0.55, len(urban)),
                 rng.lognormal(0.0, 0.45, len(urban)))
    out = np.zeros(len(urban), dtype=np.int64)
    for label, total in sorted(totals.items()):
        sel = np.flatnonzero(group == label)
        if len(sel) == 0:
            continue
        lo, hi = UNIT_RANGE[bool(urban[sel[0]])]
        vals = h[sel] * total / h[sel].sum()
        for _ in range(4):   # clipping moves the total: re-scale a few times
            vals = np.clip(vals, lo, hi)
            vals *= total / vals.sum()
        out[sel] = np.clip(np.round(vals), lo, hi).astype(np.int64)
    return out


def _neighbours(n: int, edges: np.ndarray) -> list[list[int]]:
    nbrs: list[list[int]] = [[] for _ in range(n)]
    for a, b in edges.tolist():
        nbrs[a].append(b)
        nbrs[b].append(a)
    return nbrs


def _target(rng: np.random.Generator, urban: bool) -> int:
    u = rng.random()
    if urban:   # 35% too small, 20% too large, 45% within SIZE-URBAN
        lo, hi = (600, 1800) if u < 0.35 else (3500, 5000) if u < 0.55 else (2000, 3000)
    else:       # pre-merger villages: SIZE-RURAL
        lo, hi = (450, 950) if u < 0.40 else (1600, 2400) if u < 0.55 else (1000, 1500)
    return int(rng.integers(lo, hi))


def grow_communities(rng: np.random.Generator, order: np.ndarray, comp: np.ndarray,
                     urban: np.ndarray, households: np.ndarray,
                     edges: np.ndarray) -> np.ndarray:
    """Label per unit of today's community: contiguous (through ``edges``) groups of
    units of one component ``comp``, grown breadth-first from seeds taken in ``order``."""
    n = len(order)
    nbrs = _neighbours(n, edges)
    label = np.full(n, -1, dtype=np.int64)
    sizes: list[int] = []
    for seed in order.tolist():
        if label[seed] >= 0:
            continue
        lab, target, total = len(sizes), _target(rng, bool(urban[seed])), 0
        queue = deque([seed])
        label[seed] = lab
        while queue and total < target:
            u = queue.popleft()
            total += int(households[u])
            for v in nbrs[u]:
                if label[v] < 0 and comp[v] == comp[u]:
                    label[v] = lab
                    queue.append(v)
        for u in queue:            # reached but not needed: give them back
            label[u] = -1
        sizes.append(total)
    # crumbs (a few leftover units) join the smallest adjacent community
    sizes_arr = np.bincount(label, weights=households, minlength=len(sizes))
    for lab in np.flatnonzero(sizes_arr < np.where(_kind_of(label, urban, len(sizes)),
                                                   400, 300)).tolist():
        members = np.flatnonzero(label == lab)
        adj = sorted({int(label[v]) for u in members.tolist() for v in nbrs[u]
                      if comp[v] == comp[u] and label[v] != lab})
        if adj:
            best = min(adj, key=lambda a: (sizes_arr[a], a))
            label[members] = best
            sizes_arr[best] += sizes_arr[lab]
            sizes_arr[lab] = 0
    return label


def _kind_of(label: np.ndarray, urban: np.ndarray, n: int) -> np.ndarray:
    out = np.zeros(n, dtype=bool)
    out[label] = urban
    return out
