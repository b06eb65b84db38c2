"""Split a community into grids (COORD-300): ``min(coordinators, units)`` connected
grids, as balanced in households as whole units allow.

Works on a spanning tree of the community: cutting g − 1 tree edges always leaves g
connected parts. Each cut takes the subtree whose households are closest to the
households still to share divided by the grids still to make. Deterministic.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence


def split_grids(members: Sequence[int], nbrs: Sequence[Sequence[int]],
                households: Sequence[int], root: int, parts: int) -> list[list[int]]:
    """Connected groups of ``members`` (each a list of unit indices, the first group
    holding ``root``). ``nbrs`` is the adjacency of the whole component."""
    inside = set(members)
    parts = max(1, min(parts, len(members)))
    parent: dict[int, int] = {root: -1}
    order = [root]
    queue = deque([root])
    while queue:
        u = queue.popleft()
        for v in sorted(nbrs[u]):
            if v in inside and v not in parent:
                parent[v] = u
                order.append(v)
                queue.append(v)
    if len(order) != len(inside):
        raise ValueError("community is not connected; cannot split it into grids")
    alive = set(order)
    groups: list[list[int]] = []
    for made in range(parts - 1):
        # Subtree households and sizes in the remaining tree (children after parents).
        sub_h = {u: int(households[u]) for u in alive}
        sub_n = {u: 1 for u in alive}
        for u in reversed(order):
            if u in alive and parent[u] in alive:
                sub_h[parent[u]] += sub_h[u]
                sub_n[parent[u]] += sub_n[u]
        total_h, total_n = sub_h[root], sub_n[root]
        left = parts - made
        target = total_h / left
        best = None
        for u in order:
            if u == root or u not in alive:
                continue
            # The rest must still hold one unit for each grid still to make.
            if total_n - sub_n[u] < left - 1:
                continue
            score = (abs(sub_h[u] - target), order.index(u))
            if best is None or score < best[0]:
                best = (score, u)
        if best is None:
            break
        cut = best[1]
        group = [u for u in order if u in alive and _under(u, cut, parent, alive)]
        groups.append(group)
        alive -= set(group)
    groups.append([u for u in order if u in alive])
    groups.reverse()
    return groups


def _under(u: int, top: int, parent: dict[int, int], alive: set[int]) -> bool:
    while u != -1 and u in alive:
        if u == top:
            return True
        u = parent[u]
    return False
