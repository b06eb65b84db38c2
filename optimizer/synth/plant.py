"""Households planted on a known legal split: a part of a piece that provably can be
divided into connected communities within the bounds.

The units of a connected part are grown into connected groups (all groups at once,
the lightest group taking its next neighbour: even sizes, ragged shapes), each group
is given a total drawn inside the community bounds, and its units' households follow
their raw draws scaled to that total. The groups are not written anywhere: the solver
has to find a split itself; the planting only proves that one exists.
"""

from __future__ import annotations

import numpy as np

from optimizer.synth.people import UnitRange, community_bounds, scale_to_total


def neighbours(n: int, edges: np.ndarray) -> list[list[int]]:
    nbrs: list[list[int]] = [[] for _ in range(n)]
    for a, b in edges.tolist():
        nbrs[a].append(b)
        nbrs[b].append(a)
    return nbrs


def grow_groups(rng: np.random.Generator, units: list[int], nbrs: list[list[int]],
                weight: np.ndarray, k: int) -> dict[int, int]:
    """Group per unit of the connected ``units``: ``k`` connected groups grown at once,
    the lightest group (by ``weight``) taking a neighbour next."""
    inside = set(units)
    seeds = rng.choice(np.array(units), size=min(k, len(units)), replace=False).tolist()
    group = {u: g for g, u in enumerate(seeds)}
    load = [float(weight[u]) for u in seeds]
    while len(group) < len(units):
        grew = False
        for g in np.argsort(load, kind="stable").tolist():
            members = [u for u, gg in group.items() if gg == g]
            front = sorted({v for u in members for v in nbrs[u] if v in inside
                            and v not in group})
            if front:
                v = front[int(rng.integers(len(front)))]
                group[v] = g
                load[g] += float(weight[v])
                grew = True
                break
        if not grew:    # pragma: no cover - ``units`` is connected
            raise ValueError("plant: the units are not connected")
    return group


def _merge_smallest(group: dict[int, int], nbrs: list[list[int]], bad: int) -> None:
    """Merge group ``bad`` into its neighbouring group with the fewest units."""
    members = [u for u, g in group.items() if g == bad]
    adj = {group[v] for u in members for v in nbrs[u] if v in group and group[v] != bad}
    if not adj:
        return
    counts = {g: sum(1 for x in group.values() if x == g) for g in adj}
    into = min(sorted(adj), key=lambda g: counts[g])
    for u in members:
        group[u] = into


def plant(rng: np.random.Generator, units: list[int], nbrs: list[list[int]],
          raw: np.ndarray, urban: bool, unit_range: UnitRange) -> np.ndarray:
    """Households for the connected ``units`` (same order), summing per planted group to
    a total inside the community bounds (2% away from either end)."""
    lo, hi = community_bounds(urban)
    mid = (lo + hi) / 2
    k = max(1, int(round(float(raw[units].sum()) / mid)))
    group = grow_groups(rng, units, nbrs, raw, k)
    for _ in range(len(units)):
        out: dict[int, int] = {}
        for g in sorted(set(group.values())):
            members = [u for u in units if group[u] == g]
            t_lo = max(int(lo * 1.02), len(members) * unit_range.lo)
            t_hi = min(int(hi * 0.98), len(members) * unit_range.hi)
            vals = None
            if t_lo <= t_hi:
                vals = scale_to_total(rng, raw[members], int(rng.integers(t_lo, t_hi + 1)),
                                      unit_range.lo, unit_range.hi)
            if vals is None:
                _merge_smallest(group, nbrs, g)
                break
            out.update(zip(members, vals.tolist(), strict=True))
        else:
            return np.array([out[u] for u in units], dtype=np.int64)
    raise ValueError("plant: no legal split found")  # pragma: no cover
