"""Run piece tasks through an :class:`~optimizer.search.executors.Executor`.

Workers get the scenario once (without its geometry) and stop when the caller's stop
flag is raised (best effort on Dask), so an interrupt still returns every piece's best
plan so far. Each task carries its own seed and time budget, so the result does not
depend on which process solved which piece.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterator

from optimizer.errors import SolveError
from optimizer.scenario.model import Scenario
from optimizer.search.clock import DET_PER_S, RETURN_MAX_S, first_plans_s, time_left, timed
from optimizer.search.executors import Executor, InProcessExecutor, LocalPoolExecutor
from optimizer.search.listing_size import worth_listing
from optimizer.search.memory import memory_stopped
from optimizer.search.piece import PieceResult, PieceTask, solve_piece
from optimizer.search.stop import StopFlag

# The clock a task's hand-out and start are read on (epoch seconds: comparable between
# the caller and a worker process; see optimizer.search.clock.time_left).
wall_now: Callable[[], float] = time.time


def run_pieces(scenario: Scenario, tasks: list[PieceTask], procs: int, stop: StopFlag,
               done: Callable[[PieceResult], None], deadline: float | None = None,
               executor: Executor | None = None, det_budget: float | None = None,
               run_end: float | None = None) -> None:
    """Solve every task and hand each result to ``done`` as it finishes.

    ``executor``: where the tasks run (default: this process for one worker or one
    task, else a local pool of ``procs`` processes). ``deadline`` (``time.perf_counter``
    seconds): every task still running then is stopped as by Ctrl-C, and tasks that
    start later start stopped (their first plan); a task's clock counts from its
    hand-out, not its start (:func:`arrived`: a pool's workers take seconds to start).
    ``run_end`` (the deadline when None): the run's own end, the deadline plus the time
    kept back for stopped pieces to return: a solve begun after its piece's stop may
    run until then (:meth:`optimizer.search.stop.StopFlag.grace_s`).
    Budgets (:mod:`optimizer.search.clock`):

    - ``det_budget`` given (deterministic mode): the tasks run one at a time in a fixed
      order, each with its share, by weight, of what the tasks before it left of
      ``det_budget`` (their ``used_s``, deterministic), so the plan does not depend on
      the executor or the machine's load unless the deadline binds;
    - else (wall-clock mode) each task's budget is set when it starts: its share, by
      weight, of the time the ``procs`` slots have left before the deadline once the
      running tasks' budgets are set aside, so time a piece does not use goes to the
      pieces after it.
    """
    if executor is None:
        executor = InProcessExecutor() if procs <= 1 or len(tasks) <= 1 \
            else LocalPoolExecutor(procs)
    weights = {t.index: t.budget_s for t in tasks}
    # Quick pieces first (diagnosed ones, and those whose communities can be listed:
    # done in seconds), then the largest: time a quick piece leaves goes to all the
    # pieces after it, whereas a quick piece at the end leaves its slot idle while the
    # last large piece runs out its fixed budget (a town ended at 48 s of 60 that way).
    # With the clock's budgets the quick pieces go smallest first: a small piece behind
    # a large listed one (a 150-compound street counts as "listed") started only when a
    # slot freed, at the deadline, and got nothing (a 6-compound street at load 6). The
    # deterministic order stays as it was (the same budgets, the same plans). A piece
    # worth a whole slot's run goes first all the same (dominant_first).
    quick = {t.index: _quick(scenario, t) for t in tasks}
    sign = 1.0 if det_budget is None else -1.0
    order = sorted(tasks, key=lambda t: (not quick[t.index],
                                         sign * t.budget_s if quick[t.index] else -t.budget_s,
                                         t.index))
    if det_budget is None and procs > 1:
        order = dominant_first(order, weights, procs)
    shared = scenario if isinstance(executor, InProcessExecutor) \
        else scenario.replace(geometry=None)

    def clock() -> float | None:
        return None if deadline is None else deadline - time.perf_counter()

    def until_end() -> float | None:
        end = deadline if run_end is None else run_end
        return None if end is None else end - time.perf_counter()

    if det_budget is not None:
        _in_order(executor, shared, order, weights, det_budget, clock, stop, done,
                  until_end)
        return
    running: dict[int, tuple[float, float]] = {}     # index -> (start, budget)

    def start(pos: int, task: PieceTask) -> PieceTask:
        if deadline is None:
            return task
        now = time.perf_counter()
        busy = sum(max(0.0, b - (now - t0)) for t0, b in running.values())
        capacity = max(0.0, procs * (deadline - now) - busy)
        rest = {t.index: weights[t.index] for t in order[pos:]}
        budget = capped_shares(capacity, max(0.0, deadline - now), rest)[task.index]
        running[task.index] = (now, budget)
        return dataclasses.replace(task, budget_s=max(0.5, budget), wall_s=clock(),
                                   run_s=until_end(), handed_at=wall_now())

    def items() -> Iterator[PieceTask]:     # read lazily: budgets set at start
        for pos, task in enumerate(order):
            yield start(pos, task)

    for res in executor.map_unordered(_work, shared, items(), stop):
        running.pop(res.index, None)
        done(res)


def warm_pool(scenario: Scenario, procs: int) -> LocalPoolExecutor:
    """The local pool :func:`run_pieces` would start, its workers spawned now
    (:meth:`LocalPoolExecutor.prestart`), so that they import and take the scenario
    while the caller diagnoses it."""
    pool = LocalPoolExecutor(procs)
    pool.prestart(_work, scenario.replace(geometry=None))
    return pool


def dominant_first(order: list[PieceTask], weights: dict[int, float], procs: int
                   ) -> list[PieceTask]:
    """By the clock's budgets, the pieces whose weight is at least 1/procs of all go
    first (largest first, at most procs - 1 of them: one slot is always left for the
    others, which keep their order). Such a piece's share is the whole run of a slot,
    which it gets only if it starts at once: a listed one counts as quick and went
    after the smaller ones, so bench/wild.py seed 221's 111-compound street (60% of
    the weight; 210,215 listed communities, 12-29 s to price) started some 25 s into
    a 60-s run and had no plan in the 19-28 s left (two workers, load 5-9)."""
    total = sum(weights.values())
    big = sorted((t for t in order if weights[t.index] * procs >= total),
                 key=lambda t: (-weights[t.index], t.index))[:procs - 1]
    first = {t.index for t in big}
    return big + [t for t in order if t.index not in first]


def capped_shares(capacity: float, cap: float, weights: dict[int, float]) -> dict[int, float]:
    """Split ``capacity`` (slot-seconds) by weight, no share above ``cap`` (the time to
    the deadline: one piece runs on one slot), what a capped share cannot use going to
    the others by weight (water-filling).

    Why: a share cut at the deadline used to lose its excess: on big-street-150 (60 s,
    two workers) the 120-village rural piece got 9.2 s, its share by weight beside the
    150-compound street, whose own share was cut at the deadline; the slot-seconds
    above the street's 60 s went to no one.
    """
    shares: dict[int, float] = {}
    free = dict(weights)
    while free:
        total = sum(free.values())
        if total <= 0:
            for i in free:
                shares[i] = min(cap, capacity / len(free))
            break
        over = [i for i, w in free.items() if capacity * w / total > cap]
        if not over:
            for i, w in free.items():
                shares[i] = capacity * w / total
            break
        for i in over:
            shares[i] = cap
            capacity -= cap
            del free[i]
        capacity = max(0.0, capacity)
    return shares


MIN_SHARE = 0.1     # a deterministic task gets at least this part of its first share
# At most this share of the clock left is kept back for the later pieces' first plans:
# where they need more, every piece ends late whatever is kept, and a piece started
# stopped may take longer than its own first plan (wild seed 268 at 10 s, load 5: 4.6 s
# kept of the 4 s left, its first piece started stopped, the third ran 4 s after its stop).
LATER_MAX_SHARE = 0.5


def _in_order(executor: Executor, shared: Scenario, order: list[PieceTask],
              weights: dict[int, float], total: float, clock: Callable[[], float | None],
              stop: StopFlag, done: Callable[[PieceResult], None],
              until_end: Callable[[], float | None] = lambda: None) -> None:
    """Deterministic mode: one task at a time, in ``order``, each with its share of
    what is left of ``total`` after the ones before it."""
    whole = sum(weights.values()) or 1.0
    used = 0.0

    def item(pos: int, task: PieceTask) -> PieceTask:
        left = sum(weights[t.index] for t in order[pos:]) or 1.0
        share = max(share_of(total - used, task, left), MIN_SHARE * total *
                    weights[task.index] / whole)
        later = first_plans_s([len(t.units) for t in order[pos + 1:]])
        own = min(RETURN_MAX_S, first_plans_s([len(task.units)]))
        end = until_end()
        return dataclasses.replace(task, budget_s=share,
                                   wall_s=wall_cap(task, share, left, later + own),
                                   run_s=None if end is None else less(end, later),
                                   handed_at=wall_now())

    def less(amount: float, later: float) -> float:
        # The clock left less the later pieces' first plans, at most LATER_MAX_SHARE of
        # it: the run's end too, until which a piece stopped at its share may still
        # begin hurried solves (wild seed 268, 10 s: a 43-unit piece stopped 0.3 s in
        # ran its hurried counts 4 s, to the run's end).
        return amount - min(later, LATER_MAX_SHARE * max(0.0, amount))

    def share_of(amount: float, task: PieceTask, left: float) -> float:
        return max(0.0, amount) * weights[task.index] / left

    def wall_cap(task: PieceTask, share: float, left: float, later: float) -> float | None:
        # The clock's safety net by shares too: a piece slower than the calibration
        # (a loaded machine) is stopped at its share, by weight, of the clock left, or
        # at its budget's time at DET_PER_S if later, not at the deadline, which left the
        # pieces after it their first plans (hs-street-150-vor, 600 s, one worker at
        # load 3: the street ran 594 s, the 120-village town after it `lns(0 rounds)`).
        # Less the time the later pieces' first plans take (clock.first_plans_s),
        # which ran past the deadline on wild seed 288, and as much for the piece's own
        # return once stopped, up to clock.RETURN_MAX_S (its first plan, hurried solves
        # in their grace, the hurried floor: 1-1.3 s on seed 268's 43- and 51-unit
        # pieces at load 4). At the calibration's speed the budget ends first: the plan
        # stays the same.
        wall = clock()
        if wall is None:
            return None
        room = less(wall, later)
        return min(room, max(share_of(room, task, left), share / DET_PER_S))

    def items() -> Iterator[PieceTask]:     # read lazily: each after the one before ends
        for pos, task in enumerate(order):
            yield item(pos, task)

    def take(res: PieceResult) -> None:
        nonlocal used
        used += res.used_s
        done(res)

    if executor.slots == 1:
        for res in executor.map_unordered(_work, shared, items(), stop):
            take(res)
        return
    for pos, task in enumerate(order):      # a pool or cluster, one task at a time
        for res in executor.map_unordered(_work, shared, [item(pos, task)], stop):
            take(res)


def _quick(scenario: Scenario, task: PieceTask) -> bool:
    if task.diagnosis is not None and task.diagnosis.reason != "unit-above-max":
        return True
    lo, _ = scenario.policy.bounds(bool(scenario.urban[int(task.units[0])]))
    return worth_listing(scenario.households[task.units], lo)


RETRY_S = 10.0      # a piece left with no plan at all in less time gets this once more


def arrived(task: PieceTask, now: float) -> PieceTask:
    """The task as it starts at ``now`` (``time.time()``): the time it waited since
    it was handed out (a pool's worker process starting) comes off its clock and, in
    wall-clock mode, off its budget too (the caller counts its slot busy from the
    hand-out), so a late start does not carry the piece past the deadline. A
    deterministic budget is left alone (the plan must not depend on the wait). The
    run's deadline (``run_s``) comes nearer by the wait too."""
    left = time_left(task.wall_s, task.handed_at, lambda: now)
    if left is None or task.wall_s is None:
        return task
    waited = task.wall_s - left
    budget = task.budget_s if task.deterministic \
        else min(task.budget_s, max(0.5, task.budget_s - waited))
    run_s = None if task.run_s is None else max(0.0, task.run_s - waited)
    return dataclasses.replace(task, budget_s=budget, wall_s=left, run_s=run_s,
                               handed_at=None)


def _work(scenario: Scenario, task: PieceTask, stop: StopFlag) -> PieceResult:
    task = arrived(task, wall_now())
    with timed(stop, task.wall_s, task.run_s) as clock:
        try:
            res = solve_piece(scenario, task, clock.flag)
        except SolveError:
            marked = scenario.late_rooms & frozenset(task.units.tolist())
            if marked:
                # FACILITY-95's marks (optimizer.search.late_first) left the piece no
                # plan in its time (wild 366 and 396 at load 7: the marked search
                # stopped by the clock before a first plan): the piece unmarked, so
                # the rest of the plan stands; the caller sees its late centres.
                res = solve_piece(scenario.without_marks(marked),
                                  task, clock.flag)
            # A starved budget (or a loaded machine) can leave a piece without any plan
            # (seen on the city: a 41-unit urban street during a resume at load 4-6 on
            # 2 cores); once more with time enough, unless stopped.
            elif task.budget_s >= RETRY_S or clock.flag.is_set():
                raise
            else:
                res = solve_piece(scenario, dataclasses.replace(task, budget_s=RETRY_S),
                                  clock.flag)
    if clock.fired:
        res = dataclasses.replace(res, clock_stopped=True)
    if memory_stopped(stop):    # past its memory share: the lighter path, said so
        res = dataclasses.replace(res, method=f"{res.method}, stopped by the memory budget",
                                  memory_stopped=True)
    return res
