"""Node-weighted graphs for the general districting API, as plain arrays.

A :class:`GraphArrays` is what :func:`optimizer.districting.solve.solve_graph` works on; a
networkx graph is converted once at the edge by :func:`graph_arrays`.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import networkx as nx
import numpy as np

from optimizer.errors import Problem


@dataclass(frozen=True, eq=False)
class GraphArrays:
    weights: np.ndarray          # int64 weight per node 0..n-1
    edges: np.ndarray            # (m, 2) int64, i < j, unique, sorted
    x: np.ndarray | None = None  # coordinates (any planar unit), for the Hess objective
    y: np.ndarray | None = None
    labels: tuple[Hashable, ...] = ()  # original node names (networkx input)

    @property
    def n(self) -> int:
        return len(self.weights)

    def nbrs(self) -> tuple[tuple[int, ...], ...]:
        out: list[list[int]] = [[] for _ in range(self.n)]
        for a, b in self.edges:
            out[int(a)].append(int(b))
            out[int(b)].append(int(a))
        return tuple(tuple(sorted(v)) for v in out)

    def to_networkx(self) -> nx.Graph:
        g = nx.Graph()
        g.add_nodes_from(range(self.n))
        g.add_edges_from((int(a), int(b)) for a, b in self.edges)
        return g


def make_arrays(weights: np.ndarray | list[int], edges: np.ndarray | list[tuple[int, int]],
                x: np.ndarray | list[float] | None = None,
                y: np.ndarray | list[float] | None = None,
                labels: tuple[Hashable, ...] = ()) -> GraphArrays:
    """Normalize arrays: edges as sorted unique pairs i < j. Raises ValueError listing
    every problem (self-loop, node out of range, negative or non-integer weight)."""
    w = np.asarray(weights)
    problems: list[Problem] = []
    if w.size and (not np.all(np.equal(np.mod(w, 1), 0)) or np.any(w < 0)):
        bad = [int(i) for i in np.flatnonzero((np.mod(w, 1) != 0) | (w < 0))]
        problems.append(Problem("graph", "weights must be integers >= 0", record=f"node {bad[0]}",
                                field="weight", value=w[bad[0]]))
    w = w.astype(np.int64)
    e = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
    for a, b in e:
        if a == b or min(a, b) < 0 or max(a, b) >= len(w):
            problems.append(Problem("graph", "edge must join two different nodes 0..n-1",
                                    record=f"edge ({a}, {b})", field="edges",
                                    value=(int(a), int(b))))
    if problems:
        raise ValueError("; ".join(str(p) for p in problems))
    e = np.sort(e, axis=1)
    e = np.unique(e, axis=0) if len(e) else e
    xs = None if x is None else np.asarray(x, dtype=float)
    ys = None if y is None else np.asarray(y, dtype=float)
    return GraphArrays(w, e, xs, ys, labels)


def graph_arrays(graph: nx.Graph, *, weight: str = "population",
                 x: str | None = "x", y: str | None = "y") -> GraphArrays:
    """Arrays of a networkx graph: node weights from attribute ``weight``, coordinates
    from ``x``/``y`` when every node has them. Nodes keep the graph's order."""
    labels = tuple(graph.nodes)
    index = {v: i for i, v in enumerate(labels)}
    attrs = graph.nodes
    w = [attrs[v].get(weight) for v in labels]
    missing = [v for v, val in zip(labels, w, strict=True) if val is None]
    if missing:
        raise ValueError(f"graph: node {missing[0]!r} (and {len(missing) - 1} more) has no "
                         f"weight attribute {weight!r}")
    edges = [(index[a], index[b]) for a, b in graph.edges if a != b]
    xs = ys = None
    if x and y and all(x in attrs[v] and y in attrs[v] for v in labels):
        xs = [float(attrs[v][x]) for v in labels]
        ys = [float(attrs[v][y]) for v in labels]
    return make_arrays(w, edges, xs, ys, labels)


def adjacency_cuts(nbrs: Sequence[Sequence[int]], labels: Sequence[int] | np.ndarray) -> int:
    """Cut edges of a plan given per node of an adjacency list (each edge once)."""
    return sum(1 for a, nb in enumerate(nbrs) for b in nb if a < b and labels[a] != labels[b])


def connected_without(nbrs: Sequence[Sequence[int]], labels: Sequence[int] | np.ndarray,
                      v: int) -> bool:
    """Whether v's district stays connected once v leaves it: v's neighbours in the
    district all reach each other without passing v (a search inside the district).
    False when v has no neighbour in its district (v alone: the district would be
    empty, or v was cut off already). Single-unit moves in the heuristic and in the
    search's count moves both ask this before each move."""
    d = labels[v]
    same = [u for u in nbrs[v] if labels[u] == d]
    if not same:
        return False
    if len(same) == 1:
        return True
    want = set(same[1:])
    seen = {v, same[0]}
    todo = [same[0]]
    while todo and want:
        u = todo.pop()
        for x in nbrs[u]:
            if x not in seen and labels[x] == d:
                seen.add(x)
                want.discard(x)
                todo.append(x)
    return not want
