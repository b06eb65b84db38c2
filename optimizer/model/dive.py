"""An LP-guided dive over a complete listing: a plan near the LP's optimum, fast.

On a 150-compound street (114,211 listed communities, LP bound 37.77 M yuan, Σx ≈
33.4) CP-SAT over the columns of small reduced cost found plans of 35 communities
(39.25 M, 3.8% above the bound) and a 34-community plan only at the end of 13 s of
deterministic time. Each community costs ~1.1 M yuan, so the count is most of the
gap, and the LP knows which communities it wants: fixing them one at a time and
re-solving keeps the plan close to the LP's count.

The dive: fix every column the LP holds at 1 and then the one of largest LP value
(ties: smaller reduced cost, then lower index; a fixed order, hence deterministic),
remove the covered units and every column that meets them, and re-solve the LP over
the columns left in a pool (the ``pool`` columns of least reduced cost at the full
LP). A unit the pool cannot cover any more (the LP needs its costly artificial
column) undoes the last fix and bans that column (at most ``backtracks`` times).
The work is counted in LP nonzeros, not timed, so a budget of it is deterministic.

A plan is never a proof: the bound stays the full LP's.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import csc_matrix, hstack, identity

from optimizer.model.master import LP_S_PER_NONZERO
from optimizer.model.setpart import build_setpart, solve_setpart
from optimizer.status import Status

POOL = 8_000            # columns of least reduced cost the dive's LPs choose from
BACKTRACKS = 12         # undone fixes, at most
PER_UNIT = 30           # ... and each unit's columns of least reduced cost
FIX_AT = 1.0 - 1e-6     # LP values this close to 1 are fixed together
ART = 1e-6              # an artificial column above this: the pool cannot cover a unit
FINISH_COLS = 5_000     # ... when this few columns are left, else PEEK_S
PEEK_S = 0.05
FINISH_S = 0.3          # deterministic seconds of CP-SAT completing each step's rest


@dataclass(frozen=True)
class DivePlan:
    chosen: tuple[int, ...]     # column indices of the best plan; empty when none found
    cost_yuan: float            # inf when none
    lps: int                    # LPs solved (the dive's steps)
    backtracks: int
    completions: int            # plans completed by CP-SAT along the way
    work_s: float               # a fixed estimate of the time it took (deterministic)


def dive(a: csc_matrix, cost: np.ndarray, x: np.ndarray, reduced: np.ndarray, *,
         pool: int = POOL, backtracks: int = BACKTRACKS, max_lps: int = 200,
         work_s: float = float("inf"), finish_s: float = FINISH_S,
         stop: Callable[[], bool] = lambda: False) -> DivePlan:
    """The cheapest plan found diving the LP solution ``x`` (reduced costs
    ``reduced``) over the columns of ``a`` (units × columns, 0/1): after each fix,
    CP-SAT completes the rest over the pool (``finish_s`` deterministic seconds), a
    rest it proves impossible undoes the fix and bans the column, and the LP over the
    rest picks the next fix. At most ``max_lps`` LPs and ``work_s`` of estimated work;
    ``stop`` ends it between steps with the best plan so far."""
    n = a.shape[0]
    big = 10.0 * float(np.abs(cost).max()) + 1.0
    byred = np.argsort(reduced, kind="stable")
    at = a.T.tocsr()
    fixed: list[int] = []
    banned = np.zeros(a.shape[1], dtype=bool)
    covered = np.zeros(n, dtype=bool)
    lps = undone = done = 0
    work = 0.0
    best: tuple[float, tuple[int, ...]] = (float("inf"), ())
    trail: list[tuple[int, np.ndarray]] = []

    def alive() -> np.ndarray:
        """The ``pool`` columns of least reduced cost meeting no covered unit and not
        banned, in index order (drawn afresh from the whole listing every step)."""
        hit = np.asarray(at @ covered.astype(np.float64)).ravel() > 0
        live = byred[~(hit | banned)[byred]]
        # And each uncovered unit's PER_UNIT columns of least reduced cost, so that a
        # unit few cheap columns hold is not lost to the pool's cut.
        rows = a[:, live].tocsr()
        rows.sort_indices()
        own = [rows.indices[rows.indptr[i]:rows.indptr[i + 1]][:PER_UNIT]
               for i in np.flatnonzero(~covered).tolist()]
        extra = live[np.concatenate(own)] if own else live[:0]
        return np.union1d(live[:pool], extra)

    cand = alive()
    vals = np.asarray(x, dtype=np.float64)[cand]   # the full LP's, to start
    while lps < max_lps and work < work_s and not stop():
        ones = cand[vals >= FIX_AT]
        if len(ones) == 0:
            if not (vals > 1e-9).any():
                break
            # Largest LP value, then least reduced cost, then lowest index.
            ones = cand[np.lexsort((cand, reduced[cand], -vals))[:1]]
        trail.append((len(fixed), covered.copy()))
        fixed.extend(ones.tolist())
        for k in ones.tolist():
            covered[a.indices[a.indptr[k]:a.indptr[k + 1]]] = True
        if covered.all():
            best = min(best, (float(cost[fixed].sum()), tuple(sorted(fixed))))
            break
        cand = alive()
        left = np.flatnonzero(~covered)
        # A short look when the rest is large (it proves most dead ends in ms).
        rest, status, w = _complete(a, cost, cand, left,
                                    finish_s if len(cand) <= FINISH_COLS else PEEK_S)
        work += w
        if rest is not None:
            done += 1
            plan = fixed + rest
            best = min(best, (float(cost[plan].sum()), tuple(sorted(plan))))
        if status == Status.OPTIMAL:
            break               # the rest solved exactly: diving further cannot help
        ok = status != Status.INFEASIBLE
        if ok:
            ok, vals, w = _restricted_lp(a, cost, cand, left, big)
            lps += 1
            work += w
        while not ok:
            # What is left cannot be covered: undo the last fix, ban its columns.
            if undone >= backtracks or not trail:
                return DivePlan(best[1], best[0], lps, undone, done, work)
            undone += 1
            size, cov = trail.pop()
            banned[fixed[size:]] = True
            del fixed[size:]
            covered = cov
            cand = alive()
            ok, vals, w = _restricted_lp(a, cost, cand, np.flatnonzero(~covered), big)
            lps += 1
            work += w
    return DivePlan(best[1], best[0], lps, undone, done, work)


def _restricted_lp(a: csc_matrix, cost: np.ndarray, cand: np.ndarray,
                   left: np.ndarray, big: float) -> tuple[bool, np.ndarray, float]:
    """The LP over columns ``cand`` covering units ``left`` exactly once, with a
    costly artificial column per unit; ok False when it needs one (or fails)."""
    nl = len(left)
    full = hstack([a[:, cand][left, :], identity(nl, format="csc")]).tocsc()
    c = np.r_[cost[cand], np.full(nl, big)]
    work = LP_S_PER_NONZERO * float(full.nnz)
    res = linprog(c, A_eq=full, b_eq=np.ones(nl), bounds=(0, 1), method="highs")
    if res.status != 0 or res.x is None:
        return False, np.zeros(len(cand)), work
    xs = np.asarray(res.x, dtype=np.float64)
    return bool(xs[len(cand):].max(initial=0.0) <= ART), xs[:len(cand)], work


class _Never:
    """No stop: each completion is short and bounded by deterministic time."""

    def is_set(self) -> bool:
        return False

    def attach(self, solver: object) -> None:
        return None

    def seconds_left(self) -> float | None:
        return None

    def grace_s(self) -> float:
        return math.inf


def _complete(a: csc_matrix, cost: np.ndarray, cand: np.ndarray, left: np.ndarray,
              time_s: float) -> tuple[list[int] | None, Status, float]:
    """The cheapest partition of units ``left`` into columns ``cand`` CP-SAT finds
    (one worker, deterministic), its status and deterministic time."""
    pos = {int(u): i for i, u in enumerate(left.tolist())}
    members = [[pos[int(u)] for u in a.indices[a.indptr[k]:a.indptr[k + 1]]]
               for k in cand.tolist()]
    built = build_setpart(len(left), members, cost[cand])
    res = solve_setpart(built, time_s=time_s, workers=1, seed=0, deterministic=True,
                        stop=_Never())
    rest = [int(cand[p]) for p in res.chosen] if res.chosen else None
    return rest, res.status, res.used_s
