"""Why a piece has no split, where one unit is the only link between its parts: the
cut unit, the parts it links, and the arithmetic that leaves its community no size
within the bounds.

Take a unit v whose removal cuts the piece into parts (sides) S_1..S_m (v is a cut
vertex of the piece's graph: a unit shared by two of its blocks). In any split, the
community holding v is the only one that reaches into two sides: every other
community is connected without v, so it lies inside one side. What v's community
takes of side S_i (x_i households) must therefore leave S_i a whole number of
communities: H_i - x_i is 0 or within k·lo..k·hi for some k ≥ 1 (SIZE-URBAN /
SIZE-RURAL). If no choice of one such share per side gives v's community
h_v + Σ x_i within lo..hi, no split exists, whatever the shapes inside the sides (the
shares are a relaxation: every real split has shares of this kind). Wild seed 313:
village 1413 (305 households) is the only link between 17 villages of 888 and 22 of
1,810 (rural 1,000-1,500): 1413's community takes all 888 (fewer than one community
needs), and of the 1,810 either all or 310-810 (leaving 1,000-1,500), so it holds at
least 1,503. Session 25's exemption named the whole 40-village piece; this names
1413 and the 17 villages it alone links.

Only pieces already proved to have no split reach here (the diagnosis's no-partition);
the checker proves the sentence with its own code (optimizer/checker/cut.py).
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import product

from optimizer.graph.pieces import connected_parts
from optimizer.plan.exemption import CutAt, Named, Side
from optimizer.scenario.model import Scenario

MOST_SIDES = 4      # more parts than this: the sentence would list too much (not tried)
ORDINALS = ("first", "second", "third", "fourth")

Spans = tuple[tuple[int, int], ...]


def merge(spans: list[tuple[int, int]]) -> Spans:
    """Whole-number intervals sorted and merged (touching ones joined)."""
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return tuple(out)


def shares(total: int, lo: int, hi: int) -> Spans:
    """What the cut unit's community can take of a side of ``total`` households: all of
    it, or a share leaving k ≥ 1 communities of lo..hi (k·lo ≤ total - share ≤ k·hi)."""
    spans = [(total, total)]
    k = 1
    while k * lo <= total:
        spans.append((max(0, total - k * hi), total - k * lo))
        k += 1
    return merge(spans)


def reach(own: int, sides: list[Spans]) -> Spans:
    """The sizes the cut unit's community can have: its own households and one share
    of each side."""
    got: Spans = ((own, own),)
    for side in sides:
        got = merge([(a + c, b + d) for (a, b), (c, d) in product(got, side)])
    return got


def nearest(sizes: Spans, lo: int, hi: int) -> tuple[int, int] | None:
    """(the most below lo, the least above hi; 0 where none) when no size lies within
    lo..hi, else None."""
    if any(a <= hi and b >= lo for a, b in sizes):
        return None
    under = max((b for a, b in sizes if b < lo), default=0)
    over = min((a for a, b in sizes if a > hi), default=0)
    return under, over


def cut_units(scenario: Scenario, units: list[int], lo: int, hi: int
              ) -> tuple[int, list[list[int]], tuple[int, int]] | None:
    """(the cut unit, its sides with the largest last, (most under, least over)), or
    None. Of the cut units that prove it, the one whose named sides (all but the
    largest) hold the fewest units, then the lowest unit: the most local reason."""
    hh = scenario.households
    inside = set(units)
    best: tuple[tuple[int, int], int, list[list[int]], tuple[int, int]] | None = None
    for v in sorted(inside):
        sides = connected_parts(inside - {v}, scenario.neighbours)
        if not 2 <= len(sides) <= MOST_SIDES:
            continue
        sides.sort(key=lambda p: (int(hh[p].sum()), len(p), p[0]))
        got = nearest(reach(int(hh[v]), [shares(int(hh[p].sum()), lo, hi) for p in sides]),
                      lo, hi)
        if got is None:
            continue
        rank = (sum(len(p) for p in sides[:-1]), v)
        if best is None or rank < best[0]:
            best = (rank, v, sides, got)
    return None if best is None else (best[1], best[2], best[3])


def cut_reason(scenario: Scenario, units: list[int], lo: int, hi: int, kind: str,
               shown: Callable[[tuple[str, ...]], tuple[tuple[str, ...], int]]
               ) -> tuple[str, CutAt] | None:
    """The sentence a no-partition exemption ends with, and its record (``kind``
    urban/rural; ``shown`` names units as the diagnosis does); None
    when no unit of the piece is such a link."""
    got = cut_units(scenario, units, lo, hi)
    if got is None:
        return None
    v, parts, (under, over) = got
    hh = scenario.households
    sides = tuple(Side(Named(*shown(tuple(scenario.unit_ids[u] for u in p)))
                       if i < len(parts) - 1 else None, len(p), int(hh[p].sum()),
                       shares(int(hh[p].sum()), lo, hi)) for i, p in enumerate(parts))
    record = CutAt(scenario.unit_ids[v], int(hh[v]), sides, under, over)
    return cut_text(record, kind, lo, hi), record


def _ids(named: Named) -> str:
    """As optimizer.graph.diagnosis.list_ids names them: 'a, b and c', 'a, ..., j and
    5 more'."""
    ids = named.ids
    if named.more:
        return ", ".join(ids) + f" and {named.more:,} more"
    return ", ".join(ids) if len(ids) < 2 else ", ".join(ids[:-1]) + " and " + ids[-1]


def _span(a: int, b: int, total: int) -> str:
    if a == b:
        return f"all {a:,}" if a == total else f"{a:,}"
    return f"{a:,}-{b:,}"


def cut_text(c: CutAt, kind: str, lo: int, hi: int) -> str:
    """The words of :class:`CutAt` (the last side, the largest, is "the other N units")."""
    unit = "rural village" if kind == "rural" else "urban compound"
    parts = []
    for s in c.sides:
        n = unit if s.units == 1 else f"{s.units:,} {unit}s"
        parts.append(f"the {n} {_ids(s.named)} ({s.households:,} households)" if s.named
                     is not None else f"the other {n} ({s.households:,} households)")
    between = ", ".join(parts[:-1]) + " and " + parts[-1]
    takes = "; ".join(" or ".join(_span(a, b, s.households) for a, b in s.shares)
                      + f" of the {ORDINALS[i]}" for i, s in enumerate(c.sides))
    sizes = " or ".join(x for x in (f"at most {c.under:,}" if c.under else "",
                                     f"at least {c.over:,}" if c.over else "") if x)
    return (f" The {unit} {c.unit} ({c.households:,} households) is the only link between "
            f"{between} of the piece. Were every other community within the bounds, the one "
            f"holding it would take of each of these parts all of it or a share that leaves it "
            f"a whole number of {kind} communities of {lo:,}-{hi:,} households ({takes}), and "
            f"with its own {c.households:,} households hold {sizes}, never {lo:,}-{hi:,}.")


__all__ = ["MOST_SIDES", "cut_reason", "cut_text", "cut_units", "merge", "nearest", "reach",
           "shares"]
