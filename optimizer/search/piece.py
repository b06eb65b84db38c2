"""Solve one component (a "piece"): pick the method by size, never return nothing.

- pieces whose communities can all be listed (search/columns.py): set partitioning;
- small pieces (optimizer/search/piece_exact.py): CP-SAT with shortest-path
  ordering for a plan, then the exact flow model from that plan for a true bound
  (and any better plan it finds);
- large pieces (optimizer/search/piece_large.py): region growing, neighbourhood
  search over adjacent communities for the whole budget; under every piece not
  proven optimal, the arithmetic and Lagrangian floors (solve_piece), the large
  pieces' bound with column generation's from what the search left (leftover.py);
- pieces proven impossible: the plan that breaks the bounds least, the broken rule
  its exemption (a core named only where held: search/named_only.py);
- pieces where some community can have no center (ONE-STATION, the diagnosis'
  no-center): solved with a new build allowed to stand in at the units that need
  one, the communities centred there exempt with the unit named.

Runs in a worker process or in the caller's; it returns plain data."""

from __future__ import annotations

import dataclasses
import time

from optimizer.graph import feasible_community_counts
from optimizer.model.bounds import arithmetic_bound
from optimizer.model.count_floor import count_floor, least_size
from optimizer.model.lagrange import counted_lagrangian_bound
from optimizer.model.piece import PieceData, model_size, piece_data
from optimizer.plan.exemption import Exemption
from optimizer.scenario.model import Scenario
from optimizer.search.attempt import Choice
from optimizer.search.clock import keep_back
from optimizer.search.colgen_floor import colgen_reserve
from optimizer.search.columns import plan_by_columns
from optimizer.search.core import Cored, no_partition, only_at_cores, quick_core
from optimizer.search.core_split import mend_soft
from optimizer.search.cored import solve_cored
from optimizer.search.grounds import unproven
from optimizer.search.host_core import split_host_core
from optimizer.search.leftover import leftover_floor
from optimizer.search.named_only import only_where_named
from optimizer.search.oversized import solve_oversized
from optimizer.search.oversized_unmarked import unmarked_attach
from optimizer.search.piece_common import (
    heuristic_start,
    mark_stand_ins,
    soft_result,
    with_stand_ins,
)
from optimizer.search.piece_exact import NoPlanFound, exact_counts
from optimizer.search.piece_large import solve_large
from optimizer.search.piece_types import (
    UNMARKED_STOPPED,
    WITHOUT_MARKS,
    PieceResult,
    PieceTask,
    none_within,
)
from optimizer.search.pocketed import solve_pocketed
from optimizer.search.recentre import recentre
from optimizer.search.short_mark import floors_on, mark_short
from optimizer.search.split_plan import split_plan
from optimizer.search.starts import listing_start
from optimizer.search.stop import StopFlag
from optimizer.status import Status

__all__ = ["PieceResult", "PieceTask", "solve_data", "solve_piece"]

SMALL_X = 12000         # Σ over centers of the units they reach: exact model below this
FLOW_X = 2500           # ... and the flow model (exact contiguity) for the bound below this
MID_COMMUNITIES = 8     # mid-size pieces of at least this many communities: solve_large
                        # (9 and 18 at the least gained 4.4 and 2.6 points of gap; a
                        # 94-village part of 7 lost 0.34 to the ordering model per count)
BOUND_X = 80000         # above this no whole-piece model is built (memory): arithmetic bound
LAG_STEPS = 400         # subgradient steps of the Lagrangian floor (converged to 0.01%)
LAG_CAP_S = 120.0       # guard on it in deterministic mode (the steps end it first)
HURRY_LAG_STEPS = 40    # ... and once the piece is stopped (deterministic mode, or a
                        # piece started after the clock), within
HURRY_LAG_S = 1.0       # this long at most (wall-clock mode: as many of LAG_STEPS)


def solve_piece(scenario: Scenario, task: PieceTask, stop: StopFlag) -> PieceResult:
    t0 = time.perf_counter()
    real = scenario
    if task.stand_ins:          # ONE-STATION impossible: let a build stand in there
        scenario = with_stand_ins(scenario, task.stand_ins)
    data = piece_data(scenario, task.key, task.units)
    res = solve_data(scenario, data, task, stop)
    if task.stand_ins:
        res = mark_stand_ins(real, task, res)
    wall = time.perf_counter() - t0
    # With one worker what a piece used is counted, like its budget, in deterministic
    # time and fixed estimates, so the time handed on to the next piece is the same on
    # any machine (optimizer.search.clock); otherwise it is the clock's.
    return dataclasses.replace(res, time_s=wall, used_s=res.used_s if task.deterministic
                               else wall)


