"""Exact small pieces by columns: list every possible community, price it, partition.

Where a community holds only a few units (urban streets of compounds: 3-5 of ~650
households each), a piece has few enough connected unit groups within the household
bounds to list them all (:func:`connected_groups`). Each group ("column") gets its
exact cost (:func:`price_groups`): the cheapest center and remedy, exactly as
:func:`optimizer.search.heuristic.best_choice` and :func:`optimizer.search.assemble.price`
give them, plus half the cut-edge weight of each neighbour link leaving it inside the
piece. A plan's cost is the sum of its columns' costs: every term of ``price`` depends
only on the community's own units (distance and moves to its own center; a swap
credits an owned site of the same community, ``best_choice`` looks no further), and a
cut link is shared by the two communities it separates. So the cheapest cover of every
unit by exactly one column (:mod:`optimizer.model.setpart`) is the piece's optimum, and
CP-SAT's bound on it is a true bound on the piece.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from optimizer.model.count_floor import count_floor
from optimizer.model.piece import PieceData
from optimizer.model.setpart import build_setpart, solve_setpart
from optimizer.scenario.model import Scenario
from optimizer.search.attempt import Choice
from optimizer.search.colmaster import NoPlan, master_plan
from optimizer.search.column_price import Stopped, price_groups
from optimizer.search.column_repair import start_columns
from optimizer.search.heuristic import best_choice
from optimizer.search.listing_size import listing_hopeless, worth_listing
from optimizer.search.stop import StopFlag
from optimizer.status import Status

MAX_COLUMNS = 500_000       # more columns than this: leave the piece to the models
MASTER_COLUMNS = 20_000     # from this many on, the LP and restricted integer solves
MAX_STEPS = 1_000_000       # groups visited (below the lower bound too) before giving up
STEP_S = 1e-6               # enumeration cost in "deterministic seconds" per group visited
COLUMN_S = 6e-6             # pricing cost per column, likewise (city streets: 1 µs, 5-15 µs)
STOP_EVERY = 20_000         # groups visited between looks at the stop flag (~0.05 s)
Precheck = Callable[["ColumnSet"], tuple[tuple[int, ...], float]]
MIN_SOLVE_S = 2.0           # the set partitioning gets at least this long


@dataclass(frozen=True)
class ColumnSet:
    members: tuple[tuple[int, ...], ...]   # local unit indices, sorted, one per column
    cost_yuan: np.ndarray                  # the exact cost of each column (see module)
    dropped: int                           # groups within the bounds with no center
    steps: int                             # groups the enumeration visited
    enum_s: float                          # wall time spent listing the groups
    price_s: float                         # ... and pricing them

    @property
    def work_s(self) -> float:
        """The preparation's cost in machine-independent units (for deterministic runs)."""
        return self.steps * STEP_S + (len(self.members) + self.dropped) * COLUMN_S


class _Abort(Exception):
    pass


def connected_groups(data: PieceData, max_columns: int = MAX_COLUMNS,
                     max_steps: int = MAX_STEPS, stop: StopFlag | None = None
                     ) -> tuple[list[tuple[int, ...]], int] | None:
    """Every connected group of local units with data.lo..data.hi households, each
    once (sorted tuples), and the number of groups visited; None past either cap, or
    once ``stop`` is raised (looked at every STOP_EVERY groups, so a small listing
    always completes: a partial one is of no use, and a large one takes seconds).

    ESU (Wernicke 2006) without a size limit: each connected group is grown from its
    smallest unit (the root) only, by adding units of the extension set, which gets
    only the new unit's neighbours above the root that neither are in the group nor
    border it. A unit that would pass the upper bound is dropped from the extension
    (households are ≥ 0, so no group holding it fits)."""
    h = [int(v) for v in data.households]
    lo, hi, nbrs = data.lo, data.hi, data.nbrs
    closed = [sum(1 << u for u in nbrs[v]) | 1 << v for v in range(data.n)]
    out: list[tuple[int, ...]] = []
    steps = 0

    def extend(group: list[int], weight: int, ext: list[int], seen: int, root: int) -> None:
        nonlocal steps
        steps += 1
        if steps > max_steps or (stop is not None and steps % STOP_EVERY == 0
                                 and stop.is_set()):
            raise _Abort
        if weight >= lo:
            out.append(tuple(sorted(group)))
            if len(out) > max_columns:
                raise _Abort
        while ext:
            w = ext.pop()
            weight_w = weight + h[w]
            if weight_w > hi:
                continue
            new = [u for u in nbrs[w] if u > root and not seen >> u & 1]
            group.append(w)
            extend(group, weight_w, ext + new, seen | closed[w], root)
            group.pop()

    try:
        for root in range(data.n):
            if h[root] <= hi:
                extend([root], h[root], [u for u in nbrs[root] if u > root], closed[root],
                       root)
    except _Abort:
        return None
    return out, steps


def build_columns(scenario: Scenario, data: PieceData, max_columns: int = MAX_COLUMNS,
                  max_steps: int = MAX_STEPS, stop: StopFlag | None = None
                  ) -> ColumnSet | None:
    """Every priced column of the piece, or None when there are too many to list (or
    ``stop`` was raised while listing or pricing a large listing: the piece is then
    stopped, and its models give the first plan at once)."""
    if not worth_listing(data.households, data.lo):
        return None             # communities of many units: far too many groups
    if listing_hopeless(data, max_columns, max_steps):
        return None             # predicted past a cap: do not spend it finding out
    t0 = time.perf_counter()
    found = connected_groups(data, max_columns, max_steps, stop=stop)
    if found is None:
        return None
    groups, steps = found
    t1 = time.perf_counter()
    try:
        cost = price_groups(scenario, data, groups, stop=stop)
    except Stopped:
        return None
    ok = np.isfinite(cost)
    members = tuple(g for g, good in zip(groups, ok.tolist(), strict=True) if good)
    return ColumnSet(members, cost[ok], int((~ok).sum()), steps, t1 - t0,
                     time.perf_counter() - t1)


