"""A listed piece with no partition because of cores (optimizer.search.core): one
community per core breaks the bounds, holding a unit of it and naming it, as little
as found; every other community within the bounds.

Before this such a piece went whole to the soft model (issue 16: "every exemption
names the unit or the part that makes it impossible, nothing more"): a held-out
200-village town (two villages no community within the bounds holds, three that none
can hold together) got seven broken communities, five away from them, and the
widened floor's bound (43% gap); a 200-compound street 8.8%, using the whole limit.

Every possible community within the bounds is listed already
(optimizer.search.columns). Every plan breaks the bounds in a community holding a
unit of each core, so the communities that may break them are the connected groups
holding a core unit outside the bounds (:func:`breaking_groups`, by at most
``slack`` households). Each such group also holds a row of its own per core whose
units it holds, and each core has an empty column holding its row alone: no two
communities outside the bounds hold units of one core. Then, on a listing below the
master's size:

1. a set partitioning over the listing and those groups, least first by the number
   of groups outside the bounds, then households outside, then the group's own cost
   (CP-SAT, a short limit): the most any of them breaks the bounds by (V), and a
   plan; none with the slack: twice the slack, up to the maximum;
2. the cheapest plan over the listing and the groups breaking the bounds by at most
   V, from step 1's (CP-SAT).

On a large listing (CP-SAT found no plan in 10 s over the 87,329 communities of a
200-compound street) both at once: the listing's master (optimizer.search.colmaster)
from no plan, its LP's dive finding the first, over the groups within the first
slack, each household outside the bounds priced at a household's share of the mean
listed community so that the plan breaks them little; that price, for the most any
plan of the columns can break them by (the slack per core), comes off the bound.

The bound is over the plans the rules and these exemptions allow: every community
outside the bounds holds a unit of a core (the checker rejects the core's exemption
elsewhere, optimizer.checker.proofs), one per core, each breaking them by at most V
(the slack on a large listing), as a pocket's split breaking them least
(optimizer.search.pocketed); the columns hold every community of every such plan.
Not taken: the exempt community's cost and the rest's bound (a bound over plans
with that community only); the soft model's widened floor (valid over more plans,
far lower: 19.7 M yuan against 67.2 M on the 200-compound street).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from optimizer.model.bounds import arithmetic_bound
from optimizer.model.piece import PieceData
from optimizer.model.setpart import build_setpart, solve_setpart
from optimizer.plan.exemption import Exemption
from optimizer.scenario.model import Scenario
from optimizer.search.attempt import Choice
from optimizer.search.colmaster import NoPlan, solve_without_start
from optimizer.search.columns import MASTER_COLUMNS, ColumnSet
from optimizer.search.core import Cored
from optimizer.search.heuristic import best_choice
from optimizer.search.piece_common import OutsideBounds
from optimizer.search.piece_types import PieceResult, PieceTask
from optimizer.search.stop import StopFlag
from optimizer.status import Status

MAX_GROUPS = 100_000    # breaking groups listed at most (more: the soft model)
MAX_STEPS = 2_000_000   # groups visited while listing them, at most
FIRST_SLACK = 0.1       # of the bounds' width: households outside them at first
FIND_S = 10.0           # seconds for step 1 (a plan is usually at once; one thread on a
                        # 171-compound street, bench/wild.py seed 93: 5-10 s of wall)
STEP_S = 1e-6           # the listing's cost per group visited (deterministic estimate)
LARGE_TRIES = 2         # a large listing's master solves at most, each at a wider slack


def breaking_groups(data: PieceData, core: tuple[int, ...], slack: int,
                    max_groups: int = MAX_GROUPS, max_steps: int = MAX_STEPS
                    ) -> tuple[list[tuple[int, ...]], int] | None:
    """Every connected group of local units holding a unit of ``core`` with
    households outside data.lo..data.hi by at most ``slack``, each once (sorted), and
    the groups visited; None past a cap. ESU (as optimizer.search.columns) with the
    core units as the only roots: a group is grown from its first core unit only."""
    h = [int(v) for v in data.households]
    lo, hi, nbrs = data.lo, data.hi, data.nbrs
    rank = {u: k for k, u in enumerate(core)}
    closed = [sum(1 << u for u in nbrs[v]) | 1 << v for v in range(data.n)]
    out: list[tuple[int, ...]] = []
    steps = 0
    top = hi + slack

    def extend(group: list[int], weight: int, ext: list[int], seen: int, r: int) -> bool:
        nonlocal steps
        steps += 1
        if steps > max_steps:
            return False
        if lo - slack <= weight < lo or hi < weight <= top:
            out.append(tuple(sorted(group)))
            if len(out) > max_groups:
                return False
        while ext:
            w = ext.pop()
            if h[w] + weight > top:
                continue
            new = [u for u in nbrs[w] if not seen >> u & 1 and rank.get(u, len(core)) > r]
            group.append(w)
            ok = extend(group, weight + h[w], ext + new, seen | closed[w], r)
            group.pop()
            if not ok:
                return False
        return True

    for r, root in enumerate(core):
        if h[root] > top:
            continue
        first = [u for u in nbrs[root] if rank.get(u, len(core)) > r]
        if not extend([root], h[root], first, closed[root], r):
            return None
    return out, steps


@dataclass(frozen=True)
class Columns:
    """The listing with the groups outside the bounds, each also holding a row of its
    own per core whose units it holds (index data.n + the core's), and one empty
    column per core holding that row alone: at most one community breaks the bounds
    per core (one holding units of several counts for each)."""

    members: list[tuple[int, ...]]
    cost: np.ndarray
    miss: np.ndarray            # households outside the bounds (0: listed or empty)
    listed: int                 # the first this many are the listing's
    rows: int


@dataclass(frozen=True)
class Breaking:
    """Step 1's answer: its columns, its plan (indices into them), the slack the
    groups outside the bounds were listed to, and the time used."""

    columns: Columns
    chosen: tuple[int, ...]
    slack: int
    used_s: float


def with_breaking(data: PieceData, listing: ColumnSet, cores: list[tuple[int, ...]],
                  groups: list[tuple[int, ...]], cost: np.ndarray, miss: np.ndarray
                  ) -> Columns:
    """The columns of steps 1 and 2 (see :class:`Columns`)."""
    core_of = {u: k for k, core in enumerate(cores) for u in core}
    rows = [tuple(sorted({data.n + core_of[u] for u in g if u in core_of})) for g in groups]
    members = list(listing.members) + [g + r for g, r in zip(groups, rows, strict=True)] \
        + [(data.n + k,) for k in range(len(cores))]
    full = np.concatenate([listing.cost_yuan, cost, np.zeros(len(cores))])
    misses = np.concatenate([np.zeros(len(listing.members), dtype=np.int64), miss,
                             np.zeros(len(cores), dtype=np.int64)])
    return Columns(members, full, misses, len(listing.members), data.n + len(cores))


def breaking_columns(outside: OutsideBounds, data: PieceData, listing: ColumnSet,
                     cores: list[tuple[int, ...]], slack: int
                     ) -> tuple[Columns | None, int]:
    """The columns of steps 1 and 2 with the groups outside the bounds by at most
    ``slack`` (None past a cap, or with no such group that has a center), and the
    groups visited and priced (the work). The groups are priced by ``outside``: no
    stand-in build where a community of any size holding its units could have a
    legal center (tests/search/test_soft_stand_ins.py, seed 2411: {r0c2} alone built
    on no_build)."""
    found = breaking_groups(data, tuple(u for core in cores for u in core), slack)
    if found is None:
        return None, 0
    groups, steps = found
    cost = outside.price(groups)
    keep = np.isfinite(cost)
    groups = [g for g, k in zip(groups, keep.tolist(), strict=True) if k]
    if not groups:
        return None, steps + len(keep)
    cost = cost[keep]
    hh = np.array([int(data.households[list(g)].sum()) for g in groups], dtype=np.int64)
    miss = np.maximum(data.lo - hh, 0) + np.maximum(hh - data.hi, 0)
    return with_breaking(data, listing, cores, groups, cost, miss), steps + len(keep)


def slacks(data: PieceData) -> Iterator[int]:
    """The slacks tried in turn, both paths: FIRST_SLACK of the bounds' width, then
    doubled up to the maximum."""
    slack = max(1, int(FIRST_SLACK * (data.hi - data.lo)))
    while True:
        yield slack
        if slack >= data.hi:
            return
        slack = min(2 * slack, data.hi)


def find_breaking(outside: OutsideBounds, data: PieceData, listing: ColumnSet,
                  cores: list[tuple[int, ...]], task: PieceTask, stop: StopFlag,
                  time_s: float) -> tuple[Breaking | None, float]:
    """Step 1 (see the module), and the time it used: None when no plan is found
    with groups of any slack up to the bounds' maximum, past a cap, or out of time."""
    used = 0.0
    for slack in slacks(data):
        if stop.is_set() or time_s - used <= 0.05:
            break
        t0 = time.perf_counter()
        cols, work = breaking_columns(outside, data, listing, cores, slack)
        used += work * STEP_S if task.deterministic else time.perf_counter() - t0
        if cols is not None:
            # Fewest groups outside the bounds, then fewest households outside, then the
            # group's own cost (its rank): one weight, lexicographic by its scales.
            miss = cols.miss[cols.listed:len(cols.members) - len(cores)]
            cost = cols.cost[cols.listed:len(cols.members) - len(cores)]
            rank = np.empty(len(cost), dtype=np.int64)
            rank[np.argsort(cost, kind="stable")] = np.arange(len(cost))
            w = len(cost) + 1
            big = (data.n + 1) * (slack + 1) * w
            weight = np.concatenate([np.zeros(cols.listed), big + miss * w + rank,
                                     np.zeros(len(cores))]).astype(np.float64)
            built = build_setpart(cols.rows, cols.members, weight)
            res = solve_setpart(built, time_s=max(0.05, time_s - used),
                                workers=task.threads, seed=task.seed,
                                deterministic=task.deterministic, stop=stop)
            used += res.used_s
            if res.chosen:
                return Breaking(cols, res.chosen, slack, used), used
            if res.status != Status.INFEASIBLE:
                return None, used   # out of time
        elif work == 0:
            return None, used       # past a cap
    return None, used


def solve_cored(scenario: Scenario, data: PieceData, cored: Cored, task: PieceTask,
                stop: StopFlag) -> tuple[PieceResult | None, float]:
    """The piece with one community per core exempt and every other within the bounds
    (see the module), or None (the caller falls back); and the time used of
    ``task.budget_s``."""
    listing, cores, records = cored.listing, cored.cores, cored.records
    outside = OutsideBounds.of(scenario, data)
    if len(listing.members) >= MASTER_COLUMNS:
        return _large(scenario, outside, data, listing, cores, records, task, stop)
    found, used = find_breaking(outside, data, listing, cores, task, stop,
                                min(FIND_S, 0.25 * task.budget_s))
    if found is None:
        return None, used
    cols = found.columns
    most = int(cols.miss[list(found.chosen)].max())
    keep = [k for k in range(len(cols.members)) if cols.miss[k] <= most]
    at = {k: p for p, k in enumerate(keep)}
    members = [cols.members[k] for k in keep]
    cost = cols.cost[keep]
    built = build_setpart(cols.rows, members, cost, [at[k] for k in found.chosen])
    res = solve_setpart(built, time_s=max(0.2, task.budget_s - found.used_s),
                        workers=task.threads, seed=task.seed, deterministic=task.deterministic,
                        stop=stop, log=scenario.solver.log_search)
    spent = found.used_s + res.used_s
    chosen, how = res.chosen, f"{found.slack} slack; cp-sat"
    if not chosen:
        # Stopped (the clock) before step 2 had a plan: step 1's stands, with step 2's
        # bound where it has one, else the arithmetic floor for communities of any size
        # (never 0: issue 16). Before, the piece fell to the soft model, whose
        # exemptions on a street past the checker's 100 units fail.
        chosen, how = tuple(at[k] for k in found.chosen), f"{found.slack} slack; first plan"
    plan = _result(scenario, outside, data, cores, records, task, members, chosen)
    total = sum(float(cost[k]) for k in chosen)
    floor = arithmetic_bound(outside.scenario, outside.data, lo=0, hi=data.total)
    bound = max(floor, res.bound_yuan) if math.isfinite(res.bound_yuan) else floor
    status = res.status if res.chosen else Status.FEASIBLE
    return plan(status, min(bound, total), spent, how), spent


def _large(scenario: Scenario, outside: OutsideBounds, data: PieceData, listing: ColumnSet,
           cores: list[tuple[int, ...]], records: list[Exemption], task: PieceTask,
           stop: StopFlag) -> tuple[PieceResult | None, float]:
    """Steps 1 and 2 at once on a large listing (CP-SAT alone found no plan in 10 s
    over the 87,329 communities of a 200-compound street): the listing's master
    (optimizer.search.colmaster) from no plan, its LP's dive finding the first, over
    the groups outside the bounds by at most the first slack (doubled, up to the
    maximum, while no such group has a center or the dive finds no plan; at most
    LARGE_TRIES master solves within the budget), each household outside them priced
    as a household's share of the mean listed community (so the dive breaks them
    little). That price is taken off the bound again for the most a plan of the class
    can break them by (each core's community by the slack): 0.1% of a 64 M-yuan
    street at most."""
    used = 0.0
    per = float(listing.cost_yuan.mean()) / max(1, data.lo)
    tries = 0
    for slack in slacks(data):
        if tries >= LARGE_TRIES or stop.is_set() or used >= task.budget_s:
            break
        t0 = time.perf_counter()
        cols, work = breaking_columns(outside, data, listing, cores, slack)
        used += work * STEP_S if task.deterministic else time.perf_counter() - t0
        if cols is None:
            # No group within the slack has a center: wider, as find_breaking does (wild
            # seed 951: a 562-household compound whose one neighbour has 2,600, so a
            # community holding it misses the bounds by 162 or 1,438 households).
            if not work:
                return None, used       # past a cap
            continue
        tries += 1
        price = cols.cost + per * cols.miss
        extra = cols.rows - data.n
        nbrs = tuple(tuple(v) for v in data.nbrs) + ((),) * extra
        hh = np.append(data.households, np.zeros(extra, dtype=data.households.dtype))
        got = solve_without_start(cols.rows, tuple(cols.members), price,
                                  budget_s=max(0.2, task.budget_s - used),
                                  workers=task.threads, seed=task.seed,
                                  deterministic=task.deterministic, stop=stop,
                                  count=(1, cols.rows), log=scenario.solver.log_search,
                                  nbrs=nbrs, households=hh)
        used += got.used_s
        if isinstance(got, NoPlan):
            continue
        plan = _result(scenario, outside, data, cores, records, task, cols.members,
                       got.chosen)
        total = float(cols.cost[list(got.chosen)].sum())
        bound = got.bound_yuan - per * slack * len(cores)
        return plan(Status.OPTIMAL if bound >= total - 1e-6 else Status.FEASIBLE,
                    min(bound, total), used,
                    f"{slack} slack; lp, {got.stages} integer stages"), used
    return None, used


def _result(scenario: Scenario, outside: OutsideBounds, data: PieceData,
            cores: list[tuple[int, ...]],
            records: list[Exemption], task: PieceTask, members: list[tuple[int, ...]],
            chosen: tuple[int, ...]) -> Callable[[Status, float, float, str], PieceResult]:
    """The piece's result from the chosen columns (the empty ones dropped): each
    community outside the bounds exempt with its core's record."""
    core_of = {u: k for k, core in enumerate(cores) for u in core}
    choices: list[Choice] = []
    exemptions: list[tuple[Exemption, ...]] = []
    for k in chosen:
        group = [u for u in members[k] if u < data.n]
        if not group:
            continue            # an empty column
        size = int(data.households[group].sum())
        within = data.lo <= size <= data.hi
        ch = best_choice(scenario, data, group) if within else outside.choice(group)
        assert ch is not None, "a priced column has a center"
        choices.append(ch)
        held = min((core_of[u] for u in group if u in core_of), default=None)
        if within:
            exemptions.append(())
        else:
            assert held is not None, "only a core's community breaks the bounds"
            exemptions.append((records[held],))
    assert sorted(u for ch in choices for u in ch.members) == sorted(data.units.tolist()), \
        "households in, households out"
    broken = sum(1 for ex in exemptions if ex)
    reason = " | ".join(dict.fromkeys(ex[0].text for ex in exemptions if ex))

    def result(status: Status, bound: float, spent: float, how: str) -> PieceResult:
        return PieceResult(task.index, tuple(choices), tuple(exemptions),
                           Status.OPTIMAL if status == Status.OPTIMAL else Status.FEASIBLE,
                           bound, spent, f"core({broken} exempt, {how})", reason,
                           used_s=spent)

    return result


__all__ = ["Breaking", "Columns", "breaking_groups", "find_breaking", "slacks", "solve_cored",
           "with_breaking"]
