"""Why a piece has no split, in two facts a planner can check by hand: units that can
only be communities on their own, and a part of the rest they leave that fits no count.

A unit of lo..hi households whose every neighbour in the piece would take it over hi
can only be a community alone (a community of two units or more holds a neighbour of
each). With those out, the rest of the piece falls into connected parts, and each must
hold a whole number of communities; a part that cannot (k·hi < H < (k+1)·lo) makes
every split impossible. bench/wild.py seed 191: a village of 1,500 among 29 villages
of 1,913 households, more than one rural community holds and fewer than two need; its
exemption said only "none found in time". Not every impossible piece has such a reason
(the split search proves the others, :func:`optimizer.graph.split_search.splittable`);
where none is found the exemption says that every split was checked, as before.
"""

from __future__ import annotations

from collections.abc import Callable

from optimizer.graph.pieces import connected_parts, feasible_community_counts
from optimizer.plan.exemption import Alone, Named
from optimizer.scenario.model import Scenario


def alone_units(scenario: Scenario, units: list[int], lo: int, hi: int
                ) -> tuple[list[int], list[int]] | None:
    """(the units that can only be alone and border the part, the part of the rest
    they leave that fits no whole number of communities), or None."""
    hh = scenario.households
    inside = set(units)
    alone = [u for u in units if lo <= int(hh[u]) <= hi
             and any(v in inside for v in scenario.neighbours[u].tolist())
             and all(int(hh[u]) + int(hh[v]) > hi
                     for v in scenario.neighbours[u].tolist() if v in inside)]
    if not alone:
        return None
    for part in connected_parts(inside - set(alone), scenario.neighbours):
        if not feasible_community_counts(int(hh[part].sum()), lo, hi):
            near = {v for u in part for v in scenario.neighbours[u].tolist()}
            return [u for u in alone if u in near], part
    return None


def alone_reason(scenario: Scenario, units: list[int], lo: int, hi: int, kind: str,
                 shown: Callable[[tuple[str, ...]], tuple[tuple[str, ...], int]],
                 list_ids: Callable[[tuple[str, ...]], str]) -> tuple[str, Alone] | None:
    """The sentences a no-partition exemption ends with, and their record (``kind``
    urban/rural; ``shown`` and ``list_ids`` name units as the diagnosis does, passed in
    since the diagnosis imports this module); None when no such reason is found."""
    got = alone_units(scenario, units, lo, hi)
    if got is None:
        return None
    alone, part = got
    hh = scenario.households
    ids = tuple(scenario.unit_ids[u] for u in alone)
    record = Alone(Named(*shown(ids)), int(hh[alone].sum()), len(part), int(hh[part].sum()),
                   len(alone) + len(part) == len(units))
    return alone_text(record, kind, lo, hi, list_ids(ids)), record


def alone_text(a: Alone, kind: str, lo: int, hi: int, ids: str) -> str:
    """The words of :class:`Alone` (``ids``: its units as the text names them)."""
    one = not a.named.more and len(a.named.ids) == 1
    unit = "rural village" if kind == "rural" else "urban compound"
    who = (f"The {unit} {ids} ({a.households:,} households) can only be a community on its "
           f"own: with any neighbour it would pass {hi:,}." if one else
           f"The {unit}s {ids} ({a.households:,} households) can each only be a community on "
           f"its own: with any neighbour each would pass {hi:,}.")
    units = f"{a.part_units:,} unit{'' if a.part_units == 1 else 's'}"
    part = (f"The other {units}" if a.whole_rest
            else f"A connected part of {units} {'it leaves' if one else 'they leave'}")
    k = a.part_households // hi
    fits = (f"fewer than one {kind} community of {lo:,}-{hi:,} needs" if k == 0 else
            f"more than {k} {kind} communit{'y' if k == 1 else 'ies'} of {lo:,}-{hi:,} can "
            f"hold and fewer than {k + 1} need")
    verb = "hold" if a.whole_rest and a.part_units > 1 else "holds"
    return f" {who} {part} {verb} {a.part_households:,} households: {fits}."


__all__ = ["alone_reason", "alone_text", "alone_units"]
