"""Count-reducing neighbourhoods: m adjacent communities re-solved as m - 1.

Each community carries its fixed costs (funding, committee pay, three staff, a
center: about 1.1 M yuan a year on an urban street), so one community fewer is worth
more than any reshaping. The neighbourhood search (:mod:`optimizer.search.lns`)
re-solves a few adjacent communities with the count free, hinted at the count they
have: it rarely finds the plan with one fewer, whose households must be shifted
across several communities at once. Here the emptiest communities are dissolved one
by one: each with adjacent communities, chosen by their room below the maximum,
until the group's households fit one community fewer with a margin; that sub-region
is solved exactly (CP-SAT, the ordering model) with the count fixed at m - 1. The
result obeys the household bounds, contiguity and every center rule of the model;
it is kept when it costs less (one community fewer nearly always does).

Deterministic with one worker: the groups are tried in a fixed order (emptiest
first, ties by center), each sub-solve has a deterministic time limit, and the
phase stops when the sub-solves' deterministic time plus a fixed estimate per
attempt reaches its budget.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from optimizer.model.piece import PieceData, piece_data
from optimizer.scenario.model import Scenario
from optimizer.search.assemble import price
from optimizer.search.attempt import Choice, run_model
from optimizer.search.lns import community_adjacency, likely_centers
from optimizer.search.stop import StopFlag
from optimizer.status import Status

FEWER_SUB_S = 2.0       # deterministic seconds per sub-solve
# The tries per community, in order: the group's households at most ``margin`` of
# (m - 1) maxima, at most ``communities`` and ``units`` in it, and whether the centers
# stay where they are. Free centers first (the sub-region's full model: seconds, so up
# to 10 communities); then the m - 1 other communities' centers held (a small model,
# solved or proved impossible in hundredths of a second, so up to 16), the result's
# centers then let move from it: held alone, the plan with one fewer cost more than
# the one it replaced on a 262-compound street (the search split it again).
TRIES = ((0.97, 10, 70, False), (0.92, 10, 70, False),
         (0.97, 16, 100, True), (0.92, 16, 100, True))
# Where no community passes those tries in a whole pass (a street 96.9% full at the
# fewest count, 10 compounds a community: one fewer from 31 needs 14-18 adjacent
# communities at 0.97, 130-170 compounds), larger groups with the centers held, at
# twice the sub-solve's time (big-street-300: 18 communities of 166 compounds found
# none in 2 deterministic s, the plan with one fewer in 4). Only after the smaller
# tries found nothing: each costs seconds.
LARGE_TRIES = ((0.97, 20, 200, True),)
LARGE_SUB_X = 2.0       # the sub-solve's time for LARGE_TRIES, times FEWER_SUB_S
ATTEMPT_S = 0.1         # an attempt's own cost besides its model (estimate)


@dataclass
class FewerStats:
    attempts: int = 0
    removed: int = 0
    used_s: float = 0.0     # sub-solves' deterministic time + ATTEMPT_S per attempt
    time_s: float = 0.0


def fewer_communities(scenario: Scenario, data: PieceData, choices: list[Choice], *,
                      work_s: float, seed: int, stop: StopFlag, deterministic: bool = True,
                      workers: int = 1, sub_time_s: float | None = None
                      ) -> tuple[list[Choice], FewerStats]:
    """``choices`` with communities dissolved where a group of neighbours can absorb
    them, within ``work_s`` (deterministic estimate when ``deterministic``, else wall
    seconds). Every community of ``choices`` must be within the household bounds."""
    t0 = time.perf_counter()
    sub_time_s = FEWER_SUB_S if sub_time_s is None else sub_time_s
    stats = FewerStats()
    plan = list(choices)
    tried: set[tuple[frozenset[int], bool]] = set()

    def spent() -> float:
        return stats.used_s if deterministic else time.perf_counter() - t0

    # Free-center tries on groups of this many units or more are skipped: one such
    # try ran its whole time without any plan (FreeCap).
    beyond = FreeCap()
    progress = True
    while progress and not stop.is_set() and spent() < work_s and len(plan) > 1:
        progress = False
        hh = [int(scenario.households[list(ch.members)].sum()) for ch in plan]
        adj = community_adjacency(scenario, plan)
        order = sorted(range(len(plan)), key=lambda c: (hh[c], plan[c].center))
        # The small tries for every community first; the large only where they gave
        # nothing; after a removal, from the small again.
        for tries, sub_s in ((TRIES, sub_time_s), (LARGE_TRIES, LARGE_SUB_X * sub_time_s)):
            for c in order:
                if stop.is_set() or spent() >= work_s:
                    break
                for margin, most, units, keep_centers in tries:
                    group = fewer_group(plan, hh, adj, c, data.hi, margin, most, units)
                    if group is None:
                        continue
                    key = (frozenset(u for g in group for u in plan[g].members),
                           keep_centers)
                    if key in tried or (not keep_centers and beyond.skips(len(key[0]))):
                        continue
                    tried.add(key)
                    stats.attempts += 1
                    limit = min(sub_s, max(0.05, work_s - spent()))
                    got = _resolve(scenario, data, plan, group, seed + stats.attempts, stop,
                                   limit, workers, deterministic, keep_centers)
                    stats.used_s += got[1] + ATTEMPT_S
                    if not keep_centers and got[2] and limit >= sub_s:
                        beyond.saw(len(key[0]))
                    if got[0] is not None:
                        keep = [plan[i] for i in range(len(plan)) if i not in set(group)]
                        plan = keep + list(got[0])
                        stats.removed += 1
                        progress = True
                        break
                if progress:
                    break
            if progress:
                break
    stats.time_s = time.perf_counter() - t0
    if stats.removed:
        plan.sort(key=lambda ch: ch.center)
    return plan, stats          # as given when nothing was removed


@dataclass
class FreeCap:
    """The units of the smallest group whose free-center try ran its whole time and
    found no plan at all (the solver's UNKNOWN, not a proof): larger groups' free tries
    would end the same way, so they are skipped and their centers-held tries (small
    models, hundredths of a second) go on. On real-tokyo-urban's 262-compound street
    (54 grown regions, 46 at the fewest) six free tries of 31-48 compounds ran their
    2 deterministic s each for nothing: 12 of the phase's 24.6 s; every removal came
    from a free try of 19-24 compounds or a centers-held one. Keyed on the solver's
    status and a deterministic limit only, so one-worker runs stay deterministic."""

    units: int | None = None

    def skips(self, units: int) -> bool:
        return self.units is not None and units >= self.units

    def saw(self, units: int) -> None:
        self.units = units if self.units is None else min(self.units, units)


def fewer_group(plan: list[Choice], hh: list[int], adj: list[set[int]], c: int, hi: int,
                margin: float, max_communities: int, max_units: int) -> list[int] | None:
    """Community ``c`` and adjacent communities, each time the one with the most room
    below ``hi`` (ties by center), until the group's households fit ``len - 1``
    communities at ``margin`` of the maximum; None when the caps come first."""
    group = [c]
    total, units = hh[c], len(plan[c].members)
    while total > margin * (len(group) - 1) * hi:
        frontier = sorted({d for g in group for d in adj[g]} - set(group),
                          key=lambda d: (hh[d], plan[d].center))
        frontier = [d for d in frontier if units + len(plan[d].members) <= max_units]
        if not frontier or len(group) >= max_communities:
            return None
        d = frontier[0]
        group.append(d)
        total += hh[d]
        units += len(plan[d].members)
    return group


def _resolve(scenario: Scenario, data: PieceData, plan: list[Choice], group: list[int],
             seed: int, stop: StopFlag, time_s: float, workers: int, deterministic: bool,
             keep_centers: bool) -> tuple[tuple[Choice, ...] | None, float, bool]:
    """The group's units as ``len(group) - 1`` communities (None when the solver found
    none, or none cheaper), the deterministic time it used, and whether the solver
    ended without any plan and without a proof that none exists (its time ran out)."""
    units = np.asarray(sorted(u for g in group for u in plan[g].members))
    sub = piece_data(scenario, data.key, units)
    k = len(group) - 1
    centers = None
    if keep_centers:
        local = {int(u): i for i, u in enumerate(sub.units)}
        centers = {local[plan[g].center] for g in group[1:]}
    res = run_model(scenario, sub, contiguity="order", soft=False, time_s=time_s,
                    workers=workers, seed=seed, stop=stop, count=(k, k),
                    deterministic=deterministic, allowed_centers=centers)
    used = res.used_s
    if not res.choices or len(res.choices) != k:
        return None, used, res.status == Status.UNKNOWN and not stop.is_set()
    choices = res.choices
    if keep_centers and not stop.is_set():
        # The centers were held where they stood: let them move (the units near each
        # community's middle, as the search does), from this plan.
        moved = run_model(scenario, sub, contiguity="order", soft=False, time_s=time_s,
                          workers=workers, seed=seed, stop=stop, count=(k, k),
                          deterministic=deterministic, hint=choices,
                          allowed_centers=likely_centers(scenario, sub, choices))
        used += moved.used_s
        if moved.choices and len(moved.choices) == k and _cost(scenario, moved.choices) \
                < _cost(scenario, choices):
            choices = moved.choices
    old = sum(price(scenario, plan[g]).objective_yuan for g in group)
    return (choices if _cost(scenario, choices) < old - 1e-6 else None), used, False


def _cost(scenario: Scenario, choices: tuple[Choice, ...]) -> float:
    return sum(price(scenario, ch).objective_yuan for ch in choices)
