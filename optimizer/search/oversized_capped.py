"""The bound of a stranded group whose plan the guided attach found
(optimizer.search.oversized_guided): the relaxation of optimizer.model.attach_bound over
the group's complete listing, the households joined capped at the plan's.

Which plans it bounds, and why that is every plan the rules allow. The rules
(optimizer.graph.oversized, point 3) allow the plans of the group in which the
oversized units' communities hold, besides their units, the FEWEST households M that
can join while every other community keeps the bounds (connected, L..U, a legal
center); no more is exempt than is proven. The guided plan is such a plan by its
shape (its rest keeps the bounds: a rest with a SIZE exemption is not kept), so it
joins H >= M households; every lawful plan joins M <= H. The relaxation below holds
for every plan joining at most H (each community without an oversized unit a column
of the complete listing at its exact cost, each joined unit within H households of a
core by its lightest path, charged at least ρ a household and each core its floor:
``oversized_bound.joining``), so for every lawful plan and for the guided plan too
(it never exceeds what is in hand). Plans joining more than H are not lawful and not
bounded: joining the whole 65,050-household rest of seed 373 into one community costs
about 10.7 M yuan (the attach's "whole parts" at 60 s), below any useful bound, which
is why a bound over every set of joins cannot pass the floor of the whole group.

Why: seed 373's Jianyang St. reported the floor of the whole group (9.58 M yuan, every
split of any sizes) against a plan of 29.74 M (gap 67.8% on the piece); here, capped at
the plan's 1,381 joined households, the LP says 26.4 M. The listing is the one the part
was proven stranded with (194,893 groups), floored at once and priced exactly only where
the LP takes a group (pricing all of it took 5-7 s of wall and, last in the piece's time,
never ran in the CLI at 60 s under load).
"""

from __future__ import annotations

import math
import time

import numpy as np

from optimizer.model.attach_bound import attach_lp_rounds
from optimizer.model.piece import PieceData
from optimizer.scenario.model import Scenario
from optimizer.search.column_floor import FLOOR_S_PER_NONZERO, floor_groups
from optimizer.search.columns import Stopped, price_groups
from optimizer.search.oversized_bound import joining
from optimizer.search.stop import StopFlag

PRICE_S_PER_NONZERO = 3.5e-6    # fixed work estimate (s) of pricing, per listed entry
                                # (seed 373's rest: 5.9 s idle for 1.69 M entries)
WORK_S_PER_NONZERO = 2.8e-6     # ... of the whole bound (floor, rounds, the master's
                                # columns priced), per listed entry: seed 373's 4.73 s for
                                # 1.69 M entries (9,394 of 194,893 groups priced, 10 rounds)


def capped_bound(scenario: Scenario, gd: PieceData, sub: PieceData,
                 groups: list[tuple[int, ...]], cores: dict[int, list[int]], cap: int,
                 stop: StopFlag, *, time_s: float, deterministic: bool
                 ) -> tuple[float, float]:
    """A lower bound on every plan of the group ``gd`` (the stranded parts ``sub`` and
    the oversized ``cores``, global units) joining at most ``cap`` households of the
    parts (see the module: every lawful plan, with ``cap`` a plan's joined households),
    from ``groups``, the parts' COMPLETE listing of connected groups within the bounds
    (local to ``sub``). Links between communities are left out (costs >= 0). Returns
    (bound, work: the fixed estimate when ``deterministic``, else the seconds); -inf
    when stopped before an answer, or past ``time_s`` in the floor's estimate.

    The columns start at a floor of their cost (optimizer.search.column_floor: seed
    373's 194,893 in 0.5-1.3 s against 5-10 s exactly); the LP's rounds price exactly
    only those their master takes (``attach_lp_rounds``' ``exact``), the rest stay at
    the floor in the Lagrangian value, which can only lower it."""
    t0 = time.perf_counter()
    nnz = sum(len(g) for g in groups)
    floored = FLOOR_S_PER_NONZERO * nnz
    if stop.is_set() or floored >= time_s:
        return -math.inf, 0.0
    cost, must, sure = floor_groups(scenario, sub, groups)
    work = floored

    def price(chosen: list[tuple[int, ...]]) -> tuple[np.ndarray, float] | None:
        try:
            got = price_groups(scenario, sub, chosen, stop)
        except Stopped:
            return None
        return got, PRICE_S_PER_NONZERO * sum(len(g) for g in chosen)

    short = np.flatnonzero(must & np.isfinite(cost))
    if len(short):          # short centers: priced apart, maybe below the floor
        got = price([groups[k] for k in short.tolist()])
        if got is None:
            return -math.inf, work if deterministic else time.perf_counter() - t0
        cost[short] = got[0]
        work += got[1]
    ok = np.isfinite(cost)
    members = [g for g, good in zip(groups, ok.tolist(), strict=True) if good]
    cost, sure = cost[ok], sure[ok]

    def exact(idx: np.ndarray) -> tuple[np.ndarray, float] | None:
        return price([members[k] for k in idx.tolist()])

    jt = joining(scenario, gd, sub, cores, cap)
    charged = math.isfinite(jt.charged)
    spent = work if deterministic else time.perf_counter() - t0
    lp, lp_work = attach_lp_rounds(sub.n, members, cost, sub.households, jt.free, cap,
                                   jt.join if charged else None,
                                   time_s=max(0.0, time_s - spent),
                                   deterministic=deterministic, stop=stop, exact=exact,
                                   priced=sure)
    bound = lp + (jt.charged if charged else jt.floors)
    return bound, work + lp_work if deterministic else time.perf_counter() - t0


__all__ = ["PRICE_S_PER_NONZERO", "WORK_S_PER_NONZERO", "capped_bound"]
