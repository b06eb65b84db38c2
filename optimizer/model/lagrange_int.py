"""Each center's Lagrangian subproblem solved in whole units.

:mod:`optimizer.model.lagrange` bounds each center's subproblem (a knapsack with a
lower and an upper capacity in households) by its LP, which may take part of a unit.
At fixed multipliers λ every value of the Lagrangian dual function is a lower bound,
and the whole-unit knapsack's optimum is at least its LP's, so evaluating the dual
function once more with each center's exact knapsack (a dynamic program over the
households it can add) is a valid bound at least as high. Measured on the bench's
large pieces at the 400 steps' multipliers: +0.04% to +0.19% of the bound
(real-tokyo-urban +68 k yuan, real-georgia-rural +18 k) for 0.02-0.1 s of CPU.
A few subgradient steps more on this whole-unit dual (its subgradient from the
knapsacks' chosen members) lift it about as much again (bench/JOURNAL.md, "Whole
units in the Lagrangian's subproblems").

The work (Σ over centers of members × (upper capacity + a member's call)) is estimated
before the program runs, and the steps are as many as WORK_CAP allows (none above it),
so that the bound does not depend on the machine's speed (with one worker the same
bound anywhere, unless the floor's own time guard ends it first).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Protocol

import numpy as np

WORK_CAP = 1.5e9    # knapsack cell updates in all the steps at most (about 1.5 s of
                    # CPU a run on the bench's big pieces; a piece's floor may take two)
ITEM_CELLS = 2_000  # one member's update costs as much as this many cells besides them
WHOLE_STEPS = 30    # subgradient steps on the whole-unit dual after the LP's 400
WHOLE_MU = 0.1      # their first step's share of the Polyak step
WHOLE_PATIENCE = 3  # steps without progress before the step halves


class Stop(Protocol):
    """What the search's stop flag offers here (optimizer.search.stop.StopFlag); the
    Lagrangian floor (optimizer.model.lagrange) takes the same."""

    def is_set(self) -> bool: ...


Pick = Callable[[np.ndarray, float], tuple["np.ndarray | None", float]]


def knapsack_work(start: np.ndarray, n_pairs: int, cap_hi: np.ndarray) -> float:
    """Cell updates one evaluation of the dynamic program takes: each member's row of
    its center's upper capacity, plus ITEM_CELLS for the member's own overhead (a
    numpy call: on a 250-village town of 60,000 pairs the calls, not the cells, cost
    most of the 0.18 s an evaluation took)."""
    end = np.append(start[1:], n_pairs)
    top = np.where(np.isfinite(cap_hi), cap_hi, 0.0).max(axis=1)
    return float(((end - start) * (np.maximum(top, 0.0) + ITEM_CELLS)).sum())


def whole_unit_solution(base: np.ndarray, cap_lo: np.ndarray, cap_hi: np.ndarray,
                        start: np.ndarray, weights: np.ndarray, reduced: np.ndarray,
                        members: bool = True) -> tuple[np.ndarray, list[np.ndarray]]:
    """Per center j: min over segments t with a finite ``base[j, t]`` of
    ``base[j, t]`` + the least sum of ``reduced`` over a subset of j's members
    (pairs ``start[j]`` .. the next start, sorted by center) whose ``weights``
    (whole households, > 0) sum to between ``cap_lo[j, t]`` and ``cap_hi[j, t]``;
    inf where no segment is possible. Exact (a 0/1 knapsack by households). With
    ``members``, each center's chosen pairs (positions in the pair arrays) too."""
    n, _ = base.shape
    end = np.append(start[1:], len(weights))
    out = np.full(n, np.inf)
    chosen: list[np.ndarray] = [np.zeros(0, dtype=np.int64)] * n
    w_all = weights.astype(np.int64)
    for j in range(n):
        fin = np.isfinite(base[j])
        if not fin.any():
            continue
        top = int(cap_hi[j][fin].max())
        if top < 0:
            continue
        # least[h]: the least reduced cost of members adding exactly h households;
        # took[q, h]: member q improved it (for reading the chosen members back).
        least = np.full(top + 1, np.inf)
        least[0] = 0.0
        items = [q for q in range(int(start[j]), int(end[j])) if 0 < w_all[q] <= top]
        took = np.zeros((len(items), top + 1), dtype=bool) if members else None
        for row, q in enumerate(items):
            wi = int(w_all[q])
            cand = least[:-wi] + float(reduced[q])
            if took is not None:
                took[row, wi:] = cand < least[wi:]
            np.minimum(least[wi:], cand, out=least[wi:])
        at = -1
        for t in np.flatnonzero(fin).tolist():
            lo, hi = max(0, int(cap_lo[j, t])), int(cap_hi[j, t])
            if lo <= hi:
                h = lo + int(np.argmin(least[lo:hi + 1]))
                v = float(base[j, t]) + float(least[h])
                if v < out[j]:
                    out[j], at = v, h
        if took is not None and at >= 0 and math.isfinite(out[j]):
            picked = []
            for row in range(len(items) - 1, -1, -1):
                if took[row, at]:
                    picked.append(items[row])
                    at -= int(w_all[items[row]])
            chosen[j] = np.asarray(picked, dtype=np.int64)
    return out, chosen


