"""The labelling model as a MIP for SCIP (through OR-Tools' linear solver), with
contiguity imposed lazily by separator constraints between solves.

CP-SAT proves cut-edge bounds slowly (its core-based worker adds roughly one edge per
1.3-1.9x the time of the last). An LP-based branch and bound does much better on this
model: on OK county SCIP proves 40 in about 34 s on one thread, where CP-SAT stopped
at 39 after 600 s (bench/JOURNAL.md).

The model is that of :mod:`optimizer.districting.label` without the flows:
``x[i, d]`` (node i in district d <= i, nodes in the fixing order), the prefix
orbitope ``s[i, d]``, the safe fixings of :mod:`optimizer.districting.fixing`, and
the extended objective ``z[a, b, d] >= x[a, d] - x[b, d]`` (one per edge a < b and
district; at an integer point exactly the cut edges count). Without flows it is a
relaxation of contiguous districting, so its optimum is a lower bound. When the
optimum has a disconnected district, separator constraints are added and it is
solved again: for a piece C of a district that does not hold node a of the same
district, ``x[a, d] + x[b, d] <= 1 + sum(x[c, d] for c in N(C))`` for every b in C
and every label d (any path from a to b leaves C through its neighbours N(C)). Every
round stays a relaxation, so every bound is valid.
"""

from __future__ import annotations

import functools
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from ortools.linear_solver import pywraplp

from optimizer.districting.fixing import Fixing
from optimizer.districting.graph import adjacency_cuts
from optimizer.districting.region import Region


@dataclass(frozen=True)
class MipResult:
    status: str                    # "optimal", "feasible", "infeasible" or "unknown"
    plan: np.ndarray | None        # contiguous labels per local node, or None
    objective: int | None          # cut edges of ``plan``
    bound: float                   # lower bound on the cut edges of contiguous plans
    rounds: int                    # solves (1 + rounds of separator constraints)


@functools.cache
def scip_available() -> bool:
    """Whether this OR-Tools build has SCIP (every PyPI wheel does); without it the
    caller runs CP-SAT alone."""
    return pywraplp.Solver.CreateSolver("SCIP") is not None


