"""The linear relaxation of set partitioning over a complete listing of communities,
and a lower bound from its duals that does not trust the LP solver.

Every unit lies in exactly one chosen column: min c·x, A·x = 1, 0 ≤ x ≤ 1 (and
Σx = k when the count is fixed). Solved by HiGHS (scipy's ``linprog``). For any
multipliers π (per unit) and μ (the count), relaxing the rows gives

    L(π, μ) = Σπ + μ·k + Σ_S min(0, c_S − π(S) − μ)

a lower bound on every 0/1 (indeed every 0 ≤ x ≤ 1) solution with that count: the
bound is recomputed from the duals by plain sums, so a solver tolerance can only
lower it, never make it invalid. With the count free (μ = 0) it bounds every plan.

The LP value as a function of the count k is convex (the right-hand side of a
linear program), so the least value over whole numbers of communities lies at one
of the two whole numbers around the free LP's Σx: bounding both (and taking the
lower) bounds every plan and is at least the free LP's bound (big street, 150
compounds: 27.92 M yuan free, 27.97 M at 33 or 34).

HiGHS cannot watch the search's stop flag, so each LP gets the time the flag's clock
has left as its ``time_limit`` (``stop.seconds_left()``; a 150-compound street's LPs
took 2.5 s idle, 6-8 s at load 7, past the piece's deadline). An LP cut short by it
gives no duals through scipy, hence no bound (``ok`` False); column generation stopped
between rounds keeps the last round's duals, whose L(π, μ) is a true bound as any
multipliers' is (``finished`` False: weaker than the LP's).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import csc_matrix, csr_matrix, hstack, vstack

MARGIN = 1e-9           # relative safety margin on the bound (float sums)
LP_S_PER_NONZERO = 6e-6 # HiGHS on a 150-unit street: 2.6 s for 490,000 nonzeros (estimate)
DIRECT_COLUMNS = 20_000 # up to this many columns, one LP over all of them
FIRST_COLUMNS = 5_000   # else: the LP over the cheapest per unit first,
ADD_COLUMNS = 3_000     # ... then the most negative reduced costs, this many a round
MAX_ROUNDS = 60


@dataclass(frozen=True)
class MasterLP:
    ok: bool                # solved to optimality
    value: float            # the LP's optimum (yuan)
    bound: float            # L(π, μ) from its duals: a true lower bound
    duals: np.ndarray       # π per unit
    reduced: np.ndarray     # c_S − π(S) − μ per column
    x: np.ndarray           # the LP solution
    count: float            # Σx
    work_s: float           # a fixed estimate of the time it took (deterministic runs)
    mu: float = 0.0         # the count's dual
    x_full: np.ndarray = field(default_factory=lambda: np.zeros(0))
    finished: bool = True   # False: column generation stopped early (bound still valid)


class Clocked(Protocol):
    """What the LPs need of the search's stop flag (optimizer.search.stop.StopFlag)."""

    def is_set(self) -> bool: ...

    def seconds_left(self) -> float | None: ...


def _limit(stop: Clocked | None) -> float | None:
    return None if stop is None else stop.seconds_left()


def incidence(n_units: int, members: Sequence[Sequence[int]]) -> csc_matrix:
    """The unit × column 0/1 matrix."""
    rows = np.fromiter((i for g in members for i in g), dtype=np.int64)
    cols = np.repeat(np.arange(len(members)), [len(g) for g in members])
    return csc_matrix((np.ones(len(rows)), (rows, cols)), shape=(n_units, len(members)))


