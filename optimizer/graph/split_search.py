"""The split search: whether a piece's units can be split into connected communities of
lo..hi households, decided by a complete depth-first search within a step budget.

The diagnosis (:mod:`optimizer.graph.diagnosis`) uses it to prove "no partition" before
any solver runs, and the oversized path (:mod:`optimizer.graph.oversized`) to decide which
parts of a piece with units above the maximum are impossible. Kept apart from the
diagnosis's wording so that both read one search, not two.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from optimizer.graph.pieces import (
    feasible_community_counts,
    grown_groups,
    largest_group,
    mask_parts,
    neighbour_masks,
)
from optimizer.scenario.model import Scenario

SPLIT_STEPS = 20_000    # a search that needs more steps is undecided (None)


def splittable(scenario: Scenario, units: list[int], lo: int, hi: int,
                cap: list[float] | None = None) -> bool | None:
    """Whether these units can be split into connected groups of lo..hi households:
    True or False by a complete depth-first search, None when it would take more than
    SPLIT_STEPS steps (undecided). With ``cap`` (per unit, the largest required area a
    center there can provide: graph/center.py), each group must also hold a unit able
    to host its center.

    It takes the heaviest unit not yet placed, tries each connected group of lo..hi holding
    it, and goes on with the rest while its parts fit whole numbers (False: no split).
    Wild seed 191: 1 step from a village of 1,500, 20,000 from the lowest unit undecided;
    where units are alike the lowest decides more: it follows (its own SPLIT_STEPS). A
    connected rest within lo..hi is one group; else it needs 2·lo and leaves lo behind."""

    n = len(units)
    nbr = neighbour_masks(scenario, units)
    hh = [int(scenario.households[u]) for u in units]
    failed: set[int] = set()
    steps, limit, heaviest = 0, SPLIT_STEPS, True

    def parts(mask: int) -> list[int]:
        return mask_parts(mask, nbr)

    def weight(mask: int) -> int:
        return sum(hh[k] for k in range(n) if mask >> k & 1)

    def _hosts(mask: int, w: int) -> bool:
        need = scenario.policy.required_area_m2(w)
        return any(mask >> k & 1 and cap[k] >= need for k in range(n))  # type: ignore[index]

    def groups(rest: int, most: int) -> Iterator[int]:
        """Connected groups within ``rest`` holding its heaviest unit, lo..``most``
        households."""
        nonlocal steps
        root = (1 << max((k for k in range(n) if rest >> k & 1), key=lambda k: (hh[k], -k))
                if heaviest else rest & -rest)
        for sub, w in grown_groups(nbr, hh, root, rest, most):
            steps += 1
            if steps > limit:
                raise _Undecided
            if w >= lo and (cap is None or _hosts(sub, w)):
                yield sub

    def solve(rest: int) -> bool:
        if not rest:
            return True
        if rest in failed:
            return False
        pieces = parts(rest)
        if len(pieces) > 1:
            ok = all(feasible_community_counts(weight(p), lo, hi) for p in pieces) \
                and all(solve(p) for p in sorted(pieces, key=int.bit_count))
        else:
            total = weight(rest)
            ok = (lo <= total <= hi and (cap is None or _hosts(rest, total))) \
                or (total >= 2 * lo and any(
                    solve(rest & ~g) for g in groups(rest, largest_group(total, lo, hi))
                    if all(feasible_community_counts(weight(p), lo, hi)
                           for p in parts(rest & ~g))))
        if not ok:
            failed.add(rest)
        return ok

    with contextlib.suppress(_Undecided):
        return solve((1 << n) - 1)
    heaviest, limit = False, steps + SPLIT_STEPS      # the lowest unit, its own steps
    with contextlib.suppress(_Undecided):
        return solve((1 << n) - 1)
    return None


class _Undecided(Exception):
    """The split search ran over its step budget."""
