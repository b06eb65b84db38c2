"""What optimizer.search.late_first reports of FACILITY-95's marked pieces where no
unmarked search ran after the marked one (the clock was out: wild seed 272 at load 8,
one worker): a bound over every plan, marked or not, that costs no search
(:func:`every_plan_floor`), and which marks the plan kept (:func:`dropped`: a marked
piece whose marked search found no plan within the household bounds is planned
without them, optimizer.search.piece)."""

from __future__ import annotations

from optimizer.graph import Component
from optimizer.model.bounds import arithmetic_bound
from optimizer.model.piece import piece_data
from optimizer.model.precedence import timely
from optimizer.scenario.model import Scenario
from optimizer.search.piece_common import with_stand_ins
from optimizer.search.piece_types import ATTACHED_WITHOUT_MARKS, WITHOUT_MARKS, PieceResult
from optimizer.search.short_mark import floors_on


def every_plan_floor(scenario: Scenario, comp: Component) -> float:
    """The arithmetic floor of ``comp`` for splits of any sizes (arithmetic_bound with
    lo=0, hi=its households: the one an unrepaired large piece reports,
    optimizer.search.piece_large), on the scenario's short-rooms scale
    (short_mark.floors_on), no search. Valid over every plan of the piece, marked or
    not: it prices each community's center at the cheapest option of its unit
    (optimizer.model.options.unit_options, which FACILITY-95's marks do not narrow:
    they only restrict which option a community may take, optimizer.model.precedence),
    and holds for communities of any size, so for plans that break the household
    bounds with exemptions too. No_build is lifted at the piece's units as a new build
    standing in (ONE-STATION, piece_common.with_stand_ins) adds an option there: more
    options only lower each unit's cheapest, so the floor stays below a plan with a
    stand-in. Issue 16: a fallback carries a valid bound rather than 0."""
    units = comp.units.tolist()
    lifted = with_stand_ins(scenario.replace(late_rooms=frozenset()),
                            [u for u in units if scenario.is_no_build(u)])
    data = piece_data(lifted, comp.key, comp.units)
    return arithmetic_bound(floors_on(lifted, data)[0], data, lo=0, hi=data.total)


def dropped(scenario: Scenario, marks: frozenset[int], results: dict[int, PieceResult]
             ) -> dict[int, list[int]]:
    """By piece, the marked units whose community in ``results`` takes no timely rooms:
    the marked search found no plan within the household bounds there in its time and
    the piece was planned without its marks (optimizer.search.piece._unmarked_split;
    no plan at all: optimizer.search.dispatch)."""
    out: dict[int, list[int]] = {}
    for k, r in sorted(results.items()):
        for ch in r.choices:
            if ch.site is None or not timely(scenario, ch.site):
                out.setdefault(k, []).extend(sorted(marks & set(ch.members)))
    return {k: sorted(v) for k, v in out.items() if v}


def dropped_text(scenario: Scenario, lost: dict[int, list[int]],
                 results: dict[int, PieceResult]) -> str:
    """The note's words for the marks not kept (``lost``, :func:`dropped`), by why:
    the marked search found no plan within the household bounds (its piece took the
    split without them, optimizer.search.piece), the marks made a piece with units
    above the maximum join more households to their communities (attached again
    without them, optimizer.search.oversized_unmarked), or the piece's search did not keep
    them (wild 313's oversized street on 1dda979 as on this code: a mark in a community
    centred on its own late rooms, within the bounds)."""
    def why(method: str) -> str:
        return "split" if WITHOUT_MARKS in method else \
            "attached" if ATTACHED_WITHOUT_MARKS in method else "search"

    def names(kind: str) -> str:
        return ", ".join(scenario.unit_ids[u] for k, v in sorted(lost.items())
                         if why(results[k].method) == kind for u in v)

    words = {"split": "the marked search found no plan within the household bounds for "
                      "their piece in time",
             "attached": "with the marks their piece joined more households to the "
                         "communities of units above the maximum",
             "search": "their piece's search did not keep them"}
    parts = [f"{names(kind)} ({text})" for kind, text in words.items() if names(kind)]
    said = " and ".join(p for p in parts if p)
    return f"; not kept for {said}" if said else ""
