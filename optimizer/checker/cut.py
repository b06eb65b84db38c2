"""The checker's own proof of a cut claim: "unit v is the only link between these parts
of the piece, and its community can hold no size within the bounds" (the sentence
optimizer/graph/cut.py writes; claims.py reads it).

Proved here without the solver's code: the parts are found by breadth-first search
over the piece without v; what v's community may take of a part of H households is
every x in 0..H whose remainder H - x is 0 or held by some k ≥ 1 communities of
lo..hi (ceil((H-x)/hi) ≤ floor((H-x)/lo), SIZE-URBAN / SIZE-RURAL); the sizes the
community can reach are v's households plus one such share per part, found over a
table of reachable sums. If none lies within lo..hi, no split of the piece exists
(every community but v's lies inside one part, so each part keeps a whole number of
them besides v's share). The claim fails when its unit is not in the piece, is no
link (the rest stays connected), the parts it names are not the parts its removal
leaves, a stated number is not the checker's, or the sums reach lo..hi: a sentence
naming a part that does not make the split impossible is no proof.
"""

from __future__ import annotations

from collections import deque

import numpy as np

from optimizer.checker.claims import Claim, Reading
from optimizer.checker.cover import Verdict, piece_opening
from optimizer.scenario.model import Scenario


def parts_without(s: Scenario, piece: set[int], v: int) -> list[list[int]]:
    """The connected parts of ``piece`` without ``v`` (breadth-first search)."""
    seen = {v}
    out = []
    for start in sorted(piece):
        if start in seen:
            continue
        seen.add(start)
        part, todo = [start], deque([start])
        while todo:
            u = todo.popleft()
            for w in s.neighbours[u].tolist():
                if w in piece and w not in seen:
                    seen.add(w)
                    part.append(w)
                    todo.append(w)
        out.append(sorted(part))
    return out


