"""The fewest communities a piece can have, proven, not only counted from households.

Households alone give k ≥ ceil(H/U). With k communities each holds at most U, so
each holds at least ``L_k = H − (k−1)·U`` (and at least the policy's minimum L): on a
piece 99.7% full at its fewest count (a 159-village rural town: 23 communities of
1,398-1,500 households) that window is narrow, and contiguity may make the count
impossible. A bound that may start at k+1 is worth about one community's fixed cost.

Each count k from ceil(H/U) up is tried in a fixed order by exact, cheap arguments,
each a necessary condition of a plan with k communities within [L_k, U]:

1. **Components.** Each connected component c needs between ceil(h_c/U) and
   floor(h_c/L_k) communities of its own; k must be within the sums.
2. **Articulation units.** Removing unit a splits the piece into branches; a
   community reaching into two branches holds a, so every branch C is split into
   m whole communities (h_C − r in [m·L_k, m·U]) and a part r ≤ U − h_a in a's
   community; a's community holds h_a + Σr in [L_k, U] and 1 + Σm = k.
3. **Every unit in a window group.** Each unit must lie in some connected group of
   L_k..U households (an exact branch-and-bound search, each group grown from the
   unit: include or exclude a bordering unit, pruned by the households still
   reachable); a unit with none makes k impossible. Past ``max_nodes`` (all units
   together) nothing is proven.
4. **CP-SAT** (only with ``cp_s`` > 0): k districts within [L_k, U], connected by
   flow, a district's centre its smallest unit; only INFEASIBLE counts, within a
   deterministic time limit (so the result does not depend on the machine).

The counts proven impossible raise the floor while the proofs succeed; the first
count with no proof ends it. Valid whatever the budgets: a search cut short proves
nothing.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import networkx as nx
from ortools.sat.python import cp_model

from optimizer.districting.partition import add_partition
from optimizer.districting.region import Region

MAX_NODES = 50_000      # search nodes per count (step 3, all units together; 300-700 on
                        # the 120-300-unit bench pieces); past it nothing is proven
MAX_COUNTS = 4          # counts tried above households' fewest, at most
CP_UNITS = 60           # CP-SAT (step 4) only on pieces of at most this many units


@dataclass(frozen=True)
class CountFloor:
    counted: int                # ceil(H/U): the fewest by households alone
    least: int                  # the fewest not proven impossible
    proofs: tuple[str, ...]     # why each count below ``least`` is impossible
    nodes: int                  # search nodes spent (step 3), for work estimates

    @property
    def raised(self) -> bool:
        return self.least > self.counted

    def label(self) -> str:
        """``+count≥K`` when raised, for a piece's method string."""
        return f"+count≥{self.least}" if self.raised else ""


def least_size(total: int, lo: int, hi: int, k: int) -> int:
    """The fewest households any of k communities holds (each holds at most hi)."""
    return max(lo, total - (k - 1) * hi)


