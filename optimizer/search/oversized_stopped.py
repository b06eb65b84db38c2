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
communities on the way to it (the unit whose community keeps a place for a center
first, then the fewest communities crossed, the fewest households, the lowest unit
number: a fixed order); those within the bounds stay as the parts' plans made them.
First the parts' communities outside the bounds take or pass units by ejection chains
(a fixed number of moves tried). Nothing is claimed the fewest joining.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence

import numpy as np

from optimizer.graph.oversized import Part
from optimizer.model.piece import piece_data
from optimizer.scenario.model import Scenario
from optimizer.search.chains import chain_repair
from optimizer.search.heuristic import best_choice
from optimizer.search.hosts import center_hosts
from optimizer.search.oversized_attach import Block, priced


def stopped_join(scenario: Scenario, key: tuple[str, str, str], parts: list[Part],
                 cores: dict[int, list[int]], mine: Sequence[Block],
                 unproven: bool = False) -> Block | None:
    """The group's block: the communities of ``mine`` (the parts' own plans) within
    the bounds, and each core of ``cores`` (oversized unit -> its units) with the
    communities outside the bounds joined to it and those on the way; None where
    that leaves an oversized community no place for a center, or where none is
    outside (``unproven``: none outside with an exemption not proven)."""
    if unproven and all(r.proven for b in mine for rs in b.exemptions for r in rs):
        return None
    lo, hi = scenario.policy.bounds(bool(scenario.urban[next(iter(cores))]))
    seeds: dict[int, set[int]] = {o: set(core) for o, core in cores.items()}
    rest = [g for p, b in zip(parts, mine, strict=True) for g in _repaired(scenario, key, p, b)]
    outside = {k for k, g in enumerate(rest)
               if not lo <= int(scenario.households[list(g)].sum()) <= hi}
    if not outside and all(frozenset(ch.members) in rest for b in mine for ch in b.choices):
        return None
    units = sorted({u for g in rest for u in g} | {u for c in cores.values() for u in c})
    gd = piece_data(scenario, key, np.asarray(units))
    local = {int(u): k for k, u in enumerate(gd.units)}

    def centred(members: set[int]) -> bool:
        return best_choice(scenario, gd, sorted(local[u] for u in members)) is not None

    joined: dict[int, int] = {}         # community of ``rest`` -> the core it joined
    while outside - joined.keys():
        # The nearest community outside the bounds, to the core whose community keeps
        # a center with it (then the nearest, then the fewest households): two short
        # villages of seed 689 joined to the same unit above the maximum left it none.
        ways = [_path(scenario, seeds, o, rest, joined, outside - joined.keys())
                for o in sorted(seeds)]
        found = [w for w in ways if w is not None]
        if not found:                   # not reachable within the group: as it was
            return None
        near = min(len(w[1]) for w in found)
        target = min(w[1][0] for w in found if len(w[1]) == near)
        towards = [_path(scenario, seeds, o, rest, joined, {target}) for o in sorted(seeds)]
        o, ks = min((w for w in towards if w is not None), key=lambda w: (
            not centred(seeds[w[0]].union(*(rest[k] for k in w[1]))), len(w[1]),
            int(scenario.households[sorted(seeds[w[0]])].sum()), w[0]))
        for k in ks:
            joined[k] = o
            seeds[o] |= rest[k]
    groups = [tuple(sorted(local[u] for u in g)) for g in seeds.values()]
    groups += [tuple(sorted(local[u] for u in g)) for k, g in enumerate(rest)
               if k not in joined]
    return priced(scenario, gd, parts, cores, groups, False, 0.0,
                  "stopped: outside the bounds joined")


def _repaired(scenario: Scenario, key: tuple[str, str, str], part: Part, block: Block
              ) -> list[frozenset[int]]:
    """The part's own communities, those outside the bounds first passed units by
    ejection chains (optimizer.search.chains; a fixed number of moves tried, 0.3 s at
    most): seed 689's two villages 11 and 17 households short, whose joining left the
    units above the maximum no center."""
    sub = piece_data(scenario, key, np.asarray(sorted(part.units)))
    local = {int(u): k for k, u in enumerate(sub.units)}
    regions = [[local[u] for u in ch.members] for ch in block.choices]
    fixed, _ = chain_repair(sub, regions, center_hosts(scenario, sub))
    return [frozenset(int(sub.units[k]) for k in r) for r in fixed]


def _path(scenario: Scenario, seeds: dict[int, set[int]], o: int,
          rest: list[frozenset[int]], joined: dict[int, int], targets: set[int]
          ) -> tuple[int, list[int]] | None:
    """``o`` and the communities of ``rest`` (not yet joined) from its community to
    the nearest of ``targets`` (the target first), by communities crossed, breadth first
    in a fixed order; None where none is reachable."""
    of = {u: k for k, g in enumerate(rest) if k not in joined for u in g}

    def beside(units: set[int] | frozenset[int]) -> list[int]:
        return sorted({of[int(v)] for u in units for v in scenario.neighbours[u]
                       if int(v) in of})

    previous: dict[int, int | None] = {k: None for k in beside(seeds[o])}
    queue: deque[int] = deque(previous)
    while queue:
        k = queue.popleft()
        if k in targets:
            path = [k]
            while (prev := previous[path[-1]]) is not None:
                path.append(prev)
            return o, path
        for m in beside(rest[k]):
            if m not in previous:
                previous[m] = k
                queue.append(m)
    return None
