"""Components of the neighbour graph per (county, street, kind), and how many
communities each can hold.

A community never crosses a town/street (NESTING) and never mixes urban and rural
units, and it must be connected in the neighbour graph (CONTRACT.md "Neighbours").
So the units of one (county, street, kind) split into connected components, and each
component is partitioned on its own: these are the independent pieces of the plan.

The feasibility diagnosis of each component lives in :mod:`optimizer.graph.diagnosis`;
``Diagnosis`` and ``diagnose`` are re-exported here.

Works on arrays only (no geometry): the union of components is a vectorized
hook-and-jump over the edge arrays, fast for 40,000 units.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from optimizer.scenario.model import Scenario, frozen_array

Key = tuple[str, str, str]


@dataclass(frozen=True, eq=False)
class Component:
    """A connected piece of one (county, street, kind): the units a set of communities
    must partition exactly."""

    key: Key                    # (county, street, kind)
    units: np.ndarray           # sorted unit indices (read-only)
    households: int

    @property
    def county(self) -> str:
        return self.key[0]

    @property
    def street(self) -> str:
        return self.key[1]

    @property
    def urban(self) -> bool:
        return self.key[2] == "urban"

    def __len__(self) -> int:
        return len(self.units)


def feasible_community_counts(households: int, lo: int, hi: int) -> range:
    """The numbers k ≥ 1 of communities with k·lo ≤ households ≤ k·hi (SIZE-URBAN /
    SIZE-RURAL); empty when no whole number of communities fits."""
    h = int(households)
    k_min = max(1, math.ceil(h / max(hi, 1)))
    k_max = h // lo if lo > 0 else max(h, k_min)   # lo ≤ 0: any k up to one per household
    return range(k_min, max(k_min, k_max + 1))


def largest_group(households: int, lo: int, hi: int) -> int:
    """The most households a community of lo..hi can hold that leaves the rest of
    ``households`` a whole number (≥ 1) of communities; lo − 1 when none can.

    A split search grows each group one unit at a time, so no group above this, nor
    any group grown from it, is part of a split: a tight piece (wild seed 1061's 26
    villages of 3,005 households, so three rural communities of 1,000-1,005) otherwise
    spends its steps on the groups of 1,006-1,500 and each one's extensions."""
    h = int(households)
    if lo <= 0:
        return min(hi, h)
    j = 1                           # the rest's communities: the fewest gives the most
    while h - j * lo >= lo:
        top = min(hi, h - j * lo)
        if top >= max(lo, h - j * hi):
            return top
        j += 1
    return lo - 1