class WholeRelaxation(Protocol):
    """What the whole-unit steps read of :class:`optimizer.model.lagrange._Relaxation`."""
    n: int
    ctr: np.ndarray
    mem: np.ndarray
    c: np.ndarray
    w: np.ndarray
    start: np.ndarray
    ctr_z: np.ndarray
    mem_z: np.ndarray
    cz: np.ndarray
    base: np.ndarray
    cap_lo: np.ndarray
    cap_hi: np.ndarray


def whole_unit_dual(rel: WholeRelaxation, lam: np.ndarray, pick: Pick
                    ) -> tuple[float, np.ndarray]:
    """The whole-unit dual function at λ (Σλ + the cheapest allowed set of centers'
    exact knapsack values, by ``pick``) and a subgradient (1 − how often each unit is
    covered by the chosen centers, themselves and their members)."""
    n = rel.n
    zr = rel.cz - lam[rel.mem_z]
    zsum = np.bincount(rel.ctr_z, np.minimum(0.0, zr), minlength=n)
    base = rel.base + (zsum - lam)[:, None]
    values, members = whole_unit_solution(base, rel.cap_lo, rel.cap_hi, rel.start, rel.w,
                                          rel.c - lam[rel.mem])
    centers, val = pick(values, float(lam.sum()))
    cover = np.zeros(n)
    if centers is not None:
        on = np.zeros(n, dtype=bool)
        on[centers] = True
        cover += on
        cover += np.bincount(rel.mem_z[on[rel.ctr_z] & (zr < 0)], minlength=n)
        took = [members[j] for j in centers.tolist()]
        if took:
            cover += np.bincount(rel.mem[np.concatenate(took)], minlength=n)
    return val, 1.0 - cover


def whole_unit_steps(rel: WholeRelaxation, lam: np.ndarray, pick: Pick, *, steps: int,
                     upper: float | None, t_end: float, stop: Stop | None,
                     margin: float = 0.0) -> float:
    """The best whole-unit dual value over at most ``steps`` subgradient steps from λ,
    as many as WORK_CAP allows by the knapsacks' estimated work and the clock
    (``t_end``, ``stop``) before each (-inf: not one). The
    first is λ's own evaluation; the others move λ by Polyak steps towards ``upper``
    (or 2% above the best), halved after WHOLE_PATIENCE steps without progress. Each
    value is a lower bound, whichever λ gave it, less ``margin`` × (|value| + Σ|λ|)
    against float summation."""
    work = knapsack_work(rel.start, len(rel.ctr), rel.cap_hi)
    steps = min(steps, int(WORK_CAP // max(work, 1.0)))
    best, mu, stall = -math.inf, WHOLE_MU, 0
    for _ in range(steps):
        if time.perf_counter() >= t_end or (stop is not None and stop.is_set()):
            break
        val, grad = whole_unit_dual(rel, lam, pick)
        if not math.isfinite(val):
            return best
        val -= margin * (abs(val) + float(np.abs(lam).sum())) + 1e-6
        if val > best:
            best, stall = val, 0
        else:
            stall += 1
            if stall >= WHOLE_PATIENCE:
                mu, stall = mu / 2.0, 0
        norm = float(grad @ grad)
        if norm == 0.0:
            break
        gap = (upper - val) if upper is not None and upper > best else 0.02 * abs(best) + 1.0
        lam = lam + mu * gap / norm * grad
    return best
