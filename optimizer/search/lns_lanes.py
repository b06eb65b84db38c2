"""The neighbourhood search on several threads at once (wall-clock mode only).

:func:`optimizer.search.lns.improve` re-solves one group of adjacent communities at a
time with one CP-SAT worker, so a large piece that has the machine to itself (a town
of one street, a county's last piece) leaves the other core idle for the whole search,
and on real irregular maps every sub-solve of a round ends at its limit (a 262-compound
street: 17-22 rounds in 60 s; five times the rounds took its plan 4.85% -> 3.70%).
Here ``lanes`` groups of communities that share no community are re-solved at the
same time, one worker each (CP-SAT releases the interpreter while it solves). A
community's cost depends on its own units only (its cut links included), so each
group's result is kept or dropped on its own: the plan stays a partition and never
gets dearer.

Not deterministic (which sub-solve ends first, and how far each gets, depend on the
machine), so only for wall-clock mode; with one worker the search stays
:func:`optimizer.search.lns.improve`'s, round for round.
"""

from __future__ import annotations

import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait

import numpy as np

from optimizer.model.piece import PieceData, piece_data
from optimizer.scenario.model import Scenario
from optimizer.search.assemble import price
from optimizer.search.attempt import Attempt, Choice, run_model
from optimizer.search.lns import LnsStats, _neighbourhood, likely_centers
from optimizer.search.stop import StopFlag


def improve_lanes(scenario: Scenario, data: PieceData, choices: list[Choice], *,
                  time_s: float, seed: int, stop: StopFlag, lanes: int, communities: int,
                  sub_time_s: float, rng: np.random.Generator, first_round: int = 0
                  ) -> tuple[list[Choice], LnsStats]:
    """Improve ``choices`` (every community within the household bounds) for about
    ``time_s`` wall seconds, with ``lanes`` re-solves of ``communities`` adjacent
    communities in flight at once (``sub_time_s`` each): when one ends, its result is
    kept or dropped and the next group is drawn from the communities no re-solve holds,
    so a lane whose re-solve is proven early does not wait for the other's limit.
    ``stats.rounds`` counts re-solves, as :func:`optimizer.search.lns.improve`'s
    rounds do."""
    stats = LnsStats()
    t0 = time.perf_counter()
    plan = list(choices)
    if len(plan) < 2:
        return plan, stats
    cost = {id(ch): price(scenario, ch).objective_yuan for ch in plan}
    flying: dict[Future[Attempt], list[Choice]] = {}
    stale = 0
    with ThreadPoolExecutor(max_workers=lanes) as pool:
        while True:
            left = time_s - (time.perf_counter() - t0)
            # Keep every lane busy while the time lasts and re-solves still pay.
            while len(flying) < lanes and left > 0 and not stop.is_set() \
                    and stale < 3 * len(plan):
                busy = {id(ch) for group in flying.values() for ch in group}
                idx = free_group(scenario, plan, rng, communities,
                                 {c for c, ch in enumerate(plan) if id(ch) in busy})
                if not idx:
                    break
                group = [plan[c] for c in idx]
                units = sorted(u for ch in group for u in ch.members)
                sub = piece_data(scenario, data.key, np.asarray(units))
                hint = tuple(group)
                stats.rounds += 1
                flying[pool.submit(
                    run_model, scenario, sub, contiguity="order", soft=False,
                    time_s=min(sub_time_s, max(0.1, left)), workers=1,
                    seed=seed + first_round + stats.rounds, stop=stop, hint=hint,
                    deterministic=False,
                    allowed_centers=likely_centers(scenario, sub, hint))] = group
            if not flying:
                break
            done, _ = wait(list(flying), return_when=FIRST_COMPLETED)
            for job in done:
                group = flying.pop(job)
                res = job.result()
                stats.used_s += res.used_s
                new = [price(scenario, ch).objective_yuan for ch in res.choices]
                if res.choices and sum(new) < sum(cost[id(ch)] for ch in group) - 1e-6:
                    gone = {id(ch) for ch in group}
                    plan = [ch for ch in plan if id(ch) not in gone] + list(res.choices)
                    cost.update({id(ch): c for ch, c in zip(res.choices, new, strict=True)})
                    stats.improved += 1
                    stale = 0
                else:
                    stale += 1
    stats.time_s = time.perf_counter() - t0
    return sorted(plan, key=lambda ch: ch.center), stats


def free_group(scenario: Scenario, plan: list[Choice], rng: np.random.Generator,
               communities: int, busy: set[int]) -> list[int]:
    """A random community no re-solve holds and adjacent free ones, grown as the
    one-lane search grows its groups; empty when every community is held."""
    return _neighbourhood(scenario, plan, rng, None, communities, frozenset(busy))
