"""A few named units that no non-overlapping communities within the bounds can hold
all of: a proof, local to those units, that their piece has no split within the
bounds (any split would hold each of them in one of its communities).

The search names such units where it listed every possible community of a piece and
none partitions it (optimizer.search.core). The exhaustive split search
(:mod:`optimizer.checker.split`) stops at 100 units; this proof looks only around the
named units, so it holds for a piece of any size: a 200-compound street whose two
dead-end compounds each reach the minimum only through the same small ones.

The checker's own code: the connected sets of units within the piece holding each
named unit and no more households than the maximum, grown one neighbour at a time
(every such set is reached from the unit by adding one neighbour at a time, so none
is missed), then a search for sets, one per named unit not yet held, that do not
overlap. Either is capped; a proof that passes a cap is undecided, not a pass.
"""

from __future__ import annotations

from optimizer.scenario.model import Scenario

MAX_SETS = 200_000      # connected sets around one named unit, at most
MAX_STEPS = 1_000_000   # steps of the search for non-overlapping sets, at most


def sets_holding(s: Scenario, piece: set[int], unit: int, lo: int, hi: int
                 ) -> list[frozenset[int]] | None:
    """Every connected set of units of ``piece`` holding ``unit`` with lo..hi
    households (None past MAX_SETS sets visited)."""
    h = s.households
    start = frozenset((unit,))
    if int(h[unit]) > hi:
        return []
    seen = {start}
    todo = [(start, int(h[unit]))]
    while todo:
        group, weight = todo.pop()
        for u in group:
            for v in s.neighbours[u].tolist():
                if v in group or v not in piece or weight + int(h[v]) > hi:
                    continue
                grown = group | {v}
                if grown not in seen:
                    seen.add(grown)
                    if len(seen) > MAX_SETS:
                        return None
                    todo.append((grown, weight + int(h[v])))
    return [g for g in seen if sum(int(h[u]) for u in g) >= lo]


def cover_exists(s: Scenario, piece: set[int], named: list[int], lo: int, hi: int
                 ) -> bool | None:
    """Whether non-overlapping connected sets of lo..hi households in ``piece`` can
    hold every unit of ``named`` (None: a cap was passed, undecided)."""
    options: dict[int, list[frozenset[int]]] = {}
    for u in named:
        got = sets_holding(s, piece, u, lo, hi)
        if got is None:
            return None
        options[u] = got
    steps = 0

    def search(held: frozenset[int]) -> bool | None:
        nonlocal steps
        left = [u for u in named if u not in held]
        if not left:
            return True
        u = min(left, key=lambda v: (len(options[v]), v))
        for g in options[u]:
            steps += 1
            if steps > MAX_STEPS:
                return None
            if g & held:
                continue
            got = search(held | g)
            if got is not False:
                return got
        return False

    return search(frozenset())


__all__ = ["MAX_SETS", "MAX_STEPS", "cover_exists", "sets_holding"]
