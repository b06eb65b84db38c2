"""The checker's own proof that a piece cannot be split into legal communities once
centers are counted (SIZE-URBAN/SIZE-RURAL with ONE-STATION).

Written apart from the solver (search/columns.py lists a piece's possible
communities) and from the graph diagnosis (graph/diagnosis.py splits by households
alone) on purpose: the checker must be able to disagree with both.

A split of a piece is a set of connected groups of L..U households covering each of
its units once, every group holding a unit that can hold the center of a community
of that many households (:func:`optimizer.checker.center.can_hold_center`). Unit by
unit proofs (checker/center.py) miss pieces where each unit has a center within the
bounds but no two such communities fit together: a no_build unit whose only
neighbours with a place for a center make its community so large that the rest is
too small. This search sees those, for pieces small enough to search completely.
"""

from __future__ import annotations

from collections.abc import Iterator

from optimizer.checker.center import can_hold_center
from optimizer.scenario.model import Scenario

MAX_UNITS = 64          # pieces up to this size are searched ...
MAX_STEPS = 50_000      # ... within this many steps (else undecided)


class _OutOfSteps(Exception):
    """The search ran over its step budget."""


def _fits(h: int, lo: int, hi: int) -> bool:
    """Some whole number k >= 1 of communities has k*lo <= h <= k*hi."""
    k = h // lo
    return k >= 1 and k * hi >= h


def splittable_with_centers(scenario: Scenario, units: list[int], lo: int, hi: int,
                            max_steps: int = MAX_STEPS) -> bool | None:
    """Whether ``units`` can be split into connected groups of lo..hi households each
    with a place for its center: True or False by a complete depth-first search, None
    when undecided (too many units or steps).

    The search takes the lowest unit not yet placed, tries every connected group of
    lo..hi households holding it (each once: a unit left out of a group is never added
    to a later one grown from the same stem), keeps those with a center, and goes on
    with the rest while each connected part of the rest can hold a whole number of
    groups. Rests shown impossible are remembered."""
    n = len(units)
    if n == 0 or n > MAX_UNITS:
        return None if n else True
    if any(int(scenario.households[u]) > hi for u in units):
        # such a unit's own community is exempt on its own ground; whether the others
        # fit the bounds is another question than this search's: undecided
        return None
    pos = {u: k for k, u in enumerate(units)}
    nbr = [0] * n
    for k, u in enumerate(units):
        for v in scenario.neighbours[u].tolist():
            if int(v) in pos:
                nbr[k] |= 1 << pos[int(v)]
    hh = [int(scenario.households[u]) for u in units]
    center_memo: dict[tuple[int, int], bool] = {}
    failed: set[int] = set()
    steps = 0

    def weight(mask: int) -> int:
        return sum(hh[k] for k in range(n) if mask >> k & 1)

    def parts(mask: int) -> Iterator[int]:
        while mask:
            seen = frontier = mask & -mask
            while frontier:
                bit = frontier & -frontier
                frontier ^= bit
                new = nbr[bit.bit_length() - 1] & mask & ~seen
                seen |= new
                frontier |= new
            yield seen
            mask &= ~seen

    def has_center(group: int, w: int) -> bool:
        for k in range(n):
            if group >> k & 1:
                key = (k, w)
                if key not in center_memo:
                    center_memo[key] = can_hold_center(scenario, units[k], w)
                if center_memo[key]:
                    return True
        return False

    def groups(rest: int) -> Iterator[int]:
        nonlocal steps
        root = rest & -rest
        r = root.bit_length() - 1
        if hh[r] > hi:
            return
        stack = [(root, hh[r], nbr[r] & rest, 0)]
        while stack:
            sub, w, cand, banned = stack.pop()
            steps += 1
            if steps > max_steps:
                raise _OutOfSteps
            if w >= lo and has_center(sub, w):
                yield sub
            while cand:
                bit = cand & -cand
                cand ^= bit
                k = bit.bit_length() - 1
                if w + hh[k] <= hi:
                    grown = (cand | (nbr[k] & rest)) & ~sub & ~banned & ~bit
                    stack.append((sub | bit, w + hh[k], grown, banned))
                banned |= bit

    def solve(rest: int) -> bool:
        if not rest:
            return True
        if rest in failed:
            return False
        split = list(parts(rest))
        if len(split) > 1:
            ok = all(_fits(weight(p), lo, hi) for p in split) \
                and all(solve(p) for p in sorted(split, key=int.bit_count))
        else:
            ok = any(solve(rest & ~g) for g in groups(rest)
                     if all(_fits(weight(p), lo, hi) for p in parts(rest & ~g)))
        if not ok:
            failed.add(rest)
        return ok

    try:
        return solve((1 << n) - 1)
    except _OutOfSteps:
        return None
