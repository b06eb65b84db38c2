"""A region to district: a node-weighted graph with coordinates and the weight
bounds of a district. The general, household-agnostic input of every districting
model (:mod:`optimizer.districting.partition`); the community planner's piece
(:class:`optimizer.model.piece.PieceData`) is a Region whose weights are households.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False)
class Region:
    weights: np.ndarray                # per node
    nbrs: tuple[tuple[int, ...], ...]  # adjacency
    x: np.ndarray                      # coordinates in metres (zeros when unknown)
    y: np.ndarray
    lo: int                            # district weight bounds
    hi: int

    @property
    def n(self) -> int:
        return len(self.weights)

    @property
    def total(self) -> int:
        return int(self.weights.sum())

    def dist_km(self, i: int, j: int) -> float:
        return float(np.hypot(self.x[i] - self.x[j], self.y[i] - self.y[j])) / 1000.0


def reach(data: Region, j: int, limit: int) -> dict[int, tuple[int, float]]:
    """Nodes a district centred at ``j`` can contain: those joined to ``j`` by a path
    whose weight (both ends included) totals at most ``limit``. Any connected
    district holding ``i`` and ``j`` within the bound contains such a path, so this
    restriction loses no feasible district. Returns {node: (path weight,
    geometric path length in metres)} from a node-weighted Dijkstra (ties broken by
    length, then index, for determinism)."""
    h = data.weights
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


def geodesic(data: Region, j: int, allowed: set[int]) -> dict[int, float]:
    """Shortest path length (metres, along neighbour links between the nodes'
    points) from ``j`` to every node of ``allowed``, moving only inside ``allowed``."""
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