def allowed_shares(total: int, lo: int, hi: int) -> np.ndarray:
    """Per x in 0..total: whether v's community may take x households of a part of
    ``total`` (the remainder 0, or some whole number of communities of lo..hi)."""
    rem = total - np.arange(total + 1)
    safe = np.maximum(rem, 1)
    return (rem == 0) | ((rem > 0) & (-(-safe // hi) <= safe // lo))


def reachable(own: int, shares: list[np.ndarray]) -> np.ndarray:
    """Per size 0..own + Σ totals: whether v's community can hold it."""
    size = own + sum(len(a) - 1 for a in shares)
    got = np.zeros(size + 1, dtype=bool)
    got[own] = True
    t = np.arange(size + 1)
    for a in shares:
        # runs of allowed shares [x0, x1]: size t is reached when some reached size
        # lies in t-x1..t-x0 (a prefix count over the sizes reached so far)
        edges = np.flatnonzero(np.diff(np.concatenate(([0], a.astype(np.int8), [0]))))
        count = np.concatenate(([0], np.cumsum(got)))
        new = np.zeros_like(got)
        for x0, x1 in zip(edges[::2].tolist(), (edges[1::2] - 1).tolist(), strict=True):
            first, last = np.clip(t - x1, 0, size + 1), np.clip(t - x0 + 1, 0, size + 1)
            new |= count[last] > count[first]
        got = new
    return got


def _spans_array(spans: tuple[tuple[int, int], ...], total: int) -> np.ndarray | None:
    out = np.zeros(total + 1, dtype=bool)
    for a, b in spans:
        if not 0 <= a <= b <= total:
            return None
        out[a:b + 1] = True
    return out


def cut_claim(s: Scenario, piece: list[int], claim: Claim) -> Verdict:
    """Whether ``claim`` (kind "cut") is true of ``piece`` (the community's piece)."""
    c = claim.cut
    if claim.unknown or not claim.units or c is None:
        return False, (f"it names {claim.unknown[0]!r} as the link, which is not a unit of "
                       "the scenario" if claim.unknown else "its link sentence cannot be read")
    [v] = claim.units
    uid, inside = s.unit_ids[v], set(piece)
    lo, hi = s.policy.bounds(bool(s.urban[piece[0]]))
    hv = int(s.households[v])
    if v not in inside:
        return False, f"it names unit {uid} as the link, which is not in the piece of its units"
    if claim.households != hv:
        return False, f"it says unit {uid} has {claim.households} households; it has {hv}"
    if c.bounds != (lo, hi):
        return False, f"it states the bounds {c.bounds}; the piece's are {lo}..{hi}"
    parts = parts_without(s, inside, v)
    if len(parts) < 2:
        return False, (f"unit {uid} is no link: without it the other {len(piece) - 1} units "
                       "of its piece are still connected")
    if len(parts) != len(c.sides):
        return False, (f"without unit {uid} its piece falls into {len(parts)} parts, not the "
                       f"{len(c.sides)} it names")
    left = list(range(len(parts)))
    order: list[int] = []
    for side in c.sides:
        if side.unknown:
            return False, f"it names {side.unknown[0]!r}, which is not a unit of the scenario"
        if side.named:
            at = [i for i in left if side.units and set(side.units) <= set(parts[i])]
        else:
            at = list(left) if len(left) == 1 else []
        if not at:
            return False, (f"the part of {side.n_units} units ({side.households} households) "
                           f"it names is not one of the parts unit {uid} links")
        p = parts[at[0]]
        if len(p) != side.n_units or int(s.households[p].sum()) != side.households:
            return False, (f"the part it names holds {len(p)} units and "
                           f"{int(s.households[p].sum())} households, not {side.n_units} and "
                           f"{side.households}")
        left.remove(at[0])
        order.append(at[0])
    shares = [allowed_shares(int(s.households[parts[i]].sum()), lo, hi) for i in order]
    for side, a in zip(c.sides, shares, strict=True):
        said = _spans_array(side.shares, len(a) - 1) if side.shares is not None else None
        if said is None or not np.array_equal(said, a):
            return False, (f"the shares it states of the part of {side.households} households "
                           f"are not the ones a whole number of communities of {lo}..{hi} "
                           "leaves")
    sizes = reachable(hv, shares)
    within = np.flatnonzero(sizes[lo:hi + 1])
    if len(within):
        return False, (f"the community holding unit {uid} can hold {lo + int(within[0])} "
                       f"households, within {lo}..{hi}: the parts it links do not make the "
                       "split impossible")
    below = np.flatnonzero(sizes[:lo])
    above = np.flatnonzero(sizes[hi + 1:])
    under = int(below[-1]) if len(below) else 0
    over = hi + 1 + int(above[0]) if len(above) else 0
    if (under, over) != (c.under, c.over):
        return False, (f"it says the community holding unit {uid} holds at most {c.under} "
                       f"or at least {c.over}; the checker finds {under} and {over}")
    sizes_said = " or ".join(x for x in (f"at most {under}" if under else "",
                                         f"at least {over}" if over else "") if x)
    return True, (f"{piece_opening(s, v, piece)}: "
                  f"without unit {uid} it falls into parts of "
                  f"{', '.join(str(int(s.households[parts[i]].sum())) for i in order)} "
                  f"households, whose shares leave the community holding it {sizes_said} "
                  f"households, never {lo}..{hi}: no split into connected communities of "
                  f"{lo}..{hi} exists (the checker's own parts and arithmetic)")


def linked_verdict(s: Scenario, mine: dict[int, list[int]], reading: Reading
                   ) -> tuple[int, Verdict | None]:
    """(the piece, the verdict) on the reading's cut claim ((-1, None): it makes none):
    its unit must be in one of the community's pieces (``mine``: piece -> units), and
    the claim true of that piece."""
    cut = next((c for c in reading.claims if c.kind == "cut"), None)
    if cut is None:
        return -1, None
    at = [p for p, units in mine.items() if cut.units and cut.units[0] in units]
    if not at:
        name = s.unit_ids[cut.units[0]] if cut.units else repr(cut.unknown[:1])
        return -1, (False, f"it names unit {name} as the link, which is not in the piece of "
                    "its units")
    return at[0], cut_claim(s, mine[at[0]], cut)


__all__ = ["allowed_shares", "cut_claim", "linked_verdict", "parts_without", "reachable"]