class Incumbent:
    """The best contiguous plan known to any solver (local labels, districts
    numbered by first node), shared between threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._plan: np.ndarray | None = None
        self._value: int | None = None
        self.proven = 0                # a lower bound the MIP has proved

    def offer(self, plan: np.ndarray, value: int) -> bool:
        """Keep ``plan`` if it is the best so far; True when it meets the bound."""
        with self._lock:
            if self._value is None or value < self._value:
                self._plan, self._value = np.array(plan, dtype=np.int64), int(value)
            return value <= self.proven

    def get(self) -> tuple[np.ndarray | None, int | None]:
        with self._lock:
            return self._plan, self._value


class _Model:
    """The MIP, kept across rounds so separator constraints accumulate."""

    def __init__(self, data: Region, k: int, fixing: Fixing | None) -> None:
        n, h = data.n, [int(v) for v in data.weights]
        s = pywraplp.Solver.CreateSolver("SCIP")
        if s is None:
            raise RuntimeError("this OR-Tools build has no SCIP solver")
        self.solver, self.n, self.k, self.nbrs = s, n, k, data.nbrs
        self.x = {(i, d): s.BoolVar(f"x_{i}_{d}") for i in range(n)
                  for d in range(min(i + 1, k))}
        x = self.x
        for i in range(n):
            # Every node in exactly one district.
            s.Add(sum(x[i, d] for d in range(min(i + 1, k))) == 1)
        for d in range(k):
            # District weight within [lo, hi].
            wt = sum(h[i] * x[i, d] for i in range(d, n))
            s.Add(wt >= data.lo)
            s.Add(wt <= data.hi)
        root = self._orbitope()
        if fixing is not None:
            for (i, d), r in root.items():
                if not fixing.may_root(i, d, k):
                    s.Add(r == 0)          # i cannot be the first node of d
            for j in range(fixing.fixed_roots):
                x[j, j].SetLb(1)           # node j is far from every earlier node
            for (i, d), v in x.items():
                if fixing.far[d][i]:
                    v.SetUb(0)             # farther than hi from every root of d
        self._small_pieces(h, data.lo)
        z = []
        for a in range(n):
            for b in data.nbrs[a]:
                if b <= a:
                    continue
                for d in range(min(b + 1, k)):
                    # Continuous: SCIP then branches on x only (KS county: optimal
                    # in 107 s with continuous z, not in 165 s with binary z).
                    v = s.NumVar(0.0, 1.0, f"z_{a}_{b}_{d}")
                    # Edge ab is cut with a in d: z >= x[a, d] - x[b, d].
                    s.Add(v >= (x[a, d] if d <= a else 0) - x[b, d])
                    z.append(v)
        self.cuts = sum(z)
        s.Minimize(self.cuts)

    def _orbitope(self) -> dict[tuple[int, int], pywraplp.LinearExpr]:
        """Prefix variables s[i, d] = some node <= i is in d; districts start in label
        order; returns root[i, d] = s[i, d] - s[i-1, d] (i is d's first node)."""
        s, x, n, k = self.solver, self.x, self.n, self.k
        pre: dict[tuple[int, int], pywraplp.Variable] = {}
        root: dict[tuple[int, int], pywraplp.LinearExpr] = {}
        for d in range(k):
            for i in range(d, n):
                v = s.NumVar(0.0, 1.0, f"s_{i}_{d}")
                pre[i, d] = v
                s.Add(x[i, d] <= v)                      # i in d: d has started by i
                if i == d:
                    s.Add(v == x[i, d])
                    root[i, d] = v
                else:
                    s.Add(pre[i - 1, d] <= v)            # once started, started
                    s.Add(v <= pre[i - 1, d] + x[i, d])  # starts only at a member
                    root[i, d] = v - pre[i - 1, d]
                if d >= 1:
                    s.Add(v <= pre[i - 1, d - 1])        # d starts after d-1
            s.Add(pre[n - 1, d] == 1)                    # every district is used
        return root

    def _small_pieces(self, h: list[int], lo: int) -> None:
        """Separators fixed in advance for every node and every edge C weighing less
        than lo: a district holding v in C weighs at least lo, so it holds a node
        outside C and, connected, one of C's neighbours N(C). Most disconnected
        districts of the bare relaxation are such small orphan pieces (MS county: the
        relaxation's optimum is 32 bare, 33 with single nodes, 34 = the contiguous
        optimum with edges too)."""
        x, nbrs = self.x, self.nbrs
        pieces = [(v,) for v in range(self.n)] + [
            (a, b) for a in range(self.n) for b in nbrs[a] if a < b]
        for piece in pieces:
            if sum(h[v] for v in piece) >= lo:
                continue
            border = sorted({u for v in piece for u in nbrs[v]} - set(piece))
            for v in piece:
                for d in range(min(v + 1, self.k)):
                    # v in d needs a neighbour of the piece in d.
                    self.solver.Add(x[v, d] <= sum(x[u, d] for u in border if (u, d) in x))

    def labels(self) -> np.ndarray:
        out = np.full(self.n, -1, dtype=np.int64)
        for (i, d), v in self.x.items():
            if v.solution_value() > 0.5:
                out[i] = d
        return out

    def hint(self, labels: np.ndarray) -> None:
        keys = list(self.x)
        self.solver.SetHint([self.x[key] for key in keys],
                            [float(labels[i] == d) for i, d in keys])

    def add_separators(self, labels: np.ndarray) -> int:
        """Separator constraints for every piece of every disconnected district."""
        added = 0
        for d in range(self.k):
            pieces = _pieces(self.nbrs, np.flatnonzero(labels == d))
            if len(pieces) < 2:
                continue
            for piece in pieces:
                inside = set(piece)
                border = sorted({c for b in piece for c in self.nbrs[b]} - inside)
                a = next(v for p in pieces if p is not piece for v in p)
                for b in piece:
                    for lab in range(min(a, b, self.k - 1) + 1):
                        # a and b both in lab need a member of N(piece) in lab too.
                        self.solver.Add(self.x[a, lab] + self.x[b, lab] <= 1 + sum(
                            self.x[c, lab] for c in border if (c, lab) in self.x))
                        added += 1
        return added


def _pieces(nbrs: tuple[tuple[int, ...], ...], members: np.ndarray) -> list[list[int]]:
    """Connected pieces of the subgraph induced by ``members``."""
    left = {int(v) for v in members}
    out = []
    while left:
        first = left.pop()
        piece, stack = [first], [first]
        while stack:
            for v in nbrs[stack.pop()]:
                if v in left:
                    left.remove(v)
                    piece.append(v)
                    stack.append(v)
        out.append(sorted(piece))
    return out


def solve_mip(data: Region, k: int, fixing: Fixing | None, *,
              time_limit_s: float, incumbent: Incumbent | None = None,
              stop: threading.Event | None = None, max_rounds: int = 50) -> MipResult:
    """Fewest cut edges over contiguous k-district plans of ``data`` (nodes in the
    fixing order), by rounds of SCIP with separator constraints. ``incumbent``: the
    best contiguous plan found elsewhere, read before each round (a hint, and the
    value a bound must reach to prove it optimal); the MIP's own contiguous plans are
    offered to it. ``stop``: set it to end early (the solve in progress is
    interrupted)."""
    start = time.monotonic()            # building the model counts against the limit
    m = _Model(data, k, fixing)
    inc = incumbent if incumbent is not None else Incumbent()
    bound, rounds = 0.0, 0
    watcher = StopWatch(stop, m.solver.InterruptSolve)
    try:
        while True:
            left = time_limit_s - (time.monotonic() - start)
            if left < 0.5 or rounds >= max_rounds or (stop is not None and stop.is_set()):
                break
            plan, _ = inc.get()
            if plan is not None:
                m.hint(plan)
            m.solver.SetTimeLimit(int(left * 1000))
            rounds += 1
            code = m.solver.Solve()
            if code == pywraplp.Solver.INFEASIBLE:
                # Nothing the rounds added cuts off a contiguous plan (separators
                # and cuts >= an earlier optimum are valid), so none exists.
                return MipResult("infeasible", None, None, math.inf, rounds)
            if code not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
                break
            bound = max(bound, m.solver.Objective().BestBound())
            inc.proven = max(inc.proven, math.ceil(bound - 1e-6))
            labels = m.labels()
            new = m.add_separators(labels)
            if new == 0:
                inc.offer(labels, adjacency_cuts(data.nbrs, labels))
            _, best_obj = inc.get()
            if (code != pywraplp.Solver.OPTIMAL or new == 0
                    or (best_obj is not None and math.ceil(bound - 1e-6) >= best_obj)):
                break        # out of time, a contiguous optimum, or the bound meets a plan
            # The relaxation's optimum is a bound; the next round only needs to find
            # a contiguous plan that meets it.
            m.solver.Add(m.cuts >= math.ceil(bound - 1e-6))
    finally:
        watcher.close()
    best, best_obj = inc.get()
    lb = float(math.ceil(bound - 1e-6))
    if best_obj is None:
        return MipResult("unknown", None, None, lb, rounds)
    lb = min(lb, float(best_obj))
    return MipResult("optimal" if lb >= best_obj else "feasible", best, best_obj, lb,
                     rounds)


class StopWatch:
    """Calls ``action`` (an interrupt) every 0.2 s while ``stop`` is set, until
    closed: a solve that starts just after the event still sees it."""

    def __init__(self, stop: threading.Event | None, action: Callable[[], object]) -> None:
        self._done = threading.Event()
        self._thread: threading.Thread | None = None
        if stop is not None:
            def watch() -> None:
                while not self._done.is_set():
                    if stop.wait(0.2):
                        action()
                        self._done.wait(0.2)
            self._thread = threading.Thread(target=watch, daemon=True)
            self._thread.start()

    def close(self) -> None:
        self._done.set()
        if self._thread is not None:
            self._thread.join()