@dataclass(frozen=True)
class ColumnPlan:
    status: Status                  # OPTIMAL (proven for the piece), FEASIBLE, INFEASIBLE...
    choices: tuple[Choice, ...]     # empty when no plan was found
    bound_yuan: float               # a true lower bound on the piece's cost
    used_s: float                   # of the budget (listing, pricing, solving)
    columns: int
    how: str = ""                   # how the columns were solved, when not by CP-SAT alone
    listing: ColumnSet | None = None  # the columns, where none partitions the piece
                                      # (optimizer.search.cored takes them on)
    core: tuple[int, ...] = ()      # local units no listed communities hold all of, found
                                    # before any solve (``precheck``)


def plan_by_columns(scenario: Scenario, data: PieceData, *, budget_s: float, workers: int,
                    seed: int, deterministic: bool, stop: StopFlag,
                    hint: Callable[[], tuple[Choice, ...] | None],
                    hint_used_s: Callable[[], float] = lambda: 0.0,
                    precheck: Precheck | None = None,
                    rough: Callable[[], Sequence[Sequence[int]]] | None = None
                    ) -> ColumnPlan | None:
    """The cheapest partition of the piece into columns, None when there are too many
    to list. ``hint`` gives a plan to start from; the time spent listing, pricing and
    finding the hint counts against ``budget_s`` (estimated from the work done when
    deterministic: then ``hint_used_s`` says what the hint took). ``precheck``: a few
    units no listed communities can hold all of (and its deterministic time), sought
    before the hint: where found, no partition exists and neither the hint nor a solve
    runs (bench/wild.py seed 123's 239-compound street spent 7 s on a start for a
    listing a compound of which no listed community holds). ``rough``: a partition to
    repair over the listing where the hint is none (optimizer.search.column_repair)."""
    t0 = time.perf_counter()
    cols = build_columns(scenario, data, stop=stop)
    if cols is None:
        return None
    core, early_s = precheck(cols) if precheck is not None else ((), 0.0)
    if core:
        used = cols.work_s + early_s if deterministic else time.perf_counter() - t0
        return ColumnPlan(Status.INFEASIBLE, (), math.inf, used, len(cols.members),
                          listing=cols, core=core)
    chosen_hint, repair_s = start_columns(cols.members, cols.cost_yuan, data, hint(),
                                          rough, budget_s=budget_s, seed=seed, stop=stop)
    prep = cols.work_s + early_s + hint_used_s() + repair_s if deterministic \
        else time.perf_counter() - t0
    # From the fewest count proven (optimizer.model.count_floor; a hint made of listed
    # columns is a plan, whose count caps it): redundant with the listing, it tightens
    # the LP and the count-fixed LPs of the master.
    fewest = count_floor(data, at_most=len(chosen_hint) if chosen_hint else None).least
    count = (fewest, data.total // max(1, data.lo))
    if len(cols.members) >= MASTER_COLUMNS:
        # Large listings: the LP bound, then integer solves over the columns of small
        # reduced cost, from the hint or, with none, the LP's dive (colmaster.master_plan).
        got = master_plan(data.n, cols.members, cols.cost_yuan, chosen_hint,
                          budget_s=max(MIN_SOLVE_S, budget_s - prep), workers=workers,
                          seed=seed, deterministic=deterministic, stop=stop, count=count,
                          log=scenario.solver.log_search, nbrs=data.nbrs,
                          households=data.households)
        if isinstance(got, NoPlan) and stop.is_set():   # no plan: the models (master_plan)
            return ColumnPlan(Status.UNKNOWN, (), -math.inf, prep + got.used_s, len(cols.members))
        if isinstance(got, NoPlan):                     # the set partitioning, what is left
            prep, got = prep + got.used_s, None
        if got is not None:
            return ColumnPlan(got.status, _choices(scenario, data, cols, got.chosen),
                              got.bound_yuan, prep + got.used_s, len(cols.members),
                              f"lp, {'dive, ' if got.dived else ''}{got.resplit}"
                              f"{got.stages} integer stages"
                              f"{', the last left behind' if got.left_behind else ''}")
    built = build_setpart(data.n, cols.members, cols.cost_yuan, chosen_hint, count)
    # At least MIN_SOLVE_S however little the budget leaves: with every possible
    # community listed a plan is usually a fraction of a second away, and falling
    # through to the models with nothing left ends in a plan that breaks the bounds
    # (a 29-unit city street with 0.5-1 s: listing and pricing took the whole budget).
    res = solve_setpart(built, time_s=max(MIN_SOLVE_S, budget_s - prep), workers=workers,
                        seed=seed,
                        deterministic=deterministic, stop=stop,
                        log=scenario.solver.log_search,
                        relative_gap=scenario.solver.relative_gap)
    return ColumnPlan(res.status, _choices(scenario, data, cols, res.chosen),
                      res.bound_yuan, prep + res.used_s, len(cols.members),
                      listing=cols if res.status == Status.INFEASIBLE else None)


def _choices(scenario: Scenario, data: PieceData, cols: ColumnSet,
             chosen: tuple[int, ...]) -> tuple[Choice, ...]:
    out = []
    for k in chosen:
        ch = best_choice(scenario, data, list(cols.members[k]))
        assert ch is not None, "a priced column has a center"
        out.append(ch)
    return tuple(sorted(out, key=lambda ch: ch.center))