def solve_master(a: csc_matrix, cost: np.ndarray, count: int | None = None,
                 start: Sequence[int] = (), stop: Clocked | None = None) -> MasterLP:
    """The LP over columns ``a`` (units × columns) with ``cost`` (yuan), the count
    fixed to ``count`` or free. Large listings by column generation over them: the LP
    over a subset (``start``, the cheapest columns, and a costly single-unit column
    per unit so that it is always feasible), then the columns of negative reduced cost
    added, until none is left (pricing is one product with the whole matrix).
    ``stop``: each LP within the time its clock has left, and no further round once
    it is raised (module docstring)."""
    n, m = a.shape
    if m <= DIRECT_COLUMNS:
        return _direct(a, cost, count, np.arange(m), time_limit_s=_limit(stop))
    big = 10.0 * float(np.abs(cost).max()) + 1.0
    per = cost / np.maximum(1, np.diff(a.indptr))
    active = np.union1d(np.argsort(per, kind="stable")[:FIRST_COLUMNS],
                        np.asarray(start, dtype=np.int64))
    art = csc_matrix(np.eye(n))
    work = 0.0
    last: MasterLP | None = None
    finished = False
    for _ in range(MAX_ROUNDS):
        if last is not None and stop is not None and stop.is_set():
            break
        sub = _direct(hstack([a[:, active], art]).tocsc(), np.r_[cost[active], np.full(n, big)],
                      count, active, m_total=m, time_limit_s=_limit(stop))
        work += sub.work_s + LP_S_PER_NONZERO * a.nnz / 20    # and the pricing
        if not sub.ok:
            if last is None:
                return dataclasses.replace(sub, work_s=work)
            break               # cut short by the clock: the last round's duals
        last = sub
        mu = sub.mu
        reduced = cost - a.T @ sub.duals - mu
        new = np.setdiff1d(np.flatnonzero(reduced < -1e-7 * (1.0 + np.abs(cost))), active)
        if len(new) == 0:
            finished = True
            break
        new = new[np.argsort(reduced[new], kind="stable")[:ADD_COLUMNS]]
        active = np.union1d(active, new)
    # Out of rounds with columns of negative reduced cost left: not the LP's optimum
    # either (finished False); the bound is the last round's L(π, μ), still valid.
    assert last is not None
    lp = _finish(last.duals, last.mu, count, cost, a, last.value, last.x_full, work)
    return lp if finished else dataclasses.replace(lp, finished=False)


def _direct(a: csc_matrix, cost: np.ndarray, count: int | None, columns: np.ndarray,
            m_total: int | None = None, time_limit_s: float | None = None) -> MasterLP:
    """One LP solve; ``columns``: the listing's indices of the first columns of ``a``
    (the rest are artificial), its solution mapped back onto ``m_total`` columns.
    Cut short by ``time_limit_s`` it is not ``ok`` (scipy gives no duals then)."""
    n, m = a.shape
    m_total = len(columns) if m_total is None else m_total
    work = LP_S_PER_NONZERO * a.nnz
    options = {} if time_limit_s is None else {"time_limit": max(0.0, time_limit_s)}
    if count is None:
        res = linprog(cost, A_eq=a, b_eq=np.ones(n), bounds=(0, 1), method="highs",
                      options=options)
    else:
        # Only the listing's columns count, and with artificial columns (a restricted
        # LP of column generation) the count has costly slacks of its own too: a first
        # restricted LP whose cheap columns cannot reach ``count`` was infeasible (no
        # duals, no bound), although the count's LP over every column exists (the
        # 150-compound street: 33 and 34 communities, 37.80 M and 37.89 M yuan, were
        # lost to the free LP's 37.77 M).
        counted = np.zeros((1, m))
        counted[0, :len(columns)] = 1.0
        a_eq, c = vstack([a, csr_matrix(counted)]).tocsc(), cost
        bounds = np.tile([0.0, 1.0], (m, 1))
        if m > len(columns):
            slack = csc_matrix(np.r_[np.zeros((n, 2)), [[1.0, -1.0]]])
            a_eq = hstack([a_eq, slack]).tocsc()
            c = np.r_[cost, np.full(2, float(cost[len(columns):].max(initial=0.0)))]
            bounds = np.r_[bounds, [[0.0, float(count + n)]] * 2]
        res = linprog(c, A_eq=a_eq, b_eq=np.r_[np.ones(n), count], bounds=bounds,
                      method="highs", options=options)
    if res.status != 0 or res.x is None:
        empty = np.zeros(0)
        return MasterLP(False, math.inf, -math.inf, empty, empty, empty, 0.0, work)
    marg = np.asarray(res.eqlin.marginals, dtype=np.float64)
    pi, mu = marg[:n], (float(marg[n]) if count is not None else 0.0)
    x = np.zeros(m_total)
    x[columns] = np.asarray(res.x)[:len(columns)]
    if m_total == m:
        return _finish(pi, mu, count, cost, a, float(res.fun), x, work)
    return MasterLP(True, float(res.fun), -math.inf, pi, np.zeros(0), x, float(x.sum()), work,
                    mu=mu, x_full=x)


