"""The districting core shared by every model: assign each node to a center, keep
each district within [lo, hi] weight, and keep it contiguous.

Works on any :class:`Region` (a node-weighted graph with coordinates), so the
community planner and the general districting API build on the same constraints.
Every constraint is linear.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from optimizer.districting.region import Region, geodesic, reach


@dataclass
class Partition:
    x: dict[tuple[int, int], cp_model.IntVar]    # (node, center) -> node in that district
    centers: list[int]
    members: dict[int, list[int]]                # center -> nodes it can reach
    weight: dict[int, cp_model.LinearExprT]      # center -> district weight
    lo_slack: dict[int, cp_model.IntVar] = field(default_factory=dict)
    hi_slack: dict[int, cp_model.IntVar] = field(default_factory=dict)
    weight_hi: int = 0                           # largest weight a district can have

    def open(self, j: int) -> cp_model.IntVar:
        return self.x[j, j]


def add_partition(m: Any, data: Region, centers: list[int], *,
                  contiguity: str = "order", soft: bool = False,
                  count: tuple[int, int] | None = None,
                  center_first: bool = False, free: frozenset[int] = frozenset(),
                  breakers: frozenset[int] = frozenset()) -> Partition:
    """Add the partition constraints to ``m``.

    ``contiguity``: "order" (shortest-path ordering, Oehrlein-Haunert: small and
    fast, but it admits only districts in which every node has a member neighbour
    closer to the center, so its bound is not a bound of the true problem), "flow"
    (single-commodity flow from the center: exactly the connected districts),
    "adjacent" (every member but the center has a member neighbour: a necessary
    condition, so a relaxation whose bound is valid) or "none". ``soft`` turns the
    weight bounds into slack variables (the caller penalizes them). ``count`` =
    (min, max) number of districts; by default the range the total weight allows
    (none in soft mode). ``center_first``: a district's center is its smallest node
    (breaks the symmetry of choosing a center when the objective does not depend on
    it, e.g. cut edges): center ``j`` only takes nodes ``i >= j`` reachable through
    such nodes, and a center whose reachable weight is below ``lo`` is closed.
    ``free`` (with ``soft``): the only centers whose districts may leave the bounds
    (slack), each of them open; every other district keeps them exactly (units above
    the maximum: their districts alone break the bounds). ``breakers`` (with ``soft``):
    the nodes a district must hold to leave the bounds (a piece's cores: units no
    non-overlapping districts within the bounds can hold all of; a district holding
    none of them has no ground to break the bounds).
    """
    h = [int(v) for v in data.weights]
    limit = data.hi + (max(h) if soft else 0)
    if contiguity == "none":
        # Without contiguity a district need not hold a path to its center: any node
        # light enough may join any center (path reach would wrongly prune).
        reaches = {j: {i: (h[i], 0.0) for i in range(j if center_first else 0, data.n)
                       if h[i] <= limit or i == j} for j in centers}
    elif center_first:
        reaches = {j: _reach_above(data, j, limit) for j in centers}
    else:
        # A free district may hold any connected share of the region.
        reaches = {j: reach(data, j, sum(h) if j in free else limit) for j in centers}
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    for j in centers:
        for i in sorted(reaches[j]):
            x[i, j] = m.new_bool_var(f"x_{i}_{j}")
    by_node: dict[int, list[int]] = {}
    for (i, j) in x:
        by_node.setdefault(i, []).append(j)
    # Every node belongs to exactly one district (one whose center can reach it).
    for i in range(data.n):
        m.add(sum(x[i, j] for j in by_node.get(i, [])) == 1)
    part = Partition(x, centers, {j: sorted(reaches[j]) for j in centers}, {},
                     weight_hi=sum(h) if free else max(limit, max(h)))
    for j in centers:
        y = x[j, j]
        members = part.members[j]
        wt = sum(h[i] * x[i, j] for i in members)
        part.weight[j] = wt
        if center_first and not soft and sum(h[i] for i in members) < data.lo:
            m.add(y == 0)
        # A node joins only an open district.
        for i in members:
            if i != j:
                m.add(x[i, j] <= y)
        # SIZE-*: weight within [lo, hi] (soft: slack the caller penalizes).
        if free and j in free:
            m.add(y == 1)
        if soft and (not free or j in free):
            lo_s = m.new_int_var(0, data.lo, f"lo_slack_{j}")
            hi_s = m.new_int_var(0, part.weight_hi, f"hi_slack_{j}")
            m.add(wt + lo_s >= data.lo * y)
            m.add(wt - hi_s <= data.hi * y)
            if breakers:
                held = [x[c, j] for c in sorted(breakers) if (c, j) in x]
                m.add(lo_s <= data.lo * sum(held))
                m.add(hi_s <= part.weight_hi * sum(held))
            part.lo_slack[j], part.hi_slack[j] = lo_s, hi_s
        else:
            m.add(wt >= data.lo * y)
            m.add(wt <= data.hi * y)
        if contiguity == "flow":
            _add_flow(m, x, data, j, members)
        elif contiguity == "order":
            _add_order(m, x, data, j, members)
        elif contiguity == "adjacent":
            _add_adjacent(m, x, data, j, members)
    for j in free:
        for o in free:
            if o != j and (o, j) in x:
                m.add(x[o, j] == 0)     # two free districts never merge
    opened = sum(x[j, j] for j in centers)
    total = sum(h)
    if count is not None:
        m.add(opened >= count[0])
        m.add(opened <= count[1])
    elif not soft:
        # Redundant but strengthening: all weight is assigned, so between ceil(H/hi)
        # and floor(H/lo) districts.
        m.add(opened >= -(-total // data.hi))
        if data.lo > 0:
            m.add(opened <= total // data.lo)
    return part


def _reach_above(data: Region, j: int, limit: int) -> dict[int, tuple[int, float]]:
    """:func:`reach` from ``j`` through nodes ``>= j`` only (``center_first``)."""
    sub = Region(weights=data.weights,
                 nbrs=tuple(tuple(v for v in nb if v >= j) if u >= j else ()
                            for u, nb in enumerate(data.nbrs)),
                 x=data.x, y=data.y, lo=data.lo, hi=data.hi)
    return reach(sub, j, limit)


def _add_order(m: Any, x: dict[tuple[int, int], cp_model.IntVar],
               data: Region, j: int, members: list[int]) -> None:
    """Contiguity by shortest-path ordering: a member other than the center needs a
    member neighbour strictly closer to the center (geodesic, then index)."""
    dist = geodesic(data, j, set(members))
    for i in members:
        if i == j:
            continue
        closer = [k for k in data.nbrs[i] if (k, j) in x
                  and (dist.get(k, math.inf), k) < (dist[i], i)]
        m.add(x[i, j] <= sum(x[k, j] for k in closer))


def _add_adjacent(m: Any, x: dict[tuple[int, int], cp_model.IntVar], data: Region,
                  j: int, members: list[int]) -> None:
    """A necessary condition of contiguity (a relaxation, for bounds): a member other
    than the center has at least one member neighbour."""
    for i in members:
        if i != j:
            m.add(x[i, j] <= sum(x[k, j] for k in data.nbrs[i] if (k, j) in x))


def _add_flow(m: Any, x: dict[tuple[int, int], cp_model.IntVar],
              data: Region, j: int, members: list[int]) -> None:
    """Contiguity by flow: the center sends one unit of flow to each member along
    neighbour links between members, so the members are connected to the center."""
    cap = len(members) - 1
    if cap <= 0:
        return
    inflow: dict[int, list[cp_model.IntVar]] = {i: [] for i in members}
    outflow: dict[int, list[cp_model.IntVar]] = {i: [] for i in members}
    for a in members:
        for b in data.nbrs[a]:
            if b == j or (b, j) not in x:
                continue
            f = m.new_int_var(0, cap, f"f_{j}_{a}_{b}")
            # Flow only runs between members of this district.
            m.add(f <= cap * x[b, j])
            m.add(f <= cap * x[a, j])
            inflow[b].append(f)
            outflow[a].append(f)
    for i in members:
        if i != j:
            # Each member other than the center keeps one unit of the flow it receives.
            m.add(sum(inflow[i]) - sum(outflow[i]) == x[i, j])
