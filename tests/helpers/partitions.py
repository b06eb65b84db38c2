"""Every set partition of a small list, for brute-force tests (Bell(9) = 21,147),
and the random small districting instances the brute-force tests share."""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence

import networkx as nx
import numpy as np

from optimizer.districting.graph import GraphArrays, make_arrays
from optimizer.scenario.model import Scenario


def set_partitions(items: list[int]) -> Iterator[list[list[int]]]:
    """Each partition once, as a list of blocks."""
    if not items:
        yield []
        return
    first, rest = items[0], items[1:]
    for part in set_partitions(rest):
        for i in range(len(part)):
            yield part[:i] + [[first, *part[i]]] + part[i + 1:]
        yield [[first], *part]


def random_graph(rng: random.Random, n: int) -> GraphArrays:
    """A random spanning tree plus a few chords; weights 1..9 with a heavy node or two."""
    edges = {(rng.randrange(i), i) for i in range(1, n)}
    for _ in range(n // 2):
        a, b = sorted(rng.sample(range(n), 2))
        edges.add((a, b))
    w = [rng.randint(1, 9) for _ in range(n)]
    return make_arrays(w, sorted(edges))


def feasible_plans(g: GraphArrays, k: int, lo: int, hi: int) -> list[list[list[int]]]:
    """Every partition into k connected districts of weight in [lo, hi]."""
    graph = g.to_networkx()
    out = []
    for parts in set_partitions(list(range(g.n))):
        if len(parts) != k:
            continue
        if not all(lo <= sum(int(g.weights[i]) for i in p) <= hi for p in parts):
            continue
        if all(nx.is_connected(graph.subgraph(p)) for p in parts):
            out.append(parts)
    return out


def labels_of(n: int, parts: list[list[int]]) -> np.ndarray:
    """District index per node of a list of blocks."""
    a = np.empty(n, dtype=np.int64)
    for d, p in enumerate(parts):
        a[p] = d
    return a


# (seed, n, k, slack): small random instances, some infeasible, shared by the
# brute-force tests of the fixing and of the MIP.
RANDOM_CASES = [(s, 8 + s % 2, 2 + s % 3, s % 4) for s in range(14)]


def random_instance(seed: int, n: int, k: int,
                    slack: int) -> tuple[GraphArrays, int, int, list[list[list[int]]]]:
    """A random graph, bounds [lo, hi] around total/k widened by ``slack``, and every
    feasible plan of it."""
    g = random_graph(random.Random(seed), n)
    total = int(g.weights.sum())
    lo, hi = total // k - 2 - slack, total // k + 2 + slack
    return g, lo, hi, feasible_plans(g, k, lo, hi)


def grid_arrays(rows: int, cols: int, weights: list[int]) -> GraphArrays:
    edges = [(r * cols + c, r * cols + c + 1) for r in range(rows) for c in range(cols - 1)]
    edges += [(r * cols + c, (r + 1) * cols + c) for r in range(rows - 1) for c in range(cols)]
    return make_arrays(weights, edges)


def random_grid(seed: int, side: int, k: int, band: float) -> tuple[GraphArrays, int, int]:
    """A side x side grid of random weights 5..40, and bounds ideal +- band."""
    rng = random.Random(seed)
    weights = [rng.randint(5, 40) for _ in range(side * side)]
    total = sum(weights)
    g = grid_arrays(side, side, weights)
    return g, int(total / k * (1 - band)), int(total / k * (1 + band)) + 1


def connected_in(s: Scenario, group: Sequence[int]) -> bool:
    """Whether the units ``group`` of ``s`` form one connected group (brute-force
    tests' own check, not the product's)."""
    members = set(group)
    first = next(iter(group))
    seen, todo = {first}, [first]
    while todo:
        u = todo.pop()
        for v in s.neighbours[u].tolist():
            if v in members and v not in seen:
                seen.add(v)
                todo.append(v)
    return seen == members


def holds_of(n: int, groups: Sequence[Sequence[int]]) -> list[list[int]]:
    """Per unit, the indices of the groups holding it (the core searches' input)."""
    holds: list[list[int]] = [[] for _ in range(n)]
    for k, g in enumerate(groups):
        for u in g:
            holds[u].append(k)
    return holds
