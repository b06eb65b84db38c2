"""A stopped piece's stranded group (optimizer.search.oversized): the parts' own plans,
their communities outside the household bounds joined to the oversized units'.

Stopped (the clock, Ctrl-C) before the attach stages ran, a group whose parts found no
plan within the bounds on their own kept those plans as they were: bench/wild.py seed
412's 60-village part (8,641 households, rural 1,000-1,500) came out of its stopped
solve `soft`, with communities of 619 and 76 households exempt "none found in time",
which the checker rightly refuses: in a piece with a unit above the maximum, every
community without such a unit can keep the bounds, the rest joining the big ones
(optimizer.checker.proofs.not_the_big_ones). Joining is always legal, so the
communities outside the bounds join the nearest oversized unit's community, with the
communities on the way to it (fewest communities crossed, then the lowest unit
numbers: a fixed order); those within the bounds stay as the parts' plans made them.
Nothing is searched, and nothing is claimed the fewest joining.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence

import numpy as np

from optimizer.graph.oversized import Part
from optimizer.model.piece import piece_data
from optimizer.scenario.model import Scenario
from optimizer.search.oversized_attach import Block, priced


def stopped_join(scenario: Scenario, key: tuple[str, str, str], parts: list[Part],
                 cores: dict[int, list[int]], mine: Sequence[Block]) -> Block | None:
    """The group's block: the communities of ``mine`` (the parts' own plans) within
    the bounds, and each core of ``cores`` (oversized unit -> its units) with the
    communities outside the bounds joined to it and those on the way; None where
    that leaves an oversized community no place for a center."""
    lo, hi = scenario.policy.bounds(bool(scenario.urban[next(iter(cores))]))
    seeds: dict[int, set[int]] = {o: set(core) for o, core in cores.items()}
    rest = [frozenset(ch.members) for b in mine for ch in b.choices]
    outside = {k for k, g in enumerate(rest)
               if not lo <= int(scenario.households[list(g)].sum()) <= hi}
    if not outside:
        return None
    joined: dict[int, int] = {}         # community of ``rest`` -> the core it joined
    while outside - joined.keys():
        path = _nearest(scenario, seeds, rest, joined, outside - joined.keys())
        if path is None:                # not reachable within the group: as it was
            return None
        o, ks = path
        for k in ks:
            joined[k] = o
            seeds[o] |= rest[k]
    units = sorted({u for g in rest for u in g} | {u for c in cores.values() for u in c})
    gd = piece_data(scenario, key, np.asarray(units))
    local = {int(u): k for k, u in enumerate(gd.units)}
    groups = [tuple(sorted(local[u] for u in g)) for g in seeds.values()]
    groups += [tuple(sorted(local[u] for u in g)) for k, g in enumerate(rest)
               if k not in joined]
    return priced(scenario, gd, parts, cores, groups, False, 0.0,
                  "stopped: outside the bounds joined")


def _nearest(scenario: Scenario, seeds: dict[int, set[int]], rest: list[frozenset[int]],
             joined: dict[int, int], targets: set[int]) -> tuple[int, list[int]] | None:
    """The oversized unit and the communities of ``rest`` (not yet joined) from its
    community to the nearest of ``targets``, by communities crossed (breadth first from
    every core at once, in a fixed order)."""
    of = {u: k for k, g in enumerate(rest) if k not in joined for u in g}
    origin: dict[int, tuple[int, int | None]] = {}      # community -> (core, previous)
    queue: deque[int] = deque()
    for o in sorted(seeds):
        for k in sorted({of[int(v)] for u in seeds[o] for v in scenario.neighbours[u]
                         if int(v) in of}):
            if k not in origin:
                origin[k] = (o, None)
                queue.append(k)
    while queue:
        k = queue.popleft()
        if k in targets:
            path = [k]
            while (prev := origin[path[-1]][1]) is not None:
                path.append(prev)
            return origin[k][0], path
        for m in sorted({of[int(v)] for u in rest[k] for v in scenario.neighbours[u]
                         if int(v) in of}):
            if m not in origin:
                origin[m] = (origin[k][0], k)
                queue.append(m)
    return None
