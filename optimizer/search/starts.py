"""First plans for large pieces with the fewest communities the households allow.

Each community carries the fixed costs (funding, committee pay, three staff, its
center), so one community fewer is worth more than any reshaping: on a 250-village
town the Lagrangian bound rises by 4.7% per community (6.13 M yuan at 17, 6.41 M at
18, 6.71 M at 19), and region growing stopped at 20. Recursive spanning-tree cuts
(:mod:`optimizer.districting.treepart`) reach the least count ``ceil(H/U)`` on such
pieces in a fraction of a second (7 of 10 attempts at 17 on that town). Several
attempts at the least counts are priced exactly (:func:`best_choice` per community)
and the cheapest plan is the start of the neighbourhood search.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass

from optimizer.districting.treepart import NODE_TREE_S, tree_partition
from optimizer.graph import feasible_community_counts
from optimizer.model.piece import PieceData
from optimizer.scenario.model import Scenario
from optimizer.search.attempt import Choice
from optimizer.search.heuristic import best_choice
from optimizer.search.lns_fewer import fewer_communities
from optimizer.search.piece_common import grown_start, plan_cost
from optimizer.search.piece_types import PieceTask
from optimizer.search.stop import StopFlag

COUNTS = 2                  # the least count and the next ones tried
MAX_ATTEMPTS = 24           # tree partitions drawn, at most
PRICE_S_PER_UNIT = 2e-5     # best_choice per unit of a plan priced (deterministic estimate)


@dataclass(frozen=True)
class Start:
    choices: tuple[Choice, ...] | None     # the cheapest plan found (None: none)
    used_s: float                          # deterministic estimate, or wall when not
    attempts: int
    found: int


def tree_start(scenario: Scenario, data: PieceData, *, time_s: float, seed: int,
               deterministic: bool, stop: StopFlag,
               counts: list[int] | None = None) -> Start:
    """The cheapest of the tree partitions drawn at the least numbers of communities
    within ``time_s`` (fixed work estimates when ``deterministic``, so a seeded run
    draws the same plans on any machine)."""
    t0 = time.perf_counter()
    ks = counts if counts is not None \
        else list(feasible_community_counts(data.total, data.lo, data.hi))[:COUNTS]
    rng = random.Random(seed * 7919 + data.n)
    best: tuple[float, tuple[Choice, ...]] | None = None
    used = 0.0
    attempts = found = 0
    while ks and attempts < MAX_ATTEMPTS and not stop.is_set():
        spent = used if deterministic else time.perf_counter() - t0
        if spent >= time_s:
            break
        k = ks[attempts % len(ks)]
        attempts += 1
        # One attempt never runs past the time left (its trees, at the fixed estimate).
        trees = max(1, int((time_s - spent) / (NODE_TREE_S * max(1, data.n))))
        got = tree_partition(data, k, rng, max_trees=min(2_000, trees))
        used += got.work_s
        if got.districts is None:
            continue
        choices = [best_choice(scenario, data, d) for d in got.districts]
        used += PRICE_S_PER_UNIT * data.n
        if any(ch is None for ch in choices):
            continue
        plan = tuple(ch for ch in choices if ch is not None)
        found += 1
        cost = plan_cost(scenario, plan)
        if best is None or cost < best[0] - 1e-6:
            best = (cost, plan)
    return Start(best[1] if best else None,
                 used if deterministic else time.perf_counter() - t0, attempts, found)


START_CAP_S = 2.0       # tree partitions for the start of a listed piece, at most
FEWER_START_UNITS = 100  # listed pieces of this many units on: count-reducing moves on
FEWER_START_SHARE = 0.15  # the start, for this share of the budget (a 150-compound
                          # street's integer stages found its 34-community plan late)


def listing_start(scenario: Scenario, data: PieceData, task: PieceTask, stop: StopFlag,
                  regions_out: list[list[int]] | None = None
                  ) -> tuple[tuple[Choice, ...] | None, float]:
    """The plan a listed piece's integer solves start from (search/columns.py's hint)
    and what building it used of ``task.budget_s``: region growing, or tree partitions
    at the least counts where it misses them, the cheaper; on listings of
    FEWER_START_UNITS units or more still above the least count, one community fewer
    by count-reducing moves (optimizer.search.lns_fewer): one the integer stages
    need not find. ``regions_out`` receives region growing's regions, in or out of the
    bounds (the listing repairs them where no start is found: column_repair)."""
    regions, grown = grown_start(scenario, data)
    if regions_out is not None:
        regions_out.extend(regions)
    counts = feasible_community_counts(data.total, data.lo, data.hi)
    if not counts or (grown is not None and len(grown) == counts[0]):
        return grown, 0.0
    tree = tree_start(scenario, data, time_s=min(START_CAP_S, 0.05 * task.budget_s),
                      seed=task.seed, deterministic=task.deterministic, stop=stop)
    spent = tree.used_s
    best = grown
    if tree.choices is not None and (grown is None or plan_cost(scenario, grown)
                                     > plan_cost(scenario, tree.choices)):
        best = tree.choices
    if best is not None and len(best) > counts[0] and data.n >= FEWER_START_UNITS \
            and not stop.is_set():
        plan, fst = fewer_communities(scenario, data, list(best),
                                      work_s=FEWER_START_SHARE * task.budget_s,
                                      seed=task.seed, stop=stop,
                                      deterministic=task.deterministic,
                                      workers=task.threads)
        spent += fst.used_s if task.deterministic else fst.time_s
        best = tuple(plan)
    return best, spent
