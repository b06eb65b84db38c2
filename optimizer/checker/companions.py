"""The checker's proof of an oversized unit's "companions" claim: a unit above the
maximum where no service center can stand took the lightest path of units to a place
for one (optimizer/graph/oversized.py writes it; :mod:`optimizer.checker.claims` reads
it). The text says, and each of it is checked here with the checker's own code (its
own Dijkstra over the neighbour arrays with households as weights, its own
:func:`optimizer.checker.center.can_hold_center`; never the solver's ``company``):

1. **what it holds**: the units named are units of the community, in its piece, and
   hold the households it states; the unit it names is the community's one unit above
   the maximum;
2. **no place of its own**: that unit alone cannot hold the center of its own
   households;
3. **a place for one**: the unit with the named units is connected and one of the
   named units can hold the center of all their households;
4. **the lightest**: no connected set of units holding it, within its piece and outside
   the communities of the piece's other units above the maximum, that is lighter has a
   place for a center. A connected set holding the unit and a host ``j`` holds a path
   to ``j``, so it weighs at least the lightest path ``w(j)``, and a center that fits
   more households fits fewer: the least over ``j`` of ``w(j)`` with ``j`` able to hold
   the center of ``w(j)`` households (the Dijkstra below) is the lightest such set.
   Where the set holds rooms coming that PIPELINE imposes, only pipeline rooms can be
   its center (:func:`lightest_host` searches both ways).
   It must equal the households of the unit and the named units;
5. **each needed**: without any one named unit, the rest connected to the unit has no
   place for a center (so a unit of no households named beside the path is caught).

A false statement is a fail; a claim naming more units than it shows ("and N more")
cannot be matched unit by unit when the community also holds joined units, and is
undecided (None), never passed.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Callable, Mapping

from optimizer.checker.center import can_hold_center
from optimizer.checker.claims import Claim
from optimizer.checker.pipeline import imposed, rooms_hold
from optimizer.checker.proofs import Pieces, _names, above_max_units
from optimizer.scenario.model import Scenario

Proof = tuple[bool | None, str]


def _reach(s: Scenario, start: int, within: set[int]) -> set[int]:
    """The units of ``within`` connected to ``start`` through ``within``."""
    seen, todo = {start}, deque([start])
    while todo:
        for v in s.neighbours[todo.popleft()].tolist():
            if v in within and v not in seen:
                seen.add(v)
                todo.append(v)
    return seen


def lightest_host(s: Scenario, unit: int, allowed: set[int]) -> tuple[int, list[int]] | None:
    """The households of the lightest connected set of ``allowed`` units holding
    ``unit`` with a place for a center in a unit other than ``unit``, and one such set
    (a path); None when there is none.

    PIPELINE (optimizer.checker.pipeline): a set holding a unit with imposed rooms
    coming has its center on pipeline rooms, never a build beside them. A set with
    none holds a path through no such unit to its center; a set with some holds a path
    to the unit of its pipeline center. So the lightest is the lighter of the two
    searches below (seed 1323: a compound's lightest neighbour had rooms under
    construction too small for both, and was no place for a center)."""
    best = None
    if not imposed(s, unit):
        free = {u for u in allowed if not imposed(s, u)}
        best = _lightest(s, unit, free, lambda u, w: can_hold_center(s, u, w))
    piped = _lightest(s, unit, allowed, lambda u, w: rooms_hold(s, u, w))
    if piped is not None and (best is None or piped[0] < best[0]):
        best = piped
    return best


def _lightest(s: Scenario, unit: int, allowed: set[int], holds: Callable[[int, int], bool]
              ) -> tuple[int, list[int]] | None:
    """The checker's Dijkstra: the lightest path from ``unit`` through ``allowed`` to a
    unit ``u`` other than it with ``holds(u, w)`` (``w``: the path's households)."""
    h = s.households
    dist = {unit: int(h[unit])}
    prev: dict[int, int] = {}
    heap = [(int(h[unit]), unit)]
    done: set[int] = set()
    while heap:
        w, u = heapq.heappop(heap)
        if u in done:
            continue
        done.add(u)
        if u != unit and holds(u, w):
            path = [u]
            while path[-1] != unit:
                path.append(prev[path[-1]])
            return w, sorted(path[:-1])
        for v in s.neighbours[u].tolist():
            if v in allowed and v not in done and w + int(h[v]) < dist.get(v, 1 << 62):
                dist[v] = w + int(h[v])
                prev[v] = u
                heapq.heappush(heap, (dist[v], int(v)))
    return None


def _has_host(s: Scenario, units: set[int], skip: int) -> bool:
    """Whether a unit of ``units`` other than ``skip`` can hold the center of all their
    households: on pipeline rooms where they hold imposed ones (PIPELINE)."""
    hh = int(s.households[sorted(units)].sum())
    if any(imposed(s, u) for u in units):
        return any(rooms_hold(s, u, hh) for u in units if u != skip)
    return any(can_hold_center(s, u, hh) for u in units if u != skip)


def companions_proof(s: Scenario, pieces: Pieces, members: set[int], claim: Claim,
                     community_of: Mapping[int, str], members_of: Mapping[str, set[int]],
                     exact: bool = True, apart: frozenset[int] = frozenset()) -> Proof:
    """Every statement of a ``companions`` claim about the community of ``members``
    (``exact``: no joined units claimed, so the community is the unit and the named
    units, no more; ``apart``: boxed-in units that joined it, proved by
    :mod:`optimizer.checker.boxed`, whose community is not another's)."""
    if claim.unknown:
        return False, f"it names {claim.unknown[0]!r}, which is not a unit of the scenario"
    big = [u for q in sorted({pieces.piece_of[u] for u in members})
           for u in above_max_units(s, pieces, q) if u in members]
    if len(big) != 1 or claim.of_unit != big[0]:
        return False, ("the unit it says took companions is not the community's one unit "
                       "above the maximum")
    o = big[0]
    p = pieces.piece_of[o]
    named = set(claim.units)
    stray = sorted(named - members) + sorted(u for u in named if pieces.piece_of[u] != p)
    if stray or o in named:
        return False, (f"it names {_names(s, stray or [o])} as companions, which are not "
                       "other units of its community in its piece")
    if claim.more:
        return None, (f"it shows {len(named)} of its {len(named) + claim.more} companions; "
                      "the rest cannot be told from the units that joined")
    extra = sorted(members - named - {o})
    if exact and extra:
        return False, (f"it also holds {_names(s, extra)}, which it does not name among the "
                       "units it took for a center")
    hh = int(s.households[sorted(named)].sum())
    if claim.households is not None and claim.households != hh:
        return False, f"it says the companions hold {claim.households} households; they hold {hh}"
    own = int(s.households[o])
    if can_hold_center(s, o, own):
        return False, (f"{s.unit_ids[o]} can hold the center of its {own} households itself: "
                       "it needs no companions")
    core = named | {o}
    total = own + hh
    if _reach(s, o, core) != core:
        return False, (f"{_names(s, core)} are not connected: not a path from "
                       f"{s.unit_ids[o]}")
    if not _has_host(s, core, o):
        return False, f"none of {_names(s, named)} can hold the center of {total} households"
    others = {u for q in above_max_units(s, pieces, p) if q != o and q not in apart
              for u in members_of.get(community_of.get(q, ""), {q})}
    allowed = set(pieces.units[p]) - others - {q for q in above_max_units(s, pieces, p)}
    best = lightest_host(s, o, allowed)
    if best is None or best[0] < total:
        lighter = (f"{_names(s, best[1])} ({best[0] - own} households) with it have a place "
                   "for the center" if best is not None else "the checker finds none")
        return False, (f"not the lightest path to a place for a center: {lighter}; it names "
                       f"{hh} households")
    for c in sorted(named):
        rest = _reach(s, o, core - {c})
        if _has_host(s, rest, o):
            return False, (f"{s.unit_ids[c]} is not needed: {_names(s, rest - {o})} with "
                           f"{s.unit_ids[o]} have a place for the center")
    return True, (f"{s.unit_ids[o]} cannot hold the center of its {own} households, and "
                  f"{_names(s, named)} ({hh} households) are the lightest connected units "
                  "with a place for one (the checker's own search)")


__all__ = ["companions_proof", "lightest_host"]