def solve_data(scenario: Scenario, data: PieceData, task: PieceTask, stop: StopFlag
               ) -> PieceResult:
    """The piece (or part of one) ``data``: its result with ``used_s`` what it used of
    ``task.budget_s`` (deterministic estimates when ``task.deterministic``, else the
    clock's) and ``time_s`` its wall time."""
    t0 = time.perf_counter()
    late = stop.is_set()        # started after the clock: a first plan, a quick floor
    if task.diagnosis is not None and task.diagnosis.reason == "unit-above-max":
        # Units above the maximum: a community each, the rest as any piece (oversized.py).
        def attach(sc: Scenario, t: PieceTask) -> PieceResult:
            return mark_short(sc, data, solve_oversized(sc, data, t, stop, solve_data))
        res = unmarked_attach(scenario, data, task, attach(scenario, task), attach)
        wall = time.perf_counter() - t0
        return dataclasses.replace(res, time_s=wall,
                                   used_s=res.used_s if task.deterministic else wall)
    res, reserve, cg, large = _solve(scenario, data, task, stop)
    fl, lag_ok = floors_on(scenario, data)      # short rooms: optimizer.search.short_mark
    used = res.time_s           # what the methods spent of the budget (see used_s)
    if large and res.choices and not any(res.exemptions):
        moved = recentre(scenario, data, res.choices, stop)     # never dearer
        used += moved.used_s
        if moved.choices:
            res = dataclasses.replace(res, choices=moved.choices,
                                      method=res.method + "+recentred")
    res = _unmarked_split(scenario, data, task, res)
    if not res.reason and res.status != Status.OPTIMAL:
        # Floors valid for every plan obeying the household bounds, under a search that
        # ran out of time before proving much: arithmetic (instant) and Lagrangian
        # (capacitated facility location over reach; 0.4-7.5% gap on 300-1,400-unit
        # rural pieces where the arithmetic one leaves 37-44%, bench/bounds.py).
        # The Lagrangian stops after a fixed number of steps, so it is deterministic;
        # its time cap is only a guard.
        # The fewest count proven (optimizer.model.count_floor: exact, a few
        # milliseconds; the plan's own count caps it), and at that count each
        # community's least households H − (k−1)·U.
        proof = count_floor(data, at_most=len(res.choices) or None)
        floor = arithmetic_bound(fl, data, least=proof.least)
        if lag_ok and not stop.is_set():
            # The reserve buys all 400 steps; a starved budget fewer (by count when
            # deterministic, so the bound does not depend on the machine's load).
            # Where the fewest count is bounded on its own, two runs share the steps
            # (200 each on real-tokyo-urban: 52.40 M against one run's 52.21 M at 400).
            # With the clock (wall-clock mode) the reserve's seconds end it, not a
            # fixed estimate of how many steps they buy: that estimate is 5-17 times
            # the CPU 400 steps take on 120-300-unit pieces here (bench/lag_steps.py).
            share = reserve / _lag_time(data.n) if task.deterministic else 1.0
            steps = max(10, int(LAG_STEPS * min(1.0, share)) // _lag_runs(data, proof.least))
            cap = LAG_CAP_S if task.deterministic else max(reserve, 0.5)
            lag, runs = counted_lagrangian_bound(fl, data, proof.least, time_s=cap,
                                                 max_iter=steps, stop=stop)
            floor = max(floor, lag)
            used += runs * _lag_time(data.n) * steps / LAG_STEPS     # its fixed estimate
            # colgen: its reserve, and what a large piece's search left (leftover.py)
            got = None if not res.choices or late or fl is not scenario else leftover_floor(
                scenario, data, res.choices, proof.least, task, cg, used,
                time.perf_counter() - t0, stop, large)
            if got is not None:
                used += got.used_s
                if got.bound > floor:
                    floor = got.bound
                    res = dataclasses.replace(res, method=res.method + "+colgen bound")
        elif lag_ok:
            # Stopped (Ctrl-C, the clock): a few steps still lift the floor most of the
            # way (40 steps: within about 1% of 400 on 67-248-unit rural pieces, in
            # 0.01-0.13 s, where the arithmetic floor leaves 25-40%; bench/bounds.py).
            # Not on big streets: Shizhou Street's 40 steps are 2.2% (1.55 M) below its
            # 400, which take 0.33-0.47 CPU s. So a piece the clock stopped while it
            # ran takes as many of the full steps as HURRY_LAG_S allows (a floor that
            # depends on the machine's speed only where 1 s does not buy them all:
            # 0.8-1.0 CPU s for the 250-village Huzhong here). It returns that much
            # later: 0.8-1.25 s after the flag in place of 0.3-0.8 at load 5 on three
            # big-county pieces (bench/stop_latency.py), within clock.py's reserve.
            # Deterministic mode and pieces started after the clock keep the fixed 40
            # (bench/JOURNAL.md, issue 16). Under a short limit the driver gives less
            # (task.hurry_s: half the keep-back, at least 0.5 s), so the stopped piece
            # still returns within it. Whole units only at the last multipliers
            # (0.02-0.1 s), not their steps (up to 1.5 s more: the stop waits).
            hurry = HURRY_LAG_STEPS if task.deterministic or late \
                else LAG_STEPS // _lag_runs(data, proof.least)
            lag, _ = counted_lagrangian_bound(fl, data, proof.least,
                                              time_s=min(HURRY_LAG_S, task.hurry_s),
                                              max_iter=hurry, stop=StopFlag(),
                                              whole_steps=1)
            floor = max(floor, lag)
        res = dataclasses.replace(res, bound=max(res.bound, floor),
                                  method=res.method + proof.label())
    res = mark_short(scenario, data, res)
    wall = time.perf_counter() - t0
    return dataclasses.replace(res, time_s=wall, used_s=used if task.deterministic else wall)


def _unmarked_split(scenario: Scenario, data: PieceData, task: PieceTask,
                    res: PieceResult) -> PieceResult:
    """``res``, or where FACILITY-95's marks (``scenario.late_rooms``,
    optimizer.search.late_first) are in the piece and its plan breaks the household
    bounds, the split search's plan without them (optimizer.search.split_plan; in
    steps, no clock). Why: the split search sees the marks only when it prices a
    whole split's centres (heuristic.best_choice), so it seeks a marked split among
    all splits and finds none in its steps where marked ones are rare: wild seed
    272's 160-compound street at load 8 kept the marked search's unrepaired plan
    (no time for the unmarked search that would have replaced it), which breaks
    SIZE-URBAN, while its first unmarked split is found at once. A marked plan is
    only a means to FACILITY-95, a target; the household bounds are a rule. The
    result is FEASIBLE with the bound of the floors below (the caller lowers a
    marked piece's bound to one over every plan: late_first, late_rooms)."""
    marks = scenario.late_rooms & frozenset(data.units.tolist())
    if not marks or task.locks or task.diagnosis is not None or not res.choices:
        return res
    if all(data.lo <= int(scenario.households[list(ch.members)].sum()) <= data.hi
           for ch in res.choices):
        return res
    plain = scenario.without_marks(marks)
    # Region growing where the split search finds none in its steps (wild seed 99's
    # 47-village rural piece at load 4: the clock stopped its marked search, the soft
    # model left a community of 720 households, and the split search found no split;
    # region growing without the marks gives one within the bounds in 0.2 s).
    split = split_plan(plain, data) or heuristic_start(plain, data)
    if split is None:
        return res
    return PieceResult(res.index, split, tuple(() for _ in split), Status.FEASIBLE, 0.0,
                       res.time_s, f"{res.method}, {WITHOUT_MARKS}",
                       used_s=res.used_s)


def _lag_runs(data: PieceData, fewest: int) -> int:
    """How many Lagrangian runs the floor takes from the count ``fewest`` (two where
    that count's least size H − (k−1)·U is above the minimum: that count alone, then
    the rest; optimizer.model.lagrange.counted_lagrangian_bound)."""
    tight = least_size(data.total, data.lo, data.hi, fewest) > data.lo
    return 2 if tight and fewest < data.total // max(1, data.lo) else 1


def _lag_time(n: int) -> float:
    """The Lagrangian bound's measured time on n units (bench/bounds.py: 1.5-4 s for
    280-490 units, 17 s for 1,400), with set-up."""
    return 1.0 + 0.015 * n


def _solve(scenario: Scenario, data: PieceData, task: PieceTask, stop: StopFlag
           ) -> tuple[PieceResult, float, float, bool]:
    """The piece's result, the time set aside for its Lagrangian floor and for column
    generation's bound (search/colgen_floor.py), and whether solve_large solved it."""
    if task.diagnosis is not None:
        record = task.diagnosis.record or Exemption.of_text(
            f"{task.diagnosis.rule}: {task.diagnosis.message}")
        return only_where_named(scenario, _no_plan(
            scenario, data, task, stop, record, task.diagnosis.reason != "too-small"),
            record), 0.0, 0.0, False
    listed = 0.0
    if not task.locks:
        done, task, listed = _by_columns(scenario, data, task, stop)
        marks = scenario.late_rooms & frozenset(data.units.tolist())
        if done is not None and marks and any(done.exemptions):
            # No partition among the communities centred as FACILITY-95's marks allow:
            # a proof under the marks only (wild seed 756: cores "no communities each
            # with a legal place ... can hold all of" three compounds, which the checker
            # holds without the marks). The household bounds are a rule, the marks a
            # means to a target: the piece again without them, with what is left.
            plain, reserve, cg, large = _solve(scenario.without_marks(marks), data, task, stop)
            if unproven(scenario, data, plain.choices, plain.exemptions):
                # Stopped unmarked before a split or a proof: the marked result, its
                # breaks at a core (wild seed 850: "none found in time", refused).
                return dataclasses.replace(
                    done, method=f"{done.method}, {UNMARKED_STOPPED}",
                    time_s=plain.time_s + done.time_s), 0.0, 0.0, False
            return dataclasses.replace(plain, method=f"{plain.method}, {WITHOUT_MARKS}",
                                       time_s=plain.time_s + done.time_s), reserve, cg, large
        if done is not None:
            return done, 0.0, 0.0, False
        # Not listed: a unit no community within the bounds can centre (search/host_core)
        done = None if task.part_of_piece else split_host_core(scenario, data, task, stop,
                                                                solve_data)
        if done is not None:
            return _charged(done, listed), 0.0, 0.0, False
    res, reserve, cg, large = _models(scenario, data, task, stop)
    return _charged(res, listed), reserve, cg, large


def _charged(res: PieceResult, listed: float) -> PieceResult:
    """``res`` with the listing's time that found no plan (``listed``) counted in what
    the piece used (solve_data reads it from ``time_s``): wild seed 693's 119-compound
    street listed 257,032 communities, found no partition in its 2 s and reported 0.84
    of its 11.02-s budget used, handing 10 s on to pieces the clock then stopped."""
    return dataclasses.replace(res, time_s=res.time_s + listed) if listed else res


def _models(scenario: Scenario, data: PieceData, task: PieceTask, stop: StopFlag
            ) -> tuple[PieceResult, float, float, bool]:
    """:func:`_solve` past the listing: the models (exact counts, or the large pieces'
    search)."""
    # Time for the Lagrangian floor (solve_piece) comes out of the models' budget,
    # and on large pieces of few units a community column generation's.
    reserve = min(0.25 * task.budget_s, _lag_time(data.n))
    size = model_size(data, BOUND_X + 1)
    mid = size <= SMALL_X and size > FLOW_X and not task.locks and _many_communities(data)
    cg = (colgen_reserve(data, task.budget_s - reserve)
          if not task.locks and (size > SMALL_X or mid) else 0.0)
    task = dataclasses.replace(task, budget_s=task.budget_s - reserve - cg)
    with keep_back(stop, reserve + cg, task.deterministic) as stop:   # floors keep theirs
        if size <= SMALL_X or task.locks:
            if mid:
                # Mid-size pieces of many communities: the large pieces' search, not the
                # ordering model per count (an 82-compound part of 18+ communities: 21.67 M
                # in 20 s against 22.27 M in 33 s; bench/JOURNAL.md, "Mid-size pieces").
                return solve_large(scenario, data, task, stop, whole=True,
                                   model_vars=size), reserve, cg, True
            got = exact_counts(scenario, data, task, stop,
                               "flow" if size <= FLOW_X else "adjacent")
            if isinstance(got, NoPlanFound):    # no plan found: the last resorts (on
                # the whole budget, as before: the cores and pockets a proof of no plan
                # calls for need it), the models' use counted
                return _charged(_no_plan(scenario, data, task, stop, got.record),
                                got.used_s), reserve, cg, False
            return got, reserve, cg, False
        return solve_large(scenario, data, task, stop, whole=size <= BOUND_X,
                           model_vars=size), reserve, cg, True


def _no_plan(scenario: Scenario, data: PieceData, task: PieceTask, stop: StopFlag,
             record: Exemption, pocketed: bool = True, core: tuple[int, ...] = (),
             cored: Cored | None = None, cored_again: bool = True) -> PieceResult:
    """A piece with no plan within the bounds (proven, or none found): its pockets
    exempt and the rest with its bound where pockets explain it
    (optimizer.search.pocketed), else, all its possible communities listed
    (``cored``), one community per core exempt (optimizer.search.cored), else the
    soft model, the last resort. A part of a piece (``part_of_piece``) seeks no
    pockets of its own: they would be the part's, not the piece's, and the checker
    reads a pocket's gate in the whole piece.
    ``core``: units (global) no non-overlapping communities within the bounds can hold
    all of (optimizer.search.core): a rest that keeps one has no plan either."""
    if task.within_only:
        return none_within(task, record.text)
    spent = 0.0
    if pocketed and not task.part_of_piece:
        got, spent = solve_pocketed(scenario, data, task, stop, solve_data, doomed=core)
        if got is not None:
            return got
    if cored is not None and not task.locks and cored_again:   # not with the same cores
        got, used = solve_cored(scenario, data, cored, dataclasses.replace(
            task, budget_s=max(0.2, task.budget_s - spent)), stop)
        if got is not None:
            return dataclasses.replace(got, used_s=got.used_s + spent,
                                       time_s=got.time_s + spent)
        spent += used
    grounds = tuple(zip(cored.cores, cored.records, strict=True)) if cored is not None else ()
    soft = mend_soft(scenario, data, cored, soft_result(scenario, data, dataclasses.replace(
        task, budget_s=max(0.2, task.budget_s - spent)), stop, record, grounds))
    return dataclasses.replace(soft, time_s=soft.time_s + spent)   # time_s: what it used


def _by_columns(scenario: Scenario, data: PieceData, task: PieceTask, stop: StopFlag
                ) -> tuple[PieceResult | None, PieceTask, float]:
    """The proven optimum over every possible community when they can all be listed
    (search/columns.py); else None, the task with what is left of its budget, and what
    the listing used that found no plan (0 where nothing was listed)."""
    spent = [0.0]
    grown: list[list[int]] = []     # region growing's, to repair where no start is found

    def start() -> tuple[Choice, ...] | None:
        plan, used = listing_start(scenario, data, task, stop, regions_out=grown)
        spent[0] += used
        return plan

    got = plan_by_columns(scenario, data, budget_s=task.budget_s, workers=task.threads,
                          seed=task.seed, deterministic=task.deterministic, stop=stop,
                          hint=start, hint_used_s=lambda: spent[0],
                          precheck=lambda cols: quick_core(data, cols.members, task.seed),
                          rough=lambda: grown)
    if got is None:
        return None, task, 0.0
    rest = dataclasses.replace(task, budget_s=max(0.2, task.budget_s - got.used_s))
    if got.status == Status.INFEASIBLE:      # every possible community listed: none partitions
        if task.within_only:                 # the caller keeps nothing else: no cores sought
            return _charged(none_within(task, "every possible community listed: none "
                                        "partitions it"), got.used_s), rest, 0.0
        why = no_partition(scenario, data, got, task, more_now=False, stopped=stop.is_set())
        rest = dataclasses.replace(rest, budget_s=max(0.2, rest.budget_s - why.charged_s))
        charged = got.used_s + why.charged_s
        again = True
        if why.pending and why.cored is not None and not task.locks:
            # The first core's plan before further cores are sought (core.no_partition).
            first, used = solve_cored(scenario, data, why.cored, rest, stop)
            if first is not None:
                return _charged(only_at_cores(first, why), charged), rest, 0.0
            why = no_partition(scenario, data, got, task, stopped=stop.is_set())
            again = why.cored is not None and len(why.cored.cores) > 1
            rest = dataclasses.replace(rest, budget_s=max(0.2, rest.budget_s - used
                                                          - why.charged_s))
            charged += used + why.charged_s
        return _charged(only_at_cores(_no_plan(
            scenario, data, rest, stop, why.record, core=why.doomed, cored=why.cored,
            cored_again=again), why), charged), rest, 0.0
    if not got.choices:
        return None, rest, got.used_s   # no plan in time: the models, with the time left
    how = f", {got.how}" if got.how else ""
    return PieceResult(task.index, got.choices, ((),) * len(got.choices), got.status,
                       got.bound_yuan, got.used_s, f"columns({got.columns}{how})"), rest, 0.0


def _many_communities(data: PieceData) -> bool:
    """At least MID_COMMUNITIES communities in every plan within the bounds: where a
    plan's cost is in how its many communities meet, which the neighbourhood search
    reshapes and the ordering model per count leaves as first found."""
    counts = feasible_community_counts(data.total, data.lo, data.hi)
    return bool(counts) and counts[0] >= MID_COMMUNITIES

