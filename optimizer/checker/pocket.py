"""The checker's own proof that a few units behind one unit cannot keep the bounds
(a "pocket"), so that one community there may break the size rule.

Units ``P`` of a piece whose only neighbour in the piece outside ``P`` is one unit
``g`` (its "gate") can only be in communities lying in ``P`` or in ``g``'s community.
If no set ``S`` of them with ``S + g`` connected and at most ``U - h(g)`` households
leaves ``P - S`` splittable into connected communities of L..U households, then in
every plan some community meeting ``P`` or ``g`` breaks the bounds (``g``'s community
holds more than ``U - h(g)`` of them, or one lying in ``P`` misses L..U). A community
meeting them is then exempt when it is the only one meeting them that breaks the
bounds: one exemption, where one is unavoidable.

Written apart from the solver's search (optimizer/graph/pocket.py): subsets as bit
masks, splittability by dynamic programming over them.
"""

from __future__ import annotations

from optimizer.checker.proofs import Pieces
from optimizer.scenario.model import Scenario

MAX_UNITS = 12      # pockets of at most this many units are examined


def pocket_proof(s: Scenario, pieces: Pieces, own: set[int], unit_community: dict[int, str],
                 members: dict[str, set[int]]) -> str | None:
    """Why the community holding ``own`` may break the size rule as the only community
    meeting an impossible pocket (None when the checker finds no such pocket).

    Units that with any neighbour exceed the maximum ("walls": within the bounds, a
    community of their own) take nothing from a pocket: the pockets are those of the
    piece without them, behind one unit (the gate) or none (``g`` = -1)."""
    cid = next((unit_community[u] for u in own if u in unit_community), None)
    for p in sorted({pieces.piece_of[u] for u in own}):
        units = pieces.units[p]
        lo, hi = s.policy.bounds(bool(s.urban[units[0]]))
        inside = set(units)
        hh = {u: int(s.households[u]) for u in units}
        nb = {u: [int(v) for v in s.neighbours[u].tolist() if int(v) in inside] for u in units}
        walls = {u for u in units if hh[u] <= hi and all(hh[u] + hh[v] > hi for v in nb[u])}
        near: list[tuple[set[int], int]] = [({u}, -1) for u in walls if hh[u] < lo]
        near += [(c, -1) for c in _cut_off(nb, inside - walls, -1)]
        near += [(c, g) for g in units if g not in walls and hh[g] <= hi
                 for c in _cut_off(nb, inside - walls, g)]
        # The smallest pocket first: the one that says most precisely why.
        near.sort(key=lambda pg: (len(pg[0]), sorted(pg[0]), pg[1]))
        for pocket, g in near:
            around = pocket | {g} | {v for u in pocket for v in nb[u] if v in walls}
            around.discard(-1)
            if not around & own or any(hh[u] > hi for u in pocket):
                continue
            if not _impossible(s, nb, sorted(pocket), g, lo, hi):
                continue
            others = {unit_community.get(u) for u in around} - {cid, None}
            if any(not lo <= int(s.households[sorted(members.get(str(c), set()))].sum()) <= hi
                   for c in others):
                continue
            ids = ", ".join(s.unit_ids[u] for u in sorted(pocket))
            way = (f"only through unit {s.unit_ids[g]}" if g >= 0 else "through no unit")
            return (f"the units {ids} reach the rest of their piece {way} but units that "
                    f"with any neighbour exceed {hi}, and no split of them keeps {lo}..{hi} "
                    f"households" + (f" with at most {hi - hh[g]} of them in the community "
                                     f"of {s.unit_ids[g]}" if g >= 0 else "")
                    + ": in every plan a community holding some of them or a unit they "
                    "border so breaks the bounds, and here only this one does")
    return None


