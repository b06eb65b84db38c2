"""A listed piece's start repaired over its listing: the regions of a rough start that
are not listed communities (outside the household bounds, or with no place for a
center) re-split, with the regions around them, exactly over the listed columns
inside them.

A listing's integer solves start from a plan of listed columns (search/columns.py's
hint). Where region growing and tree partitions miss the bounds, there was none, and
the LP's dive had to find the first plan: bench/wild.py seed 207's 185-compound
street (tokyo shapes, 145,277 households, 111,454 columns) found none in its 25-s
budget, the neighbourhood search got what was left, and the plan went out with two
communities short of 2,000 households that the checker rejects. Its grown start
missed the bounds in 7 of 61 regions; each, with one or two rings of the regions
around it (3-15 regions, 9-49 compounds, 68-4,931 columns inside), has an exact
re-split over the listing, 0.6 s of CPU for all seven (bench/JOURNAL.md, session 35).

Rings grow from the region to repair (the region alone, then its neighbours, then
theirs) while the group stays within MAX_UNITS units and GROUP_COLUMNS columns; the
first ring whose set partitioning has a plan replaces the group's regions (the
cheapest found within the ring's time; the regions repaired before stay listed
columns, so the plan only gains listed columns). Same listing, start and seed: same
result (deterministic time, fixed seeds). A plan, never a proof.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from scipy.sparse import csc_matrix

from optimizer.model.piece import PieceData
from optimizer.model.setpart import build_setpart, solve_setpart
from optimizer.search.attempt import Choice
from optimizer.search.stop import StopFlag

REPAIR_SHARE = 0.15     # of the listing's budget, at most, to repair a start

RINGS = 3               # rings of neighbouring regions around the one to repair, at most
MAX_UNITS = 110         # units of a group, at most (colns.LEVELS' largest group)
GROUP_COLUMNS = 30_000  # columns inside a group, at most (colns.GROUP_COLUMNS: the
                        # model's build does not watch the stop flag)
RING_S = 3.0            # deterministic s of CP-SAT per ring, at most: seed 207's
                        # largest ring (48-49 compounds, 4,931-5,398 columns) proved its
                        # optimum in 1.02-1.09, and had no plan at all at 1.0
GROUP_S = 0.01          # a ring's own cost besides CP-SAT (the column filter)
COVER_STEPS = 20_000    # depth-first steps for a ring's first partition, at most
COVER_STEP_S = 5e-6     # ... each (estimate: a step scans one unit's columns)
NNZ_S = 2e-7            # the unit-column matrix, per entry (estimate: 480 k on seed 207)


def start_columns(members: Sequence[tuple[int, ...]], cost: np.ndarray, data: PieceData,
                  start: Sequence[Choice] | None,
                  rough: Callable[[], Sequence[Sequence[int]]] | None, *, budget_s: float,
                  seed: int, stop: StopFlag) -> tuple[list[int] | None, float]:
    """The columns (indices into ``members``) of the listing's hint: ``start`` where
    every community of it is listed, else ``rough`` (local units) repaired
    (:func:`repaired_start`, within REPAIR_SHARE of ``budget_s``), else None; and the
    work the repair used."""
    index = {tuple(g): k for k, g in enumerate(members)}    # once, for both
    if start:
        local = {int(u): k for k, u in enumerate(data.units)}
        ks = [index.get(tuple(sorted(local[u] for u in ch.members))) for ch in start]
        if None not in ks:
            return [k for k in ks if k is not None], 0.0
    if rough is None or stop.is_set():
        return None, 0.0
    return repaired_start(members, cost, data.nbrs, rough(), work_s=REPAIR_SHARE * budget_s,
                          seed=seed, stop=stop, index=index)


def repaired_start(members: Sequence[Sequence[int]], cost: np.ndarray,
                   nbrs: Sequence[Sequence[int]], regions: Sequence[Sequence[int]], *,
                   work_s: float, seed: int, stop: StopFlag,
                   index: dict[tuple[int, ...], int] | None = None
                   ) -> tuple[list[int] | None, float]:
    """Column indices (into ``members``, the listing's local unit tuples, sorted) of a
    partition of the piece made from ``regions`` (a partition of its local units) by
    the module's repair, or None where a region has no repair within the rings or
    ``work_s`` (deterministic estimate); and the work used. ``index``: column by its
    units, where the caller has it (start_columns: 111-267 k tuples on seeds 207, 501)."""
    n = len(nbrs)
    if index is None:
        index = {tuple(g): k for k, g in enumerate(members)}
    plan = [sorted(int(u) for u in r) for r in regions]
    used = 0.0
    if not any(tuple(r) not in index for r in plan):
        return [index[tuple(r)] for r in plan], used
    sizes = np.fromiter((len(g) for g in members), dtype=np.int64, count=len(members))
    rows = np.fromiter((u for g in members for u in g), dtype=np.int64, count=int(sizes.sum()))
    a = csc_matrix((np.ones(len(rows)), (rows, np.repeat(np.arange(len(members)), sizes))),
                   shape=(n, len(members)))
    at = a.T.tocsr()
    used += NNZ_S * len(rows)
    for _ in range(len(plan)):
        bad = [c for c, r in enumerate(plan) if tuple(r) not in index]
        if not bad:
            return [index[tuple(r)] for r in plan], used
        if used >= work_s or stop.is_set():
            return None, used
        got, spent = _repair_one(plan, bad[0], at, sizes, members, cost, nbrs,
                                 max(0.05, min(RING_S, work_s - used)), seed, stop)
        used += spent
        if got is None:
            return None, used
        plan = got
    return None, used


def exact_cover(n: int, columns: Sequence[Sequence[int]], cost: np.ndarray, max_steps: int
                ) -> tuple[list[int] | None, int]:
    """Columns (indices) partitioning units 0..n-1, found depth first: the uncovered
    unit of fewest columns next (a fixed order), its columns cheapest first; None when
    there is none (proven where the steps used are below ``max_steps``). The steps."""
    masks = [sum(1 << u for u in col) for col in columns]
    by_unit: list[list[int]] = [[] for _ in range(n)]
    for k in np.argsort(cost, kind="stable").tolist():
        for u in columns[k]:
            by_unit[u].append(k)
    order = sorted(range(n), key=lambda u: (len(by_unit[u]), u))
    full, chosen, steps = (1 << n) - 1, [], 0

    def dfs(covered: int) -> bool:
        nonlocal steps
        if covered == full:
            return True
        u = next(v for v in order if not covered >> v & 1)
        for k in by_unit[u]:
            if masks[k] & covered:
                continue
            steps += 1
            if steps > max_steps:
                return False
            chosen.append(k)
            if dfs(covered | masks[k]):
                return True
            chosen.pop()
        return False

    found = dfs(0)
    return (chosen if found else None), min(steps, max_steps)


def _repair_one(plan: list[list[int]], c: int, at: object, sizes: np.ndarray,
                members: Sequence[Sequence[int]], cost: np.ndarray,
                nbrs: Sequence[Sequence[int]], ring_s: float, seed: int, stop: StopFlag
                ) -> tuple[list[list[int]] | None, float]:
    """``plan`` with region ``c`` and the smallest ring of regions around it that has a
    re-split over the listing replaced by it; None when no ring within the caps has."""
    n = len(nbrs)
    owner = np.empty(n, dtype=np.int64)
    for k, r in enumerate(plan):
        owner[r] = k
    group, used = {c}, 0.0
    for ring in range(RINGS + 1):
        if ring:
            around = {int(owner[v]) for g in group for u in plan[g] for v in nbrs[u]}
            if around <= group:
                return None, used       # the whole piece: nothing more to take in
            group |= around
        units = sorted(u for g in group for u in plan[g])
        if len(units) > MAX_UNITS or stop.is_set():
            return None, used
        inside = np.zeros(n)
        inside[units] = 1.0
        cols = np.flatnonzero(np.asarray(at @ inside).ravel() == sizes)  # type: ignore[operator]
        used += GROUP_S
        if len(cols) > GROUP_COLUMNS:
            return None, used
        if not len(cols):
            continue
        local = {u: p for p, u in enumerate(units)}
        cover = [[local[int(u)] for u in members[k]] for k in cols.tolist()]
        # Any partition first, by a depth-first exact cover (CP-SAT's search found none
        # in 3 deterministic s on wild seed 501's rings of 8,665 and 21,000 columns),
        # then CP-SAT from it for the cheapest within the ring's time.
        first, steps = exact_cover(len(units), cover, cost[cols], COVER_STEPS)
        used += COVER_STEP_S * steps
        if first is None and steps < COVER_STEPS:
            continue                    # proven: no partition inside this ring
        built = build_setpart(len(units), cover, cost[cols], hint=first)
        res = solve_setpart(built, time_s=ring_s, workers=1, seed=seed + ring,
                            deterministic=True, stop=stop)
        used += res.used_s
        chosen = res.chosen or first
        if chosen:
            new = [sorted(int(u) for u in members[int(cols[p])]) for p in chosen]
            return [r for k, r in enumerate(plan) if k not in group] + new, used
    return None, used
