"""Grids of about 300 households (COORD-300), and balanced whole-unit splits.

:func:`divide_grids` splits a community into as many grids as it has coordinators,
``ceil(households / 300)``, each contiguous and within ``300 ± tolerance`` households
(``Policy.grid_tolerance_households``) wherever the community's size allows it. A unit
may be divided between grids by household count (grids.csv, CONTRACT.md): a compound of
1,774 households becomes six grids of about 296; a village is divided only where no
cut between whole units keeps both sides within the band.

How (always valid, deterministic):

1. A spanning tree of the community, breadth first from the center unit, each unit's
   children in order of their angle around the center (``xy``), so that consecutive
   subtrees are neighbours on the ground and grids come out as sectors.
2. The depth-first walk of that tree visits a unit, each child's subtree, and the unit
   again after each child. Consecutive entries of the walk are neighbours, so *any*
   contiguous stretch of it covers a connected set of units. Each unit's households
   are put on its first entry.
3. The walk is cut into ``count`` stretches of consecutive households. Cut ``k`` lies
   in the window that keeps this grid within the band and leaves the rest a whole
   number of in-band grids; inside it, at a unit boundary nearest the equal share
   (no unit divided) when there is one, else at the equal share (the unit there is
   divided). The window is never empty when the mean ``households / count`` is
   within the band, i.e. for every community above 400 households (300 ± 100), so
   every grid is in the band. Between 301 and 399 households two coordinators cannot
   both have 200: the grids are then split equally.
4. A unit the walk only passes through (no households of it in that grid) is dropped
   from the grid where the grid stays connected without it.

:func:`split_units` is the earlier whole-unit split (``parts`` connected groups of
whole units, balanced by subtree cuts), kept for the workbench's "split in two".
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import deque
from collections.abc import Sequence

Share = tuple[int, int]        # (unit, households of it in the grid)


def grid_band(households: int, count: int, size: int, tolerance: int) -> tuple[int, int]:
    """(low, high) households a grid may hold: ``size ± tolerance``; the low end drops
    to the community's equal share when even that is below it (301-399 households for
    two coordinators)."""
    lo, hi = size - tolerance, size + tolerance
    if count <= 1:
        return 0, max(hi, households)
    return min(lo, households // count), hi


def _tree(members: Sequence[int], nbrs: Sequence[Sequence[int]], root: int,
          xy: Sequence[tuple[float, float]] | None) -> dict[int, list[int]]:
    inside = set(members)
    children: dict[int, list[int]] = {u: [] for u in members}
    seen = {root}
    queue = deque([root])
    while queue:
        u = queue.popleft()
        for v in sorted(nbrs[u]):
            if v in inside and v not in seen:
                seen.add(v)
                children[u].append(v)
                queue.append(v)
    if len(seen) != len(inside):
        raise ValueError("community is not connected; cannot split it into grids")
    if xy is not None:
        cx, cy = xy[root]

        def angle(v: int) -> float:
            return math.atan2(xy[v][1] - cy, xy[v][0] - cx) % (2 * math.pi)

        for u in children:
            children[u].sort(key=lambda v: (angle(v), v))
    return children


def _walk(root: int, children: dict[int, list[int]]) -> list[int]:
    """The depth-first walk: a unit, then each child's walk followed by the unit again."""
    out = [root]
    stack: list[tuple[int, int]] = [(root, 0)]
    while stack:
        u, k = stack.pop()
        if k < len(children[u]):
            stack.append((u, k + 1))
            c = children[u][k]
            out.append(c)
            stack.append((c, 0))
        elif stack:
            out.append(stack[-1][0])
    return out


def _cuts(bounds: Sequence[int], total: int, count: int, lo: int, hi: int) -> list[int]:
    """The households at which the walk is cut: ``count - 1`` values, then ``total``."""
    values = sorted(set(bounds))
    cuts: list[int] = []
    prev = 0
    for k in range(1, count):
        left = count - k + 1
        ideal = prev + (total - prev) / left
        a = max(prev + lo, total - (left - 1) * hi)
        b = min(prev + hi, total - (left - 1) * lo)
        if a > b:
            a = b = min(max(round(ideal), prev), total)
        inside = [v for v in values if a <= v <= b]
        cut = (min(inside, key=lambda v: (abs(v - ideal), v)) if inside
               else min(max(round(ideal), a), b))
        cuts.append(cut)
        prev = cut
    return [*cuts, total]


def _connected(units: set[int], nbrs: Sequence[Sequence[int]]) -> bool:
    if not units:
        return True
    start = next(iter(units))
    seen = {start}
    stack = [start]
    while stack:
        u = stack.pop()
        for v in nbrs[u]:
            if v in units and v not in seen:
                seen.add(v)
                stack.append(v)
    return len(seen) == len(units)


