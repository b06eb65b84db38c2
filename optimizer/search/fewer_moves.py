"""One community fewer on nearly full rural pieces, by single-village moves.

A 250-village town of 29,592 households fits 20 communities of at most 1,500 (98.6%
full); tree partitions and region growing stop at 21, and the count-reducing
neighbourhoods (:mod:`optimizer.search.lns_fewer`) find no group of communities
with room enough for one fewer. The Lagrangian bound there is 8.71 M yuan at 20 and
9.05 M at 21: the count is most of the gap. Here a community is dissolved (each of
its units to an adjacent community, the lightest first, in waves), and the households
outside the bounds are driven to zero by moving one village at a time across a
border (each community kept connected and non-empty), accepting a move that adds
``d`` households of excess with probability ``exp(-d / T)`` (annealing, T falling
geometrically). With villages of ~100 households the excess can flow across many
communities to where there is room, which no exact sub-solve of a few communities
sees. Within the bounds, each community takes its cheapest center
(:func:`optimizer.search.heuristic.best_choice`); the plan is kept by the caller
only when cheaper.

Deterministic: a seeded generator of its own, the communities dissolved in a fixed
order (fewest households first), and the work counted in moves (a fixed estimate
per move), not seconds.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from optimizer.districting.graph import connected_without
from optimizer.model.piece import PieceData
from optimizer.scenario.model import Scenario
from optimizer.search.attempt import Choice
from optimizer.search.heuristic import best_choice
from optimizer.search.stop import StopFlag

MOVE_S = 2.5e-5         # one move tried (deterministic estimate, ~15-25 µs measured)
DISSOLVES = 3           # communities tried as the one dissolved, fewest households first
T_START, T_END = 150.0, 2.0     # temperatures, households
CHECK_EVERY = 5_000     # moves between reads of the stop flag
SPAN = 200_000          # moves from T_START to T_END, then again from T_START


@dataclass
class FewerStats:
    attempts: int = 0
    found: bool = False
    moves: int = 0
    best_excess: int = -1   # households outside the bounds at the best point (-1: none)
    used_s: float = 0.0
    time_s: float = 0.0


def one_fewer(scenario: Scenario, data: PieceData, plan: list[Choice], *, work_s: float,
              seed: int, stop: StopFlag, deterministic: bool = True
              ) -> tuple[list[Choice] | None, FewerStats]:
    """A plan of ``len(plan) - 1`` communities within the bounds, each connected with
    its cheapest allowed center, or None; within ``work_s`` (moves × MOVE_S when
    ``deterministic``, else the clock)."""
    t0 = time.perf_counter()
    stats = FewerStats()
    k = len(plan)
    if k < 2 or data.total > (k - 1) * data.hi or work_s <= 0:
        return None, stats
    index = {int(u): i for i, u in enumerate(data.units.tolist())}
    nbrs = [list(v) for v in data.nbrs]
    h = data.households.astype(np.int64)
    start = np.empty(data.n, dtype=np.int64)
    for c, ch in enumerate(plan):
        for u in ch.members:
            start[index[int(u)]] = c
    order = sorted(range(k), key=lambda c: (int(h[start == c].sum()), plan[c].center))
    rng = np.random.default_rng(seed * 104729 + data.n)
    per = work_s / DISSOLVES

    def spent() -> float:
        return stats.moves * MOVE_S if deterministic else time.perf_counter() - t0

    for gone in order[:DISSOLVES]:
        if stop.is_set() or spent() >= work_s:
            break
        stats.attempts += 1
        owner = _dissolve(start, gone, nbrs, h, k)
        if owner is None:
            continue
        limit = min(work_s, spent() + per) if stats.attempts < DISSOLVES else work_s
        found = _anneal(owner, nbrs, h, data.lo, data.hi, k - 1, rng, stats,
                        _until(spent, limit, stop))
        if found:
            groups = [np.flatnonzero(owner == c).tolist() for c in range(k - 1)]
            out = [best_choice(scenario, data, g) for g in groups]
            if all(ch is not None for ch in out):
                stats.found = True
                stats.used_s = stats.moves * MOVE_S + sum(len(g) ** 2 for g in groups) * 2e-5
                stats.time_s = time.perf_counter() - t0
                return [ch for ch in out if ch is not None], stats
    stats.used_s = stats.moves * MOVE_S
    stats.time_s = time.perf_counter() - t0
    return None, stats


def _until(spent: Callable[[], float], limit: float, stop: StopFlag) -> Callable[[], bool]:
    return lambda: spent() >= limit or stop.is_set()


def _dissolve(start: np.ndarray, gone: int, nbrs: list[list[int]], h: np.ndarray,
              k: int) -> np.ndarray | None:
    """The owners with community ``gone`` spread over its neighbours (each unit, in
    waves from the border, to the lightest adjacent community), renumbered 0..k-2."""
    owner = start.copy()
    load = np.bincount(owner, weights=h, minlength=k).astype(np.int64)
    left = sorted(np.flatnonzero(owner == gone).tolist())
    while left:
        placed = []
        for u in left:
            near = sorted({int(owner[v]) for v in nbrs[u] if owner[v] != gone})
            if near:
                c = min(near, key=lambda c: (int(load[c]), c))
                placed.append((u, c))
        if not placed:
            return None         # the community has no neighbour (a piece of its own)
        for u, c in placed:
            owner[u] = c
            load[c] += int(h[u])
        left = [u for u in left if owner[u] == gone]
    return np.where(owner > gone, owner - 1, owner)


def _anneal(owner: np.ndarray, nbrs: list[list[int]], h: np.ndarray, lo: int, hi: int,
            k: int, rng: np.random.Generator, stats: FewerStats,
            done: Callable[[], bool]) -> bool:
    """Single-unit moves across borders until no community is outside [lo, hi]
    (``owner`` changed in place; True then), or ``done()``."""
    load = np.bincount(owner, weights=h, minlength=k).astype(np.int64)
    size = np.bincount(owner, minlength=k)

    def excess(x: int) -> int:
        return max(0, x - hi) + max(0, lo - x)

    total = sum(excess(int(x)) for x in load)
    best = total
    n = len(owner)
    steps = 0
    while total > 0:
        if steps % CHECK_EVERY == 0 and done():
            break
        steps += 1
        stats.moves += 1
        temp = T_START * (T_END / T_START) ** ((steps % SPAN) / SPAN)
        u = int(rng.integers(n))
        a = int(owner[u])
        sides = [int(owner[v]) for v in nbrs[u] if owner[v] != a]
        if not sides or size[a] <= 1:
            continue
        b = sides[int(rng.integers(len(sides)))]
        hu = int(h[u])
        d = (excess(int(load[a]) - hu) + excess(int(load[b]) + hu)
             - excess(int(load[a])) - excess(int(load[b])))
        if d > 0 and rng.random() >= math.exp(-d / temp):
            continue
        if not connected_without(nbrs, owner, u):
            continue
        owner[u] = b
        load[a] -= hu
        load[b] += hu
        size[a] -= 1
        size[b] += 1
        total += d
        best = min(best, total)
    stats.best_excess = best if stats.best_excess < 0 else min(stats.best_excess, best)
    return total == 0
