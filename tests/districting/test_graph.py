"""connected_without against networkx on random labelings of small grids."""
from __future__ import annotations

import networkx as nx
import numpy as np

from optimizer.districting.graph import connected_without


def _grid(rows: int, cols: int) -> list[list[int]]:
    g = nx.grid_2d_graph(rows, cols)
    index = {node: i for i, node in enumerate(sorted(g.nodes))}
    nbrs: list[list[int]] = [[] for _ in index]
    for a, b in g.edges:
        nbrs[index[a]].append(index[b])
        nbrs[index[b]].append(index[a])
    return nbrs


def _expected(nbrs: list[list[int]], labels: list[int], v: int) -> bool:
    rest = [u for u in range(len(nbrs)) if labels[u] == labels[v] and u != v]
    near = [u for u in nbrs[v] if labels[u] == labels[v]]
    if not near:
        return False
    g = nx.Graph()
    g.add_nodes_from(rest)
    g.add_edges_from((a, b) for a in rest for b in nbrs[a] if b in g and labels[b] == labels[a])
    comp = nx.node_connected_component(g, near[0])
    return all(u in comp for u in near)


def test_connected_without_matches_networkx_on_random_labelings() -> None:
    rng = np.random.default_rng(7)
    nbrs = _grid(4, 5)
    seen = {True: 0, False: 0}
    for _ in range(400):
        labels = [int(x) for x in rng.integers(0, 3, size=len(nbrs))]
        for v in range(len(nbrs)):
            want = _expected(nbrs, labels, v)
            assert connected_without(nbrs, labels, v) == want, (labels, v)
            assert connected_without(nbrs, np.array(labels), v) == want
            seen[want] += 1
    assert seen[True] > 100 and seen[False] > 100     # both answers exercised


def test_connected_without_a_path_cut_in_the_middle() -> None:
    nbrs = [[1], [0, 2], [1, 3], [2]]                # a path 0-1-2-3, one district
    labels = [0, 0, 0, 0]
    assert not connected_without(nbrs, labels, 1)     # 0 is cut off from 2-3
    assert connected_without(nbrs, labels, 0)         # an end may leave
    assert not connected_without(nbrs, [0, 1, 1, 1], 0)   # alone: its district would be empty
