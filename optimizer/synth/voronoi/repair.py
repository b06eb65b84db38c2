"""Keep a generated scenario solvable except where it is meant not to be.

Rivers and railways cut pieces off streets and towns; a piece whose households admit
no integer number of communities (SIZE-URBAN, SIZE-RURAL: no k with k·L ≤ H ≤ k·U)
would be an accident, not a test case. Each such piece is repaired the way a real
boundary would have been drawn: a sliver is handed to the neighbouring street/town
on its side of the water, or joins the other kind in its own town, or its households
are rescaled into a feasible total. The deliberate pieces (the island village) are
left alone.
"""

from __future__ import annotations

import numpy as np

BOUNDS = {True: (2000, 3000), False: (1000, 1500)}        # SIZE-URBAN, SIZE-RURAL
UNIT_RANGE = {True: (100, 2500), False: (20, 300)}        # compound, villagers' group


def feasible(h: int, urban: bool) -> bool:
    """Some integer k ≥ 1 with k·L ≤ h ≤ k·U (SIZE-URBAN / SIZE-RURAL)."""
    lo, hi = BOUNDS[urban]
    return h > 0 and -(-h // hi) <= h // lo


def components(key: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Component label per unit: connected through ``edges`` within equal ``key``."""
    parent = np.arange(len(key))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    same = edges[key[edges[:, 0]] == key[edges[:, 1]]]
    for a, b in same.tolist():
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return np.array([find(i) for i in range(len(key))], dtype=np.int64)


def _key(county: np.ndarray, area: np.ndarray, urban: np.ndarray) -> np.ndarray:
    return (area.astype(np.int64) * 2 + urban) * 1000 + county


def infeasible_pieces(county: np.ndarray, area: np.ndarray, urban: np.ndarray,
                      households: np.ndarray, edges: np.ndarray) -> list[np.ndarray]:
    """Unit index arrays of every component that no community count can fit."""
    comp = components(_key(county, area, urban), edges)
    h = np.bincount(comp, weights=households, minlength=len(comp)).astype(np.int64)
    roots = np.unique(comp)
    bad = [r for r in roots.tolist() if not feasible(int(h[r]), bool(urban[r]))]
    return [np.flatnonzero(comp == r) for r in bad]


def _rescale(units: np.ndarray, households: np.ndarray, urban: bool,
             rng: np.random.Generator) -> bool:
    """Rescale the households of ``units`` to a feasible total; False if impossible."""
    lo_u, hi_u = UNIT_RANGE[urban]
    lo, hi = BOUNDS[urban]
    h = int(households[units].sum())
    n = len(units)
    if h < lo:
        target = int(rng.integers(lo + 20, lo + 200))
    else:                 # in the gap between k·U and (k+1)·L: nearest side
        target = hi - 100 if h - hi < 2 * lo - h else 2 * lo + 100
    if not n * lo_u <= target <= n * hi_u:
        return False
    base = households[units].astype(float) + 1.0
    new = np.clip(np.round(base * target / base.sum()), lo_u, hi_u).astype(np.int64)
    diff = target - int(new.sum())
    order = np.argsort(-new, kind="stable")
    i = 0
    while diff != 0 and i < 100 * n:
        j = order[i % n]
        step = 1 if diff > 0 else -1
        if lo_u <= new[j] + step <= hi_u:
            new[j] += step
            diff -= step
        i += 1
    households[units] = new
    return diff == 0


def repair(county: np.ndarray, area: np.ndarray, urban: np.ndarray, households: np.ndarray,
           edges: np.ndarray, keep: set[int], rng: np.random.Generator,
           rounds: int = 8) -> int:
    """Repair every infeasible piece not containing a unit of ``keep`` (in place).
    Returns how many infeasible pieces other than the kept ones remain."""
    nbrs: list[list[int]] = [[] for _ in range(len(area))]
    for a, b in edges.tolist():
        nbrs[a].append(b)
        nbrs[b].append(a)
    left = 0
    for _ in range(rounds):
        pieces = [p for p in infeasible_pieces(county, area, urban, households, edges)
                  if not keep.intersection(p.tolist())]
        left = len(pieces)
        if not pieces:
            return 0
        for units in pieces:
            inside = set(units.tolist())
            u0 = int(units[0])
            kind = bool(urban[u0])
            lo = BOUNDS[kind][0]
            h = int(households[units].sum())
            outside = sorted({b for a in inside for b in nbrs[a]} - inside)
            other_area = [b for b in outside if county[b] == county[u0]
                          and area[b] != area[u0] and urban[b] == kind]
            other_kind = [b for b in outside if area[b] == area[u0] and urban[b] != kind]
            if kind and _rescale(units, households, kind, rng):
                continue                       # a compound can always grow or shrink
            if h < lo and other_area:          # the boundary follows the water
                vals, counts = np.unique(area[other_area], return_counts=True)
                area[units] = vals[int(counts.argmax())]
            elif _rescale(units, households, kind, rng):
                continue
            elif h < lo and other_kind and len(units) <= 3:   # joins the seat / villages
                urban[units] = not kind
                lo_u, hi_u = UNIT_RANGE[not kind]
                households[units] = np.clip(households[units], lo_u, hi_u)
    return left


def rebalance(county: np.ndarray, area: np.ndarray, urban: np.ndarray,
              households: np.ndarray, edges: np.ndarray, keep: set[int],
              targets: dict[tuple[int, bool], int]) -> None:
    """Bring each (county, kind) total back to ``targets`` after the repairs (in place),
    scaling only components large enough (≥ 2.5·L) to stay feasible whatever k."""
    comp = components(_key(county, area, urban), edges)
    h = np.bincount(comp, weights=households, minlength=len(comp))
    for (c, kind), target in sorted(targets.items()):
        lo, _ = BOUNDS[kind]
        sel = (county == c) & (urban == kind)
        big = sel & (h[comp] >= 2.5 * lo) & (households > 0)
        big[list(keep)] = False
        excess = int(households[sel].sum()) - target
        room = int(households[big].sum())
        if room == 0 or excess == 0:
            continue
        f = max(0.8, 1.0 - excess / room)
        lo_u, hi_u = UNIT_RANGE[kind]
        households[big] = np.clip(np.round(households[big] * f), lo_u, hi_u)