def part_pocket(s: Scenario, part: tuple[int, ...] | list[int], lo: int, hi: int) -> str | None:
    """Why ``part`` (units cut off by units above the maximum) has no split within the
    bounds on its own: an impossible pocket in it (None when the checker finds none).
    Within the part alone, so its walls and gates are the part's."""
    inside = set(part)
    hh = {u: int(s.households[u]) for u in part}
    nb = {u: [int(v) for v in s.neighbours[u].tolist() if int(v) in inside] for u in part}
    walls = {u for u in part if all(hh[u] + hh[v] > hi for v in nb[u])}
    for u in sorted(walls):
        if hh[u] < lo:
            return f"unit {s.unit_ids[u]} ({hh[u]}) can share a community with no neighbour"
    for g in [-1, *sorted(inside - walls)]:
        for pocket in _cut_off(nb, inside - walls, g):
            if _impossible(s, nb, sorted(pocket), g, lo, hi):
                ids = ", ".join(s.unit_ids[u] for u in sorted(pocket))
                way = f"through unit {s.unit_ids[g]} alone" if g >= 0 else "through no unit"
                return (f"the units {ids} reach the rest of it {way} but units too large to "
                        f"share a community, and no split of them keeps {lo}..{hi}")
    return None


def _cut_off(nb: dict[int, list[int]], inside: set[int], g: int) -> list[set[int]]:
    """The groups of at most MAX_UNITS units of ``inside`` that ``g`` alone links to
    the rest (each connected piece of ``inside`` without ``g`` that borders ``g``; with
    ``g`` = -1, the connected pieces of ``inside``). Each search stops past MAX_UNITS
    units, so a large piece costs a bounded search per unit."""
    starts = sorted(v for v in nb[g] if v in inside) if g >= 0 else sorted(inside)
    seen: set[int] = set()
    comps: list[set[int]] = []
    for start in starts:
        if start in seen:
            continue
        comp = {start}
        todo = [start]
        while todo and len(comp) <= MAX_UNITS:
            u = todo.pop()
            for v in nb[u]:
                if v in inside and v != g and v not in comp:
                    comp.add(v)
                    todo.append(v)
        seen |= comp if len(comp) <= MAX_UNITS else {start}
        if len(comp) <= MAX_UNITS:
            comps.append(comp)
    return comps


def _impossible(s: Scenario, nb: dict[int, list[int]], pocket: list[int], g: int,
                lo: int, hi: int) -> bool:
    k = len(pocket)
    bit = {u: 1 << i for i, u in enumerate(pocket)}
    w = [int(s.households[u]) for u in pocket]
    adj = [sum(bit[v] for v in nb[u] if v in bit) for u in pocket]
    at_gate = sum(bit[v] for v in nb[g] if v in bit) if g >= 0 else 0
    full = (1 << k) - 1
    weight = [0] * (full + 1)
    for m in range(1, full + 1):
        low = m & -m
        weight[m] = weight[m ^ low] + w[low.bit_length() - 1]

    def reach(m: int, start: int) -> int:
        got, frontier = start & m, start & m
        while frontier:
            nxt = 0
            for i in range(k):
                if frontier >> i & 1:
                    nxt |= adj[i]
            frontier = nxt & m & ~got
            got |= frontier
        return got

    # split[m]: m is a union of connected groups of lo..hi households.
    split = [False] * (full + 1)
    split[0] = True
    for m in range(1, full + 1):
        low = m & -m
        sub = m
        while sub:
            if sub & low and split[m ^ sub] and lo <= weight[sub] <= hi \
                    and reach(sub, low) == sub:
                split[m] = True
                break
            sub = (sub - 1) & m
    if g < 0:
        return not split[full]
    share = hi - int(s.households[g])
    for m in range(full + 1):
        # m joins the gate's community: within its share, each unit reaching the gate.
        if weight[m] <= share and reach(m, at_gate) == m and split[full ^ m]:
            return False
    return True


__all__ = ["MAX_UNITS", "part_pocket", "pocket_proof"]
