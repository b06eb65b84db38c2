"""Node order for the symmetry-broken districting model.

With ``center_first`` each district's center is its smallest node, so center ``j``
may only take nodes after it and reachable through them within the upper bound.
An order that walks the graph from one end (breadth-first from a peripheral node)
makes those reach sets local and small, which prunes most assignment variables.
"""

from __future__ import annotations

from collections import deque

import numpy as np

from optimizer.districting.graph import GraphArrays


def node_order(g: GraphArrays, lo: int, hi: int, strategy: str = "bfs") -> np.ndarray:
    """A permutation of 0..n-1: ``order[p]`` is the node placed at position p.
    ``strategy``: "bfs" (from a peripheral node, see module doc) or "identity"."""
    if strategy == "identity" or g.n == 0:
        return np.arange(g.n)
    if strategy != "bfs":
        raise ValueError(f"unknown node order strategy {strategy!r}")
    nbrs = g.nbrs()
    seen = np.zeros(g.n, dtype=bool)
    out: list[int] = []
    for root in range(g.n):
        if seen[root]:
            continue
        start = _far_end(nbrs, _far_end(nbrs, root))
        seen[start] = True
        queue = deque([start])
        while queue:
            u = queue.popleft()
            out.append(u)
            for v in nbrs[u]:
                if not seen[v]:
                    seen[v] = True
                    queue.append(v)
    return np.asarray(out, dtype=np.int64)


def _far_end(nbrs: tuple[tuple[int, ...], ...], root: int) -> int:
    """The last node a breadth-first search from ``root`` reaches (smallest index
    among the farthest), a standard pseudo-peripheral node step."""
    dist = {root: 0}
    queue = deque([root])
    while queue:
        u = queue.popleft()
        for v in nbrs[u]:
            if v not in dist:
                dist[v] = dist[u] + 1
                queue.append(v)
    far = max(dist.values())
    return min(v for v, d in dist.items() if d == far)
