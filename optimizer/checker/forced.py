"""The checker's proof that rooms coming too small are forced on the community of a unit
above the maximum that holds none of its own (AREA-PER-HH, optimizer.checker.shortfall).

A unit above the maximum is a community; where units of a part cut off by the units
above the maximum must join it and one of them holds rooms under construction or
planned, PIPELINE makes those rooms the community's center and ONE-STATION allows no
other; when they cannot reach the area the unit's own households need, the shortfall
is forced, but only if no plan keeps such rooms out of it. The solver finds its plan by
set partitioning (optimizer.search.oversized_wider); the checker proves the claim here
with its own exhaustive search (:mod:`optimizer.checker.forced_search`), sharing none
of that code:

a plan of a part is a set J of units joining the communities of units above the
maximum (each connected piece of J borders one of them, or a companion it took) and a
split of the rest into connected communities of lo..hi households, each with a legal
center (:func:`legal`: where it holds rooms PIPELINE imposes, the one reaching most
reaches its need; else some unit can hold a center, ``can_hold_center``). The claim
is proved when no plan of some part holding such rooms gives every community of a unit
above the maximum it joins a legal center (those communities read as the plan has them
outside the part). Where the rooms are the unit's own and reach its own households'
need, not its community's (bench/wild.py seed 133's shape), the parts searched are
those that joined it: the joined units, not the rooms, are what is forced. Parts of
more than ``MAX_UNITS`` units, or a search past ``MAX_STEPS``, are undecided: never
reported as proved.
"""

from __future__ import annotations

from collections.abc import Mapping

from optimizer.checker.forced_search import MAX_STEPS, MAX_UNITS, legal, no_plan_avoids
from optimizer.checker.pipeline import imposed
from optimizer.checker.proofs import Pieces, _names, above_max_units
from optimizer.checker.stranded import cut_off_parts
from optimizer.scenario.model import Scenario


def forced_proof(s: Scenario, pieces: Pieces, members: set[int], u: int,
                 mates: Mapping[int, int], unit_community: Mapping[int, str],
                 members_of: Mapping[str, set[int]]) -> tuple[bool, str]:
    """Whether the rooms coming of the units that joined ``u``'s community (``members``),
    or ``u``'s own outgrown by the units that joined it, are forced on it: some part
    cut off holding them has no plan keeping every community of a unit above the
    maximum it joins a legal center (``mates``: the companions claimed, each to its
    unit; the plan read by ``unit_community`` and ``members_of``). Undecided is not
    proved (False, and why)."""
    uid = s.unit_ids[u]
    pipe = sorted(i for i in members if i != u and imposed(s, i))
    own = bool(imposed(s, u))
    if not pipe and not own:
        return False, (f"{uid} holds no rooms under construction or planned that PIPELINE "
                       "makes its community's center, nor does any unit that joined it")
    p = pieces.piece_of[u]
    lo, hi = s.policy.bounds(bool(s.urban[u]))
    # A companion holding the rooms (claimed as the way to a place for a center) is not
    # taken as given: it is searched as a unit of its part, whose every plan must then
    # bring it to u's community (bench/wild.py seed 557: U0045 has no place of its own,
    # the companion U0047's rooms are the center, and the part U0047 lies in, 1,272
    # households, is cut off below the minimum; before, the proof looked for the rooms
    # in the parts without the companion and found none).
    mates = {k: v for k, v in mates.items() if k not in pipe}
    owner = {o: o for o in above_max_units(s, pieces, p)} | dict(mates)
    # The parts holding the joined rooms; where the rooms are the unit's own (they reach
    # its own households' need, not its community's: the joined units deepen it), the
    # parts that joined it (bench/wild.py seed 133's case, the rooms of either side).
    near = set(pipe) or (set(members) - {u} - set(mates))
    held = [part for part in cut_off_parts(s, pieces, p, frozenset(mates))
            if set(part) & near]
    whose = _names(s, pipe or [u])
    if not held:
        return False, (f"the rooms coming of {whose} are not of a part that units above "
                       "the maximum cut off" if pipe
                       else f"no part that units above the maximum cut off joined {uid}")
    undecided = False
    for part in held:
        inside = set(part)
        base = {o: members_of.get(unit_community.get(o, ""), {o}) - inside
                for o in set(owner.values())}
        got = no_plan_avoids(s, part, owner, base, lo, hi)
        if got:
            return True, ""
        undecided |= got is None
    if undecided:
        return False, (f"whether a plan keeps the rooms coming of {whose} out of "
                       f"the communities of units above the maximum is past the checker's "
                       f"search ({MAX_UNITS} units, {MAX_STEPS:,} steps): not proved")
    return False, ("a plan keeps every community of a unit above the maximum a legal "
                   "center: " + (f"the rooms coming of {whose} need not join {uid}'s community"
                                 if pipe else f"the units that joined {uid} need not make "
                                 "its community outgrow its rooms coming"))


__all__ = ["MAX_STEPS", "MAX_UNITS", "forced_proof", "legal", "no_plan_avoids"]
