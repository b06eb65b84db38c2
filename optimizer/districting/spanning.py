"""A spanning tree by Kruskal's rule, shared by the recombination step
(:mod:`optimizer.districting.recom`) and the tree-partition starts
(:mod:`optimizer.districting.treepart`): both cut random spanning trees."""

from __future__ import annotations

from collections.abc import Iterable


def spanning_tree(members: Iterable[int],
                  edges: Iterable[tuple[float, int, int]]) -> dict[int, list[int]]:
    """Adjacency lists of the spanning forest of ``members`` that takes ``edges``
    (weight, a, b) lightest first (ties by a, then b)."""
    parent = {v: v for v in members}

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    tree: dict[int, list[int]] = {v: [] for v in parent}
    for _, a, b in sorted(edges):
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[ra] = rb
            tree[a].append(b)
            tree[b].append(a)
    return tree
