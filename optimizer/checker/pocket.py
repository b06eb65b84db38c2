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
    meeting an impossible pocket (None when the checker finds no such pocket)."""
    cid = next((unit_community[u] for u in own if u in unit_community), None)
    for p in sorted({pieces.piece_of[u] for u in own}):
        units = pieces.units[p]
        lo, hi = s.policy.bounds(bool(s.urban[units[0]]))
        inside = set(units)
        nb = {u: [int(v) for v in s.neighbours[u].tolist() if int(v) in inside] for u in units}
        # The smallest pocket first: the one that says most precisely why.
        near = sorted(((pocket, g) for g in units if int(s.households[g]) <= hi
                       for pocket in _cut_off(nb, inside, g)
                       if (pocket | {g}) & own
                       and all(int(s.households[u]) <= hi for u in pocket)),
                      key=lambda pg: (len(pg[0]), sorted(pg[0]), pg[1]))
        for pocket, g in near:
            if not _impossible(s, nb, sorted(pocket), g, lo, hi):
                continue
            others = {unit_community.get(u) for u in pocket | {g}} - {cid, None}
            if any(not lo <= int(s.households[sorted(members.get(str(c), set()))].sum()) <= hi
                   for c in others):
                continue
            ids = ", ".join(s.unit_ids[u] for u in sorted(pocket))
            return (f"the units {ids} reach the rest of their piece only through unit "
                    f"{s.unit_ids[g]}, and no split of them keeps {lo}..{hi} households "
                    f"with at most {hi - int(s.households[g])} of them in the community "
                    f"of {s.unit_ids[g]}: in every plan a community holding some of them "
                    "or it breaks the bounds, and here only this one does")
    return None


def _cut_off(nb: dict[int, list[int]], inside: set[int], g: int) -> list[set[int]]:
    """The groups of at most MAX_UNITS units that removing ``g`` cuts apart (each
    connected piece of the piece without ``g``, when there are several)."""
    seen = {g}
    comps: list[set[int]] = []
    for start in nb[g]:
        if start in seen:
            continue
        comp = {start}
        seen.add(start)
        todo = [start]
        while todo:
            u = todo.pop()
            for v in nb[u]:
                if v not in seen:
                    seen.add(v)
                    comp.add(v)
                    todo.append(v)
        comps.append(comp)
    if len(comps) < 2:
        return []
    return [c for c in comps if len(c) <= MAX_UNITS]


def _impossible(s: Scenario, nb: dict[int, list[int]], pocket: list[int], g: int,
                lo: int, hi: int) -> bool:
    k = len(pocket)
    bit = {u: 1 << i for i, u in enumerate(pocket)}
    w = [int(s.households[u]) for u in pocket]
    adj = [sum(bit[v] for v in nb[u] if v in bit) for u in pocket]
    at_gate = sum(bit[v] for v in nb[g] if v in bit)
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
    share = hi - int(s.households[g])
    for m in range(full + 1):
        # m joins the gate's community: within its share, each unit reaching the gate.
        if weight[m] <= share and reach(m, at_gate) == m and split[full ^ m]:
            return False
    return True


__all__ = ["MAX_UNITS", "pocket_proof"]
