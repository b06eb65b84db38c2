"""What a piece is given (:class:`PieceTask`) and what it gives back
(:class:`PieceResult`): plain data, sent between processes and written to checkpoints."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from optimizer.graph.diagnosis import Diagnosis
from optimizer.graph.locks import Locks
from optimizer.plan.exemption import Exemption, Reasons
from optimizer.search.attempt import Choice
from optimizer.status import Status

# A marked piece (FACILITY-95's marks, optimizer.search.late_first) planned without its
# marks says so in its method: optimizer.search.late_fallback reads these words.
WITHOUT_MARKS = "then split without the marks"
UNMARKED_STOPPED = "none found without the marks in time"
# ... and a piece with units above the maximum whose marks made it join more households
# to their communities, attached again without them (optimizer.search.oversized_unmarked).
ATTACHED_WITHOUT_MARKS = "then attached without the marks"


@dataclass(frozen=True)
class PieceTask:
    index: int
    key: tuple[str, str, str]
    units: np.ndarray
    diagnosis: Diagnosis | None
    budget_s: float
    seed: int
    threads: int
    deterministic: bool = True     # limits in deterministic time (same plan on any load)
    locks: Locks | None = None     # the planner's locks touching this piece
    wall_s: float | None = None    # stopped (as by Ctrl-C) this long after handed_at
    handed_at: float | None = None  # time.time() when wall_s was set (the task handed out)
    run_s: float | None = None     # the run's deadline, this long after handed_at: a
                                   # solve begun after the stop may run until then
                                   # (optimizer.search.stop.StopFlag.grace_s)
    stand_ins: tuple[int, ...] = ()  # no_build units where a build may stand in (ONE-STATION)
    center_reason: Exemption | None = None   # the exemption of a community centred in one
    part_of_piece: bool = False    # a part of a piece whose pockets were sought whole
                                   # (optimizer.search.pocketed): none sought in it
    within_only: bool = False      # the caller keeps a plan only with every community
                                   # within the bounds: where there is none, no last
                                   # resorts (:func:`none_within`)
    hurry_s: float = 1.0           # once stopped, its Lagrangian floor's seconds at most
                                   # (the driver: less under short limits, whose keep-back
                                   # for a stopped piece is shorter; clock.py)


@dataclass(frozen=True)
class PieceResult:
    index: int
    choices: tuple[Choice, ...]
    exemptions: tuple[Reasons, ...]     # per community, its exemptions (() for none)
    status: Status
    bound: float            # a true lower bound on this piece's objective (yuan/year)
    time_s: float           # wall clock
    method: str
    reason: str = ""
    used_s: float = 0.0     # of its budget: deterministic time (one worker) or wall time
    clock_stopped: bool = False    # its wall_s ran out before it finished
    memory_stopped: bool = False   # stopped early by the memory budget (optimizer.search.memory)


def none_within(task: PieceTask, reason: str) -> PieceResult:
    """No plan within the bounds, for a caller that keeps nothing else (``within_only``:
    optimizer.search.pocketed's parts): no communities, ``reason`` why, none of the
    last resorts run (the caller adds what the search spent). Why: wild seed 951's
    134-compound street has pockets and, without them, still no partition; its rest,
    solved as a part, sought cores (3 s) and ran the soft model 17 s of wall on a
    13.7-s share of its 23.3-s budget, and the pockets' try then dropped that plan for
    its exemptions, leaving the piece's own one-community-per-core try 0.2 s."""
    return PieceResult(task.index, (), (), Status.INFEASIBLE, 0.0, 0.0,
                       "no plan within the bounds", reason)
