"""A first plan for a stranded group (optimizer.search.oversized_attach) whose parts,
joined whole, leave an oversized unit's community no place for a center, found without
a solver: communities within the bounds packed into the parts, the rest joining the
oversized units they touch.

Why: the group's models start from the whole parts joined (``_whole``); where that
plan has no center (ONE-STATION: a community of tens of thousands of households), the
block model (optimizer.search.oversized_block) starts from nothing, and CP-SAT needs
more time for its first plan than a short limit gives. bench/wild.py seed 158 (30 s,
one worker): a 36-compound part between two compounds of 3,001 households, no split
within the bounds with a center (the listing proves it), found its first plan only
after 24 deterministic s, the piece's budget being 12; the wider listing past its caps,
the piece ended ``soft``, which the checker rejects (only the oversized units'
communities may be exempt where the rest can join them). The packing below finds a
plan in well under a second; the block model then starts from it.

A depth-first search packs disjoint listed communities (each with a center: its exact
price is finite) from the units farthest from the oversized units in; what is left must
reach an oversized unit through units not packed, and each connected piece of it joins
one it borders (the one whose community has joined the fewest households so far). A
packing counts where every oversized community so made has a center. The search is
restarted from orders drawn from the task's seed (deterministic), and from the first
packing that counts only packings joining fewer households are sought. The packing
joining the fewest households is kept, then the cheapest. Not claimed the fewest: the
caller's exemption says so, and the block model starts from it.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence

import numpy as np

from optimizer.graph.oversized import Part
from optimizer.graph.pieces import connected_parts
from optimizer.model.piece import PieceData, piece_data
from optimizer.scenario.model import Scenario
from optimizer.search.columns import connected_groups, price_groups
from optimizer.search.heuristic import best_choice
from optimizer.search.stop import StopFlag

STEPS = 20_000              # depth-first steps of all searches, at most
BRANCH = 6                  # communities tried per unit, reaching farthest first
PACKINGS = 20               # complete packings priced per search, at most
RESTARTS = 40               # searches (the first in a fixed order, the rest seeded)
LIST_COLUMNS = 20_000       # communities within the bounds listed per part, at most
LIST_STEPS = 200_000        # ... and enumeration steps


def packed_plan(scenario: Scenario, gd: PieceData, parts: Sequence[Part],
                cores: dict[int, list[int]], seed: int, stop: StopFlag | None = None
                ) -> list[tuple[int, ...]] | None:
    """The plan of the module's doc as communities of units local to ``gd`` (``cores``:
    oversized unit -> its core, global ids); None where a part's listing passes its caps
    or no trial gives every community a center. ``stop`` raised: fewer searches (below)."""
    local = {int(u): k for k, u in enumerate(gd.units)}
    columns: list[tuple[int, ...]] = []
    for p in parts:
        sub = piece_data(scenario, gd.key, np.asarray(p.units))
        found = connected_groups(sub, LIST_COLUMNS, LIST_STEPS)
        if found is None:
            return None
        columns += [tuple(sorted(local[int(sub.units[i])] for i in g)) for g in found[0]]
    if columns:
        priced = price_groups(scenario, gd, columns)
        columns = [c for c, v in zip(columns, priced.tolist(), strict=True) if np.isfinite(v)]
    hh = gd.households.astype(np.int64)
    core_sets = {o: [local[u] for u in c] for o, c in cores.items()}
    owner = {u: o for o, c in core_sets.items() for u in c}
    inside = sorted(local[u] for p in parts for u in p.units)
    far = _distance(gd, set(owner), set(inside))
    holding: dict[int, list[int]] = {u: [] for u in inside}
    for k, col in enumerate(columns):
        for u in col:
            holding[u].append(k)
    reach = [sum(far[u] for u in col) for col in columns]
    for ks in holding.values():
        ks.sort(key=lambda k: (-reach[k], k))
    search = _Search(gd, columns, holding, far, inside, set(owner))
    best: tuple[int, float, list[tuple[int, ...]]] | None = None
    rng = np.random.default_rng([seed, 158])
    centred: dict[tuple[int, ...], bool] = {}
    for r in range(RESTARTS):
        if r and stop is not None and stop.is_set() and (best is not None
                                                         or stop.grace_s() <= 0.0):
            # Stopped (the clock, Ctrl-C): the best packing so far, or, none counting,
            # more searches only within the stop's grace. The 40 searches took 4.5-4.8
            # s on a 51-compound street with none counting, twice after its stop
            # (bench/wild.py seed 650, 10 s, one worker: 5 s past the limit).
            break
        for taken in search.packings(None if r == 0 else rng):
            got = _joined(scenario, gd, columns, taken, inside, core_sets, owner, hh, centred)
            if got is None:
                continue
            joined, groups = got
            cost = float(price_groups(scenario, gd, groups).sum())
            if best is None or (joined, cost) < best[:2]:
                best = (joined, cost, groups)
                search.limit = joined + 1       # from now on, no more joining
    return None if best is None else best[2]


def _distance(gd: PieceData, sources: set[int], inside: set[int]) -> dict[int, int]:
    """Links from the oversized cores to each unit of the parts (within the parts)."""
    out = dict.fromkeys(sources, 0)
    todo = sorted(sources)
    while todo:
        nxt: list[int] = []
        for u in todo:
            for v in gd.nbrs[u]:
                if v in inside and v not in out:
                    out[v] = out[u] + 1
                    nxt.append(v)
        todo = nxt
    return out


class _Search:
    """Depth-first packings: the undecided unit farthest from the cores either takes a
    community holding it that overlaps none taken (up to BRANCH of them, reaching
    farthest first) or is left to join, and a unit left must still reach a core
    through units not taken (else the branch is cut), and the households left stay
    below ``limit`` (the caller's best so far). At most STEPS steps; yields each
    packing where every unit is decided (the indices of the communities taken)."""

    def __init__(self, gd: PieceData, columns: list[tuple[int, ...]],
                 holding: dict[int, list[int]], far: dict[int, int], inside: list[int],
                 cores: set[int]) -> None:
        self.gd, self.columns, self.holding, self.cores = gd, columns, holding, cores
        self.far = far
        self.order = sorted(inside, key=lambda u: (-far.get(u, len(inside)), u))
        self.inside = set(inside)
        self.hh = gd.households.astype(np.int64)
        self.limit = math.inf       # households left to join, below: set by the caller
        # The columns as rows padded with gd.n (never taken), and each unit's columns as
        # an array: which overlap the units taken is one lookup, where a set
        # intersection per column took 3.4 of the 4.5 s of 40 searches over 20,000
        # columns on a 51-compound street (bench/wild.py seed 650).
        width = max((len(c) for c in columns), default=0)
        self.padded = np.full((len(columns), width), gd.n, dtype=np.int64)
        for k, col in enumerate(columns):
            self.padded[k, :len(col)] = col
        self.held = {u: np.asarray(ks, dtype=np.int64) for u, ks in holding.items()}

    def _free(self, u: int, mask: np.ndarray) -> list[int]:
        """The columns holding ``u`` that overlap no unit taken (``mask``), in order."""
        ks = self.held[u]
        if not len(ks):
            return []
        return ks[~mask[self.padded[ks]].any(axis=1)].tolist()

    def packings(self, rng: np.random.Generator | None) -> Iterator[list[int]]:
        """One depth-first search (STEPS // RESTARTS steps): units and their
        communities in the order above, or with ``rng`` shuffled among equals and
        the communities tried drawn."""
        found = 0
        steps = 0
        order = self.order if rng is None else sorted(
            self.order, key=lambda u: (-self.far.get(u, 0), float(rng.random())))
        chosen: list[int] = []
        taken: set[int] = set()
        mask = np.zeros(self.gd.n + 1, dtype=bool)      # taken, as a mask (gd.n: padding)
        left: set[int] = set()
        weight = 0

        def go(at: int) -> Iterator[list[int]]:
            nonlocal found, weight, steps
            steps += 1
            if steps > STEPS // RESTARTS or found >= PACKINGS or weight >= self.limit:
                return
            while at < len(order) and order[at] in taken:
                at += 1
            if at == len(order):
                found += 1
                yield list(chosen)
                return
            u = order[at]
            free = self._free(u, mask)
            if rng is not None and len(free) > BRANCH:
                free = [free[int(i)] for i in sorted(rng.choice(len(free), BRANCH,
                                                                replace=False))]
            for k in free[:BRANCH]:
                col = self.columns[k]
                taken.update(col)
                mask[list(col)] = True
                chosen.append(k)
                if self._reached(left, taken):
                    yield from go(at + 1)
                chosen.pop()
                taken.difference_update(col)
                mask[list(col)] = False     # the columns taken never overlap
            left.add(u)
            weight += int(self.hh[u])
            if self._reached(left, taken):
                yield from go(at + 1)
            weight -= int(self.hh[u])
            left.discard(u)

        yield from go(0)

    def _reached(self, left: set[int], taken: set[int]) -> bool:
        """Every unit ``left`` reaches a core through units of the parts not taken."""
        if not left:
            return True
        todo = sorted(self.cores)
        seen = set(todo)
        short = len(left - seen)        # ends as soon as the last of them is reached
        while todo and short:
            for v in self.gd.nbrs[todo.pop()]:
                if v in self.inside and v not in seen and v not in taken:
                    seen.add(v)
                    todo.append(v)
                    short -= v in left
        return not short


def _joined(scenario: Scenario, gd: PieceData, columns: list[tuple[int, ...]],
            taken: list[int], inside: list[int], core_sets: dict[int, list[int]],
            owner: dict[int, int], hh: np.ndarray, centred: dict[tuple[int, ...], bool]
            ) -> tuple[int, list[tuple[int, ...]]] | None:
    """The communities ``taken``, and what they leave joining the oversized units
    (each connected piece left the one it borders whose community has joined the
    fewest households so far): (households joining, the communities), or None where
    a piece borders none or an oversized community has no center. ``centred``: whether
    a group has a center, kept across the packings (the same oversized communities
    recur: 1,600 packings asked 3.6 s of best_choice on seed 650's street)."""
    covered = {u for k in taken for u in columns[k]}
    groups = [columns[k] for k in taken]
    joined = {o: list(c) for o, c in core_sets.items()}
    extra = dict.fromkeys(core_sets, 0)
    for piece in connected_parts([u for u in inside if u not in covered], gd.nbrs):
        near = sorted({owner[v] for u in piece for v in gd.nbrs[u] if v in owner},
                      key=lambda o: (extra[o], o))
        if not near:
            return None
        joined[near[0]] += piece
        extra[near[0]] += int(hh[piece].sum())
    for g in joined.values():
        key = tuple(sorted(g))
        if key not in centred:
            centred[key] = best_choice(scenario, gd, g) is not None
        if not centred[key]:
            return None
        groups.append(key)
    return sum(extra.values()), groups


__all__ = ["packed_plan"]
