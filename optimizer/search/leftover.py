"""The time a large piece's search leaves unused, spent on column generation's bound
(optimizer.search.colgen_floor) after the search: the plan is final by then, so it
cannot get worse, and every round's bound is valid however early it stops.

The neighbourhood search stops before its budget once every community has been
tried several times without gain (optimizer.search.lns): in the session-13 bench
(two workers, the clock) real-georgia-rural's only piece (159 units, 6.6 a community)
ended at 34 s of its 60, village-town-150-voronoi's Longhong Town at 26 s; with one
worker georgia stops early at 120 s (110.8 used), Longhong at 60 (45.9 of 111.8). One
exact pricing round at the Lagrangian's multipliers lifted rural floors (bench
/JOURNAL.md, "real-georgia-rural: where the 4.8% is": georgia +38 k yuan in 1.2 s of
CPU, Huzhong +11 k, Longhong +950) before the floor took whole units; over today's
floor georgia's round gives +17 k (4.44% -> 4.27%). The rounds after
it, at the restricted LP's duals, gave bounds of -532 M and -46 M there (the LP sits
at the plan, 100+ of 159 centres open at 50 k nodes, 65 s of CPU a round): on pieces
outside column generation's shape (colgen_floor.colgen_shape)
only that first round is priced, and none from MAX_PRICED_PER_COMMUNITY units a
community on, where it no longer passes the whole-unit Lagrangian floor (measured:
bench/JOURNAL.md, helper `leftover`). What it does not use is handed on as before
(optimizer.search.dispatch: to the pieces after it); what it uses is not.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from optimizer.model.piece import PieceData
from optimizer.scenario.model import Scenario
from optimizer.search.attempt import Choice
from optimizer.search.colgen_floor import (
    MAX_ROUNDS,
    ColGenFloor,
    Until,
    colgen_floor,
    colgen_shape,
)
from optimizer.search.piece_types import PieceTask
from optimizer.search.stop import StopFlag

MIN_LEFT_S = 2.0        # less than this left: none (the dual steps and a round's pricing)
WALL_KEEP_S = 1.0       # wall-clock mode: kept back so the piece returns within its
                        # budget (the round's columns priced, the LP's own time limit)
PRICED_ROUNDS = 1       # rounds outside column generation's shape: the one at the
                        # Lagrangian's multipliers
MAX_PRICED_PER_COMMUNITY = 8   # from this many units a community of the plan, none:
                        # the round's bound fell below the whole-unit Lagrangian floor
                        # on Hongzhuang (11.1 a community: 3,998,114 against 4,000,418)
                        # and Longhong (16.7: 40 s of work for none), where it lifted
                        # georgia's (6.6) by 17 k; an enumeration's groups grow with
                        # the units a community (lns.window's "many" from 8 on too)
WALL_NODE_SHARE = 0.5   # wall-clock mode, that one round: its nodes' fixed estimate
                        # (colgen.NODE_S: 13-16 us of CPU a node idle) within this share
                        # of the seconds left, so the work cap, whose unpriced centres
                        # give their roots' floors, ends it before the clock, which
                        # leaves them without any and the round without a bound


def leftover_floor(scenario: Scenario, data: PieceData, plan: Sequence[Choice], least: int,
                   task: PieceTask, reserved_s: float, used_s: float, elapsed_s: float,
                   stop: StopFlag, large: bool) -> ColGenFloor | None:
    """Column generation's bound (optimizer.search.colgen_floor) from ``plan``, with
    the ``reserved_s`` set aside for it plus what the search left of
    ``task.budget_s`` (on ``large`` pieces: neighbourhood search), or None when
    neither. ``used_s``: what the piece used so far by fixed estimates, ``elapsed_s``
    by the clock (wall-clock mode)."""
    rounds = leftover_rounds(data, len(plan))
    extra = leftover_s(task, used_s, elapsed_s, reserved_s) if large and rounds else 0.0
    if reserved_s > 0.0:        # column generation's own shape (colgen_reserve): all rounds
        return colgen_floor(scenario, data, plan, least, reserved_s + extra, stop,
                            deterministic=task.deterministic)
    if extra <= 0.0:
        return None
    if task.deterministic or rounds > PRICED_ROUNDS:
        return colgen_floor(scenario, data, plan, least, extra, stop,
                            deterministic=task.deterministic, max_rounds=rounds)
    # One round on the clock: fixed estimates end it (deterministic=True: no clock of
    # colgen_floor's own), the clock (the flag) only as a guard.
    clock = Until(stop, time.monotonic() + extra)
    return colgen_floor(scenario, data, plan, least, WALL_NODE_SHARE * extra, clock,
                        deterministic=True, max_rounds=rounds)


def leftover_s(task: PieceTask, used_s: float, elapsed_s: float, reserved_s: float = 0.0
               ) -> float:
    """What is left of ``task.budget_s`` after the search and the Lagrangian floor
    beyond ``reserved_s`` (0.0: too little to price): by the fixed estimates
    ``used_s`` in deterministic mode, else by the clock (``elapsed_s``), less
    WALL_KEEP_S. A search that runs to its budget ends past it (its last round), so
    only one that stopped early leaves any."""
    if task.deterministic:
        left = task.budget_s - used_s
    else:
        left = task.budget_s - elapsed_s - WALL_KEEP_S
    left -= reserved_s
    return left if left >= MIN_LEFT_S else 0.0


def leftover_rounds(data: PieceData, communities: int) -> int:
    """Column generation's rounds on the piece's leftover: all of colgen_floor's
    where its pricing can finish (many units, few a community), only the first
    below MAX_PRICED_PER_COMMUNITY units a community of the plan (``communities``),
    none from there on."""
    if colgen_shape(data):
        return MAX_ROUNDS
    return PRICED_ROUNDS if data.n < MAX_PRICED_PER_COMMUNITY * max(1, communities) else 0

