"""Ejection chains for region growing's plan: a region outside the bounds takes a unit
from a neighbour (or gives one to it), that neighbour, now outside, passes the need on
to one of its own neighbours, and so on, a few regions deep, until every region it
touched is within the bounds and the centers' caps (optimizer.search.hosts).

Region growing's own repair (heuristic._repair) moves one unit between two regions and
only where the donor stays within the bounds. On a street of compounds from 40 to 2,600
households in 2,000-3,000 that leaves a dead end: writer seed 384's compound of 1,926
households (74 short) borders four regions of 2,013-2,600 whose only small compound
each holds them above the minimum. The need must travel: the 107-household compound
joins it, its region takes a small one from the next, and so on. The neighbourhood
search could not do this either: a round accepts only communities all within the
bounds, and the round's few communities around the dead end had no such split (its
1,386 rounds at the driver's budget left the plan unrepaired, bench/JOURNAL.md,
session 26). Deterministic: a fixed order and a cap on the moves tried.
"""

from __future__ import annotations

import numpy as np

from optimizer.model.piece import PieceData
from optimizer.search.hosts import Hosts

DEPTH = 4               # regions one chain passes the need through, at most
MAX_TRIES = 5_000       # moves tried (each a connectivity test) per repair, at most
TRIES_PER_UNIT = 100    # ... and per region growing of a piece, this many a unit
TRIES_CAP = 20_000      # ... at most (about 60 microseconds a try here: 1.2 s)


def piece_tries(data: PieceData) -> int:
    """The moves one region growing may try in all its chains (its attempts share
    them): a fixed count, so the start is the same on any machine."""
    return min(TRIES_CAP, TRIES_PER_UNIT * data.n)


def chain_repair(data: PieceData, regions: list[list[int]], hosts: Hosts,
                 max_tries: int = MAX_TRIES) -> tuple[list[list[int]], int]:
    """``regions`` with chains of single-unit moves applied while each lowers the
    households by which the regions miss their bounds (below the minimum, above the
    maximum or what their units can give a center), and the moves tried; the regions
    as given where none does. Never more regions, never fewer: each keeps a unit."""
    h = data.households
    regs = [set(r) for r in regions]
    owner = {u: r for r, reg in enumerate(regs) for u in reg}
    weight = [int(h[list(reg)].sum()) for reg in regs]
    tries = [0]

    def miss(w: int, members: set[int]) -> int:
        return max(0, data.lo - w) + max(0, w - hosts.cap(data, members))

    def move(units: set[int], give: int, take: int) -> None:
        regs[give] -= units
        regs[take] |= units
        for u in units:
            owner[u] = take
        w = int(h[list(units)].sum())
        weight[give] -= w
        weight[take] += w

    def chain(r: int, seen: set[int], depth: int, gain: int) -> bool:
        """Region ``r`` is outside; ``gain``: the miss the chain so far has added
        (its moves stay applied only where the whole chain lowers the total)."""
        short = weight[r] < data.lo
        if short:
            steps = sorted({(v, owner[v], r) for u in regs[r] for v in data.nbrs[u]
                            if owner[v] not in seen})
        else:
            steps = sorted({(u, r, owner[v]) for u in regs[r] for v in data.nbrs[u]
                            if owner[v] not in seen})
        for unit, give, take in steps:
            if tries[0] >= max_tries:
                return False
            tries[0] += 1
            units = _with_hanging(data, regs[give], unit)
            if units is None:
                continue
            before = miss(weight[give], regs[give]) + miss(weight[take], regs[take])
            move(units, give, take)
            after = miss(weight[give], regs[give]) + miss(weight[take], regs[take])
            total = gain + after - before
            if total < 0:
                return True
            # Pass the need on: to the region the move left outside, or, where the
            # move was not enough, once more from this one.
            other = give if short else take
            if depth > 1 and miss(weight[other], regs[other]) > 0 \
                    and chain(other, seen | {other}, depth - 1, total):
                return True
            if depth > 1 and miss(weight[r], regs[r]) > 0 \
                    and chain(r, seen, depth - 1, total):
                return True
            move(units, take, give)
        return False

    while tries[0] < max_tries:
        bad = [r for r in range(len(regs)) if miss(weight[r], regs[r]) > 0]
        if not bad or not any(chain(r, {r}, DEPTH, 0) for r in bad):
            break
    return [sorted(r) for r in regs], tries[0]


def _with_hanging(data: PieceData, region: set[int], unit: int) -> set[int] | None:
    """``unit`` and what of ``region`` hangs on it (every part of the rest but its
    heaviest, which keeps the region): moved together, both sides stay connected (the
    parts border ``unit`` only). None where ``unit`` is all the region holds."""
    rest = region - {unit}
    if not rest:
        return None
    parts: list[set[int]] = []
    left = set(rest)
    while left:
        first = min(left)
        part, todo = {first}, [first]
        while todo:
            u = todo.pop()
            for v in data.nbrs[u]:
                if v in left and v not in part:
                    part.add(v)
                    todo.append(v)
        left -= part
        parts.append(part)
    if len(parts) == 1:
        return {unit}
    h = data.households
    keep = max(parts, key=lambda p: (int(h[list(p)].sum()), -min(p)))
    return region - keep


def missed(data: PieceData, regions: list[list[int]], hosts: Hosts) -> int:
    """Households by which ``regions`` miss the bounds and their centers' caps."""
    h = data.households
    out = 0
    for r in regions:
        w = int(np.asarray(h)[r].sum())
        out += max(0, data.lo - w) + max(0, w - hosts.cap(data, r))
    return out


__all__ = ["DEPTH", "MAX_TRIES", "chain_repair", "missed", "piece_tries"]