def divide_grids(members: Sequence[int], nbrs: Sequence[Sequence[int]],
                 households: Sequence[int], root: int, count: int, *, size: int = 300,
                 tolerance: int = 100,
                 xy: Sequence[tuple[float, float]] | None = None) -> list[list[Share]]:
    """``count`` connected grids of ``members``, each a list of (unit, households)
    (units in walk order; the first grid holds ``root``). Every unit appears in at
    least one grid, and its households over its grids sum to its own. ``nbrs`` is the
    adjacency of the whole component, ``xy`` the units' coordinates (optional)."""
    members = sorted(set(members))
    if root not in set(members):
        raise ValueError("the root must be one of the members")
    children = _tree(members, nbrs, root, xy)
    walk = _walk(root, children)
    total = sum(int(households[u]) for u in members)
    count = max(1, min(count, total)) if total > 0 else 1
    if count == 1:
        return [[(u, int(households[u])) for u in dict.fromkeys(walk)]]
    first: set[int] = set()
    amount: list[int] = []
    for u in walk:
        amount.append(int(households[u]) if u not in first else 0)
        first.add(u)
    start = [0]
    for a in amount:
        start.append(start[-1] + a)
    lo, hi = grid_band(total, count, size, tolerance)
    cuts = _cuts(start[:-1] + [total], total, count, lo, hi)
    grids: list[dict[int, int]] = [{} for _ in range(count)]
    for j, u in enumerate(walk):
        b, e = start[j], start[j] + amount[j]
        first_g = min(bisect_right(cuts, b), count - 1)
        if e == b:
            grids[first_g].setdefault(u, 0)
            continue
        for g in range(first_g, min(bisect_right(cuts, e - 1), count - 1) + 1):
            low = cuts[g - 1] if g else 0
            part = min(e, cuts[g]) - max(b, low)
            if part > 0:
                grids[g][u] = grids[g].get(u, 0) + part
    _prune(grids, nbrs)
    _settle_passes(grids, nbrs, lo, hi)
    return [list(g.items()) for g in grids]


def _prune(grids: list[dict[int, int]], nbrs: Sequence[Sequence[int]]) -> None:
    """Drop the units the walk only passes through (no households of theirs in the
    grid) where the grid stays connected without them and each keeps a place in some
    grid: all at once when the rest is connected, else one by one until none can go."""
    places: dict[int, int] = {}
    for g in grids:
        for u in g:
            places[u] = places.get(u, 0) + 1
    for g in grids:
        zeros = [u for u, h in g.items() if h == 0 and places[u] > 1]
        if not zeros or len(g) == 1:
            continue
        rest = set(g) - set(zeros)
        if rest and _connected(rest, nbrs):
            drop = zeros
        else:
            drop, changed = [], True
            while changed:
                changed = False
                for u in zeros:
                    keep = set(g) - set(drop) - {u}
                    if u not in drop and keep and _connected(keep, nbrs):
                        drop.append(u)
                        changed = True
        for u in drop:
            del g[u]
            places[u] -= 1


def _settle_passes(grids: list[dict[int, int]], nbrs: Sequence[Sequence[int]], lo: int,
                   hi: int) -> None:
    """A grid that still passes through a unit whole in another grid takes the unit
    over where both grids stay connected and within the band (fewer divided units)."""
    size = [sum(g.values()) for g in grids]
    for k, g in enumerate(grids):
        for u in [u for u, h in g.items() if h == 0]:
            owners = [j for j, other in enumerate(grids) if j != k and other.get(u, 0) > 0]
            if len(owners) != 1:
                continue
            j = owners[0]
            h = grids[j][u]
            if h != sum(other.get(u, 0) for other in grids) or not (
                    lo <= size[k] + h <= hi and lo <= size[j] - h <= hi):
                continue
            rest = set(grids[j]) - {u}
            if rest and _connected(rest, nbrs):
                del grids[j][u]
                g[u] = h
                size[k] += h
                size[j] -= h


def split_units(members: Sequence[int], nbrs: Sequence[Sequence[int]],
                households: Sequence[int], root: int, parts: int) -> list[list[int]]:
    """Connected groups of whole units of ``members`` (the first holding ``root``),
    as balanced in households as whole units allow: on a spanning tree, each cut takes
    the subtree closest to the households still to share divided by the groups still
    to make. ``nbrs`` is the adjacency of the whole component. Deterministic."""
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
        raise ValueError("community is not connected; cannot split it")
    alive = set(order)
    groups: list[list[int]] = []
    for made in range(parts - 1):
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
        for pos, u in enumerate(order):
            if u == root or u not in alive or total_n - sub_n[u] < left - 1:
                continue
            score = (abs(sub_h[u] - target), pos)
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