def count_floor(data: Region, *, max_nodes: int = MAX_NODES, max_counts: int = MAX_COUNTS,
                cp_s: float = 0.0, at_most: int | None = None) -> CountFloor:
    """The proven floor on the number of communities of ``data`` (module docstring).
    ``at_most``: a count known possible (a plan's); the floor never passes it."""
    total, lo, hi = data.total, data.lo, max(1, data.hi)
    counted = max(1, -(-total // hi))
    k_hi = total // max(1, lo)
    if at_most is not None:
        k_hi = min(k_hi, at_most - 1)     # at_most itself is possible: never tried
    k, proofs, nodes = counted, [], 0
    while k <= k_hi and k < counted + max_counts:
        why, used = _impossible(data, k, max_nodes, cp_s)
        nodes += used
        if not why:
            break
        proofs.append(f"{k} communities: {why}")
        k += 1
    return CountFloor(counted, k, tuple(proofs), nodes)


def no_count_possible(data: Region, max_nodes: int = MAX_NODES // 10) -> str:
    """Why no plan of ``data`` keeps the bounds at any count ("" when not proven): every
    count from households' fewest to their most proven impossible, with ``max_nodes``
    window-search nodes per count (an articulation unit whose pendant part can neither
    stand alone nor join it proves every count at once)."""
    counted = max(1, -(-data.total // max(1, data.hi)))
    most = data.total // max(1, data.lo)
    floor = count_floor(data, max_nodes=max_nodes, max_counts=max(0, most - counted + 1))
    if floor.least <= most or not floor.proofs:
        return ""
    return floor.proofs[0]


def _impossible(data: Region, k: int, max_nodes: int, cp_s: float) -> tuple[str, int]:
    """Why no plan has k communities ("" when not proven) and the search nodes spent."""
    low = least_size(data.total, data.lo, data.hi, k)
    h = [int(v) for v in data.weights]
    comps = _components(data.nbrs, list(range(data.n)))
    fewest = sum(-(-sum(h[u] for u in c) // data.hi) for c in comps)
    most = sum(sum(h[u] for u in c) // max(1, low) for c in comps)
    if not fewest <= k <= most:
        return f"its {len(comps)} connected parts need {fewest}-{most}", 0
    if len(comps) == 1:
        for a in sorted(nx.articulation_points(_graph(data))):
            why = _articulation(data, h, a, k, low)
            if why:
                return why, 0
    nodes = 0
    covered = [False] * data.n
    for u in range(data.n):
        if covered[u]:
            continue
        group, used = window_group(data.nbrs, h, u, low, data.hi, max_nodes - nodes)
        nodes += used
        if group is False:
            return "", nodes           # the budget ran out: nothing proven
        if group is None:
            return (f"unit {u} (local index) lies in no connected group of {low:,}-{data.hi:,} "
                    "households"), nodes
        if isinstance(group, list):
            for v in group:
                covered[v] = True
    if cp_s > 0 and data.n <= CP_UNITS and _cp_infeasible(data, k, low, cp_s):
        return f"no {k} connected parts of {low:,}-{data.hi:,} households (CP-SAT)", nodes
    return "", nodes


def _graph(data: Region) -> nx.Graph:
    g = nx.Graph()
    g.add_nodes_from(range(data.n))
    g.add_edges_from((u, v) for u in range(data.n) for v in data.nbrs[u] if u < v)
    return g


def _components(nbrs: tuple[tuple[int, ...], ...], units: list[int]) -> list[list[int]]:
    inside = set(units)
    seen: set[int] = set()
    out = []
    for s in units:
        if s in seen:
            continue
        seen.add(s)
        comp, todo = [s], [s]
        while todo:
            for v in nbrs[todo.pop()]:
                if v in inside and v not in seen:
                    seen.add(v)
                    comp.append(v)
                    todo.append(v)
        out.append(comp)
    return out


def _articulation(data: Region, h: list[int], a: int, k: int, low: int) -> str:
    """Step 2 at the articulation unit a of a connected piece ("" when the counts fit)."""
    branches = _components(data.nbrs, [u for u in range(data.n) if u != a])
    room = data.hi - h[a]
    if room < 0 or len(branches) < 2:
        return ""
    # reach[m] = the households r the branches can give a's community while m whole
    # communities lie in them, as intervals (a relaxation: any r, not only the sums of
    # connected parts).
    reach: dict[int, list[tuple[int, int]]] = {0: [(0, 0)]}
    for c in branches:
        hc = sum(h[u] for u in c)
        opts = [(0, hc, hc)] if hc <= room else []
        for m in range(1, hc // max(1, low) + 1):
            r_lo, r_hi = max(0, hc - m * data.hi), min(room, hc - m * low)
            if r_lo <= r_hi:
                opts.append((m, r_lo, r_hi))
        nxt: dict[int, list[tuple[int, int]]] = {}
        for m0, ivs in reach.items():
            for m, r_lo, r_hi in opts:
                for s_lo, s_hi in ivs:
                    if m0 + m < k and s_lo + r_lo <= room:
                        nxt.setdefault(m0 + m, []).append((s_lo + r_lo, min(room, s_hi + r_hi)))
        reach = {m: _merge(ivs) for m, ivs in nxt.items()}
    if any(s_lo <= room and s_hi >= low - h[a] for s_lo, s_hi in reach.get(k - 1, [])):
        return ""
    return (f"unit {a} (local index) splits the piece into {len(branches)} parts whose households "
            f"cannot make {k} communities of {low:,}-{data.hi:,} around it")


def _merge(ivs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for lo, hi in sorted(ivs):
        if out and lo <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def window_group(nbrs: tuple[tuple[int, ...], ...], h: list[int], u: int, low: int,
                 high: int, max_nodes: int) -> tuple[list[int] | None | bool, int]:
    """A connected group holding u with low..high households (its units), None when
    there is none, or False when the search passed ``max_nodes`` (nothing proven);
    and the nodes spent. Branching: include or exclude (for good) the first bordering
    unit that still fits; pruned when the group plus every unit it can still reach
    (through units not excluded, each fitting on its own) stays below ``low``."""
    n = len(h)
    in_group = [False] * n
    out = [False] * n
    group = [u]
    in_group[u] = True
    nodes = 0

    def reachable(weight: int) -> int:
        seen = list(in_group)
        todo = list(group)
        more = 0
        while todo:
            for y in nbrs[todo.pop()]:
                if not seen[y] and not out[y] and weight + h[y] <= high:
                    seen[y] = True
                    more += h[y]
                    if weight + more >= low:
                        return more
                    todo.append(y)
        return more

    def search(weight: int) -> list[int] | None:
        nonlocal nodes
        nodes += 1
        if nodes > max_nodes:
            raise _Cut
        if weight >= low:
            return list(group)
        if weight + reachable(weight) < low:
            return None
        v = next((y for x in group for y in nbrs[x] if not in_group[y] and not out[y]
                  and weight + h[y] <= high), None)
        if v is None:
            return None
        in_group[v] = True
        group.append(v)
        got = search(weight + h[v])
        group.pop()
        in_group[v] = False
        if got is not None:
            return got
        out[v] = True
        got = search(weight)
        out[v] = False
        return got

    if h[u] > high:
        return None, 1
    try:
        return search(h[u]), nodes
    except (_Cut, RecursionError):     # deeper than Python's stack: nothing proven
        return False, nodes


class _Cut(Exception):
    pass


def _cp_infeasible(data: Region, k: int, low: int, cp_s: float) -> bool:
    m = cp_model.CpModel()
    add_partition(m, dataclasses.replace(data, lo=low), list(range(data.n)),
                  contiguity="flow", count=(k, k), center_first=True)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_deterministic_time = cp_s
    return bool(solver.solve(m) == cp_model.INFEASIBLE)


__all__ = ["CountFloor", "count_floor", "least_size", "no_count_possible", "window_group"]
