"""The checker's own exhaustive search: can a connected piece be split into connected
communities of lo..hi households each?

Written for the checker apart from the solver's diagnosis (optimizer/graph/diagnosis.py),
so that a "no connected split exists" exemption is proved by code the solver does not
share. Units are bits of an integer; a part's neighbours are found with bit masks.

The search is complete: it takes one unit not yet placed (it must be in some
community), lists every connected group holding it of lo..hi households, each exactly
once (grow the group from a frontier; a frontier unit passed over is excluded from the
groups listed after it), and goes on with the rest. A rest whose connected parts cannot
each hold a whole number of communities (k·lo ≤ H ≤ k·hi for some k ≥ 1) is dropped
at once, and a rest shown impossible is remembered.

Which unit: first the one with the most households (the lowest of those). Any unit
would do for completeness, but a heavy unit has few groups, and where they leave rests
that fit no whole number the proof is one level deep: a village of 1,500 in a
30-village rural piece of 3,413 households (bench/wild.py seed 191) can only be a
community alone, leaving 1,913 households that fit no count; from the lowest unit the
search grew 50,000 groups of the other villages without deciding. Where units are alike
the lowest unit (an edge of the map, in the order units are read) decides some pieces
the heaviest does not: a search from the heaviest that runs out of steps is followed by
one from the lowest, with its own steps and the rests already proved impossible (a
fact of the rest, whatever the order). A connected part is
one community when it fits the bounds (a split, found), none when it fits them not and
holds fewer than 2·lo households (two communities need that); otherwise its first group
leaves at least lo households behind, so no group is grown past H − lo.

It is bounded: at most ``MAX_UNITS`` units and ``MAX_STEPS`` groups grown per order
(:func:`steps_for`: fewer past ``FULL_UNITS`` units). Beyond the
bound the answer is "undecided" (None), which the checker reports as an exemption it
cannot prove: a fail with that reason, never a pass.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

MAX_UNITS = 400        # a piece's units, at most (the streets: up to 350)
MAX_STEPS = 50_000
QUICK_STEPS = 5_000    # the steps per order before the assignment model is asked
FULL_UNITS = 100       # pieces up to this many units get MAX_STEPS, larger ones QUICK_STEPS


def steps_for(units: int) -> int:
    """The steps per order the checker gives a piece of ``units`` units. Past
    FULL_UNITS only the quick run: of 30 pieces of 101-249 units (session 40's sweeps)
    it decided 26 within 0.34 s; two splits needed 15,000 and 30,000 steps (0.12 and
    0.27 s more), and two stayed undecided at 50,000 after 2-3.5 s more, inside
    ``solve``'s own check (its time limit)."""
    return MAX_STEPS if units <= FULL_UNITS else QUICK_STEPS


def community_counts(households: int, lo: int, hi: int) -> list[int]:
    """Every k ≥ 1 with k·lo ≤ households ≤ k·hi: at least ceil(H / hi), at most
    floor(H / lo)."""
    return list(range(max(1, -(-households // hi)), households // lo + 1))


def whole_number_fits(households: int, lo: int, hi: int) -> bool:
    """Whether some k ≥ 1 communities of lo..hi households hold exactly ``households``."""
    return households > 0 and bool(community_counts(households, lo, hi))


@dataclass(frozen=True)
class SplitAnswer:
    """``exists``: True (``groups`` is one split), False (none exists) or None (beyond
    the bound: undecided); ``by_model``: decided by flow_split.py's model, not this
    search (the words of the proof say which)."""

    exists: bool | None
    groups: tuple[tuple[int, ...], ...] = ()
    steps: int = 0
    by_model: bool = False


class OutOfSteps(Exception):
    """The search grew more groups than it may (:class:`Bits` ``max_steps``)."""


class Bits:
    """A set of units as bits of an integer: their neighbours as bit masks, their
    households, and the two searches both the split search and the least-joined search
    (:mod:`optimizer.checker.least`) walk: the connected parts of a set, and every
    connected group of lo..hi households holding its lowest unit, each once."""

    def __init__(self, units: Sequence[int], households: Sequence[int],
                 neighbours: Sequence[Iterable[int]], lo: int, hi: int, max_steps: int,
                 can_host: Callable[[int, int], bool] | None = None,
                 rooms: Rooms | None = None) -> None:
        self.units = list(units)
        self.n = n = len(self.units)
        self.lo, self.hi, self.max_steps, self.can_host = lo, hi, max_steps, can_host
        at = {u: k for k, u in enumerate(self.units)}
        # PIPELINE (with can_host): a group holding rooms coming it must take as its
        # center hosts only where the one reaching most reaches its need
        self.rooms = rooms
        self.reach = {at[u]: r for u, r in (rooms.reach if rooms else {}).items() if u in at}
        self.rooms_mask = sum(1 << k for k in self.reach)
        self.adj = [0] * n
        for k, u in enumerate(self.units):
            for v in neighbours[u]:
                j = at.get(int(v))
                if j is not None:
                    self.adj[k] |= 1 << j
        self.w = [int(households[u]) for u in self.units]
        self.steps = 0
        self.pausing = False    # past max_steps: yield 0 and go on when resumed (SplitSearch)

    def parts(self, mask: int) -> list[tuple[int, int]]:
        """The connected parts of ``mask``, each with its households."""
        adj, w = self.adj, self.w
        out = []
        while mask:
            seen = todo = mask & -mask
            total = 0
            while todo:
                low = todo & -todo
                todo ^= low
                k = low.bit_length() - 1
                total += w[k]
                new = adj[k] & mask & ~seen
                seen |= new
                todo |= new
            out.append((seen, total))
            mask &= ~seen
        return out

    def groups(self, mask: int, root: int = 0, cap: int | None = None) -> Iterator[int]:
        """Connected groups within ``mask`` holding ``root`` (a bit of it; its lowest
        unit by default), lo..hi households, at most ``cap`` (each with a unit able to
        host its center, with ``can_host``)."""
        adj, w, lo, can_host = self.adj, self.w, self.lo, self.can_host
        hi = self.hi if cap is None else min(self.hi, cap)
        root = root or mask & -mask
        r = root.bit_length() - 1
        if w[r] > hi:
            return
        stack = [(root, w[r], adj[r] & mask, 0)]
        while stack:
            group, total, frontier, excluded = stack.pop()
            self.steps += 1
            if self.steps > self.max_steps:
                if not self.pausing:
                    raise OutOfSteps
                yield 0         # out of this run's steps: resumed with more, or dropped
            if total >= lo and (can_host is None or self._hosts(group, total)):
                yield group
            while frontier:
                low = frontier & -frontier
                frontier ^= low
                k = low.bit_length() - 1
                if total + w[k] <= hi:
                    grown = (frontier | (adj[k] & mask)) & ~group & ~excluded & ~low
                    stack.append((group | low, total + w[k], grown, excluded))
                excluded |= low

    def heaviest(self, mask: int) -> int:
        """The bit of ``mask``'s unit with the most households (the lowest of those)."""
        w, best, at = self.w, -1, 0
        rest = mask
        while rest:
            low = rest & -rest
            rest ^= low
            k = low.bit_length() - 1
            if w[k] > best:
                best, at = w[k], low
        return at

    def hosts(self, group: int, total: int) -> bool:
        """Whether ``group`` of ``total`` households can have its center (always,
        without ``can_host``)."""
        return self.can_host is None or self._hosts(group, total)

    def _hosts(self, group: int, total: int) -> bool:
        """Some unit of ``group`` can host the center of ``total`` households (its
        units in ascending order, only the ones it holds: the any() over all n bits
        was half a 50-unit search's time); where it holds rooms PIPELINE imposes, only
        those, as far as they reach."""
        assert self.can_host is not None
        if group & self.rooms_mask and self.rooms is not None:
            best = max(r for k, r in self.reach.items() if group >> k & 1)
            return best >= self.rooms.need(total)
        rest = group
        while rest:
            low = rest & -rest
            rest ^= low
            if self.can_host(self.units[low.bit_length() - 1], total):
                return True
        return False

    def ids(self, mask: int) -> tuple[int, ...]:
        """The units of ``mask``."""
        return tuple(self.units[k] for k in range(self.n) if mask >> k & 1)


@dataclass(frozen=True)
class Rooms:
    """Rooms coming PIPELINE imposes (optimizer.checker.pipeline): per unit holding
    some, the most they reach (m²), and the area a community of h households needs."""

    reach: Mapping[int, float]
    need: Callable[[int], float]


def find_split(units: Sequence[int], households: Sequence[int],
               neighbours: Sequence[Iterable[int]], lo: int, hi: int,
               max_steps: int = MAX_STEPS, max_units: int = MAX_UNITS,
               can_host: Callable[[int, int], bool] | None = None,
               rooms: Rooms | None = None) -> SplitAnswer:
    """Search every split of ``units`` (indices into ``households`` and ``neighbours``)
    into connected groups of lo..hi households.

    With ``can_host(unit, households)``, each group must also hold a unit able to host
    the center of a community of that many households (ONE-STATION): a piece can have a
    split by households alone but none once centers count (a no_build unit whose only
    neighbours with a place for a center make its community too large for the rest).
    A piece holding a unit above the maximum is then undecided: that unit's community
    is exempt on its own ground, which says nothing of the others'."""
    return SplitSearch(units, households, neighbours, lo, hi, max_units, can_host,
                       rooms).run(max_steps)


class SplitSearch:
    """:func:`find_split`'s search, which can stop and go on: :meth:`run` takes each
    order (the heaviest unit first, then the lowest) up to that many steps of its own
    in all, continuing where the last run stopped. The checker's proof of "no split"
    runs 5,000 steps per order, asks its assignment model, and only where that is
    undecided runs the full 50,000 (optimizer.checker.proofs.Pieces.split): before,
    the full search started again from nothing, repeating the first 5,000 of each order.
    The rests proved impossible are shared by both orders (a fact of the rest)."""

    def __init__(self, units: Sequence[int], households: Sequence[int],
                 neighbours: Sequence[Iterable[int]], lo: int, hi: int,
                 max_units: int = MAX_UNITS,
                 can_host: Callable[[int, int], bool] | None = None,
                 rooms: Rooms | None = None) -> None:
        self.answer: SplitAnswer | None = None      # decided (or beyond the bounds)
        if len(units) > max_units or (can_host is not None and any(
                int(households[u]) > hi for u in units)):
            self.answer = SplitAnswer(None)
            return
        self.bits = bits = Bits(units, households, neighbours, lo, hi, 0, can_host, rooms)
        bits.pausing = True
        self.lo, self.hi = lo, hi
        self.impossible: set[int] = set()
        everything = (1 << len(units)) - 1
        if not self._fits(everything):
            self.answer = SplitAnswer(False, (), 0)
            return
        self.orders = [self._solve(everything, bits.heaviest),
                       self._solve(everything, lambda mask: mask & -mask)]
        self.used = [0, 0]

    def _fits(self, mask: int) -> bool:
        return all(whole_number_fits(h, self.lo, self.hi) for _, h in self.bits.parts(mask))

    def _solve(self, mask: int, pick: Callable[[int], int]
               ) -> Generator[None, None, list[int] | None]:
        """A split of ``mask`` (None: none exists); yields where its steps run out."""
        bits, lo, hi = self.bits, self.lo, self.hi
        if not mask:
            return []
        if mask in self.impossible:
            return None
        ps = bits.parts(mask)
        found: list[int] | None = None
        if len(ps) > 1:
            found = []
            for p, _ in sorted(ps, key=lambda ph: ph[0].bit_count()):
                sub = yield from self._solve(p, pick)
                if sub is None:
                    found = None
                    break
                found += sub
        elif lo <= ps[0][1] <= hi and bits.hosts(mask, ps[0][1]):
            found = [mask]                  # the part is one community
        elif ps[0][1] >= 2 * lo:            # else not even two communities fit
            for g in bits.groups(mask, pick(mask), ps[0][1] - lo):
                if not g:                   # out of steps: paused
                    yield
                    continue
                rest = mask & ~g
                if self._fits(rest):
                    sub = yield from self._solve(rest, pick)
                    if sub is not None:
                        found = [g, *sub]
                        break
        if found is None:
            self.impossible.add(mask)
        return found

    def run(self, max_steps: int = MAX_STEPS) -> SplitAnswer:
        """The answer once some order decides within ``max_steps`` of its own steps in
        all (None: neither did, so far)."""
        if self.answer is not None:
            return self.answer
        bits = self.bits
        for k, order in enumerate(self.orders):
            if self.used[k] >= max_steps:
                continue
            start = bits.steps
            bits.max_steps = start + max_steps - self.used[k]
            try:
                next(order)
            except StopIteration as done:
                got: list[int] | None = done.value
                self.answer = (SplitAnswer(False, (), bits.steps) if got is None else
                               SplitAnswer(True, tuple(bits.ids(g) for g in got), bits.steps))
                return self.answer
            self.used[k] += bits.steps - start
        return SplitAnswer(None, (), bits.steps)


__all__ = ["FULL_UNITS", "MAX_STEPS", "MAX_UNITS", "QUICK_STEPS", "Bits", "OutOfSteps",
           "SplitAnswer", "SplitSearch", "community_counts", "find_split", "steps_for",
           "whole_number_fits"]
