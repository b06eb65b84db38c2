"""The neighbourhood search on several threads at once (wall-clock mode only).

:func:`optimizer.search.lns.improve` re-solves one group of adjacent communities at a
time with one CP-SAT worker, so a large piece that has the machine to itself (a town
of one street, a county's last piece) leaves the other core idle for the whole search,
and on real irregular maps every sub-solve of a round ends at its limit (a 262-compound
street: 17-22 rounds in 60 s; five times the rounds took its plan 4.85% -> 3.70%).
Here each batch draws ``lanes`` groups of communities that share no community and
re-solves them at the same time, one worker each (CP-SAT releases the interpreter
while it solves). A community's cost depends on its own units only (its cut links
included), so each group's result is kept or dropped on its own: the plan stays a
partition and never gets dearer.

Not deterministic (which sub-solve ends first, and how far each gets, depend on the
machine), so only for wall-clock mode; with one worker the search stays
:func:`optimizer.search.lns.improve`'s, round for round.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from optimizer.model.piece import PieceData, piece_data
from optimizer.scenario.model import Scenario
from optimizer.search.assemble import price
from optimizer.search.attempt import Attempt, Choice, run_model
from optimizer.search.lns import SUB_UNITS, LnsStats, community_adjacency, likely_centers
from optimizer.search.stop import StopFlag


def improve_lanes(scenario: Scenario, data: PieceData, choices: list[Choice], *,
                  time_s: float, seed: int, stop: StopFlag, lanes: int, communities: int,
                  sub_time_s: float, rng: np.random.Generator, first_round: int = 0
                  ) -> tuple[list[Choice], LnsStats]:
    """Improve ``choices`` (every community within the household bounds) for about
    ``time_s`` wall seconds, re-solving ``lanes`` disjoint groups of ``communities``
    adjacent communities at once, ``sub_time_s`` each. ``stats.rounds`` counts
    sub-solves, as :func:`optimizer.search.lns.improve`'s rounds do."""
    stats = LnsStats()
    t0 = time.perf_counter()
    plan = list(choices)
    if len(plan) < 2:
        return plan, stats
    costs = [price(scenario, ch).objective_yuan for ch in plan]
    stale = 0
    with ThreadPoolExecutor(max_workers=lanes) as pool:
        while not stop.is_set():
            left = time_s - (time.perf_counter() - t0)
            if left <= 0 or stale >= 3 * len(plan):
                break       # the time is up, or every community tried often without gain
            adj = community_adjacency(scenario, plan)
            groups = disjoint_groups(plan, adj, rng, lanes, communities)
            budget = min(sub_time_s, max(0.1, left))
            jobs = []
            for i, group in enumerate(groups):
                units = sorted(u for c in group for u in plan[c].members)
                sub = piece_data(scenario, data.key, np.asarray(units))
                hint = tuple(plan[c] for c in group)
                jobs.append(pool.submit(
                    run_model, scenario, sub, contiguity="order", soft=False,
                    time_s=budget, workers=1, seed=seed + first_round + stats.rounds + i + 1,
                    stop=stop, hint=hint, deterministic=False,
                    allowed_centers=likely_centers(scenario, sub, hint)))
            results: list[Attempt] = [job.result() for job in jobs]
            stats.rounds += len(groups)
            gone: set[int] = set()
            added: list[tuple[Choice, float]] = []
            for group, res in zip(groups, results, strict=True):
                stats.used_s += res.used_s
                new = [price(scenario, ch).objective_yuan for ch in res.choices]
                if res.choices and sum(new) < sum(costs[c] for c in group) - 1e-6:
                    gone.update(group)
                    added.extend(zip(res.choices, new, strict=True))
                    stats.improved += 1
                    stale = 0
                else:
                    stale += 1
            if gone:
                keep = [i for i in range(len(plan)) if i not in gone]
                plan = [plan[i] for i in keep] + [ch for ch, _ in added]
                costs = [costs[i] for i in keep] + [c for _, c in added]
    stats.time_s = time.perf_counter() - t0
    order = sorted(range(len(plan)), key=lambda i: plan[i].center)
    return [plan[i] for i in order], stats


def disjoint_groups(plan: list[Choice], adj: list[set[int]], rng: np.random.Generator,
                    lanes: int, communities: int) -> list[list[int]]:
    """Up to ``lanes`` groups of adjacent communities, no community in two: each from
    a random community not yet taken, grown breadth-first in random order within
    ``communities`` and SUB_UNITS units (:func:`optimizer.search.lns._neighbourhood`)."""
    taken: set[int] = set()
    groups: list[list[int]] = []
    for _ in range(lanes):
        free = [c for c in range(len(plan)) if c not in taken]
        if not free:
            break
        start = free[int(rng.integers(len(free)))]
        group = [start]
        size = len(plan[start].members)
        frontier = sorted(adj[start] - taken)
        rng.shuffle(frontier)
        while frontier and len(group) < communities:
            c = frontier.pop()
            if c in group or c in taken or size + len(plan[c].members) > SUB_UNITS:
                continue
            group.append(c)
            size += len(plan[c].members)
            more = sorted(adj[c] - set(group) - taken)
            rng.shuffle(more)
            frontier = more + frontier
        taken.update(group)
        groups.append(group)
    return groups
