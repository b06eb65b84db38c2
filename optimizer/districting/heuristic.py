"""A fast feasible start for fixed-k cut-edge districting.

Region growing from k seeds (the heavy nodes, then farthest-point), then simulated
annealing over single-node boundary moves that keep every district connected: first
the energy is each district's squared distance from the ideal weight plus a little
for cut edges, so the bounds get met while the plan stays compact; once the plan is
within bounds, only moves that keep it within bounds are taken and the cut edges go
down. With bounds as tight as ±0.5 % the annealing often ends one move chain short
of the band; an exhaustive search over short chains of moves finishes it. Each plan
within bounds then gets recombination moves (:mod:`optimizer.districting.recom`),
which re-draw a whole boundary between two districts at once, until they stall.
Restarts with new seeds until the time is up. Pure Python: county graphs (n < 110)
do tens of thousands of moves a second.

The result is a hint for CP-SAT (:func:`optimizer.districting.solve.solve_graph`), not a
proof of anything; ``None`` if no plan within bounds was found.
"""

from __future__ import annotations

import math
import random
import time
from collections import deque

import numpy as np

from optimizer.districting.graph import GraphArrays, adjacency_cuts, connected_without
from optimizer.districting.recom import recombine

PEN_WEIGHT = 0.1   # energy per squared half-band outside [lo, hi]
CUT_WEIGHT = 0.05  # energy per cut edge while the plan is outside the bounds
STALL_MOVES = 10_000   # recombination moves on a round's plan stop after this many
                       # moves in a row without a gain (about 0.5 s on a county graph,
                       # 8 s on a 600-node tract graph; 5,000 and 20,000 did alike)


def heuristic_plan(g: GraphArrays, k: int, lo: int, hi: int, *, time_limit_s: float = 5.0,
                   seed: int = 0, rounds_after_first: int | None = None
                   ) -> np.ndarray | None:
    """Best contiguous plan of k districts within [lo, hi] found in the time budget
    (district label 0..k-1 per node), or None. Each round grows regions and anneals
    for about a second; a round that ends outside the bounds gets an exhaustive
    search of short move chains (:func:`_chain_fix`) from its closest plan, then
    more annealing within bounds; a plan within bounds then gets recombination moves
    until ``STALL_MOVES`` in a row bring no gain. Stops ``rounds_after_first`` rounds
    after the first plan (None: no limit), or at the time limit. Restarting (after
    20,000 moves) beat polishing one plan for the whole budget: at 120 s on UT, NV,
    AR and NM tract, 82 / 75 / 70 / 43 cut edges against 90 / 80 / 72 / 45."""
    if k <= 0 or g.n < k:
        return None
    rng = random.Random(seed)
    nbrs = [list(v) for v in g.nbrs()]
    w = [int(v) for v in g.weights]
    deadline = time.monotonic() + time_limit_s
    best: list[int] | None = None
    best_cut = math.inf
    extra = 0
    while time.monotonic() < deadline - 0.05 and (
            rounds_after_first is None or extra <= rounds_after_first):
        labels = _grow(nbrs, w, k, rng)
        if labels is None:
            return None
        near: list[list[int]] = []
        end = min(deadline, time.monotonic() + 1.0)
        plan = _anneal(nbrs, w, labels, k, lo, hi, rng, end, near)
        if plan is None and near:
            end = min(deadline, time.monotonic() + 1.0)
            for depth in (2, 4, 6):
                plan = _chain_fix(nbrs, w, near[0], k, lo, hi, depth, end)
                if plan is not None:
                    break
            if plan is not None:
                end = min(deadline, time.monotonic() + 1.0)
                plan = _anneal(nbrs, w, plan, k, lo, hi, rng, end, near) or plan
        if plan is not None:
            plan = recombine(nbrs, w, plan, k, lo, hi, rng, deadline,
                             stall_moves=STALL_MOVES)
        cut = math.inf if plan is None else adjacency_cuts(nbrs, plan)
        if cut < best_cut:
            best, best_cut = plan, cut
        if best is not None:
            extra += 1
    return None if best is None else np.asarray(best, dtype=np.int64)


