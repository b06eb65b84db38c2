"""A time limit is a promise about the clock: budgets, the per-piece clock, and the
deterministic mode's calibration.

Two ways to spend a limit of L seconds:

- **Wall-clock mode** (more than one worker): every piece's budget is set when it
  starts, from the time left before ``start + L`` (:func:`optimizer.search.dispatch.run_pieces`),
  and :func:`timed` stops the piece when its budget has passed on the clock, like
  Ctrl-C stops it (its best plan so far, no bound model).
- **Deterministic mode** (one worker): budgets count the solver's deterministic time
  and our own fixed estimates of the rest (listing columns, Lagrangian steps), never
  the clock, so the same scenario and seed give byte-identical plan files. The pieces
  run one at a time in a fixed order, and each gets its share, by weight, of what the
  pieces before it left of ``L × DET_PER_S`` (time a piece does not use is handed on,
  in that order). ``DET_PER_S`` is a constant, not a measurement of this machine
  (measuring would make the plan depend on the machine's load): how many deterministic
  seconds our pieces spend per wall-clock second on one core of the reference machine
  (bench/time_limits.py). The clock is only a safety net: at ``start + L`` the running
  piece and every later one are stopped as by Ctrl-C. That rarely binds on a machine
  as fast as the reference one; when it does, the plan may differ from another run's,
  and summary.json says so (``clock_stopped``: the pieces where determinism gave way).
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from optimizer.search.stop import StopFlag

# Deterministic seconds of budget per second of the limit. Measured on the reference
# machine (2-core VM): our pieces spend 1.5-1.9 deterministic s per CPU-second (demo,
# county), 1.05-1.2 per wall second with its 2 cores shared by 5 busy processes, and
# set partitioning alone about 0.5. At 1.0 the clock rarely binds even so, and an idle
# machine ends early (about 60% of the limit); a higher value gives deterministic runs
# more work per second, and the clock (the plan then not reproducible) binds sooner.
DET_PER_S = 1.0
POLL_S = 0.1        # how often a piece's clock looks at the caller's stop flag


def assembly_reserve_s(limit_s: float) -> float:
    """Time kept back from the pieces for a stopped piece to return (0.1-1.4 s at
    load 5-7: its first plan, the hurried Lagrangian floor, bench/stop_latency.py),
    for the first plans of pieces not started by then, and for assembling (0.04 s on
    a 3,000-unit county; a little more on a city). At 1 s (60 s limit), 2 workers
    ended 0.8 s past 60 s at load 10 (bench/JOURNAL.md, "The clock from solve's entry")."""
    return min(2.0, 0.04 * limit_s)


# What a piece stopped before it starts still takes for its first plan (region growing
# and its repair, a hurried model or split, the hurried floor), one worker at load ~4 on
# the 2-core VM (two busy processes beside it): 0.01-0.1 s on pieces of 1-30 units,
# 0.35-1.9 s on 43-100, 3.1-3.3 s on 180-213 (bench/wild.py seeds 18, 20, 41, 61, 246,
# 268, 278, 288; bench/results/overrun/late_base.tsv): 0.006-0.014 s a unit over a
# scenario's pieces. Kept back from the pieces before it, and from its own clock for its
# return once stopped (:func:`first_plans_s`).
LATE_PIECE_S = 0.05
LATE_UNIT_S = 0.015
# A piece already running has its first plan, or most of it, when its clock stops it: it
# returned 0.14-0.57 s after the stop on 100-165-unit listed streets (columns), 0.34-1.3
# s on 43-83-unit pieces still making their first plan or in hurried counts (wild seeds
# 41, 268, 288 at load 4). Its own return is kept back up to this much only.
RETURN_MAX_S = 1.0


def first_plans_s(unit_counts: list[int]) -> float:
    """Wall seconds a one-worker run keeps back from a piece's clock for the first plans
    of pieces (``unit_counts``: their units): those after it, should the clock stop them
    before they start, and its own return once stopped. Why: bench/wild.py seed 288
    (10 s, load 2.5-4.7) gave its first piece its deterministic budget's 5.1 s of the
    6 s left on the clock, and the four after it, stopped before or as they started,
    took 3 s more for their first plans: 11.4 s for 10 (bench/JOURNAL.md, session 35,
    helper `overrun`). At the calibration's speed a piece's budget ends before its
    clock: the plan stays the same."""
    return sum(LATE_PIECE_S + LATE_UNIT_S * n for n in unit_counts)


# What the command line needs after solve returns: checking (0.003-0.015 s on 150-300-
# unit cases, 0.2-0.6 s on a 3,000-unit county), writing (0.01-0.06 s; 0.4 s on the
# county) and the interpreter's exit (0.2-0.3 s), at load 2-4 (bench/cli_limits.py).
CLI_TAIL_S = 0.5
CLI_TAIL_PER_UNIT_S = 0.0002
# Writing communities.geojson unions each community's unit shapes and rounds every
# coordinate: 0.75 s for a 77-unit real map of 41,645 coordinates at load 3 (0.03 s for
# a 78-unit one of 1,488), which ran a 60-s limit to 60.3 s (bench/JOURNAL.md, session 19).
CLI_TAIL_PER_COORD_S = 15e-6


# The checker proves an oversized unit's exemption by exact searches bounded in steps
# (optimizer.checker.least, .split, .cover), not time: a 50-unit part's search of the
# fewest households joined ran its 200,000 steps in 0.7-0.9 s at load 2.4 (2.5-3.3 s
# before its speed-ups), and ran a 30-s limit to 31.6-32.2 s (bench/JOURNAL.md,
# session 20). Kept once, not per unit, when any unit is above its maximum: of the 33
# held-out sweep scenarios (23 with such units) two checked in more than 0.04 s, each
# by one search run to its bound.
CLI_TAIL_PROOFS_S = 1.5


def cli_tail_s(n_units: int, n_coords: int = 0, n_over: int = 0) -> float:
    """Seconds the command line keeps back from the search for what follows it
    (checking, writing, exiting), so the process, not only the search, ends by the
    limit; grows with the scenario (the checker prices every community), with its
    shapes' coordinates (``n_coords``, the map the plan's GeoJSON is written from) and
    with units above the maximum (``n_over``: the checker's proofs of their exemptions)."""
    return CLI_TAIL_S + CLI_TAIL_PER_UNIT_S * n_units + CLI_TAIL_PER_COORD_S * n_coords \
        + (CLI_TAIL_PROOFS_S if n_over else 0.0)


def process_age_s(stat: str | None = None, uptime: str | None = None,
                  ticks: int | None = None) -> float:
    """How long ago this process started, in seconds (0.0 where unknown: not Linux).

    A time limit at the command line is a promise about the process, and the
    interpreter's start and imports (OR-Tools, pandas, shapely) take 1.3 s idle and
    2-3 s at load 3 on the 2-core VM before solve is even called (bench/JOURNAL.md,
    "The time limit at the command line"). ``stat``/``uptime``/``ticks``: the contents
    of /proc/self/stat and /proc/uptime and the clock ticks per second (tests)."""
    try:
        if stat is None:
            with open("/proc/self/stat") as fh:
                stat = fh.read()
        if uptime is None:
            with open("/proc/uptime") as fh:
                uptime = fh.read()
        if ticks is None:
            ticks = os.sysconf("SC_CLK_TCK")
        started = int(stat.rsplit(")", 1)[1].split()[19]) / ticks   # field 22: starttime
        return max(0.0, float(uptime.split()[0]) - started)
    except (OSError, ValueError, IndexError, AttributeError):
        return 0.0


def time_left(wall_s: float | None, handed_at: float | None,
              now: Callable[[], float] = time.time) -> float | None:
    """What is left of ``wall_s`` seconds, counted from ``handed_at`` (``time.time()``),
    when a task starts: the wait between its hand-out and its start comes off.

    A task's clock must not start when the task does: a pool's worker process starts
    (imports, the scenario unpickled) only once the first task is handed to it, 6 s on
    a 2-core machine at load 4 and 8-10 s at load 12 (bench/JOURNAL.md, "The clock
    from solve's entry"), and every piece then ran that much past the limit. Epoch
    time, not ``perf_counter``, because the worker may be another process (on Linux
    both clocks are the machine's) or another machine (a Dask cluster): there only as
    exact as the machines' clocks agree, so the wait counted is at most ``wall_s``
    and never negative (a worker whose clock is behind gets the whole ``wall_s``)."""
    if wall_s is None or handed_at is None:
        return wall_s
    waited = min(max(0.0, now() - handed_at), max(0.0, wall_s))
    return wall_s - waited


@dataclass
class Clock:
    """The flag a piece watches, and whether the clock (not the caller) raised it."""

    flag: StopFlag
    fired: bool = False


@contextlib.contextmanager
def timed(outer: StopFlag, seconds: float | None,
          grace_s: float | None = None) -> Iterator[Clock]:
    """A flag raised when ``outer`` is (Ctrl-C, a memory budget) or when ``seconds``
    have passed on the clock from now (``None``: never; ``<= 0``: at once). The flag
    carries its deadline (:meth:`StopFlag.seconds_left`) for the steps that cannot
    watch it. A piece that returns once the deadline has passed counts as stopped by
    the clock even if it returned before the watcher woke: an external solver's own
    time limit, set from the deadline, may have ended it. ``grace_s``: the run's own
    deadline, this long from now, until which a solve begun after the stop may still
    run (:meth:`StopFlag.grace_s`; one-worker pieces are stopped at their share of the
    clock, before it)."""
    if seconds is None:
        yield Clock(outer)
        return
    end = time.monotonic() + seconds
    if outer.deadline is not None:
        end = min(end, outer.deadline)
    clock = Clock(StopFlag(deadline=end, grace_until=None if grace_s is None
                           else time.monotonic() + grace_s))
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            if outer.is_set():
                clock.flag.set()
                return
            left = end - time.monotonic()
            if left <= 0:
                clock.fired = True
                clock.flag.set()
                return
            outer.wait(min(left, POLL_S))

    if outer.is_set():
        clock.flag.set()
    elif seconds <= 0:
        clock.fired = True
        clock.flag.set()
    else:
        thread = threading.Thread(target=watch, daemon=True, name="optimizer-clock")
        thread.start()
    try:
        yield clock
    finally:
        done.set()
        if not outer.is_set() and time.monotonic() >= end:
            clock.fired = True


KEEP_BACK_X = 2.0   # a search keeps back its floor's seconds only with this many times them left


@contextlib.contextmanager
def keep_back(stop: StopFlag, keep_s: float, deterministic: bool) -> Iterator[StopFlag]:
    """The flag a piece's search watches in wall-clock mode: ``stop``, raised
    ``keep_s`` seconds before ``stop``'s own deadline, so the bounds that follow the
    search (the Lagrangian floor, column generation's rounds: optimizer.search.piece
    sets ``keep_s`` aside for them out of its budget) run in those seconds and not after
    the piece's stop, which leaves them the hurried floor's second (HURRY_LAG_S).

    Why: the large pieces' search spends its budget less what was set aside, counted
    from its own start, and its last round runs past that; the seconds before it (the
    piece's data, the listing's estimate: 2-3 s at load 9) count nowhere. So at 60 s
    with two workers big-street-300's and big-street-150-grown's streets were stopped by
    the clock in their search and took the hurried floor: 32.39 M and 18.28 M yuan
    against 32.88 M and 18.33 M from the full steps (bench/JOURNAL.md, session 25,
    helper `street`). Deterministic mode, no clock, or less than KEEP_BACK_X × ``keep_s``
    left: ``stop`` itself (the plan comes first). Solves begun after the early stop keep
    the grace of ``stop``'s deadline (StopFlag.grace_s)."""
    left = None if deterministic else stop.seconds_left()
    if left is None or keep_s <= 0.0 or left < KEEP_BACK_X * keep_s:
        yield stop
        return
    with timed(stop, left - keep_s, grace_s=left) as clock:
        yield clock.flag
