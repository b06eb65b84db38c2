"""One independent piece of the problem, as arrays: the units of one connected
component of one (county, street, kind), their neighbours, distances and the
units each possible center can reach within the household upper bound.

Built from a Scenario; knows nothing of CP-SAT.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np

from optimizer.scenario.model import Scenario


@dataclass(frozen=True, eq=False)
class ComponentData:
    key: tuple[str, str, str]
    units: np.ndarray              # global unit indices, sorted
    households: np.ndarray         # per local unit
    nbrs: tuple[tuple[int, ...], ...]  # local adjacency
    x: np.ndarray
    y: np.ndarray
    urban: bool
    lo: int
    hi: int

    @property
    def n(self) -> int:
        return len(self.units)

    @property
    def total(self) -> int:
        return int(self.households.sum())

    def dist_km(self, i: int, j: int) -> float:
        return float(np.hypot(self.x[i] - self.x[j], self.y[i] - self.y[j])) / 1000.0


def component_data(scenario: Scenario, key: tuple[str, str, str],
                   units: np.ndarray) -> ComponentData:
    units = np.asarray(sorted(int(u) for u in units), dtype=np.int64)
    local = {int(u): k for k, u in enumerate(units)}
    nbrs = tuple(tuple(sorted(local[int(v)] for v in scenario.neighbours[int(u)]
                              if int(v) in local)) for u in units)
    urban = bool(scenario.urban[units[0]])
    lo, hi = scenario.policy.bounds(urban)
    return ComponentData(key=key, units=units, households=scenario.households[units].copy(),
                         nbrs=nbrs, x=scenario.x[units].copy(), y=scenario.y[units].copy(),
                         urban=urban, lo=lo, hi=hi)


def reach(data: ComponentData, j: int, limit: int) -> dict[int, tuple[int, float]]:
    """Units a community centred at ``j`` can contain: those joined to ``j`` by a path
    whose households (both ends included) total at most ``limit``. Any connected
    community holding ``i`` and ``j`` within the bound contains such a path, so this
    restriction loses no feasible community. Returns {unit: (path households,
    geometric path length in metres)} from a node-weighted Dijkstra (ties broken by
    length, then index, for determinism)."""
    h = data.households
    best: dict[int, tuple[int, float]] = {}
    heap: list[tuple[int, float, int]] = [(int(h[j]), 0.0, j)]
    while heap:
        w, length, u = heapq.heappop(heap)
        if u in best:
            continue
        best[u] = (w, length)
        for v in data.nbrs[u]:
            if v in best:
                continue
            nw = w + int(h[v])
            if nw <= limit:
                step = float(np.hypot(data.x[u] - data.x[v], data.y[u] - data.y[v]))
                heapq.heappush(heap, (nw, length + step, v))
    return best


def geodesic(data: ComponentData, j: int, allowed: set[int]) -> dict[int, float]:
    """Shortest path length (metres, along neighbour links between representative
    points) from ``j`` to every unit of ``allowed``, moving only inside ``allowed``."""
    dist: dict[int, float] = {}
    heap: list[tuple[float, int]] = [(0.0, j)]
    while heap:
        d, u = heapq.heappop(heap)
        if u in dist:
            continue
        dist[u] = d
        for v in data.nbrs[u]:
            if v in allowed and v not in dist:
                step = float(np.hypot(data.x[u] - data.x[v], data.y[u] - data.y[v]))
                heapq.heappush(heap, (d + step, v))
    return dist