def _grow(nbrs: list[list[int]], w: list[int], k: int,
          rng: random.Random) -> list[int] | None:
    """k connected regions covering the graph: the heavy nodes (over a third of the
    ideal weight) and then farthest-point nodes as seeds; then repeatedly the
    (region, free neighbour) pair with the lightest resulting region (with noise)."""
    n = len(nbrs)
    ideal = sum(w) / k
    heavy = sorted((v for v in range(n) if w[v] > ideal / 3), key=lambda v: -w[v])
    seeds = heavy[:k] if heavy else [rng.randrange(n)]
    dist = [min(ds) for ds in zip(*(_bfs(nbrs, s) for s in seeds), strict=True)]
    while len(seeds) < k:
        far = max(range(n), key=lambda v: (dist[v], rng.random()))
        if dist[far] == 0:
            return None
        seeds.append(far)
        dist = [min(a, b) for a, b in zip(dist, _bfs(nbrs, far), strict=True)]
    labels = [-1] * n
    weight = [0] * k
    for d, s in enumerate(seeds):
        labels[s] = d
        weight[d] = w[s]
    free = n - k
    while free:
        pairs = {(labels[u], v) for u in range(n) if labels[u] >= 0
                 for v in nbrs[u] if labels[v] < 0}
        if not pairs:
            return None   # graph not connected
        d, v = min(pairs, key=lambda p: (weight[p[0]] + w[p[1]]) * (1 + 0.05 * rng.random()))
        labels[v] = d
        weight[d] += w[v]
        free -= 1
    return labels


def _bfs(nbrs: list[list[int]], root: int) -> list[int]:
    dist = [len(nbrs) + 1] * len(nbrs)
    dist[root] = 0
    q = deque([root])
    while q:
        u = q.popleft()
        for v in nbrs[u]:
            if dist[v] > dist[u] + 1:
                dist[v] = dist[u] + 1
                q.append(v)
    return [0 if d > len(nbrs) else d for d in dist]


def _anneal(nbrs: list[list[int]], w: list[int], labels: list[int], k: int, lo: int, hi: int,
            rng: random.Random, deadline: float, near: list[list[int]]) -> list[int] | None:
    """Best plan within bounds (None if none); ``near`` receives the plan that came
    closest to the bounds. Outside the bounds the energy is the squared distance of
    each district's weight from the ideal (in half-bands; continuous, so weight can
    be pushed along a chain of districts) plus a little for cut edges; within
    bounds, only moves that stay within bounds are taken and the energy is the cuts."""
    n = len(nbrs)
    labels = list(labels)
    weight = [0] * k
    for v in range(n):
        weight[labels[v]] += w[v]
    half = max(1.0, (hi - lo) / 2)
    ideal = (lo + hi) / 2

    def dev(x: int) -> float:
        return ((x - ideal) / half) ** 2

    def inside(x: int) -> bool:
        return lo <= x <= hi

    feasible = all(inside(x) for x in weight)
    pen = sum(dev(x) for x in weight)
    cut = adjacency_cuts(nbrs, labels)
    best: list[int] | None = labels[:] if feasible else None
    best_cut = cut if feasible else math.inf
    near[:] = [labels[:]]
    near_pen = pen
    arcs = [(a, b) for a in range(n) for b in nbrs[a]]
    temp, steps = 2.0, 0
    while True:
        steps += 1
        if steps % 256 == 0:
            if time.monotonic() > deadline:
                break
            temp = max(0.05, temp * 0.97)
        a, b = arcs[rng.randrange(len(arcs))]
        da, db = labels[a], labels[b]
        if da == db:
            continue
        new_wa, new_wb = weight[da] - w[a], weight[db] + w[a]   # move a from da to db
        if feasible and not (inside(new_wa) and inside(new_wb)):
            continue
        dcut = sum(1 for u in nbrs[a] if labels[u] == da) - sum(
            1 for u in nbrs[a] if labels[u] == db)
        if feasible:
            energy: float = dcut
        else:
            dpen = dev(new_wa) + dev(new_wb) - dev(weight[da]) - dev(weight[db])
            energy = PEN_WEIGHT * dpen + CUT_WEIGHT * dcut
        if energy > 0 and rng.random() >= math.exp(-energy / temp):
            continue
        if not connected_without(nbrs, labels, a):
            continue
        labels[a] = db
        weight[da], weight[db] = new_wa, new_wb
        cut += dcut
        if not feasible:
            pen = sum(dev(x) for x in weight)
            feasible = all(inside(x) for x in weight)
            if pen < near_pen:
                near[:], near_pen = [labels[:]], pen
            if feasible:
                temp = 1.0
        if feasible and cut < best_cut:
            best, best_cut = labels[:], cut
    return best


