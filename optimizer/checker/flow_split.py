"""The checker's second proof of "no connected split": an assignment model for a few
communities, where the exhaustive search (split.py) runs out of steps.

Why: the split search lists connected groups; on a piece whose households sit just above
k × minimum (wild seed 313, 钟庄街道: 40 villages, 3,003 households, so three rural
communities of 1,000-1,003 each) the groups of 1,000..1,500 holding one unit run to the
tens of thousands, each leaving a rest that fits two communities by arithmetic, and
50,000 steps decide nothing. A model that assigns units to k communities grows with
units × k instead, and CP-SAT proves there that no split exists in under a
deterministic second.

The model, for each possible count k (k·lo ≤ H ≤ k·hi), written from the rules only:

- ``x[u][j]``: unit u lies in community j; each unit in exactly one (a unit is never
  split); each community holds lo..hi households (SIZE-URBAN / SIZE-RURAL);
- connected: each community has one root, its lowest unit (so every partition is
  one assignment), the roots rising with j; the root sends one unit of flow to each
  other unit of its community along arcs whose both ends it holds, each of those
  units keeps one: a unit the root cannot reach inside its community cannot keep its
  unit of flow.

Every split into connected communities within the bounds is a solution for its k, so
INFEASIBLE for every k proves that none exists. Pieces of more than MAX_COMMUNITIES
communities go to one model for every count (rooted_split.py). Centers (ONE-STATION)
are not modelled: a proof without them holds with them. It is bounded, so the verdict
does not move with the machine's load: at most MAX_UNITS units, one worker, a fixed
seed and MAX_DET_TIME deterministic seconds in all; past them, undecided (never a pass).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ortools.sat.python import cp_model

from optimizer.checker.rooted_split import MAX_DET_TIME as ROOTED_DET_TIME
from optimizer.checker.rooted_split import rooted_split
from optimizer.checker.split import SplitAnswer, community_counts

MAX_COMMUNITIES = 4     # beyond: rooted_split.py (this model grows with units × k)
MAX_UNITS = 200
MAX_DET_TIME = 3.0      # deterministic seconds for all counts together (one worker)


def flow_split(units: Sequence[int], households: Sequence[int],
               neighbours: Sequence[Iterable[int]], lo: int, hi: int,
               max_det_time: float = MAX_DET_TIME) -> SplitAnswer:
    """Whether ``units`` (a connected piece) split into connected communities of lo..hi
    households: False (proved: INFEASIBLE for every count), True with a split, None
    (more than MAX_UNITS units, or out of time). Pieces of more than MAX_COMMUNITIES
    communities go to :func:`rooted_split`."""
    units = sorted(int(u) for u in units)
    total = sum(int(households[u]) for u in units)
    ks = community_counts(total, lo, hi)
    if not ks:
        return SplitAnswer(False, by_model=True)
    if len(units) > MAX_UNITS:
        return SplitAnswer(None)
    if ks[-1] > MAX_COMMUNITIES:        # one model for every count (rooted_split.py)
        return rooted_split(units, households, neighbours, lo, hi,
                            min(max_det_time, ROOTED_DET_TIME))
    left = max_det_time
    for k in ks:
        infeasible, groups, spent = _solve(units, households, neighbours, lo, hi, k, left)
        left -= spent
        if groups:
            return SplitAnswer(True, groups, by_model=True)
        if not infeasible:
            return SplitAnswer(None)
    return SplitAnswer(False, by_model=True)


def _solve(units: list[int], households: Sequence[int], neighbours: Sequence[Iterable[int]],
           lo: int, hi: int, k: int, det_time: float
           ) -> tuple[bool, tuple[tuple[int, ...], ...], float]:
    """One count: (proved infeasible, the split found or (), deterministic time spent)."""
    if det_time <= 0:
        return False, (), 0.0
    n = len(units)
    at = {u: i for i, u in enumerate(units)}
    w = [int(households[u]) for u in units]
    arcs = [(a, at[int(v)]) for a, u in enumerate(units) for v in neighbours[u]
            if int(v) in at and at[int(v)] != a]
    m = cp_model.CpModel()
    x = [[m.new_bool_var(f"x{i}_{j}") for j in range(k)] for i in range(n)]
    root = [[m.new_bool_var(f"r{i}_{j}") for j in range(k)] for i in range(n)]
    for i in range(n):
        m.add_exactly_one(x[i])
    rank = [cp_model.LinearExpr.weighted_sum([root[i][j] for i in range(n)], list(range(n)))
            for j in range(k)]
    for j in range(k):
        m.add_exactly_one(root[i][j] for i in range(n))
        m.add_linear_constraint(
            cp_model.LinearExpr.weighted_sum([x[i][j] for i in range(n)], w), lo, hi)
        for i in range(n):
            m.add_implication(root[i][j], x[i][j])
            for v in range(i):              # the root is the community's lowest unit
                m.add_implication(root[i][j], x[v][j].Not())
        if j:
            m.add(rank[j - 1] < rank[j])
        flow = {(a, b): m.new_int_var(0, n - 1, f"f{a}_{b}_{j}") for a, b in arcs}
        for (a, b), f in flow.items():
            m.add(f == 0).only_enforce_if(x[a][j].Not())
            m.add(f == 0).only_enforce_if(x[b][j].Not())
        out: list[list[cp_model.IntVar]] = [[] for _ in range(n)]
        into: list[list[cp_model.IntVar]] = [[] for _ in range(n)]
        for (a, b), f in flow.items():
            out[a].append(f)
            into[b].append(f)
        for i in range(n):
            # a held unit other than the root keeps one unit of flow; the root sends
            # what it likes (only it may send more than it receives)
            sent = m.new_int_var(0, n - 1, f"s{i}_{j}")
            m.add(sent == 0).only_enforce_if(root[i][j].Not())
            m.add(sum(into[i]) + sent == sum(out[i]) + x[i][j] - root[i][j])
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    solver.parameters.max_deterministic_time = det_time
    status = solver.solve(m)
    spent = float(solver.deterministic_time)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return status == cp_model.INFEASIBLE, (), spent
    groups = tuple(tuple(u for i, u in enumerate(units) if solver.value(x[i][j]))
                   for j in range(k))
    return False, groups, spent


__all__ = ["MAX_COMMUNITIES", "MAX_DET_TIME", "MAX_UNITS", "flow_split"]
