"""Recombination moves (ReCom, DeFord, Duchin and Solomon 2021) to lower the cut
edges of a plan that is already within bounds.

One move merges two adjacent districts, draws a random spanning tree of the union
(Kruskal on random edge weights) and cuts the tree edge that splits it into two
parts within [lo, hi] with the fewest graph edges between them. The weights of
edges on the current boundary get a random extra (``BIAS``): the larger it is, the
more the tree is two trees of the old districts joined by few boundary edges, so
the move searches near the current boundary instead of anywhere in the union; on
the tract graphs (300-700 nodes) unbiased trees almost never beat a good boundary.
Both parts are connected (they are subtrees) and within bounds, and nothing else
changes, so the plan stays feasible; the move is kept when the two districts'
shared boundary does not grow (equal moves let the plan drift). Single-node moves
rarely keep a ±0.5 % band; a recombination re-draws a whole boundary at once.
"""

from __future__ import annotations

import random
import time

from optimizer.districting.spanning import rooted, spanning_tree, subtree

BIAS = (0.0, 0.5, 1.0, 2.0, 4.0)   # extra tree weight of boundary edges, one per move


def recombine(nbrs: list[list[int]], w: list[int], labels: list[int], k: int, lo: int,
              hi: int, rng: random.Random, deadline: float, max_moves: int = 1_000_000,
              stall_moves: int | None = None) -> list[int]:
    """The plan after recombination moves until ``deadline`` (or ``max_moves``
    attempts, or ``stall_moves`` attempts in a row that did not lower the cut
    count); ``labels`` (0..k-1, within bounds, each district connected) is not
    changed."""
    labels = list(labels)
    last_gain = 0
    for move in range(max_moves):
        if move % 8 == 0 and time.monotonic() >= deadline:
            break
        if stall_moves is not None and move - last_gain >= stall_moves:
            break
        pairs = sorted({(labels[a], labels[b]) for a, nb in enumerate(nbrs) for b in nb
                        if labels[a] < labels[b]})
        if not pairs:
            break
        d1, d2 = pairs[rng.randrange(len(pairs))]
        members = [v for v in range(len(nbrs)) if labels[v] in (d1, d2)]
        split = _best_split(nbrs, w, members, lo, hi, rng, labels, rng.choice(BIAS))
        if split is None:
            continue
        side, crossing = split
        old = sum(1 for a in members for b in nbrs[a]
                  if a < b and labels[b] in (d1, d2) and labels[a] != labels[b])
        if crossing < old:
            last_gain = move
        if crossing <= old:
            for v in members:
                labels[v] = d1 if v in side else d2
    return labels


def _best_split(nbrs: list[list[int]], w: list[int], members: list[int], lo: int, hi: int,
                rng: random.Random, labels: list[int], bias: float
                ) -> tuple[set[int], int] | None:
    """(one side, edges between the sides) of the best balanced cut of a random
    spanning tree of ``members``, whose edges between different ``labels`` weigh
    ``bias`` more; None when no tree edge splits it within bounds."""
    inside = set(members)
    edges = [(rng.random() + (bias if labels[a] != labels[b] else 0.0), a, b)
             for a in members for b in nbrs[a] if a < b and b in inside]
    tree = spanning_tree(members, edges)
    # Subtree weights from an arbitrary root, in BFS order.
    order, up = rooted(tree, members[0])
    if len(order) != len(members):
        return None     # the union is not connected (cannot happen for adjacent districts)
    total = sum(w[v] for v in members)
    sub = {v: w[v] for v in members}
    for v in reversed(order[1:]):
        sub[up[v]] += sub[v]
    best: tuple[set[int], int] | None = None
    for v in order[1:]:
        if not (lo <= sub[v] <= hi and lo <= total - sub[v] <= hi):
            continue
        side = subtree(tree, up, v)
        crossing = sum(1 for a in side for b in nbrs[a] if b in inside and b not in side)
        if best is None or crossing < best[1]:
            best = (side, crossing)
    return best