def _chain_fix(nbrs: list[list[int]], w: list[int], labels: list[int], k: int, lo: int,
               hi: int, depth: int, deadline: float) -> list[int] | None:
    """Exhaustive search over up to ``depth`` single-node moves that each take a node
    out of a district above ``hi`` or into one below ``lo`` (keeping districts
    connected): the exact last step the annealing often misses. None if none."""
    weight = [0] * k
    for v, d in enumerate(labels):
        weight[d] += w[v]
    labels = list(labels)

    def bad() -> list[int]:
        return [d for d in range(k) if not lo <= weight[d] <= hi]

    def go(left: int) -> bool:
        out = bad()
        if not out:
            return True
        if left == 0 or len(out) > 2 * left:   # a move mends at most two districts
            return False
        if time.monotonic() > deadline:
            return False
        for d in out:
            over = weight[d] > hi
            for v in range(len(nbrs)):
                if (labels[v] == d) != over:
                    continue
                near_ds = {labels[u] for u in nbrs[v]} - {labels[v]}
                if not over and d not in near_ds:
                    continue
                for t in (sorted(near_ds) if over else [d]):
                    src, dst = (d, t) if over else (labels[v], d)
                    if not connected_without(nbrs, labels, v):
                        break
                    labels[v] = dst
                    weight[src] -= w[v]
                    weight[dst] += w[v]
                    if go(left - 1):
                        return True
                    labels[v] = src
                    weight[src] += w[v]
                    weight[dst] -= w[v]
        return False

    return labels if go(depth) else None


WIDEN = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5)   # full band widths tried by relaxation_hint


def relaxation_hint(g: GraphArrays, k: int, lo: int, hi: int, *, seed: int = 0,
                    time_limit_s: float = 10.0) -> str:
    """For an instance proven infeasible: the narrowest band around the ideal weight
    (from ``WIDEN``, always containing [lo, hi]) in which the heuristic finds a
    contiguous plan, in words; "" if none in the time. It shows how far the bounds
    would have to move, not the least such move (that would need a proof)."""
    total = int(g.weights.sum())
    ideal = total / k
    deadline = time.monotonic() + time_limit_s
    slice_s = max(1.0, time_limit_s / len(WIDEN))
    searched = False
    for width in WIDEN:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        lo2 = min(lo, math.ceil((1 - width / 2) * ideal))
        hi2 = max(hi, math.floor((1 + width / 2) * ideal))
        if (lo2, hi2) == (lo, hi):
            continue
        plan = heuristic_plan(g, k, lo2, hi2, seed=seed, rounds_after_first=0,
                              time_limit_s=min(left, slice_s))
        if plan is None:
            searched = True
        else:
            w = np.bincount(plan, weights=g.weights, minlength=k)
            tried = (f" (narrower bands got {slice_s:.1f} s each and no plan; one may "
                     f"still exist)") if searched else ""
            return (f"with the bounds widened to [{lo2}, {hi2}] (±{width / 2:.1%} of the "
                    f"ideal {ideal:,.0f}) the heuristic found a contiguous plan (district "
                    f"weights {int(w.min()):,}-{int(w.max()):,}){tried}")
    return ""
