"""Each center's Lagrangian subproblem solved in whole units, at the final multipliers.

:mod:`optimizer.model.lagrange` bounds each center's subproblem (a knapsack with a
lower and an upper capacity in households) by its LP, which may take part of a unit.
At fixed multipliers λ every value of the Lagrangian dual function is a lower bound,
and the whole-unit knapsack's optimum is at least its LP's, so evaluating the dual
function once more with each center's exact knapsack (a dynamic program over the
households it can add) is a valid bound at least as high. Measured on the bench's
large pieces at the 400 steps' multipliers: +0.04% to +0.19% of the bound
(real-tokyo-urban +68 k yuan, real-georgia-rural +18 k) for 0.02-0.1 s of CPU
(bench/JOURNAL.md, "Whole units in the Lagrangian's subproblems").

The work (Σ over centers of members × upper capacity) is estimated before the
program runs and the evaluation is skipped above WORK_CAP, so that the bound never
depends on the machine's speed (deterministic runs give the same bound anywhere).
"""

from __future__ import annotations

import numpy as np

WORK_CAP = 4e8      # cell updates (members × capacity summed over centers) at most


def knapsack_work(start: np.ndarray, n_pairs: int, cap_hi: np.ndarray) -> float:
    """Cell updates the dynamic program would take: members × upper capacity, summed."""
    end = np.append(start[1:], n_pairs)
    top = np.where(np.isfinite(cap_hi), cap_hi, 0.0).max(axis=1)
    return float(((end - start) * np.maximum(top, 0.0)).sum())


def whole_unit_values(base: np.ndarray, cap_lo: np.ndarray, cap_hi: np.ndarray,
                      start: np.ndarray, weights: np.ndarray, reduced: np.ndarray
                      ) -> np.ndarray:
    """Per center j: min over segments t with a finite ``base[j, t]`` of
    ``base[j, t]`` + the least sum of ``reduced`` over a subset of j's members
    (pairs ``start[j]`` .. the next start, sorted by center) whose ``weights``
    (whole households, > 0) sum to between ``cap_lo[j, t]`` and ``cap_hi[j, t]``;
    inf where no segment is possible. Exact (a 0/1 knapsack by households)."""
    n, _ = base.shape
    end = np.append(start[1:], len(weights))
    out = np.full(n, np.inf)
    w_all = weights.astype(np.int64)
    for j in range(n):
        fin = np.isfinite(base[j])
        if not fin.any():
            continue
        top = int(cap_hi[j][fin].max())
        if top < 0:
            continue
        # least[h]: the least reduced cost of members adding exactly h households.
        least = np.full(top + 1, np.inf)
        least[0] = 0.0
        for wi, ri in zip(w_all[start[j]:end[j]].tolist(),
                          reduced[start[j]:end[j]].tolist(), strict=True):
            if 0 < wi <= top:
                np.minimum(least[wi:], least[:-wi] + ri, out=least[wi:])
        for t in np.flatnonzero(fin).tolist():
            lo, hi = max(0, int(cap_lo[j, t])), int(cap_hi[j, t])
            if lo <= hi:
                out[j] = min(out[j], float(base[j, t]) + float(least[lo:hi + 1].min()))
    return out