def root_labels(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Per node, the smallest node index of its connected component (edges a[i]-b[i]).

    Hook-and-jump: hook each edge's larger root under its smaller one, then jump
    pointers until every node points at its root; repeat until no edge spans two roots.
    Invariant parent[x] ≤ x, so no cycles and the root is the component's minimum.
    """
    parent = np.arange(n, dtype=np.int64)
    a = np.asarray(a, dtype=np.int64)
    b = np.asarray(b, dtype=np.int64)
    while True:
        pa, pb = parent[a], parent[b]
        span = pa != pb
        if not span.any():
            return parent
        lo = np.minimum(pa[span], pb[span])
        hi = np.maximum(pa[span], pb[span])
        np.minimum.at(parent, hi, lo)
        while True:
            nxt = parent[parent]
            if np.array_equal(nxt, parent):
                break
            parent = nxt


def unit_keys(scenario: Scenario) -> tuple[list[Key], np.ndarray]:
    """The sorted distinct (county, street, kind) keys and each unit's key index."""
    per_unit = [scenario.piece_key(i) for i in range(scenario.n_units)]
    keys = sorted(set(per_unit))
    code = {k: c for c, k in enumerate(keys)}
    return keys, np.array([code[k] for k in per_unit], dtype=np.int64)


def decompose(scenario: Scenario) -> tuple[list[Component], np.ndarray]:
    """``(components(scenario), component_of(scenario))`` computed once."""
    n = scenario.n_units
    keys, key_code = unit_keys(scenario)
    edges = np.asarray(scenario.edges, dtype=np.int64).reshape(-1, 2)
    same = key_code[edges[:, 0]] == key_code[edges[:, 1]]
    roots = root_labels(n, edges[same, 0], edges[same, 1])
    root_ids = np.unique(roots)                      # each root = its component's min unit
    order = np.lexsort((root_ids, key_code[root_ids]))   # by key, then smallest unit
    rank = np.empty(n, dtype=np.int64)
    rank[root_ids[order]] = np.arange(len(root_ids))
    comp_of = rank[roots]
    by_comp = np.argsort(comp_of, kind="stable")     # units grouped, sorted within
    starts = np.searchsorted(comp_of[by_comp], np.arange(len(root_ids) + 1))
    hh = np.asarray(scenario.households, dtype=np.int64)
    comps = []
    for c, r in enumerate(root_ids[order].tolist()):
        units = by_comp[starts[c]:starts[c + 1]]
        comps.append(Component(key=keys[key_code[r]], units=frozen_array(units, np.int64),
                               households=int(hh[units].sum())))
    return comps, frozen_array(comp_of, np.int64)


def components(scenario: Scenario) -> list[Component]:
    """Connected components of ``scenario.edges`` restricted to units of the same
    (county, street, kind), sorted by key, then by smallest unit index."""
    return decompose(scenario)[0]


def connected_parts(units: Iterable[int], neighbours: Sequence[Iterable[int]]
                    ) -> list[list[int]]:
    """The connected parts of ``units`` in the neighbour lists, each sorted, in order of
    their lowest unit."""
    left = {int(u) for u in units}
    out: list[list[int]] = []
    while left:
        start = min(left)
        part, todo = {start}, [start]
        while todo:
            u = todo.pop()
            for v in neighbours[u]:
                v = int(v)
                if v in left and v not in part:
                    part.add(v)
                    todo.append(v)
        left -= part
        out.append(sorted(part))
    return out


def is_connected(units: Iterable[int], neighbours: Sequence[Iterable[int]]) -> bool:
    """Whether ``units`` form one connected piece of the neighbour lists."""
    return len(connected_parts(units, neighbours)) == 1


def component_of(scenario: Scenario) -> np.ndarray:
    """Per unit, the index of its component in ``components(scenario)``."""
    return decompose(scenario)[1]


def mask_parts(mask: int, nbr: Sequence[int]) -> list[int]:
    """The connected parts of the units set in ``mask`` (bit k = unit k), ``nbr[k]``
    being unit k's neighbours as a bit mask: the split searches' arithmetic on sets."""
    return [part for part, _ in weighed_parts(mask, nbr)]


def weighed_parts(mask: int, nbr: Sequence[int], hh: Sequence[int] = ()
                  ) -> list[tuple[int, int]]:
    """:func:`mask_parts` with each part's weight (``hh[k]``: unit k's; 0 without
    ``hh``), summed as its units are reached rather than by a pass over every bit."""
    out = []
    while mask:
        seen = frontier = mask & -mask
        w = 0
        while frontier:
            bit = frontier & -frontier
            frontier ^= bit
            k = bit.bit_length() - 1
            if hh:
                w += hh[k]
            new = nbr[k] & mask & ~seen
            seen |= new
            frontier |= new
        out.append((seen, w))
        mask &= ~seen
    return out


def cut_parts(left: int, seeds: int, nbr: Sequence[int], hh: Sequence[int], total: int
              ) -> Iterator[tuple[int, int]]:
    """The parts of ``left`` with their weights, as :func:`weighed_parts`, where every
    part holds a unit of ``seeds`` and ``total`` is the weight of all ``left``: what a
    connected set leaves when a group is cut out of it (each part borders the group).
    The parts are grown from the seeds side by side, one unit each in turn, merged
    where they meet, and each yielded as it is finished, so the small ones come first;
    the last is never grown, its weight is what the others leave. Why: the split
    search tests every group it grows by the parts the rest falls into; by whole
    searches over the rest that was 3.3 of 4.3 s (profiled) of a 132-village piece of
    bench/wild.py seed 834, run after its clock had stopped, while most groups cut off
    a few units beside them (1.9 s unprofiled, 1.1 s so; the same answers)."""
    # [seen, frontier, weight] per part being grown: seeds beside each other start as one
    grown = [[p, p, 0] for p, _ in weighed_parts(seeds & left, nbr)]
    everyone = seeds & left             # the units seen by any part being grown
    done, finished = 0, 0
    k = 0
    while len(grown) > 1:
        k %= len(grown)
        seen, frontier, w = grown[k]
        if not frontier:                # finished: a whole part
            grown.pop(k)
            done += w
            finished |= seen
            yield seen, w
            continue
        bit = frontier & -frontier
        b = bit.bit_length() - 1
        new = nbr[b] & left & ~seen
        seen, frontier, w = seen | new, (frontier ^ bit) | new, w + hh[b]
        for j in range(len(grown) - 1, -1, -1) if new & everyone else ():
            if j != k and grown[j][0] & new:
                # Met another part: one part. No unit is grown twice: a grown unit's
                # neighbours are all seen by its part, so the two met before either
                # could grow a unit the other had seen.
                o_seen, o_frontier, o_w = grown.pop(j)
                k -= j < k
                seen, frontier, w = seen | o_seen, frontier | o_frontier, w + o_w
        everyone |= new
        grown[k] = [seen, frontier, w]
        k += 1
    if grown:                           # the last part: what the others leave
        yield left & ~finished, total - done


def neighbour_masks(scenario: Scenario, units: Sequence[int]) -> list[int]:
    """Per position k of ``units``, its neighbours among ``units`` as a bit mask (bit j =
    ``units[j]``): the form the split and core searches work on."""
    pos = {u: k for k, u in enumerate(units)}
    nbr = [0] * len(units)
    for k, u in enumerate(units):
        for v in scenario.neighbours[u].tolist():
            if v in pos:
                nbr[k] |= 1 << pos[v]
    return nbr


def grown_groups(nbr: Sequence[int], hh: Sequence[int], root: int, allowed: int,
                 most: int) -> Iterator[tuple[int, int]]:
    """Every connected group of the units in ``allowed`` that holds the unit of the bit
    ``root`` and at most ``most`` households, with its households, each once (a group
    is grown one neighbour at a time, and a neighbour passed over on one branch is
    banned below it, so no group comes twice). Nothing when the root alone is above
    ``most``. One item per step: callers count their steps on it and keep the groups
    they want (at least the minimum, a legal center)."""
    r = root.bit_length() - 1
    if hh[r] > most:
        return
    stack = [(root, hh[r], nbr[r] & allowed & ~root, 0)]
    while stack:
        group, w, cand, banned = stack.pop()
        yield group, w
        while cand:
            bit = cand & -cand
            cand ^= bit
            k = bit.bit_length() - 1
            if w + hh[k] <= most:
                stack.append((group | bit, w + hh[k],
                              (cand | (nbr[k] & allowed)) & ~group & ~banned & ~bit, banned))
            banned |= bit


__all__ = ["Component", "components", "component_of", "decompose", "feasible_community_counts",
           "largest_group",
           "connected_parts", "grown_groups", "mask_parts", "neighbour_masks", "weighed_parts",
           "root_labels"]
