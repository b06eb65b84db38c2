"""Large-neighbourhood search over groups of adjacent communities.

A component's cost is the sum of its communities' costs, so re-solving the union of
a few adjacent communities exactly (CP-SAT, small) and keeping the result when it is
cheaper can only improve the plan. Neighbourhoods are drawn by a seeded generator;
with one worker the whole search is deterministic (each sub-solve has a
deterministic time limit and the loop runs a fixed number of rounds).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from optimizer.model.piece import PieceData, piece_data
from optimizer.scenario.model import Scenario
from optimizer.search.assemble import price
from optimizer.search.attempt import Choice, run_model
from optimizer.search.stop import StopFlag

SUB_UNITS = 90          # at most this many units in one neighbourhood
SUB_COMMUNITIES = 4     # and at most this many communities
SUB_TIME_S = 2.0        # per sub-solve
FEW_UNITS = 6           # below this many units per community,
FEW_COMMUNITIES = 6     # ... this many communities per neighbourhood
FEW_SUB_S = 1.5         # ... at this many seconds per sub-solve
MANY_UNITS = 7.5        # from this many units per community (window), three
MANY_SUB_S = 0.5        # ... communities a neighbourhood at this many seconds a sub-solve
CENTER_CANDIDATES = 6   # units near each community's middle tried as its center
ROUND_S_PER_UNIT = 0.003   # a round's own cost besides its sub-solve's deterministic
                        # time, per unit of its neighbourhood (round_cost)


@dataclass
class LnsStats:
    rounds: int = 0
    improved: int = 0
    time_s: float = 0.0
    used_s: float = 0.0     # the sub-solves' used_s (deterministic with one worker)
    round_s: float = 0.0    # the rounds' own cost by round_cost (deterministic estimate)


def window(data: PieceData, n_communities: int) -> tuple[int, float]:
    """Communities per neighbourhood and seconds per sub-solve, by the piece's units
    per community: a neighbourhood is sized by communities, not units. Pieces of many
    units per community (village towns, streets of small compounds) get three per
    neighbourhood at MANY_SUB_S each: on a 300-compound street of 10 per community,
    25.64 M yuan after 75 rounds at 1 s against 25.88 M after the 16 rounds four per
    neighbourhood at 2 s took in the same time (and 25.86 M after 150 rounds of two).
    The search there is bound by its budget, not by neighbourhoods that stop paying
    (big-street-300's street, 30 communities at the least: 18 of 38 rounds gained at
    1 s, 19 of the first 40 with four times the budget), and most sub-solves end at
    their limit, so shorter ones buy more rounds: 56 rounds at 0.5 s, 34.37 M yuan
    against 34.47 M after 38 at 1 s and 34.67 M after 87 rounds of two at 0.5 s (the
    driver's budget for 60 s, one worker).
    Pieces of fewer than FEW_UNITS units per community (unlisted big streets) get six
    at FEW_SUB_S each. Eight (at 2 s) came first, when the search had to find one
    community fewer itself (on a 262-compound street 51 communities after 20 rounds
    of eight against 53 after 47 of four); the count moves (lns_fewer) now do that
    before it, and what is left is reshaping under a budget most sub-solves hit (a
    300-compound street: 33 of 34 at 2 s ended at their limit), so smaller ones buy
    more rounds. At the driver's full budget (bench/piece.py, deterministic, one
    worker) six at 1.5 s against eight at 2 s: the big county's Shizhou (300
    compounds, 64 communities, 589 s) 72.19 M yuan against 72.39 M (72.13 against
    72.43 at another seed), Yongwu (200, 36, 268 s) 39.53 M against 39.69 M (39.74
    against 39.93); real-tokyo-urban's street (60 s) over three seeds 55.47 M against
    55.60 M on average (one seed lost 0.23 M, one reached 48 communities against 49).
    Alternating six and eight did worse than six on all three; twelve at 3 s gained
    nothing (no sub-solve beat its hint).
    The short sub-solves start at MANY_UNITS (7.5), not 8: a 150-compound Voronoi
    street of 7.9 compounds a community (hs-street-150-vor's, 19 communities, the
    driver's 97 deterministic s for 60) reached 21.270 M yuan in 208 rounds of three at
    0.5 s against 21.305 M in 49 rounds of four at 2 s (four at 1 s: 21.286 M; three at
    1 s: 21.284 M), where four at 2 s given 600 s had stayed at 21.30 M (session 18;
    bench/JOURNAL.md, helper `vor150`). Below 7.5 the middle branch stays: on a
    159-village real map of 6.6 a community (real-georgia-rural) three at 0.5 s gave
    about the same plan (one seed) and four at 1 s nothing clear over seven seeds
    (helper `georgia`)."""
    per = data.n / max(1, n_communities)
    if per >= MANY_UNITS:
        return 3, MANY_SUB_S
    if per < FEW_UNITS:
        return FEW_COMMUNITIES, FEW_SUB_S
    return SUB_COMMUNITIES, SUB_TIME_S


def improve(scenario: Scenario, data: PieceData, choices: list[Choice], *, time_s: float,
            seed: int, stop: StopFlag, workers: int = 1,
            max_rounds: int | None = None, communities: int = SUB_COMMUNITIES,
            sub_time_s: float = SUB_TIME_S, work_s: float | None = None,
            min_rounds: int = 0, until_within: bool = False,
            rng: np.random.Generator | None = None, first_round: int = 0
            ) -> tuple[list[Choice], LnsStats]:
    """Improve ``choices`` for about ``time_s`` seconds (or ``max_rounds`` rounds),
    re-solving ``communities`` adjacent communities at a time for ``sub_time_s`` each.

    ``work_s`` (deterministic runs): instead of the clock, stop once the sub-solves'
    deterministic time plus round_cost per round reaches it (after ``min_rounds`` at
    least). A fixed number of rounds sized for sub-solves that use all their time
    left two thirds of a 262-compound street's budget unused (most neighbourhoods
    are solved to optimality well within it).

    A plan with communities outside the household bounds is repaired first: such a
    community is always in the neighbourhood, and a result is accepted when it breaks
    the bounds by fewer households, or as much but costs less. ``until_within``: stop
    as soon as every community is within the bounds; ``rng`` and ``first_round``
    continue such a search where it stopped (the same draws and sub-solve seeds as
    one uninterrupted search).
    """
    rng = rng if rng is not None else np.random.default_rng(seed)
    stats = LnsStats()
    t0 = time.perf_counter()
    plan = list(choices)
    costs = [price(scenario, ch).objective_yuan for ch in plan]
    miss = [_miss(scenario, data, ch) for ch in plan]
    if len(plan) < 2:
        return plan, stats
    rounds = max_rounds if max_rounds is not None else 10 ** 9
    stale = 0
    while stats.rounds < rounds and not stop.is_set():
        if work_s is not None:
            if stats.rounds >= min_rounds and stats.used_s + stats.round_s >= work_s:
                break
        elif max_rounds is None and time.perf_counter() - t0 >= time_s:
            break
        if stale >= 3 * len(plan) and not any(miss):
            break   # every community has been tried several times without gain
        if until_within and not any(miss):
            break   # repaired: the caller goes on from here
        stats.rounds += 1
        broken = [c for c in range(len(plan)) if miss[c] > 0]
        start = broken[int(rng.integers(len(broken)))] if broken else None
        group = _neighbourhood(scenario, plan, rng, start, communities)
        units = sorted(u for c in group for u in plan[c].members)
        sub = piece_data(scenario, data.key, np.asarray(units))
        stats.round_s += round_cost(len(units))
        hint = tuple(plan[c] for c in group)
        old = (sum(miss[c] for c in group), sum(costs[c] for c in group))
        budget = sub_time_s if max_rounds is not None or work_s is not None else \
            min(sub_time_s, max(0.1, time_s - (time.perf_counter() - t0)))
        res = run_model(scenario, sub, contiguity="order", soft=False, time_s=budget,
                        workers=workers, seed=seed + first_round + stats.rounds, stop=stop,
                        hint=hint,
                        allowed_centers=likely_centers(scenario, sub, hint))
        stats.used_s += res.used_s
        if not res.choices:
            stale += 1
            continue
        new_costs = [price(scenario, ch).objective_yuan for ch in res.choices]
        if (0, sum(new_costs)) < (old[0], old[1] - 1e-6):
            keep = [i for i in range(len(plan)) if i not in set(group)]
            plan = [plan[i] for i in keep] + list(res.choices)
            costs = [costs[i] for i in keep] + new_costs
            miss = [miss[i] for i in keep] + [0] * len(res.choices)
            stats.improved += 1
            stale = 0
        else:
            stale += 1
    stats.time_s = time.perf_counter() - t0
    if until_within and not any(miss):
        return plan, stats      # in the order a continuation draws from
    order = sorted(range(len(plan)), key=lambda i: plan[i].center)
    return [plan[i] for i in order], stats


def round_cost(units: int) -> float:
    """The fixed estimate of a round's cost besides its sub-solve's deterministic time,
    for a neighbourhood of ``units``. Measured (helper adapt, bench/JOURNAL.md): the
    round's Python work outside the sub-solve (drawing, piece data, likely centres,
    pricing) is 1-3 ms; what a flat 0.4 s stood for is the sub-solve's wall time beyond
    its deterministic time: 0.02-0.12 s a round on neighbourhoods of 26-33 units
    (big-street-150-grown, big-street-300, real-georgia-rural, real-tokyo-urban; the
    spread is the other processes' load), 0.14 s on 50 (a 250-village town). The flat
    charge took two thirds of the budget of pieces whose sub-solves take 0.2 s and
    left a third of their wall time unused; charged by units, the same budgets buy
    1.6-2.1 times the rounds there (every A/B run as cheap or cheaper, 2 seeds x 6
    pieces) and the wall time comes near the budget."""
    return ROUND_S_PER_UNIT * units


def likely_centers(scenario: Scenario, sub: PieceData, hint: tuple[Choice, ...],
                    per_community: int = CENTER_CANDIDATES) -> set[int]:
    """Where a center is worth trying: every unit with a site or a co-building
    obligation, today's centers, and the units nearest each community's
    household-weighted middle."""
    local = {int(u): k for k, u in enumerate(sub.units)}
    out = {local[ch.center] for ch in hint}
    for k, u in enumerate(sub.units.tolist()):
        if u in scenario.sites_by_unit or scenario.is_new_development(u):
            out.add(k)
    for ch in hint:
        idx = np.array([local[u] for u in ch.members])
        w = sub.households[idx].astype(float) + 1e-9
        mx, my = np.average(sub.x[idx], weights=w), np.average(sub.y[idx], weights=w)
        d = np.hypot(sub.x - mx, sub.y - my)
        out.update(int(k) for k in np.argsort(d, kind="stable")[:per_community])
    return out


def _miss(scenario: Scenario, data: PieceData, ch: Choice) -> int:
    """Households by which a community misses the bounds (0 when within)."""
    hh = int(scenario.households[list(ch.members)].sum())
    return max(0, data.lo - hh) + max(0, hh - data.hi)


def community_adjacency(scenario: Scenario, plan: list[Choice]) -> list[set[int]]:
    """For each community of ``plan``, the communities it borders (by unit links)."""
    owner = {u: c for c, ch in enumerate(plan) for u in ch.members}
    adj: list[set[int]] = [set() for _ in plan]
    for c, ch in enumerate(plan):
        for u in ch.members:
            for v in scenario.neighbours[u].tolist():
                d = owner.get(v)
                if d is not None and d != c:
                    adj[c].add(d)
    return adj


def _neighbourhood(scenario: Scenario, plan: list[Choice], rng: np.random.Generator,
                   start: int | None = None, communities: int = SUB_COMMUNITIES) -> list[int]:
    """A random community and adjacent ones, grown breadth-first within the caps."""
    adj = community_adjacency(scenario, plan)
    if start is None:
        start = int(rng.integers(len(plan)))
    group = [start]
    size = len(plan[start].members)
    frontier = sorted(adj[start])
    rng.shuffle(frontier)
    while frontier and len(group) < communities:
        c = frontier.pop()
        if c in group or size + len(plan[c].members) > SUB_UNITS:
            continue
        group.append(c)
        size += len(plan[c].members)
        more = sorted(adj[c] - set(group))
        rng.shuffle(more)
        frontier = more + frontier
    return group
