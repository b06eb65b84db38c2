"""Neighbourhoods over a complete listing: a community and those next to it, re-split
exactly over every listed community inside them.

On a listed piece every connected community within the bounds is a column with its
exact price, so the cheapest re-split of a few adjacent communities is a small set
partitioning (the columns whose units all lie in the group: a few hundred to a few
thousand) that CP-SAT solves to optimality in milliseconds. The count is free, but
in practice a group keeps it: one community fewer on a street 92% full takes 15+
communities at once (below). The LP-guided dive (:mod:`optimizer.model.dive`) and the
integer stages over the columns of small reduced cost leave shapes a few percent
above what such re-splits find (a 150-compound street: the dive's 38.96 M yuan went
through the integer stages unchanged; these groups take the start's 34 communities
from 39.06 M to 38.44 M).

The groups: each community, emptiest first (ties by its least unit), with the
communities next to it, those with the most room first, up to a group size of
``LEVELS`` (4, then 8, 12 and 16 communities where the smaller find nothing).
Groups sized for one community fewer (the emptiest and neighbours until their
households fit m - 1 at 97% of the maximum: 15-18 communities, 64-76 units, 6-15
thousand columns on that street) were tried and dropped: their LP is feasible, but
neither CP-SAT (2 deterministic s) nor HiGHS's MIP (20 s) found a plan or a proof.
An improvement is kept and the pass starts again on the new plan; a group already
tried unchanged is skipped; the search ends when a pass finds nothing, or at its
work budget (CP-SAT's deterministic time plus a fixed estimate per group), or at the
stop flag. Same plan, listing and budget: same result (one worker, fixed seeds).
A plan is never a proof: bounds are untouched.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csc_matrix, csr_matrix

from optimizer.model.setpart import build_setpart, solve_setpart
from optimizer.search.stop import StopFlag

# Group sizes, tried in turn: communities and units at most, deterministic seconds of
# CP-SAT per group. Small groups solve to optimality in milliseconds and take many
# steps; the larger ones only once the smaller find nothing, from the smallest again
# after. On the 150-compound street (deterministic work in s): from the start's 34
# communities (39.06 M yuan) 4/8/12/16 -> 38.44 M (22 s), 6/9/12 -> 38.65 M (20 s);
# from the dive's 35 (38.96 M) 6 alone -> 38.51 M (12 s), 4/8/12/16 -> 38.63 M (25 s),
# 4 alone 38.67 M (3 s), 8 alone 38.65 M (11 s).
LEVELS = ((4, 32, 0.5), (8, 64, 1.0), (12, 96, 2.0), (16, 110, 3.0))
GROUP_S = 0.01          # a group's own cost besides CP-SAT (estimate: the column filter)
GROUP_COLUMNS = 30_000  # a group with more columns inside is skipped (its model's build
                        # does not watch the stop flag: ~1 s of Python at this size)


@dataclass
class ColnsStats:
    groups: int = 0             # groups solved
    improved: int = 0           # ... that gave a cheaper plan
    removed: int = 0            # communities fewer than at the start
    used_s: float = 0.0         # deterministic estimate of the work


def column_neighbourhoods(a: csc_matrix, cost: np.ndarray, nbrs: Sequence[Sequence[int]],
                          households: np.ndarray, chosen: Sequence[int], *, work_s: float,
                          stop: StopFlag, seed: int = 0) -> tuple[list[int], ColnsStats]:
    """The plan ``chosen`` (column indices of ``a``, units × columns) improved by
    re-splitting groups of adjacent communities exactly over the columns inside them,
    within ``work_s`` (deterministic estimate); ``nbrs``: each unit's neighbours."""
    at = a.T.tocsr()
    plan = sorted(int(k) for k in chosen)
    stats = ColnsStats()
    start_count = len(plan)
    tried: set[frozenset[int]] = set()
    n = a.shape[0]

    def units_of(k: int) -> np.ndarray:
        return a.indices[a.indptr[k]:a.indptr[k + 1]]

    level = 0
    while level < len(LEVELS) and stats.used_s < work_s and not stop.is_set():
        most_c, most_u, sub_s = LEVELS[level]
        owner = np.empty(n, dtype=np.int64)
        for c, k in enumerate(plan):
            owner[units_of(k)] = c
        hh = [int(households[units_of(k)].sum()) for k in plan]
        first = [int(units_of(k).min()) for k in plan]
        sizes = [len(units_of(k)) for k in plan]
        adj: list[set[int]] = [set() for _ in plan]
        for i in range(n):
            for j in nbrs[i]:
                if owner[i] != owner[j]:
                    adj[int(owner[i])].add(int(owner[j]))
        found = False
        for c in sorted(range(len(plan)), key=lambda c: (hh[c], first[c])):
            if stats.used_s >= work_s or stop.is_set():
                break
            group, size = [c], sizes[c]
            for d in sorted(adj[c], key=lambda d: (hh[d], first[d])):
                if len(group) < most_c and size + sizes[d] <= most_u:
                    group.append(d)
                    size += sizes[d]
            # By the units: a group re-split elsewhere holds new columns but the same
            # units, and the same answer.
            key = frozenset(int(u) for g in group for u in units_of(plan[g]))
            if len(group) < 2 or key in tried:
                continue
            tried.add(key)
            better = _resplit(a, at, cost, [plan[g] for g in group],
                              min(sub_s, max(0.05, work_s - stats.used_s)),
                              seed + stats.groups, stop, stats)
            if better is not None:
                plan = sorted([plan[g] for g in range(len(plan)) if g not in set(group)]
                              + better)
                stats.improved += 1
                found = True
                break
        # Variable neighbourhoods: larger groups only where the small ones found nothing.
        level = 0 if found else level + 1
    stats.removed = max(0, start_count - len(plan))
    return plan, stats


def _resplit(a: csc_matrix, at: csr_matrix, cost: np.ndarray, old: list[int], time_s: float,
             seed: int, stop: StopFlag, stats: ColnsStats) -> list[int] | None:
    """The cheapest partition of the units of columns ``old`` into listed columns
    inside them, when cheaper than ``old``; None otherwise."""
    inside = np.zeros(a.shape[0])
    units = np.concatenate([a.indices[a.indptr[k]:a.indptr[k + 1]] for k in old])
    inside[units] = 1.0
    size = np.diff(a.indptr)
    cols = np.flatnonzero(np.asarray(at @ inside).ravel() == size)
    if len(cols) > GROUP_COLUMNS:
        stats.used_s += GROUP_S
        return None
    local = {int(u): p for p, u in enumerate(sorted(units.tolist()))}
    members = [[local[int(u)] for u in a.indices[a.indptr[k]:a.indptr[k + 1]]]
               for k in cols.tolist()]
    pos = {int(k): p for p, k in enumerate(cols.tolist())}
    built = build_setpart(len(local), members, cost[cols], hint=[pos[k] for k in old])
    res = solve_setpart(built, time_s=time_s, workers=1, seed=seed, deterministic=True,
                        stop=stop)
    stats.groups += 1
    stats.used_s += res.used_s + GROUP_S
    if not res.chosen:
        return None
    found = [int(cols[p]) for p in res.chosen]
    if float(cost[found].sum()) < float(cost[old].sum()) - 1e-6:
        return found
    return None
