"""Large complete listings: the LP bound, then integer solves over the columns of
small reduced cost (optimizer.search.columns hands them over).

CP-SAT over every column of a big listing proves the LP bound quickly but finds poor
plans: a 150-compound street of 114,211 possible communities ended 4.5% above its
bound after 10 s and found nothing at all in 60 s without a start. Here:

1. the LP over every column (HiGHS, :mod:`optimizer.model.master`) gives the bound,
   recomputed from its duals, and the reduced cost of every column;
1b. the LP-guided dive (:mod:`optimizer.model.dive`, at most DIVE_SHARE of the budget
   left, counted work): fix the LP's column of largest value, CP-SAT completes the
   rest or proves it a dead end (undone), the LP re-solved over what is left. Its
   plan, when cheaper, is the plan in hand: on the 150-compound street 38.96 M yuan
   (3.03% above the LP bound) against 39.29 M from the integer stages alone in a
   60-s run;
1c. neighbourhoods over the listing (:mod:`optimizer.search.colns`, at most
   COLNS_SHARE of the budget left), from the start or the dive's plan, whichever has
   fewer communities: each community and its neighbours re-split exactly over the
   listed columns inside them; on that street the start's 34 communities 39.06 M ->
   38.44 M yuan in 22 s of deterministic work, where the integer stages over the
   columns of small reduced cost had left the dive's 38.96 M as it was;
2. CP-SAT solves the set partitioning over the columns whose reduced cost is at most
   a share of the LP value, plus those of the plan in hand (so a plan always
   exists, and is the hint), the share doubling while time remains. Any partition
   costs the LP dual value plus the reduced costs of its columns, so a plan better
   than one of cost UB holds only columns of reduced cost below UB − LP: once the
   share covers that gap, the restricted problem holds every better plan, and its
   proof is the piece's (reduced-cost fixing). That street: 28.21 M yuan proven
   optimal over 4,888 columns in 1.4 s, against 29.24 M before; bound 27.97 M (0.86%).
   A stage that does not cover the gap still bounds the piece: a plan inside costs at
   least CP-SAT's bound over the stage's columns, one with a column left out at least
   L plus the least reduced cost left out (count_sides.restricted_bound; real Chicago
   urban, 60 s one worker: bound 13.10 M -> 13.13 M yuan, gap 0.40% -> 0.21%).
   Once such a cap binds, the rest of the time goes to one stage over every column
   below the gap when they fit FULL_COLUMNS (the full stage; 0.21% -> 0.15% there).

1a. (before the dive, when the budget holds EARLY_ROOM free LPs' time) the LPs with
   the count fixed around the free LP's Σx (:mod:`optimizer.model.count_sides`):
   their bound, and their reduced costs choose the columns of step 2 and decide when
   it holds every better plan, each for the counts its μ covers. On real Chicago urban
   (324,811 columns) the free LP's Σx is 11.42 below the 12 communities proven: the LP
   at 12 is 13.10 M yuan against 12.93 M, and 60 s with one worker ended at 0.91%
   instead of 3.02%. Only when Σx lies outside the counts proven (one LP): with Σx
   inside, two LPs cost the dive and neighbourhoods their time (the 150-compound street
   38.42 M -> 38.84 M), and the count-fixed LPs run at the end as before.

Stopped (Ctrl-C, the clock) before or during the LP, the piece keeps the plan it
started from, with the bound of the LP's duals when the LP got that far (a valid one
however early, :mod:`optimizer.model.master`) and else none (the floors of
:func:`optimizer.search.piece.solve_data` give it).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csc_matrix

from optimizer.model.count_sides import (
    Sides,
    count_sides,
    fixed_counts,
    free_side,
    restricted_bound,
    select,
)
from optimizer.model.dive import dive
from optimizer.model.master import MasterLP, count_bound, incidence, solve_master
from optimizer.model.setpart import build_setpart, solve_setpart
from optimizer.search.colns import column_neighbourhoods
from optimizer.search.stop import StopFlag
from optimizer.status import Status

FIRST_SHARE = 0.001     # first restricted problem: reduced cost ≤ 0.1% of the LP value
MAX_RESTRICTED = 60_000  # columns in one restricted problem, at most
STAGE_S = 0.35          # of the time left, for one restricted problem
LP_RESERVE = 2.0        # the count-fixed LPs when not run early: this many free LPs'
DIVE_SHARE = 0.4        # time kept for them at the end; of the budget left after the
                        # LP, for the dive at most
LP_ROOM = 8.0           # ... when the budget holds this many (else the integer solves
                        # get all of it: the count-fixed LPs add 0.15% of bound at most)
EARLY_ROOM = 2.0        # the count-fixed LPs right after the free LP when the budget
                        # holds this many free LPs' time as counted (wall time with two
                        # workers: the estimate of a 452,148-column LP was 20+ s for 2-4)
STAGE_FIXED = 0.5       # with the free LP's Σx outside the counts proven, of the time
COLNS_FIXED = 0.25      # left for one restricted problem, and of the budget for the
                        # neighbourhoods: real Chicago
                        # urban's 5,316 columns of least reduced cost at 12 communities
                        # held 13.156 M yuan, proven in 12.9 s of a 48-s run (1 worker),
                        # where 0.35 of the time left (11.4 s) did not reach it and the
                        # neighbourhoods (0.6) had improved nothing in 23 s
COLNS_SHARE = 0.6       # of the budget left after the dive, for the neighbourhoods at most
                        # (they end on their own when no group helps; the integer stages
                        # after them found nothing better on the 150-compound street)
FULL_COLUMNS = 60_000   # the full stage's columns at most: CP-SAT over the 114,211 of the
                        # 150-compound street peaked at 2.0 GB (0.56 GB without it) for
                        # 5 k yuan of bound; real Chicago urban's 47,339 at 0.73 GB


@dataclass(frozen=True)
class MasterPlan:
    status: Status              # OPTIMAL (proven for the piece) or FEASIBLE
    chosen: tuple[int, ...]     # column indices of the plan
    bound_yuan: float           # -inf: none (stopped before the LP had duals)
    used_s: float
    stages: int
    dived: bool = False         # the plan (or the hint it came from) is the dive's
    resplit: str = ""           # what the neighbourhoods did (optimizer.search.colns)
    left_behind: bool = False   # an integer stage did not return in time (model/cpsat_guard)


@dataclass(frozen=True)
class NoPlan:
    """A listing without a plan to start from gave none: the LP failed or was cut
    short, or its dive found no plan. ``used_s``: what it took, for the caller's
    budget (optimizer.search.cored, which then widens its slack)."""
    used_s: float


@dataclass(frozen=True)
class _Run:
    """What every stage of one call shares (the call's keyword arguments)."""
    budget_s: float
    workers: int
    seed: int
    deterministic: bool
    stop: StopFlag
    count: tuple[int, int]
    log: bool
    nbrs: tuple[tuple[int, ...], ...] | None
    households: np.ndarray | None


def solve_by_master(n_units: int, members: tuple[tuple[int, ...], ...], cost: np.ndarray,
                    start: list[int], *, budget_s: float, workers: int, seed: int,
                    deterministic: bool, stop: StopFlag, count: tuple[int, int],
                    log: bool = False, nbrs: tuple[tuple[int, ...], ...] | None = None,
                    households: np.ndarray | None = None) -> MasterPlan | None:
    """The plan and bound over a complete listing (``members``, ``cost``) from the
    plan ``start`` (column indices); None when the LP fails (the caller falls back).
    ``nbrs`` and ``households`` (per unit): the neighbourhoods of
    :mod:`optimizer.search.colns` run on the dive's plan (none without them)."""
    run = _Run(budget_s, workers, seed, deterministic, stop, count, log, nbrs, households)
    t0 = time.perf_counter()
    if stop.is_set():           # no time for the LP: the plan in hand
        return MasterPlan(Status.FEASIBLE, tuple(sorted(start)), -math.inf, 0.0, 0)
    a = incidence(n_units, members)
    lp = solve_master(a, cost, start=start, stop=stop)
    used = lp.work_s if deterministic else time.perf_counter() - t0
    if not lp.ok or not math.isfinite(lp.bound):
        if stop.is_set() or stop.seconds_left() == 0.0:
            # The clock cut the LP short (HiGHS has no duals then): the plan in hand.
            return MasterPlan(Status.FEASIBLE, tuple(sorted(start)), -math.inf, used, 0)
        return None
    sides, early, used = _sides(a, cost, lp, start, used, run)
    dived, used = _dive(a, cost, lp, start, DIVE_SHARE, used, run)
    return _after_dive(members, a, cost, lp, sides, early, start, dived, used, run, t0)


def master_plan(n_units: int, members: tuple[tuple[int, ...], ...], cost: np.ndarray,
                start: list[int] | None, *, budget_s: float, workers: int, seed: int,
                deterministic: bool, stop: StopFlag, count: tuple[int, int],
                log: bool = False, nbrs: tuple[tuple[int, ...], ...] | None = None,
                households: np.ndarray | None = None) -> MasterPlan | NoPlan | None:
    """:func:`solve_by_master` from ``start``, or with none (region growing and tree
    partitions found no plan within the bounds) :func:`solve_without_start`: the LP's
    dive gives the plan to start from. CP-SAT alone over the 210,215 columns of
    bench/wild.py seed 221's 111-compound street (2,000-3,000 households, compounds of
    up to 2,600: no tree partition fits) found no plan in a 60-s run, whose street had
    28 s of wall; the dive found one 1.5% above the LP in 27 s at load 7. With no plan
    from the dive the caller's set partitioning over every column proves there is none
    or finds one with what is left, unless stopped: its build alone took 18.7 s after
    the stop at load 9 (seed 221), and a stopped piece's models give the first plan."""
    if start is not None:
        return solve_by_master(n_units, members, cost, start, budget_s=budget_s,
                               workers=workers, seed=seed, deterministic=deterministic,
                               stop=stop, count=count, log=log, nbrs=nbrs,
                               households=households)
    return solve_without_start(n_units, members, cost, budget_s=budget_s, workers=workers,
                               seed=seed, deterministic=deterministic, stop=stop,
                               count=count, log=log, nbrs=nbrs, households=households,
                               skip_uncovered=True)


def solve_without_start(n_units: int, members: tuple[tuple[int, ...], ...],
                        cost: np.ndarray, *, budget_s: float, workers: int, seed: int,
                        deterministic: bool, stop: StopFlag, count: tuple[int, int],
                        log: bool = False, nbrs: tuple[tuple[int, ...], ...] | None = None,
                        households: np.ndarray | None = None,
                        skip_uncovered: bool = False) -> MasterPlan | NoPlan:
    """:func:`solve_by_master` with no plan in hand (optimizer.search.cored: a listing
    with columns outside the bounds): the dive's plan, given twice the dive's share,
    is the start; :class:`NoPlan` with the time used when there is none.
    ``skip_uncovered``: NoPlan without a dive where the LP covers a unit by an
    artificial column (:func:`covers`; :func:`master_plan`, whose caller's set
    partitioning then decides; cored keeps its dive)."""
    run = _Run(budget_s, workers, seed, deterministic, stop, count, log, nbrs, households)
    t0 = time.perf_counter()
    if stop.is_set():
        return NoPlan(0.0)
    a = incidence(n_units, members)
    lp = solve_master(a, cost, start=(), stop=stop)
    used = lp.work_s if deterministic else time.perf_counter() - t0
    if not lp.ok or not math.isfinite(lp.bound) or skip_uncovered and not covers(a, lp.x):
        return NoPlan(used)
    sides, early, used = _sides(a, cost, lp, [], used, run)
    dived, used = _dive(a, cost, lp, [], 2 * DIVE_SHARE, used, run)
    if not dived:
        return NoPlan(used)
    return _after_dive(members, a, cost, lp, sides, early, dived, dived, used, run, t0)


def covers(a: csc_matrix, x: np.ndarray) -> bool:
    """Whether the LP solution ``x`` covers every unit by listed columns, not by its
    artificial ones (each ten times the dearest column: the LP takes one where no
    fractional partition exists, or, in principle, where every partition costs more
    than that). Not a proof: where it does not, the dive (which reads an artificial
    column as a dead end) is skipped and the caller's set partitioning decides."""
    return len(x) == a.shape[1] and bool((a @ np.asarray(x, dtype=np.float64)
                                          >= 1.0 - 1e-6).all())


def _sides(a: csc_matrix, cost: np.ndarray, lp: MasterLP, start: list[int], used: float,
           run: _Run) -> tuple[Sides, bool, float]:
    """The count-fixed LPs right after the free LP when the budget holds EARLY_ROOM
    free LPs' time as counted and the free LP's Σx lies outside the counts proven
    (optimizer.model.count_sides): their bound, and their
    reduced costs order the integer stages' columns (real Chicago urban: 13.31 M ->
    13.16 M yuan against a bound of 12.93 M -> 13.10 M); else the free LP's side
    alone. Whether they ran, and the time used so far."""
    count = run.count
    # Early only when the free LP's Σx lies outside the counts proven (one count-fixed
    # LP): with Σx inside (two LPs, St. Louis urban, the 150-compound street) they cost
    # the dive and the neighbourhoods their time, and that street ended at 38.84-39.07 M
    # yuan against 38.42 M (two 60-s runs at load 2.6-3.2); they run at the end then.
    outside = lp.finished and len(fixed_counts(lp.count, count[0], count[1])) == 1
    if not (outside and run.budget_s >= EARLY_ROOM * used and not run.stop.is_set()):
        return Sides((free_side(lp, count[0], count[1]),), lp.bound, 0.0), False, used
    t1 = time.perf_counter()
    sides = count_sides(a, cost, lp, count[0], count[1], start, stop=run.stop)
    used += sides.work_s if run.deterministic else time.perf_counter() - t1
    return sides, True, used


def _dive(a: csc_matrix, cost: np.ndarray, lp: MasterLP, start: list[int], share: float,
          used: float, run: _Run) -> tuple[list[int], float]:
    """The LP-guided dive (optimizer.model.dive): a plan near the LP's count before
    the integer stages, whose hint it becomes. Its plan when cheaper than ``start``
    (empty when not), and the time used so far."""
    if not (lp.finished and len(lp.x) == len(cost)):
        return [], used
    t1 = time.perf_counter()
    dv = dive(a, cost, lp.x, lp.reduced, work_s=share * max(0.0, run.budget_s - used),
              stop=run.stop.is_set)
    used += dv.work_s if run.deterministic else time.perf_counter() - t1
    ub = float(cost[start].sum()) if start else math.inf
    return (list(dv.chosen) if dv.chosen and dv.cost_yuan < ub - 1e-6 else []), used


def _after_dive(members: tuple[tuple[int, ...], ...], a: csc_matrix, cost: np.ndarray,
                lp: MasterLP, sides: Sides, early: bool, start: list[int], dived: list[int],
                used: float, run: _Run, t0: float) -> MasterPlan:
    """The neighbourhoods, the integer stages and the count-fixed LPs, from the plan in
    hand (the dive's when it found a cheaper one)."""
    n_units, budget_s, stop, deterministic = a.shape[0], run.budget_s, run.stop, \
        run.deterministic
    nbrs, households, seed, count = run.nbrs, run.households, run.seed, run.count
    workers, log = run.workers, run.log
    incumbent = dived or list(start)
    ub = float(cost[incumbent].sum())
    bound = max(lp.bound, sides.bound)
    # The free LP's Σx outside the counts proven: its order misled the integer stages,
    # the count-fixed LP's does not, and they get more of the time.
    outside = early and len(sides.fixed) == 1
    resplit = ""
    if nbrs is not None and households is not None and not stop.is_set():
        # Adjacent communities re-split exactly over the listing (optimizer.search.colns).
        # They keep the count they are given (a community fewer takes 15+ of them at
        # once), so they start from the plan with the fewest communities, the start or
        # the dive's: on the 150-compound street the start's 34 (39.06 M yuan) ends at
        # 38.44 M, the dive's 35 (38.96 M) at 38.63 M.
        # When that ends above the other plan, the other's turn with what is left.
        bases = sorted({tuple(sorted(incumbent)), tuple(sorted(start))},
                       key=lambda p: (len(p), float(cost[list(p)].sum()), p))
        share = (COLNS_FIXED if outside else COLNS_SHARE) * max(0.0, budget_s - used)
        groups = improved = 0
        for base in bases:
            if stop.is_set() or share <= 0.0:
                break
            t1 = time.perf_counter()
            better, cst = column_neighbourhoods(a, cost, nbrs, households, list(base),
                                                work_s=share, stop=stop, seed=seed)
            spent = cst.used_s if deterministic else time.perf_counter() - t1
            used, share = used + spent, share - spent
            groups, improved = groups + cst.groups, improved + cst.improved
            if float(cost[better].sum()) < ub - 1e-6:
                incumbent, ub = better, float(cost[better].sum())
                break
        if groups:
            resplit = f"resplit({improved} of {groups}), "
    share = FIRST_SHARE
    stage_s = STAGE_FIXED if outside else STAGE_S
    stages = 0
    status = Status.FEASIBLE
    left_behind = False
    full = False
    ahead: tuple[np.ndarray, bool] | None = None    # the full stage's selection, once made
    reserve = LP_RESERVE * lp.work_s if budget_s >= LP_ROOM * lp.work_s and not early else 0.0
    while not stop.is_set():
        left = budget_s - used - reserve
        if left <= 0.1 and stages > 0:
            break
        # cost(plan) = Σπ + μ·|plan| + Σ of its columns' reduced costs: a better plan
        # than ub holds only columns below ub − L on the side of its count.
        picked, complete = ahead if full and ahead is not None else select(
            sides.sides, ub, share * abs(lp.value), MAX_RESTRICTED)
        cols = np.union1d(picked, np.asarray(incumbent, dtype=np.int64))
        sub = [members[k] for k in cols.tolist()]
        pos = {k: p for p, k in enumerate(cols.tolist())}
        built = build_setpart(n_units, sub, cost[cols], hint=[pos[k] for k in incumbent],
                              count=count)
        res = solve_setpart(built, time_s=max(0.5, left if full or left <= 1 else stage_s * left),
                            workers=workers, seed=seed + stages, deterministic=deterministic,
                            stop=stop, log=log)
        stages += 1
        used += res.used_s if deterministic else 0.0
        if not deterministic:
            used = time.perf_counter() - t0
        if res.chosen:
            found = [int(cols[p]) for p in res.chosen]
            value = float(cost[found].sum())
            if value < ub - 1e-6:
                incumbent, ub = found, value
        if res.left_behind:
            # CP-SAT did not return by its time (optimizer.model.cpsat_guard; a stage of
            # 60,001 columns on a 78-unit real map took 50 s for 8.9): its threads still
            # hold the cores, and another stage of that size could stall as well.
            left_behind = True
            break
        capped = False
        if res.status in (Status.OPTIMAL, Status.FEASIBLE):
            # Not complete either: plans inside cost at least CP-SAT's bound, plans with
            # a column left out that column's reduced cost (count_sides.restricted_bound).
            inside = restricted_bound(sides.sides, cols, res.bound_yuan)
            bound = max(bound, inside)
            capped = inside < res.bound_yuan - 1e-6 and (
                res.status == Status.FEASIBLE or len(picked) >= MAX_RESTRICTED)
        exact = complete
        if exact and res.status == Status.OPTIMAL:
            # Every column of a better plan was in the restricted problem.
            bound = max(bound, min(ub, res.bound_yuan))
            status = Status.OPTIMAL
            break
        if (exact and res.status == Status.INFEASIBLE) or full:
            break
        # The columns left out capped the stage's bound (L + the least reduced cost left
        # out) and CP-SAT did not prove even the stage's own problem, or the stage was at
        # MAX_RESTRICTED (every later doubling the same columns): when every column below
        # the gap fits FULL_COLUMNS, the rest of the time goes to one stage over them (the
        # full stage), whose bound is the listing's. Real Chicago urban, 60 s, one thread:
        # bound 13.129 M -> 13.136 M yuan, where stages 3-7 had split that time 5:2:1:1:1
        # over 43,397 and then those 47,370 columns. A stage proven inside keeps the
        # doubling: oversized-urban-nosplit's 142-unit part found its plan (-82 k) in
        # its third stage, which the full stage right after the first did not.
        ahead = select(sides.sides, ub, math.inf, FULL_COLUMNS) if capped else None
        full = ahead is not None and ahead[1]   # (ub is as it was: the full stage's columns)
        share *= 2.0
    if status != Status.OPTIMAL and not stop.is_set() and reserve > 0 \
            and budget_s - used >= reserve / LP_RESERVE:
        # The count fixed on both sides of the LP's Σx, or at the fewest count proven
        # when Σx is below it: a little more bound (0.15% on the 150-compound street,
        # 0.05% on real-sids2-urban-over's listed part), in the time kept for it. At
        # least one LP's time: the last integer stage may run past its share by a
        # little (real-sids2: 0.03 s of CP-SAT's deterministic time), and the whole
        # reserve was then never left.
        more, work = count_bound(a, cost, lp, count[0], count[1], incumbent, stop=stop)
        bound = max(bound, more)
        used += work if deterministic else 0.0
    return MasterPlan(status, tuple(sorted(incumbent)), min(bound, ub), used, stages,
                      bool(dived), resplit, left_behind)
