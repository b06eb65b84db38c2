"""Each community of a large piece's plan at its cheapest centre, after the search.

Why: the neighbourhood search's sub-models offer each community only a few likely
centres (:func:`optimizer.search.lns.likely_centers`), so its plans can cost more than
the sum of their communities at their cheapest centres. Helper `pab` found it on the
big county's streets (bench/JOURNAL.md, "A plan from column generation's columns"):
Shizhou Street's 64 communities 72,202,077 yuan as searched, 72,193,351 each at its
cheapest centre; Yongwu 39,549,633 -> 39,537,079. The members stay as they are, so the
partition, its contiguity and its household bounds do not change; each community gets
the centre (unit, remedy, site) :func:`optimizer.search.heuristic.best_choice` finds,
which honours the sites' precedence (PIPELINE, NEWDEV-FIRST). Pieces with planner locks
never reach the large pieces' search (a pinned centre or a forced site would be lost
here), and pieces with exemptions keep their plan (their stand-ins are priced apart).

The new plan replaces the old only where it is cheaper by the piece's own objective
(:func:`optimizer.search.piece_common.plan_cost`), so it can never get dearer.
Deterministic mode charges a fixed estimate per unit priced (PER_UNIT_S), never the
clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from optimizer.model.piece import PieceData
from optimizer.scenario.model import Scenario
from optimizer.search.attempt import Choice
from optimizer.search.heuristic import best_choice
from optimizer.search.piece_common import plan_cost
from optimizer.search.stop import StopFlag

PER_UNIT_S = 2e-4       # deterministic seconds charged per unit: best_choice prices
                        # every unit's options as the community's centre. Measured
                        # 0.06-0.07 ms of CPU a unit on tokyo, georgia, big-street-300
                        # and -150-grown (region-grown plans whose groups had been priced
                        # once before: bench/results/lead-s16/rc_time.py.txt), so the
                        # charge errs on the safe side


@dataclass(frozen=True)
class Recentred:
    choices: tuple[Choice, ...]     # the cheaper plan (empty: none cheaper)
    saved_yuan: float               # how much cheaper (0 when none)
    used_s: float                   # fixed estimate (deterministic) of the work


def recentre(scenario: Scenario, data: PieceData, plan: Sequence[Choice],
             stop: StopFlag) -> Recentred:
    """``plan`` with each community at its cheapest centre, when that is cheaper."""
    local = {int(u): k for k, u in enumerate(data.units)}
    used = PER_UNIT_S * sum(len(ch.members) for ch in plan)
    out: list[Choice] = []
    for ch in plan:
        if stop.is_set():
            return Recentred((), 0.0, used)
        best = best_choice(scenario, data, [local[int(u)] for u in ch.members])
        out.append(ch if best is None else best)
    before, after = plan_cost(scenario, list(plan)), plan_cost(scenario, out)
    if after >= before - 1.0:
        return Recentred((), 0.0, used)
    return Recentred(tuple(out), before - after, used)
