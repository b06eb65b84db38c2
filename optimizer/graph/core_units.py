"""Why a piece has no split, where no single unit links its parts: a few units that no
non-overlapping connected communities within the bounds can hold all of (a "core").

Any split holds each unit in one of its communities, so if no non-overlapping
communities of lo..hi households (SIZE-URBAN / SIZE-RURAL) hold all of a set of units,
no split exists, and in every plan a community holding one of them breaks the bounds.
Session 26 left 15 of the writer's 34 no-partition pieces naming the whole piece;
cores of 2-4 units explain several: wild seed 300's 14-compound chain (1105 reaches
2,000 only as 1105-1126; 1189 only with the 7 small compounds before it; 1133 can then
take neither), 281's two dead ends 06bdc3a2 and 02271c16, 323's U0137, U0172 and U0179.

Found by a deletion filter over the connected groups of lo..hi households (listed as
bit masks, at most MOST_GROUPS): start from every unit (no split: the diagnosis proved
it), drop each unit in turn (those held by the most groups first) where the rest is
still proved held by no non-overlapping groups, by an exhaustive backtracking counted
in steps (same piece, same core, on any machine). A drop the search cannot decide
within the filter's STEPS steps in all keeps the unit (and so do those after it).
Named only when at most MOST_NAMED units remain: a larger set explains nothing the
whole piece does not. The checker proves the sentence with
its own enumeration (optimizer/checker/core_units.py).
"""

from __future__ import annotations

from collections.abc import Callable

from optimizer.graph.cut import cut_reason
from optimizer.graph.pieces import grown_groups, neighbour_masks
from optimizer.plan.exemption import CoreAt, CutAt, Named
from optimizer.scenario.model import Scenario

# Connected groups within the bounds listed, at most: the nine cores of the writer's 144
# seeds come from pieces of at most 223 groups; pieces of many small units have
# thousands (wild seed 336's 20 villages: 7,088, and no core below 18 units), where
# the filter took 16 s of a 60-s solve's diagnosis.
MOST_GROUPS = 2_000
MOST_NAMED = 6          # units named at most (search.core.CORE_MAX too)
STEPS = 100_000         # backtracking steps for the whole filter, at most


def _groups(scenario: Scenario, units: list[int], lo: int, hi: int) -> list[int] | None:
    """Every connected group of ``units`` of lo..hi households, as bit masks over their
    positions (each grown from its lowest unit); None past MOST_GROUPS."""
    nbr = neighbour_masks(scenario, units)
    hh = [int(scenario.households[u]) for u in units]
    full = (1 << len(units)) - 1
    out: list[int] = []
    for r in range(len(units)):
        for g, w in grown_groups(nbr, hh, 1 << r, full & ~((1 << r) - 1), hi):
            if w >= lo:
                out.append(g)
                if len(out) > MOST_GROUPS:
                    return None
    return out


def held(need: int, groups: list[int], holds: list[list[int]],
         budget: list[int] | None = None) -> bool | None:
    """Whether non-overlapping ``groups`` hold every unit of the mask ``need`` (units
    outside it may stay unheld); None past the steps left in ``budget`` (one count,
    spent here; default STEPS). Backtracks on the needed unit with the fewest groups
    still free."""
    left_steps = budget if budget is not None else [STEPS]
    failed: set[int] = set()

    class _Out(Exception):
        pass

    def go(left: int, used: int) -> bool:
        left_steps[0] -= 1
        if left_steps[0] < 0:
            raise _Out
        if not left:
            return True
        if used in failed:
            return False
        best: list[int] | None = None
        rest = left
        while rest:
            bit = rest & -rest
            rest ^= bit
            free = [g for g in holds[bit.bit_length() - 1] if not groups[g] & used]
            if best is None or len(free) < len(best):
                best = free
            if not free:
                break
        for g in best or ():
            if go(left & ~groups[g], used | groups[g]):
                return True
        failed.add(used)
        return False

    try:
        return go(need, 0)
    except _Out:
        return None


def core_units(scenario: Scenario, units: list[int], lo: int, hi: int
               ) -> tuple[list[int], list[int]] | None:
    """(the core's units, how many groups within the bounds hold each), or None: too
    many groups, or no core of at most MOST_NAMED units smaller than the piece found.
    Only for pieces already proved to have no split."""
    units = sorted(units)
    groups = _groups(scenario, units, lo, hi)
    if groups is None:
        return None
    holds: list[list[int]] = [[] for _ in units]
    for g, mask in enumerate(groups):
        for k in range(len(units)):
            if mask >> k & 1:
                holds[k].append(g)
    need = (1 << len(units)) - 1
    budget = [STEPS]
    for k in sorted(range(len(units)), key=lambda k: (-len(holds[k]), k)):
        if budget[0] <= 0:
            break
        if held(need & ~(1 << k), groups, holds, budget) is False:
            need &= ~(1 << k)
    core = [k for k in range(len(units)) if need >> k & 1]
    if len(core) == len(units) or len(core) > MOST_NAMED:
        return None
    return [units[k] for k in core], [len(holds[k]) for k in core]


def core_reason(scenario: Scenario, units: list[int], lo: int, hi: int, kind: str
                ) -> tuple[str, CoreAt] | None:
    """The sentence a no-partition exemption ends with, and its record; None when no
    small core is found."""
    got = core_units(scenario, units, lo, hi)
    if got is None:
        return None
    core, holds = got
    record = CoreAt(Named(tuple(scenario.unit_ids[u] for u in core)), tuple(holds))
    return core_text(record, kind, lo, hi), record


def _and(items: list[str]) -> str:
    return items[0] if len(items) < 2 else ", ".join(items[:-1]) + " and " + items[-1]


def core_text(c: CoreAt, kind: str, lo: int, hi: int) -> str:
    """The words of :class:`CoreAt` (all its units are shown: at most MOST_NAMED)."""
    unit = "rural villages" if kind == "rural" else "urban compounds"
    return (f" No non-overlapping connected {kind} communities of {lo:,}-{hi:,} households "
            f"hold all of the {unit} {_and(list(c.named.ids))} (the piece allows "
            f"{_and([f'{n:,}' for n in c.holds])} such communities holding each), so in every "
            f"split a community holding one of them breaks the bounds.")


def part_reason(scenario: Scenario, units: list[int], lo: int, hi: int, kind: str,
                shown: Callable[[tuple[str, ...]], tuple[tuple[str, ...], int]]
                ) -> tuple[str, CutAt | None, CoreAt | None] | None:
    """The part a no-partition exemption names (its sentence, and the record of a cut
    unit or of a core): a unit that alone links parts (optimizer/graph/cut.py) first,
    else a small core; None for neither (the whole piece stays named)."""
    link = cut_reason(scenario, units, lo, hi, kind, shown)
    if link is not None:
        return link[0], link[1], None
    core = core_reason(scenario, units, lo, hi, kind)
    return None if core is None else (core[0], None, core[1])


__all__ = ["MOST_GROUPS", "MOST_NAMED", "core_reason", "core_text", "core_units", "held",
           "part_reason"]