def _finish(pi: np.ndarray, mu: float, count: int | None, cost: np.ndarray, a: csc_matrix,
            value: float, x: np.ndarray, work: float) -> MasterLP:
    """The LP's figures with the bound L(π, μ) recomputed over every column."""
    reduced = cost - a.T @ pi - mu
    bound = float(pi.sum()) + mu * (count or 0) + float(np.minimum(reduced, 0.0).sum())
    bound -= MARGIN * (abs(bound) + float(np.abs(pi).sum())) + 1e-6
    return MasterLP(True, value, bound, pi, reduced, x, float(x.sum()), work, mu=mu, x_full=x)


def master_bound(a: csc_matrix, cost: np.ndarray, k_lo: int, k_hi: int,
                 start: Sequence[int] = (), stop: Clocked | None = None
                 ) -> tuple[float, MasterLP, float]:
    """A lower bound on every partition with k_lo..k_hi columns (see
    :func:`count_bound`), the free LP, and the work done."""
    free = solve_master(a, cost, start=start, stop=stop)
    if not free.ok:
        return -math.inf, free, free.work_s
    bound, work = count_bound(a, cost, free, k_lo, k_hi, start, stop=stop)
    return bound, free, free.work_s + work


def count_bound(a: csc_matrix, cost: np.ndarray, free: MasterLP, k_lo: int, k_hi: int,
                start: Sequence[int] = (), stop: Clocked | None = None
                ) -> tuple[float, float]:
    """A bound on every partition of k_lo..k_hi columns: the free LP's or, when its Σx
    lies strictly between two whole numbers of k_lo..k_hi, the lower of the LPs with
    the count fixed to each (convexity, see the module), or, when Σx lies below k_lo
    (above k_hi), the LP with the count fixed to k_lo (k_hi) alone: the LP's value
    only grows away from its Σx. Whichever is higher, and the work of those LPs. Only
    from a finished free LP: the convexity argument needs the Σx of its optimum, not of
    a restricted LP's. A count-fixed LP stopped between rounds still bounds its count
    (any multipliers do); one cut short inside HiGHS has no duals, and then none counts.

    Why the ends: the free LP ignores the fewest count proven (k_lo, from
    optimizer.model.count_floor); on real-sids2-urban-over's listed part its Σx was
    15.86 against a floor of 16, and the LP at 16 is 9,530 yuan higher (1.14% -> 1.09%
    of the part), where the free bound had been kept."""
    s = free.count
    if not free.finished:
        return free.bound, 0.0
    lo_k, hi_k = math.floor(s + 1e-6), math.ceil(s - 1e-6)
    if hi_k <= k_lo:
        counts = [k_lo] if s < k_lo - 1e-6 else []
    elif lo_k >= k_hi:
        counts = [k_hi] if s > k_hi + 1e-6 else []
    else:
        counts = [lo_k, hi_k] if hi_k > lo_k else []
    if not counts:
        return free.bound, 0.0
    keep = np.flatnonzero(free.x > 1e-9).tolist() + list(start)
    fixed = [solve_master(a, cost, k, keep, stop=stop) for k in counts]
    work = sum(f.work_s for f in fixed)
    if not all(f.ok for f in fixed):
        return free.bound, work
    return max(free.bound, min(f.bound for f in fixed)), work
