"""The forced-rooms proof's exhaustive search (:mod:`optimizer.checker.forced`): whether
some plan of a part cut off by units above the maximum gives every community of such a
unit that it joins a legal center.

A plan of the part is a joined set J (each connected piece of it borders a unit above
the maximum or a companion: ``owner``) and a split of the rest into connected groups of
lo..hi households, each with a legal center (:func:`legal`). The search decides one unit
at a time, joined or the group holding it, and every plan is one path of it. It used to
try every joined set unit by unit with nothing remembered, and on bench/wild.py seed
785's 23-unit part it was still undecided at 2,000,000 steps (proved at 20,000,000,
83.5 s). It now prunes with four facts, each true of every plan below the node:

- **Out of reach**: a connected set of free units of which none borders a unit above the
  maximum or a joined unit can hold no joined unit (a joined piece in it could never
  border one): it is split into groups whatever else the plan does, so whether it can
  be is decided apart, once for its units (remembered), and it leaves the search.
- **Dead piece**: a joined piece that no free units can connect to a unit above the
  maximum ends with no community to join.
- **Rooms too small**: a joined piece holding rooms PIPELINE imposes makes them its
  community's center (ONE-STATION); where the rooms of every unit not yet grouped, and
  of the community outside the part, cannot reach the need of the households that
  community already has, for every unit above the maximum the piece could join, no
  plan below is legal (the need only grows with households).
- **Refuted before**: the same free and joined units were already refuted.

The unit decided next holds imposed rooms if any does (their joining is cut at once),
else it has the fewest groups left. Groups are listed once per unit, over the whole
part, as bit masks filtered by the free units (the split search's own listing and
parts, optimizer.checker.split.Bits: the checker's code, not the solver's). Past
``MAX_STEPS`` steps (nodes and groups listed together) or ``MAX_WAYS`` ways to give the
joined pieces to units above the maximum, the answer is undecided (None): never
reported as proved.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from optimizer.checker.center import can_hold_center
from optimizer.checker.pipeline import imposed
from optimizer.checker.pricing import required_area_m2, site_reach_m2
from optimizer.checker.split import Bits, OutOfSteps
from optimizer.checker.stranded import assignment_exists
from optimizer.scenario.model import Scenario

MAX_UNITS = 40          # a part's units, at most, for the exhaustive search
MAX_STEPS = 200_000     # search nodes and groups listed (and filtered, per 64), at most
MAX_WAYS = 64           # ways to give a plan's joined pieces to units above the maximum


class _OutOfSteps(Exception):
    pass


def legal(s: Scenario, units: Iterable[int]) -> bool:
    """Whether a community of ``units`` has a legal center (PIPELINE first)."""
    us = sorted(units)
    hh = int(s.households[us].sum())
    need = required_area_m2(hh, s.policy)
    reach = _rooms_reach(s, us)
    if reach is not None:
        return reach >= need
    return any(can_hold_center(s, u, hh) for u in us)


def _rooms_reach(s: Scenario, units: list[int]) -> float | None:
    """The most the rooms PIPELINE imposes on ``units`` reach; None when there are none."""
    rooms = [k for u in units for k in imposed(s, u)]
    if not rooms:
        return None
    return max(site_reach_m2(float(s.sites.area_m2[k]), float(s.sites.max_area_m2[k]))
               for k in rooms)


def _bits(mask: int) -> list[int]:
    out = []
    while mask:
        low = mask & -mask
        out.append(low.bit_length() - 1)
        mask ^= low
    return out


class _PlanSearch:
    """One part's search; see the module docstring. Units are bits in part order."""

    def __init__(self, s: Scenario, part: tuple[int, ...], owner: Mapping[int, int],
                 base: Mapping[int, set[int]], lo: int, hi: int) -> None:
        self.s, self.part, self.lo, self.hi = s, part, lo, hi
        self.base = base
        # the part as the split search's bits: its neighbour masks, households, parts
        # and connected groups (optimizer.checker.split)
        self.bits = Bits(part, s.households.tolist(), s.neighbours, lo, hi, MAX_STEPS)
        self.near = [frozenset(owner[int(v)] for v in s.neighbours[u].tolist()
                               if int(v) in owner) for u in part]
        self.border = sum(1 << i for i, n in enumerate(self.near) if n)
        self.reach = [_rooms_reach(s, [u]) for u in part]
        self.rooms = sum(1 << i for i, r in enumerate(self.reach) if r is not None)
        self.base_hh = {o: int(s.households[sorted(b)].sum()) for o, b in base.items()}
        self.base_reach = {o: _rooms_reach(s, sorted(b)) for o, b in base.items()}
        self.steps = 0
        self._groups: dict[int, list[int]] = {}
        self._tiles: dict[int, bool] = {}
        self._legal: dict[int, bool] = {}
        self._joined: dict[int, bool] = {}
        self._refuted: set[tuple[int, int]] = set()

    # -- small tools on masks ---------------------------------------------------------

    def _tick(self, n: int = 1) -> None:
        self.steps += n
        if self.steps > MAX_STEPS:
            raise _OutOfSteps

    def _adj(self, mask: int) -> int:
        adj = self.bits.adj
        out = 0
        for i in _bits(mask):
            out |= adj[i]
        return out

    def _comps(self, mask: int) -> list[tuple[int, int]]:
        """The connected parts of ``mask``, each with its households."""
        return self.bits.parts(mask)

    def _units(self, mask: int) -> list[int]:
        return [self.part[i] for i in _bits(mask)]

    def _legal_group(self, mask: int) -> bool:
        got = self._legal.get(mask)
        if got is None:
            got = self._legal[mask] = legal(self.s, self._units(mask))
        return got

    def groups(self, i: int) -> list[int]:
        """Every connected group of the part holding unit ``i``, lo..hi households,
        with a legal center (listed once)."""
        got = self._groups.get(i)
        if got is not None:
            return got
        before = self.bits.steps        # a step per group grown, as the search's own
        out = [g for g in self.bits.groups((1 << len(self.part)) - 1, 1 << i)
               if self._legal_group(g)]
        self._tick(self.bits.steps - before)
        self._groups[i] = out
        return out

    def _fits(self, i: int, free: int) -> list[int]:
        listed = self.groups(i)
        self._tick(len(listed) >> 6)   # filtering is work too: a step per 64 groups
        return [g for g in listed if not g & ~free]

    # -- splitting a set of units that no joined piece can enter ----------------------

    def tiles(self, mask: int, w: int) -> bool:
        """Whether ``mask`` (connected, ``w`` households) splits into groups;
        remembered."""
        got = self._tiles.get(mask)
        if got is not None:
            return got
        self._tick()
        got = -(-w // self.hi) * self.lo <= w
        if got:
            fits = min((self._fits(i, mask) for i in _bits(mask)), key=len)
            got = any(all(self.tiles(c, x) for c, x in self._comps(mask & ~g))
                      for g in fits)
        self._tiles[mask] = got
        return got

    # -- the joined pieces ------------------------------------------------------------

    def _alive(self, free: int, joined: int) -> bool:
        """False when some joined piece is dead or its rooms too small (module doc)."""
        open_ = free | joined
        areas: list[tuple[int, int]] | None = None   # the open units' parts, once a node
        reach = 0.0                                  # the most open rooms reach
        for piece, weight in self._comps(joined):
            if piece & self.border and not piece & self.rooms:
                continue
            if areas is None:
                areas = self._comps(open_)
                reach = max((r for i in _bits(open_ & self.rooms)
                             if (r := self.reach[i]) is not None), default=0.0)
            room = next(c for c, _ in areas if c & piece)
            owners = {o for i in _bits(room & self.border) for o in self.near[i]}
            if not owners:
                return False
            if piece & self.rooms and not any(self._may_reach(o, weight, reach)
                                              for o in owners):
                return False
        return True

    def _may_reach(self, o: int, weight: int, open_reach: float) -> bool:
        """Whether community ``o`` joined by a piece of ``weight`` households may still
        reach the rooms it needs."""
        reach = max(open_reach, self.base_reach.get(o) or 0.0)
        need = required_area_m2(self.base_hh.get(o, 0) + weight, self.s.policy)
        return reach >= need

    def _joined_ok(self, joined: int) -> bool:
        got = self._joined.get(joined)
        if got is not None:
            return got
        pieces = [p for p, _ in self._comps(joined)]
        options = [sorted({o for i in _bits(p) for o in self.near[i]}) for p in pieces]
        if any(not opt for opt in options):
            got = False
        else:
            found = assignment_exists([self._units(p) for p in pieces], options, self.base,
                                      lambda c: legal(self.s, c), MAX_WAYS)
            if found is None:
                raise _OutOfSteps
            got = found
        self._joined[joined] = got
        return got

    # -- the search -------------------------------------------------------------------

    def _pick(self, free: int) -> tuple[int, list[int]]:
        held = free & self.rooms
        if held:
            i = (held & -held).bit_length() - 1
            return i, self._fits(i, free)
        return min(((i, self._fits(i, free)) for i in _bits(free)), key=lambda t: len(t[1]))

    def plan_exists(self, free: int, joined: int) -> bool:
        """Whether some plan completes this node and keeps every community legal."""
        self._tick()
        key = (free, joined)
        if key in self._refuted:
            return False
        entry = self.border | self._adj(joined)
        for comp, weight in self._comps(free):
            if not comp & entry:
                if not self.tiles(comp, weight):
                    self._refuted.add(key)
                    return False
                free &= ~comp
        if not self._alive(free, joined):
            found = False
        elif not free:
            found = self._joined_ok(joined)
        else:
            i, fits = self._pick(free)
            bit = 1 << i
            found = (self.plan_exists(free & ~bit, joined | bit)
                     or any(self.plan_exists(free & ~g, joined) for g in fits))
        if not found:
            self._refuted.add(key)
        return found


def no_plan_avoids(s: Scenario, part: tuple[int, ...], owner: Mapping[int, int],
                   base: Mapping[int, set[int]], lo: int, hi: int) -> bool | None:
    """True when no plan of ``part`` gives every community of a unit above the maximum
    it joins a legal center (``owner``: each unit above the maximum, and each companion,
    to the unit above the maximum whose community it is of; ``base``: those
    communities outside the part); False when one does; None when undecided."""
    if len(part) > MAX_UNITS:
        return None
    search = _PlanSearch(s, part, owner, base, lo, hi)
    try:
        return not search.plan_exists((1 << len(part)) - 1, 0)
    except (_OutOfSteps, OutOfSteps):
        return None


__all__ = ["MAX_STEPS", "MAX_UNITS", "MAX_WAYS", "legal", "no_plan_avoids"]
