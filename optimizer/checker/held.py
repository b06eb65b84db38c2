"""The checker's own proof of a ONE-STATION exemption "once the communities of the units
above the maximum hold the places for a center they need".

The plain proof (:mod:`optimizer.checker.center`) judges a unit on its whole piece: a
village that reaches a site within the bounds can have a center. Where the only such
sites are held by the communities of the units above the maximum (a unit above the
maximum with no place of its own takes the lightest path to one, its companions; a
boxed-in one joins another's community: each proved on that community's own size
exemption by optimizer.checker.companions and boxed), the rest of the piece may have
none left (the held-out sweep's vt40-nobuild-over3: no_build on a whole town, one site
of 780 m² at most, taken by an oversized village's community).

The proof: the units of the communities of the piece's other units above the maximum
(as the plan has them) are taken out, and on what is left one unit of the community
(one the text names, when it names some) reaches no unit that can hold a center, for
a community of any size, or of L..U households while this community is within the
bounds. Those communities' holdings are the plan's: their own exemptions prove that
they need them (a community that took more fails there), so this verdict reads other
communities and is re-checked with them (:func:`optimizer.checker.exemptions.depends_on_plan`).
Written apart from the solver's (optimizer/graph/held.py) on purpose.
"""

from __future__ import annotations

import math

from optimizer.checker.center import some_center
from optimizer.checker.proofs import Pieces, Verdict, above_max_units
from optimizer.scenario.model import Scenario

MARK = "once the communities of the units above the maximum hold the places for a center"


def held_proof(s: Scenario, pieces: Pieces, own: set[int], units: list[int],
               households: int, unit_community: dict[int, str],
               members: dict[str, set[int]]) -> Verdict | None:
    """Whether one of ``units`` (of the community ``own``, of ``households``) can be
    in no community with a place for a center outside the communities of the other
    units above the maximum of its pieces (any size; or within the bounds while this
    one is). None when not proved."""
    held: set[int] = set()
    big: list[int] = []
    for p in sorted({pieces.piece_of[u] for u in own}):
        for q in above_max_units(s, pieces, p):
            cid = unit_community.get(q)
            if q in own or cid is None:
                continue
            big.append(q)
            held |= members.get(cid, set())
    held -= own
    if not held:
        return None
    avoid = frozenset(held)
    ids = ", ".join(s.unit_ids[q] for q in big)
    for u in units:
        if some_center(s, u, 0, math.inf, avoid) is None:
            return True, (f"no community holding unit {s.unit_ids[u]}, of any size, can have a "
                          "service center outside the communities of the units above the "
                          f"maximum ({ids}), which hold every place it could reach")
    lo, hi = s.policy.bounds(bool(s.urban[units[0]])) if units else (0, 0)
    if units and lo <= households <= hi:
        for u in units:
            if int(s.households[u]) <= hi and some_center(s, u, lo, hi, avoid) is None:
                return True, (f"no community of {lo}..{hi} households holding unit "
                              f"{s.unit_ids[u]} can have a service center outside the "
                              f"communities of the units above the maximum ({ids}), which "
                              "hold every place it could reach within the bounds")
    return None
