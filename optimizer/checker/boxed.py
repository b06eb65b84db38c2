"""The checker's proof of a "boxed" clause (optimizer/graph/boxed.py writes it;
:mod:`optimizer.checker.claims` reads it): an oversized unit where no center can stand
joined the community of another unit above the maximum, because no place for a center
can be reached from it without passing through another unit above the maximum or the
units that unit's community took. Each statement is checked with the checker's own code
(its own search, :func:`optimizer.checker.companions.lightest_host`, and its own
:func:`optimizer.checker.center.can_hold_center`; never the solver's):

1. **what it holds**: the unit is one of the community's units, above the maximum, with
   the households stated; the units between are the community's, in its piece, not above
   the maximum, with the households stated; the community holds another unit above the
   maximum (the one it joined);
2. **no place of its own**: the unit alone cannot hold the center of its households;
3. **boxed in**: no unit that can hold a center is reachable from it through units of
   its piece that are neither above the maximum nor in a community holding another
   unit above the maximum (this community's own, less the boxed-in units and the units
   between, included: they are what it joined);
4. **joined through**: the unit with the units between touches the rest of the
   community, and each unit between is needed: the community without it (and without
   the units of cut-off parts that joined it) falls apart.

The clause does not claim the path is the lightest, so that is not checked.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping

from optimizer.checker.center import can_hold_center
from optimizer.checker.claims import Claim
from optimizer.checker.companions import lightest_host
from optimizer.checker.proofs import Pieces, _names, above_max_units
from optimizer.scenario.model import Scenario

Proof = tuple[bool | None, str]


def _connected(s: Scenario, units: set[int]) -> bool:
    """Whether ``units`` are connected through themselves."""
    start = min(units)
    seen, todo = {start}, deque([start])
    while todo:
        for v in s.neighbours[todo.popleft()].tolist():
            if v in units and v not in seen:
                seen.add(v)
                todo.append(v)
    return seen == units


def _touches(s: Scenario, start: int, within: set[int], rest: set[int]) -> bool:
    """Whether the units of ``within`` connected to ``start`` neighbour ``rest``."""
    seen, todo = {start}, deque([start])
    while todo:
        for v in s.neighbours[todo.popleft()].tolist():
            if v in rest:
                return True
            if v in within and v not in seen:
                seen.add(v)
                todo.append(v)
    return False


def boxed_proof(s: Scenario, pieces: Pieces, members: set[int], claim: Claim,
                boxed: set[int], community_of: Mapping[int, str],
                members_of: Mapping[str, set[int]], joined: frozenset[int] = frozenset()
                ) -> Proof:
    """Every statement of one ``boxed`` claim about the community of ``members``
    (``boxed``: the boxed-in units its clauses name and the units between them;
    ``joined``: units of cut-off parts its text says joined, which may link the unit
    to the rest another way: whether a unit between is needed is judged without them)."""
    if claim.unknown or claim.of_unit is None:
        name = (claim.unknown or ("?",))[0]
        return False, f"it names {name!r}, which is not a unit of the scenario"
    o = claim.of_unit
    if o not in members:
        return False, f"it names {s.unit_ids[o]} as boxed in, which is not one of its units"
    p = pieces.piece_of[o]
    big = set(above_max_units(s, pieces, p))
    own = int(s.households[o])
    if o not in big:
        return False, f"{s.unit_ids[o]} ({own} households) is not above the maximum"
    if claim.households != own:
        return False, f"it says {s.unit_ids[o]} has {claim.households} households; it has {own}"
    path = set(claim.units)
    stray = sorted(u for u in path if u not in members or pieces.piece_of[u] != p or u in big)
    if stray:
        return False, (f"it names {_names(s, stray)} between, which are not units of its "
                       "community in its piece below the maximum")
    if claim.more:
        return None, f"it shows {len(path)} of the {len(path) + claim.more} units between"
    hh = int(s.households[sorted(path)].sum()) if path else 0
    if (claim.part_households or 0) != hh:
        return False, f"it says the units between hold {claim.part_households}; they hold {hh}"
    if not (big & members) - boxed:
        return False, "it joined no other unit above the maximum's community"
    if can_hold_center(s, o, own):
        return False, (f"{s.unit_ids[o]} can hold the center of its {own} households itself: "
                       "it need not join another community")
    taken: set[int] = set()
    for q in sorted(big - {o}):
        cid = community_of.get(q, "")
        taken |= members_of.get(cid, {q})
    taken -= boxed
    allowed = set(pieces.units[p]) - big - taken
    reach = lightest_host(s, o, allowed)
    if reach is not None:
        return False, (f"not boxed in: {_names(s, reach[1])} ({reach[0] - own} households) "
                       f"with {s.unit_ids[o]} have a place for the center, through no unit "
                       "above the maximum nor another such unit's community")
    rest = members - path - {o}
    if not _touches(s, o, path | {o}, rest):
        return False, f"{s.unit_ids[o]} does not reach the rest of its community through them"
    for c in sorted(path):
        if _connected(s, members - joined - {c}):
            return False, (f"{s.unit_ids[c]} is not needed: the community without it is "
                           "still connected")
    return True, (f"{s.unit_ids[o]} cannot hold the center of its {own} households, and no "
                  "place for one is reachable from it without passing through another unit "
                  "above the maximum or that unit's community (the checker's own search)")


__all__ = ["boxed_proof"]
