"""The labelling formulation for fixed-k cut-edge districting.

``x[i, d]`` = node i is in district d (d = 0..k-1). Symmetry: district d is the one
whose smallest node (in the relabelled order) comes d-th, stated with prefix
variables ``s[i, d]`` = some node <= i is in d (a column-inequality orbitope for
partitioning: ``s[i, d] <= s[i-1, d-1]``), so node i can only be in districts
d <= i and each plan has one encoding. The district's smallest node is its root
``r[i, d] = s[i, d] - s[i-1, d]``, which sends single-commodity flow to every other
member (contiguity). A cut edge is ``1 - sum_d same[e, d]`` with
``same[e, d] <= x[a, d], x[b, d]``.

Measured against the center model of :mod:`optimizer.districting.partition` on the
county instances (n*k instead of n^2/2 assignment variables): see bench/JOURNAL.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from optimizer.districting.fixing import Fixing
from optimizer.districting.region import Region


@dataclass
class LabelModel:
    model: cp_model.CpModel
    x: dict[tuple[int, int], cp_model.IntVar]
    cuts: list[cp_model.IntVar]
    k: int


def build_label_model(data: Region, k: int, *, contiguity: str = "flow",
                      fixing: Fixing | None = None) -> LabelModel:
    """Nodes are assumed in the symmetry-breaking order already (0 first); with
    ``fixing`` (computed for that order) its root and distance fixings are added."""
    n, lo, hi = data.n, data.lo, data.hi
    h = [int(v) for v in data.weights]
    m = cp_model.CpModel()
    x = {(i, d): m.new_bool_var(f"x_{i}_{d}") for i in range(n) for d in range(min(i + 1, k))}
    for i in range(n):
        m.add_exactly_one(x[i, d] for d in range(min(i + 1, k)))
    for d in range(k):
        wt = sum(h[i] * x[i, d] for i in range(d, n))
        m.add(wt >= lo)
        m.add(wt <= hi)
    root = _orbitope(m, x, n, k)
    if fixing is not None:
        _fix(m, x, root, fixing, n, k)
    cuts = []
    for a in range(n):
        for b in data.nbrs[a]:
            if b <= a:
                continue
            c = m.new_bool_var(f"cut_{a}_{b}")
            same = []
            for d in range(min(a + 1, k)):       # a < b, so (b, d) exists too
                s = m.new_bool_var(f"same_{a}_{b}_{d}")
                m.add_implication(s, x[a, d])
                m.add_implication(s, x[b, d])
                same.append(s)
                # Propagation aid (redundant): different labels on an edge cut it.
                m.add(c >= x[a, d] - x[b, d])
                m.add(c >= x[b, d] - x[a, d])
            for d in range(a + 1, min(b + 1, k)):
                m.add_implication(x[b, d], c)
            m.add(c + sum(same) == 1)
            cuts.append(c)
    if contiguity == "flow":
        most = most_members(h, hi)
        for d in range(k):
            _add_flow(m, data, x, root, d, most)
    elif contiguity != "none":
        raise ValueError(f"labelling model: contiguity must be 'flow' or 'none', not "
                         f"{contiguity!r}")
    m.minimize(sum(cuts))
    return LabelModel(m, x, cuts, k)


def _orbitope(m: cp_model.CpModel, x: dict[tuple[int, int], cp_model.IntVar], n: int,
              k: int) -> dict[tuple[int, int], cp_model.LinearExprT]:
    """Prefix variables and the ordering of districts by smallest node; returns the
    root expression r[i, d] (1 when i is the smallest node of d)."""
    s: dict[tuple[int, int], cp_model.IntVar] = {}
    root: dict[tuple[int, int], cp_model.LinearExprT] = {}
    for d in range(k):
        for i in range(d, n):
            v = m.new_bool_var(f"s_{i}_{d}")
            s[i, d] = v
            m.add_implication(x[i, d], v)
            if i == d:
                m.add(v == x[i, d])
                root[i, d] = v
            else:
                m.add_implication(s[i - 1, d], v)
                m.add(v <= s[i - 1, d] + x[i, d])
                root[i, d] = v - s[i - 1, d]
            if d >= 1:
                # District d starts only after district d-1 has started.
                m.add(v <= s[i - 1, d - 1])
    for d in range(k):
        m.add(s[n - 1, d] == 1)
    return root


def _fix(m: cp_model.CpModel, x: dict[tuple[int, int], cp_model.IntVar],
         root: dict[tuple[int, int], cp_model.LinearExprT], fixing: Fixing, n: int,
         k: int) -> None:
    """The safe fixings of :mod:`optimizer.districting.fixing` (positions = local
    node indices)."""
    for (i, d), r in root.items():
        if not fixing.may_root(i, d, k):
            m.add(r == 0)        # L-fixing / fixed roots: i cannot root district d
    for j in range(fixing.fixed_roots):
        m.add(x[j, j] == 1)      # U-fixing: node j is far from every earlier root
    for (i, d), v in x.items():
        if fixing.far[d][i]:
            m.add(v == 0)        # farther than U from every possible root of d


def most_members(weights: list[int], hi: int) -> int:
    """The most nodes one district can hold: the lightest ones, up to weight hi."""
    total, count = 0, 0
    for v in sorted(weights):
        total += v
        if total > hi:
            break
        count += 1
    return max(1, count)


def _add_flow(m: cp_model.CpModel, data: Region,
              x: dict[tuple[int, int], cp_model.IntVar],
              root: dict[tuple[int, int], cp_model.LinearExprT], d: int,
              most: int) -> None:
    """Single-commodity flow inside district d from its root to every member."""
    n = data.n
    cap = min(n - d - 1, most - 1)    # the root feeds at most most-1 other members
    if cap <= 0:
        return
    inflow: dict[int, list[cp_model.IntVar]] = {i: [] for i in range(d, n)}
    outflow: dict[int, list[cp_model.IntVar]] = {i: [] for i in range(d, n)}
    for a in range(d, n):
        for b in data.nbrs[a]:
            if b < d or b == d:
                continue  # node d can only be a root of district d: no inflow needed
            f = m.new_int_var(0, cap, f"f_{d}_{a}_{b}")
            m.add(f <= cap * x[a, d])
            m.add(f <= cap * x[b, d])
            outflow[a].append(f)
            inflow[b].append(f)
    for i in range(d, n):
        gen = m.new_int_var(0, cap + 1, f"g_{d}_{i}")
        m.add(gen <= (cap + 1) * root[i, d])
        m.add(sum(inflow[i]) - sum(outflow[i]) == x[i, d] - gen)
        if i > d:
            m.add(sum(inflow[i]) <= cap * (1 - root[i, d]))
