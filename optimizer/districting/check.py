"""Independent checks of a districting plan, sharing no code with the model.

:func:`check_districting` recounts the cut edges and the district weights and
tests contiguity with networkx; :func:`infeasibility_reason` gives the overt reasons
no plan can exist (a node heavier than the upper bound, no feasible count).
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np

from optimizer.districting.graph import GraphArrays


@dataclass(frozen=True)
class DistrictingCheck:
    cut_edges: int
    weights: tuple[int, ...]        # per district label 0..k-1
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def check_districting(g: GraphArrays, assignment: np.ndarray | list[int], *,
                      lo: int, hi: int, k: int | None = None,
                      contiguity: bool = True) -> DistrictingCheck:
    """Recount everything from the assignment (district label per node)."""
    a = np.asarray(assignment)
    problems: list[str] = []
    if a.shape != (g.n,):
        return DistrictingCheck(-1, (), (f"assignment has shape {a.shape}, expected ({g.n},)",))
    labels = sorted({int(v) for v in a})
    if k is not None and len(labels) != k:
        problems.append(f"{len(labels)} districts, expected {k}")
    graph = nx.Graph()
    graph.add_nodes_from(range(g.n))
    graph.add_edges_from((int(u), int(v)) for u, v in g.edges)
    cut = sum(1 for u, v in graph.edges if a[u] != a[v])
    weights = []
    for d in labels:
        nodes = [i for i in range(g.n) if a[i] == d]
        w = int(sum(int(g.weights[i]) for i in nodes))
        weights.append(w)
        if not lo <= w <= hi:
            problems.append(f"district {d} weighs {w}, outside [{lo}, {hi}]")
        if contiguity and not nx.is_connected(graph.subgraph(nodes)):
            parts = nx.number_connected_components(graph.subgraph(nodes))
            problems.append(f"district {d} is in {parts} pieces")
    return DistrictingCheck(cut, tuple(weights), tuple(problems))


def infeasibility_reason(g: GraphArrays, k: int | None, lo: int, hi: int) -> str:
    """Why no plan can exist, for the reasons visible without search; "" if none."""
    total = int(g.weights.sum())
    heavy = [i for i in range(g.n) if int(g.weights[i]) > hi]
    if heavy:
        return (f"node {heavy[0]} weighs {int(g.weights[heavy[0]])} > U = {hi} "
                f"({len(heavy)} such node{'s' if len(heavy) > 1 else ''})")
    if k is not None and not k * lo <= total <= k * hi:
        return f"total weight {total} is outside [k·L, k·U] = [{k * lo}, {k * hi}]"
    if k is None and not any(c * lo <= total <= c * hi for c in range(1, g.n + 1)):
        return f"no district count c has c·L <= {total} <= c·U"
    return ""
