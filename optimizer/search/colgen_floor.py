"""Column generation's LP bound as a large piece's floor (optimizer.search.colgen),
on the unlisted pieces where it can finish: many units, few a community.

On a 150-compound street of 4.3 compounds a community column generation with exact
pricing reached the set-partitioning LP's bound (37.77 M yuan against the
Lagrangian's 36.86 M) in 16 rounds; on 10 compounds a community or on irregular real
maps its pricing does not finish (bench/JOURNAL.md, "Column generation with exact
pricing"). Every round's bound is valid, so a column generation stopped by its work
estimate or the stop flag still gives its best round's.

Measured before the capped rounds (colgen.HEURISTIC_NODES) on the big county
(bench/JOURNAL.md, helper `cgbound`): Shizhou Street (300 compounds, 4.9 a
community at the fewest count) passes its Lagrangian floor (69.10 M, whole units,
count split) at the first round, priced at the Lagrangian's multipliers
(69.25 M, 3 s of CPU), and reaches 70.62 M in 13 rounds (~125 s of CPU); in the
piece's solve at 30% of its 589 s the bound went 69.10 M -> 70.54 M (gap 4.28% ->
2.30%) for a plan 12 k yuan dearer. Yongwu Street (200 compounds, 5.9 a community)
converges to 38.82 M against its floor's 38.42 M, but passes that floor only at round
11, after ~145 s of CPU (three rounds of 20-26 s at the degenerate start), more than
its 268 s budget could spare. With the capped rounds (helper `cgfast`) Shizhou
converges at 54 s of CPU and Yongwu passes its floor at 41 s: MAX_PER_COMMUNITY now
takes Yongwu in and SHARE is 30%. Tokyo's Zhuangjin (262 irregular compounds, 5.7 a
community) still needs 33-52 s per exact round (200,000-node cap, centres open) and
its 60 s budget is below MIN_RESERVE_S / SHARE. With the exact rounds at central
duals (colgen.CENTRAL, helper `cgmid`) the first exact round ends at 0.12-0.21
deterministic s a unit, so the reserve's minimum is keyed on the units
(RESERVE_S_PER_UNIT) and mid-size unlisted pieces from MIN_UNITS on take it too
(optimizer.search.piece: the large pieces' search on pieces of many communities).
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass

from optimizer.model.lagrange import lagrangian_solution
from optimizer.model.piece import PieceData
from optimizer.scenario.model import Scenario
from optimizer.search.attempt import Choice
from optimizer.search.colgen import generate
from optimizer.search.stop import StopFlag

MIN_UNITS = 60              # pieces of at least this many units (fewer are listed) ...
MAX_PER_COMMUNITY = 6.0     # ... and at most this many a community (at the fewest count)
SHARE = 0.3                 # of such a piece's budget set aside for it. With capped
                            # rounds before exact ones (colgen.HEURISTIC_NODES) Shizhou
                            # converges at 48 deterministic s (54 s of CPU; 137 s of CPU
                            # before, and 40% of the budget), Yongwu (5.9 a community)
                            # is within 0.1% of its LP at 57 s, passes its floor at 42 s
                            # (bench/JOURNAL.md, helper `cgfast`)
MIN_RESERVE_S = 15.0        # ... when that is at least this much and RESERVE_S_PER_UNIT
RESERVE_S_PER_UNIT = 0.2    # a unit: below it the rounds end before the first exact one.
                            # With the exact rounds at central duals (colgen.CENTRAL) that
                            # one ends at 0.12-0.21 deterministic s a unit: Shizhou ~37 s
                            # (300 units), Yongwu ~42 s (200), nosplit's 82-compound part
                            # 15.8 s (converged at 18.7 s); before, 40 s whatever the size
                            # (33-42 s on Shizhou and Yongwu). Tokyo's Zhuangjin (262
                            # irregular compounds) needs 1.9-2.2 M nodes a round: its 16 s
                            # stays under 52 s
MAX_ROUNDS = 60
DUAL_STEPS = 200            # Lagrangian steps for the first round's multipliers
DUAL_S_PER_UNIT = 0.005     # ... charged at this per unit (deterministic seconds)


@dataclass(frozen=True)
class ColGenFloor:
    bound: float        # -inf: none
    used_s: float       # the fixed estimate (deterministic seconds)
    rounds: int
    converged: bool


def colgen_shape(data: PieceData) -> bool:
    """Column generation's pricing can finish here: MIN_UNITS units or more, at most
    MAX_PER_COMMUNITY a community at the fewest count (the work of its rounds grows
    with the units a community, and is set by the units: colgen_reserve)."""
    fewest = max(1, math.ceil(data.total / max(1, data.hi)))
    return data.n >= MIN_UNITS and data.n / fewest <= MAX_PER_COMMUNITY


def colgen_reserve(data: PieceData, budget_s: float) -> float:
    """The seconds of ``budget_s`` set aside for column generation's bound (0: none)."""
    if not colgen_shape(data):
        return 0.0
    reserve = SHARE * budget_s
    return reserve if reserve >= max(MIN_RESERVE_S, RESERVE_S_PER_UNIT * data.n) else 0.0


class Until(StopFlag):
    """``stop``, or the clock past ``end`` (time.monotonic): wall-clock mode only (here
    and in search/leftover.py)."""

    def __init__(self, stop: StopFlag, end: float) -> None:
        super().__init__(end if stop.deadline is None else min(end, stop.deadline))
        self._parent = stop

    def is_set(self) -> bool:
        return self._parent.is_set() or (self.deadline is not None
                                         and time.monotonic() >= self.deadline)


def colgen_floor(scenario: Scenario, data: PieceData, plan: Sequence[Choice], least: int,
                 work_s: float, stop: StopFlag, deterministic: bool,
                 max_rounds: int = MAX_ROUNDS) -> ColGenFloor:
    """Column generation from ``plan``'s communities, its first round at the
    Lagrangian's multipliers over ``least`` communities or more, within ``work_s``
    deterministic seconds (fixed estimates, never the clock) and ``stop``; in
    wall-clock mode (not ``deterministic``) within ``work_s`` of the clock too;
    ``max_rounds`` rounds at most (the first: at the Lagrangian's multipliers)."""
    dual_s = DUAL_S_PER_UNIT * data.n
    if work_s <= dual_s or not plan or stop.is_set():
        return ColGenFloor(-math.inf, 0.0, 0, False)
    if not deterministic:
        stop = Until(stop, time.monotonic() + work_s)
    k_hi = max(least, data.total // max(1, data.lo))
    _, lam = lagrangian_solution(scenario, data, time_s=3600.0, max_iter=DUAL_STEPS,
                                 stop=stop, counts=(least, k_hi), whole_steps=0)
    local = {int(u): k for k, u in enumerate(data.units)}
    start = [tuple(sorted(local[int(u)] for u in ch.members)) for ch in plan]
    res = generate(scenario, data, start, max_rounds=max_rounds, stop=stop, duals=lam,
                   work_s=work_s - dual_s, clock=None if deterministic else stop)
    return ColGenFloor(res.bound_yuan, dual_s + res.work_s, len(res.rounds), res.converged)
