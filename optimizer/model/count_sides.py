"""The count-fixed LPs of a complete listing as *sides*: multipliers whose reduced
costs decide which columns a better plan can hold (reduced-cost fixing), each for
the numbers of communities it covers.

For multipliers π (per unit) and μ (the count) every plan P satisfies the identity

    cost(P) = Σπ + μ·|P| + Σ_{S in P} (c_S − π(S) − μ)

so with μ ≥ 0 every plan of at least k columns costs at least
L = Σπ + μ·k + Σ_S min(0, rc_S), plus the reduced cost of any one of its columns of
positive reduced cost; with μ ≤ 0 the same holds for every plan of at most k columns,
and with μ = 0 (the free LP) for every plan. A plan cheaper than UB of those counts
then holds only columns of reduced cost below UB − L.

Why: on the real Chicago urban map (77 units, 324,811 listed communities) the free
LP's Σx is 11.42 against a proven fewest of 12 communities. Its reduced costs order
the columns for a count no plan has; the LP at 12 (μ = +372,416 yuan) is 1.3% higher
(13.10 M yuan against 12.93 M) and CP-SAT over the 19,800 columns of least reduced cost
at 12 found 13.156 M, where 300 s of the stages over the free LP's order had ended at
13.307 M. The LP at the fewest count with μ ≥ 0 covers every count from there up, so
it replaces the free LP for the proof as well (rules: none; this is the bound).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csc_matrix

from optimizer.model.master import Clocked, MasterLP, solve_master

START_COLUMNS = 5_000   # of least free reduced cost, the count-fixed LPs start from


@dataclass(frozen=True)
class Side:
    """Multipliers valid for the plans of ``k_lo``..``k_hi`` communities."""

    reduced: np.ndarray     # c_S − π(S) − μ per column
    bound: float            # L(π, μ) at the side's count: a lower bound on its plans
    k_lo: int
    k_hi: int


@dataclass(frozen=True)
class Sides:
    sides: tuple[Side, ...]     # their counts together cover every count of the range
    bound: float                # the least of their bounds (at least the free LP's)
    work_s: float               # of the count-fixed LPs (deterministic estimate)
    fixed: tuple[int, ...] = ()  # the counts whose LPs were solved


def free_side(free: MasterLP, k_lo: int, k_hi: int) -> Side:
    """The free LP: μ = 0, every count."""
    return Side(free.reduced, free.bound, k_lo, k_hi)


def fixed_counts(s: float, k_lo: int, k_hi: int) -> list[int]:
    """The whole counts around the free LP's Σx = s within k_lo..k_hi (the LP's value
    is convex in the count, least at s), or the end of the range nearest s when s lies
    outside it; none when s is whole inside the range (the free LP is the bound)."""
    lo_k, hi_k = math.floor(s + 1e-6), math.ceil(s - 1e-6)
    if hi_k <= k_lo:
        return [k_lo] if s < k_lo - 1e-6 else []
    if lo_k >= k_hi:
        return [k_hi] if s > k_hi + 1e-6 else []
    return [lo_k, hi_k] if hi_k > lo_k else []


def count_sides(a: csc_matrix, cost: np.ndarray, free: MasterLP, k_lo: int, k_hi: int,
                start: Sequence[int] = (), stop: Clocked | None = None) -> Sides:
    """The sides of a finished free LP over counts k_lo..k_hi: the count-fixed LPs
    around its Σx (see :func:`optimizer.model.master.count_bound`), each covering its
    count and the counts on the side its μ's sign allows (module docstring), and the
    free LP as well when they leave a count uncovered. Only the free LP when there is
    nothing to fix or a count-fixed LP fails (cut short by the clock: no duals)."""
    alone = Sides((free_side(free, k_lo, k_hi),), free.bound, 0.0)
    if not free.finished or len(free.reduced) != a.shape[1]:
        return alone
    counts = fixed_counts(free.count, k_lo, k_hi)
    if not counts:
        return alone
    # Column generation from the free LP's support and its columns of least reduced
    # cost: on real Chicago urban the LP at 12 took 4.9 s of counted work (1.2 s) so,
    # against 10.7 s (2.1 s) from the support alone.
    keep = np.union1d(np.argsort(free.reduced, kind="stable")[:START_COLUMNS],
                      np.r_[np.flatnonzero(free.x > 1e-9), np.asarray(start, dtype=np.int64)]
                      ).tolist()
    fixed = [(k, solve_master(a, cost, k, keep, stop=stop)) for k in counts]
    work = sum(f.work_s for _, f in fixed)
    if not all(f.ok and len(f.reduced) == a.shape[1] for _, f in fixed):
        return Sides(alone.sides, free.bound, work)
    sides = [Side(f.reduced, f.bound, k if f.mu > 0 else k_lo, k if f.mu < 0 else k_hi)
             for k, f in fixed]
    covered = set().union(*(range(s.k_lo, s.k_hi + 1) for s in sides))
    if not covered >= set(range(k_lo, k_hi + 1)):
        sides.append(free_side(free, k_lo, k_hi))
    bound = max(free.bound, min(f.bound for _, f in fixed))
    return Sides(tuple(sides), bound, work, tuple(counts))


def select(sides: Sequence[Side], ub: float, limit: float, cap: int
           ) -> tuple[np.ndarray, bool]:
    """The columns of a restricted problem: those of reduced cost at most ``limit`` on
    some side, below that side's gap UB − L (no better plan of its counts holds
    others), the least first when more than ``cap``; and whether they hold every
    column of a plan better than ``ub`` (each side's columns below its gap, uncapped:
    then the restricted problem's proof is the listing's)."""
    score = np.full(len(sides[0].reduced), np.inf)
    gaps = []
    for s in sides:
        gap = ub - s.bound + 1e-6 * abs(ub) + 1.0
        gaps.append(gap)
        score = np.minimum(score, np.where(s.reduced <= gap, s.reduced, np.inf))
    order = np.argsort(score, kind="stable")
    # Never a column above every side's gap (score inf), however large ``limit``.
    take = min(int(np.searchsorted(score[order], limit, side="right")),
               int(np.isfinite(score).sum()))
    picked = np.zeros(len(score), dtype=bool)
    picked[order[:min(take, cap)]] = True
    complete = take <= cap and all(bool(np.all(picked[s.reduced <= g]))
                                   for s, g in zip(sides, gaps, strict=True))
    return order[:min(take, cap)], complete


def restricted_bound(sides: Sequence[Side], restricted: np.ndarray, inside_bound: float
                     ) -> float:
    """A bound on every plan of the sides' counts from a restricted problem that was
    not complete: ``restricted`` the columns it held, ``inside_bound`` a lower bound on
    its plans (CP-SAT's best bound over them, the same counts). A plan with a column
    outside pays that column's reduced cost on the side of its count, at least g_s, the
    least reduced cost on side s of a column left out: cost(P) − L_s = Σ_{S in P} rc_S
    − Σ_S min(0, rc_S) + μ·(|P| − k) ≥ max(0, rc of any one of its columns) (the μ
    term is ≥ 0 on the counts the side covers, module docstring). So every plan costs at
    least min(inside_bound, min_s L_s + max(0, g_s)), the sides covering every count.

    Why: on St. Louis urban (452,148 columns, count LPs at 12 and 13: 13.92 M and
    14.08 M yuan) the stage over 24,466 columns held every column of reduced cost below
    55,529 yuan on both sides and CP-SAT's bound over them was 13.99 M after 8
    deterministic seconds: 13.975 M yuan for the piece against 13.92 M, where only a
    complete restricted problem's proof had counted."""
    inset = np.zeros(len(sides[0].reduced), dtype=bool)
    inset[np.asarray(restricted, dtype=np.int64)] = True
    if inset.all():
        return inside_bound
    outside = [s.bound + max(0.0, float(s.reduced[~inset].min())) for s in sides]
    return min(inside_bound, *outside)
