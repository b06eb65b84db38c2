"""The checker's third proof of "no connected split": one assignment model for every
count, each community rooted at its lowest unit, for pieces of more communities than
flow_split.py's per-count model takes.

Why: bench/wild.py seeds 1491 and 1492 (session 49): streets of 60 and 49 compounds with
no split within the bounds at all (12-17 and 8-11 communities by households), whose
soft plans' exemptions the checker could not prove (its split search stopped at 50,000
steps; the per-count model takes at most 4 communities), so their checks failed. The
per-count model with its cap lifted needed 10 deterministic seconds on 1492 and did not
decide 1491 in 30; this one decides 1492 in 0.1 s.

Written from the rules only (it imports nothing of the solver):

- ``x[i][r]``: unit i lies in the community rooted at r; each unit in exactly one (a
  unit is never split); ``x[r][r]`` opens r as a root, only an open root takes units,
  and an open root's community holds lo..hi households (SIZE-URBAN / SIZE-RURAL);
- a unit i may lie in r's community only if i comes after r (the root is the lowest
  unit, so every partition is one assignment) and some path from r to i through units
  not before r holds at most hi households, both ends counted: the community is
  connected and holds r, i and at most hi households, so it holds such a path;
- connected: the root sends one unit of flow to each other unit of its community along
  links whose both ends it holds, each of those units keeps one;
- the open roots number as many communities as the households allow (redundant: it
  tells the solver how tight the bounds are).

Every split into connected communities within the bounds is a solution, so INFEASIBLE
proves that none exists. Centers (ONE-STATION) are not modelled: a proof without them
holds with them. Bounded, so the verdict does not move with the machine's load: at most
MAX_UNITS units and MAX_PAIRS unit-root pairs, one worker, a fixed seed and a
deterministic time limit; past them, undecided (never a pass).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Sequence

from ortools.sat.python import cp_model

from optimizer.checker.split import SplitAnswer, community_counts

MAX_UNITS = 200
MAX_PAIRS = 60_000      # unit-root pairs (x's) at most; beyond: undecided
MAX_DET_TIME = 2.0      # deterministic seconds for the model (one worker): seed 1491
                        # proved at 1.56 (4.3-5.2 s of wall on this VM, in the CLI's tail);
                        # an undecided model costs the tail this much


def rooted_split(units: Sequence[int], households: Sequence[int],
                 neighbours: Sequence[Iterable[int]], lo: int, hi: int,
                 max_det_time: float = MAX_DET_TIME) -> SplitAnswer:
    """Whether ``units`` (a connected piece) split into connected communities of lo..hi
    households: False (proved: INFEASIBLE), True with a split, None (more than
    MAX_UNITS units or MAX_PAIRS unit-root pairs, or out of time)."""
    units = sorted(int(u) for u in units)
    counts = community_counts(sum(int(households[u]) for u in units), lo, hi)
    if not counts:
        return SplitAnswer(False, by_model=True)
    if len(units) > MAX_UNITS:
        return SplitAnswer(None)
    at = {u: i for i, u in enumerate(units)}
    w = [int(households[u]) for u in units]
    near = [sorted({at[int(v)] for v in neighbours[u] if int(v) in at} - {i})
            for i, u in enumerate(units)]
    reach = [_reach(r, w, near, hi) for r in range(len(units))]
    if sum(len(rr) for rr in reach) > MAX_PAIRS:
        return SplitAnswer(None)
    infeasible, groups = _solve(w, near, reach, lo, hi, (counts[0], counts[-1]),
                                max_det_time)
    if groups:
        return SplitAnswer(True, tuple(tuple(units[i] for i in g) for g in groups),
                           by_model=True)
    return SplitAnswer(False, by_model=True) if infeasible else SplitAnswer(None)


def _reach(r: int, w: list[int], near: list[list[int]], hi: int) -> list[int]:
    """The units (r first) that a community rooted at r can hold: from r through units
    after it, by a path of at most hi households, both ends counted (Dijkstra)."""
    if w[r] > hi:
        return []
    best = {r: w[r]}
    todo = [(w[r], r)]
    while todo:
        d, a = heapq.heappop(todo)
        if d > best[a]:
            continue
        for b in near[a]:
            nd = d + w[b]
            if b > r and nd <= hi and nd < best.get(b, hi + 1):
                best[b] = nd
                heapq.heappush(todo, (nd, b))
    return [r, *sorted(b for b in best if b != r)]


def _solve(w: list[int], near: list[list[int]], reach: list[list[int]], lo: int, hi: int,
           counts: tuple[int, int], det_time: float) -> tuple[bool, list[list[int]]]:
    """(proved infeasible, the split found or []); ``counts``: the fewest and most
    communities the households allow."""
    n = len(w)
    m = cp_model.CpModel()
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    held: list[list[cp_model.IntVar]] = [[] for _ in range(n)]
    for r in range(n):
        if sum(w[i] for i in reach[r]) < lo:
            continue                # too little within reach: never a root
        for i in reach[r]:
            x[i, r] = m.new_bool_var(f"x{i}_{r}")
            held[i].append(x[i, r])
    for i in range(n):
        if not held[i]:
            return True, []         # no community can hold unit i
        m.add_exactly_one(held[i])
    for r in range(n):
        if (r, r) not in x:
            continue
        root = x[r, r]
        mine = [i for i in reach[r] if (i, r) in x]
        inside = set(mine)
        for i in mine[1:]:
            m.add_implication(x[i, r], root)
        size = cp_model.LinearExpr.weighted_sum([x[i, r] for i in mine], [w[i] for i in mine])
        m.add(size >= lo * root)
        m.add(size <= hi * root)
        cap = len(mine) - 1
        into: dict[int, list[cp_model.IntVar]] = {i: [] for i in mine}
        out: dict[int, list[cp_model.IntVar]] = {i: [] for i in mine}
        for a in mine:
            for b in near[a]:
                if b not in inside or b == r:
                    continue
                f = m.new_int_var(0, cap, f"f{a}_{b}_{r}")
                m.add(f == 0).only_enforce_if(x[a, r].Not())
                m.add(f == 0).only_enforce_if(x[b, r].Not())
                out[a].append(f)
                into[b].append(f)
        for i in mine[1:]:
            # a held unit other than the root keeps one unit of flow, so it has a
            # held neighbour (redundant; on seed 1491 neither faster nor slower)
            m.add(sum(into[i]) == sum(out[i]) + x[i, r])
            m.add_bool_or([x[j, r] for j in near[i] if j in inside]).only_enforce_if(x[i, r])
    # as many communities as the households allow (redundant, but it tells the solver
    # how tight they are: 3,003 households make exactly three of 1,000..1,500)
    m.add_linear_constraint(sum(x[r, r] for r in range(n) if (r, r) in x), *counts)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    solver.parameters.max_deterministic_time = det_time
    # Without presolve: seed 1491's street proved at 1.56 deterministic s (4.3-5.2 s of
    # wall on this VM) against 3.04 (6.0-6.4 s) with it.
    solver.parameters.cp_model_presolve = False
    status = solver.solve(m)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return status == cp_model.INFEASIBLE, []
    groups = [[i for i in reach[r] if (i, r) in x and solver.value(x[i, r])]
              for r in range(n) if (r, r) in x and solver.value(x[r, r])]
    return False, groups


__all__ = ["MAX_DET_TIME", "MAX_PAIRS", "MAX_UNITS", "rooted_split"]
