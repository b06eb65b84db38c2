"""Safe variable fixing for the fixed-k labelling model (Validi and Buchanan 2022,
Section 4), computed on the graph before the model is built.

In the labelling model each district's root is its first node in the node order and
district d is the one whose root comes d-th. Three facts about any feasible plan
follow, whatever its cut count:

* **Back of the order (L-fixing).** Order the light nodes last. If every connected
  piece of the induced subgraph on the last nodes ``order[q:]`` weighs less than L,
  none of them can be a root: a district rooted there holds only nodes after its
  root, all in that set, connected, so it weighs less than L. And the node t places
  before q can root district d only if d >= k - t (the k - 1 - d districts after d
  need roots of their own between it and q).
* **Far heavy nodes (U-fixing).** Order heavy nodes first. If the j-th node is
  farther than U from every earlier one (distance: the least total weight on a path
  between them, both ends included), it shares a district with none of them, so it
  roots district j. A node farther than U from it cannot join district j.
* **Reach of a root.** A district rooted at position p holds only nodes at positions
  >= p. So p can root nothing if it reaches less than L in that subgraph, and a node
  farther than U (in that subgraph) from every node that may root district d cannot
  join d.
* **Diagonal.** The p-th node can only be in districts 0..p (already built into the
  model).
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np

from optimizer.districting.graph import GraphArrays


@dataclass(frozen=True)
class Fixing:
    order: np.ndarray                  # order[p] = node at position p
    q: int                             # positions >= q never root a district
    fixed_roots: int                   # positions 0..fixed_roots-1 root districts 0..
    far: dict[int, np.ndarray]         # district d -> bool per position: cannot join d
    rootable: np.ndarray               # bool per position: reaches >= L after itself

    def may_root(self, p: int, d: int, k: int) -> bool:
        """Can the node at position p be the root of district d?"""
        if p >= self.q or p < d or not self.rootable[p]:
            return False
        if d < self.fixed_roots:
            return p == d
        if p < self.fixed_roots:
            return False
        return d >= k - (self.q - p)


def back_set(g: GraphArrays, lo: int) -> np.ndarray:
    """A large set of nodes whose induced connected pieces each weigh < ``lo``,
    built greedily from the lightest node (a node joins if the piece it would merge
    into stays below ``lo``). Returns a bool mask."""
    nb = g.nbrs()
    parent = np.arange(g.n)
    weight = g.weights.astype(np.int64).copy()
    inside = np.zeros(g.n, dtype=bool)

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = int(parent[a])
        return a

    for v in np.argsort(g.weights, kind="stable"):
        v = int(v)
        roots = {find(u) for u in nb[v] if inside[u]}
        total = int(g.weights[v]) + sum(int(weight[r]) for r in roots)
        if total >= lo:
            continue
        inside[v] = True
        for r in roots:
            parent[r] = v
        weight[v] = total
    return inside


def weighted_distances(nbrs: tuple[tuple[int, ...], ...], w: np.ndarray, src: int,
                       blocked: np.ndarray, cap: int) -> np.ndarray:
    """Least total node weight on a path from ``src`` to each node (both ends
    included), not passing through ``blocked`` nodes; cap+1 where > cap."""
    n = len(w)
    dist = np.full(n, cap + 1, dtype=np.int64)
    dist[src] = int(w[src])
    heap = [(int(w[src]), src)]
    while heap:
        d, u = heapq.heappop(heap)
        if d > dist[u]:
            continue
        for v in nbrs[u]:
            if blocked[v]:
                continue
            nd = d + int(w[v])
            if nd < dist[v] and nd <= cap:
                dist[v] = nd
                heapq.heappush(heap, (nd, v))
    return dist


def compute_fixing(g: GraphArrays, k: int, lo: int, hi: int) -> Fixing:
    """The order (heavy nodes first, the back set last, each by decreasing weight)
    and what it lets us fix; see the module doc."""
    back = back_set(g, lo)
    w = g.weights
    front = [int(v) for v in np.argsort(-w, kind="stable") if not back[v]]
    tail = [int(v) for v in np.argsort(-w, kind="stable") if back[v]]
    order = np.asarray(front + tail, dtype=np.int64)
    nb = g.nbrs()
    fixed = 0
    unblocked = np.zeros(g.n, dtype=bool)
    for j in range(min(k, len(front))):
        v = int(order[j])
        near = weighted_distances(nb, w, v, unblocked, hi)
        if any(near[int(order[t])] <= hi for t in range(j)):
            break
        fixed += 1
    # A district rooted at position p holds only nodes at positions >= p: its
    # root must reach L in that subgraph, and its members lie within U of it.
    q = len(front)
    rootable = np.zeros(g.n, dtype=bool)
    reach: dict[int, np.ndarray] = {}
    before = np.zeros(g.n, dtype=bool)         # by node: position < p
    total = int(w.sum())
    for p in range(q):
        v = int(order[p])
        dist = weighted_distances(nb, w, v, before, total)
        rootable[p] = int(w[dist <= total].sum()) >= lo
        reach[p] = (dist <= hi)[order]
        before[v] = True
    base = Fixing(order=order, q=q, fixed_roots=fixed, far={}, rootable=rootable)
    far = {}
    for d in range(k):
        near = np.zeros(g.n, dtype=bool)
        for p in range(q):
            if base.may_root(p, d, k):
                near |= reach[p]
        far[d] = ~near
    return Fixing(order=order, q=q, fixed_roots=fixed, far=far, rootable=rootable)
