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


def rooted(tree: dict[int, list[int]], root: int) -> tuple[list[int], dict[int, int]]:
    """The tree's nodes reachable from ``root`` in breadth-first order, and each one's
    parent (-1 for the root); fewer nodes than the tree has means it is not connected."""
    order, up = [root], {root: -1}
    for u in order:
        for v in tree[u]:
            if v not in up:
                up[v] = u
                order.append(v)
    return order, up


def subtree(tree: dict[int, list[int]], up: dict[int, int], v: int) -> set[int]:
    """``v`` and every node below it when the tree hangs from the root of ``up``."""
    out = {v}
    stack = [v]
    while stack:
        u = stack.pop()
        for x in tree[u]:
            if x != up[u] and x not in out:
                out.add(x)
                stack.append(x)
    return out
