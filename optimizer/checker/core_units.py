"""The checker's reading and proof of a no-partition exemption's core sentence: "No
non-overlapping connected ... communities of L-U households hold all of the <units>
(the piece allows a, b and c such communities holding each), so in every split a
community holding one of them breaks the bounds." (optimizer/graph/core_units.py).

Proved with the checker's own code (optimizer.checker.cover): the connected sets of
L..U households holding each named unit, grown one neighbour at a time inside the
piece, counted against the numbers the sentence states, then the search for
non-overlapping ones holding all the named units. Proved, the piece has no split
(SIZE-URBAN / SIZE-RURAL: any split holds each named unit in one of its communities).
It fails when a named unit is not in the community's piece, the bounds or a count
differs from the checker's, or non-overlapping sets hold them all: a sentence naming
units that do not make the split impossible is no proof.
"""

from __future__ import annotations

from optimizer.checker.claims import Reading
from optimizer.checker.core_read import KIND
from optimizer.checker.cover import (
    Verdict,
    cover_exists,
    cover_refuted,
    piece_opening,
    sets_holding,
)
from optimizer.scenario.model import Scenario


def core_claim(s: Scenario, piece: list[int], units: tuple[int, ...],
               bounds: tuple[int, int] | None, holds: tuple[int, ...]) -> Verdict:
    """Whether the core sentence (``units``, ``bounds``, ``holds``) is true of ``piece``."""
    inside = set(piece)
    lo, hi = s.policy.bounds(bool(s.urban[piece[0]]))
    names = ", ".join(s.unit_ids[u] for u in units)
    if bounds != (lo, hi):
        return False, f"it states the bounds {bounds}; the piece's are {lo}..{hi}"
    if len(holds) != len(units):
        return False, f"it states {len(holds)} counts for the {len(units)} units {names}"
    for u, said in zip(units, holds, strict=True):
        got = sets_holding(s, inside, u, lo, hi)
        if got is None:
            return False, (f"the checker's list of the communities holding unit "
                           f"{s.unit_ids[u]} passed its cap")
        if len(got) != said:
            return False, (f"it says {said} connected communities of {lo}..{hi} in the piece "
                           f"hold unit {s.unit_ids[u]}; the checker finds {len(got)}")
    found = cover_exists(s, inside, list(units), lo, hi)
    wrong = cover_refuted(found, names, lo, hi,
                          why=": the units it names do not make the split impossible")
    if wrong is not None:
        return wrong
    return True, (f"{piece_opening(s, units[0], piece)}: no "
                  f"non-overlapping connected communities of {lo}..{hi} hold all of {names} "
                  f"({', '.join(str(h) for h in holds)} hold each; the checker listed them), "
                  f"so no split into connected communities of {lo}..{hi} exists")


def core_verdict(s: Scenario, mine: dict[int, list[int]], reading: Reading
                 ) -> tuple[int, Verdict | None]:
    """(the piece, the verdict) on the reading's core sentence ((-1, None): none): its
    units must all be in one of the community's pieces (``mine``: piece -> units)."""
    c = next((c for c in reading.claims if c.kind == KIND), None)
    if c is None:
        return -1, None
    if c.unknown or not c.units:
        return -1, (False, f"it names {c.unknown[0]!r}, which is not a unit of the scenario"
                    if c.unknown else "its core sentence names no unit")
    at = [p for p, got in mine.items() if set(c.units) <= set(got)]
    if not at:
        return -1, (False, f"it names {', '.join(s.unit_ids[u] for u in c.units)}, not all "
                    "in the piece of its units")
    return at[0], core_claim(s, mine[at[0]], c.units, c.bounds, c.holds)


__all__ = ["KIND", "core_claim", "core_verdict"]
