"""Two or three adjacent communities re-partitioned exactly, one window at a time.

Why: on streets of few compounds a community (under ``lns.FEW_UNITS``) the
neighbourhood search re-solves six communities at a time with CP-SAT in 1.5 s, among a
few likely centres each, and most of those sub-solves end at their limit. Its plans are
then not optimal even pair by pair: on real-tokyo-urban's 60-s plan (49 communities of
262 compounds) 12 of 115 adjacent pairs had a cheaper split, the best by 111 k yuan.
Over the units of two or three adjacent communities every connected group within the
household bounds is a few hundred to a few thousand groups; listed
(:func:`optimizer.search.columns.connected_groups`) and priced at their cheapest centre
as the whole piece's listing would price them (:class:`optimizer.search.column_price.Pricer`,
each group once: windows overlap), the window's cheapest partition is an exact cover,
found by a small search over bitmasks of its units (:func:`cheapest_cover`). Taking
the first window that gets cheaper, from pairs up, until none does: 55.686 M -> 55.368 M
yuan by pairs, 54.87 M with triples on that plan (bench/JOURNAL.md, session 32).

Every group of a cover is connected and within the bounds and has a centre, so a plan
within the bounds stays so; a window whose listing passes its caps is skipped. The
windows' order, the listing and the cover are deterministic; with ``deterministic`` the
work is charged at fixed rates (the listing's ``work_s``, COVER_STATE_S a cover state), so
one worker gives the same plan on any machine.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from optimizer.model.piece import PieceData, piece_data
from optimizer.scenario.model import Scenario
from optimizer.search.attempt import Choice
from optimizer.search.column_price import Pricer, Stopped
from optimizer.search.columns import connected_groups
from optimizer.search.heuristic import best_choice
from optimizer.search.lns import community_adjacency
from optimizer.search.piece_common import plan_cost
from optimizer.search.stop import StopFlag

SIZES = (2, 3)              # communities a window, smallest first
WINDOW_COLUMNS = 20_000     # groups a window's listing may hold (else it is skipped)
WINDOW_STEPS = 200_000      # groups its enumeration may visit
COVER_STATES = 200_000      # states of the cover search (else the window is skipped)
STOP_STATES = 2_048         # the stop flag looked at every this many states
# Deterministic seconds (one worker: the same plan on any machine), measured as CPU
# seconds on real-tokyo-urban's windows (1,425 windows, 2-core VM at load 3.6): 8.1 us a
# cover state, 2.4 us a group the enumeration visits, 35 us a group priced.
COVER_STATE_S = 8e-6
STEP_S = 2.5e-6
PRICE_S = 35e-6
CHOICE_S = 2e-3             # ... per community re-centred and priced (best_choice)
MIN_GAIN_YUAN = 1.0


@dataclass
class WindowStats:
    windows: int = 0        # windows listed and covered
    improved: int = 0       # windows whose cheapest partition replaced theirs
    skipped: int = 0        # windows past a cap
    used_s: float = 0.0     # deterministic estimate (deterministic) or wall seconds
    time_s: float = 0.0     # wall seconds

    def text(self) -> str:
        return f"windows({self.improved} of {self.windows})"


class CoverTooLarge(Exception):
    """The cover search passed COVER_STATES."""


def improve_windows(scenario: Scenario, data: PieceData, plan: list[Choice], *,
                    work_s: float, stop: StopFlag, deterministic: bool,
                    sizes: tuple[int, ...] = SIZES) -> tuple[list[Choice], WindowStats]:
    """``plan`` with windows of ``sizes`` adjacent communities re-partitioned exactly
    until none gets cheaper or ``work_s`` is spent (deterministic estimate or wall
    seconds) or ``stop`` is raised. A window found no cheaper is not listed again until
    one of its communities changes."""
    stats = WindowStats()
    t0 = time.perf_counter()
    plan = list(plan)
    settled: set[tuple[tuple[int, ...], ...]] = set()
    prices = _Prices(scenario, data)

    def spent() -> float:
        return stats.used_s if deterministic else time.perf_counter() - t0

    changed = True
    while changed and not stop.is_set() and spent() < work_s:
        changed = False
        for k in sizes:
            adjacency = community_adjacency(scenario, plan)
            for window in connected_windows(adjacency, k):
                if stop.is_set() or spent() >= work_s:
                    break
                key = tuple(sorted(plan[c].members for c in window))
                if key in settled:
                    continue
                better = _better(scenario, data, plan, window, prices, stats, stop)
                if better is None:
                    if not stop.is_set():       # a window the stop cut short is not known
                        settled.add(key)
                    continue
                inside = set(window)
                plan = [ch for c, ch in enumerate(plan) if c not in inside] + better
                stats.improved += 1
                changed = True
                break
            if changed:
                break       # from the smallest windows again (the settled ones are free)
    stats.time_s = time.perf_counter() - t0
    if not deterministic:
        stats.used_s = stats.time_s
    return sorted(plan, key=lambda ch: ch.center), stats


def connected_windows(adjacency: list[set[int]], k: int) -> Iterator[tuple[int, ...]]:
    """Every set of ``k`` communities connected by ``adjacency``, once each, as sorted
    tuples in a fixed order (by the smallest community, then lexicographically)."""
    seen: set[tuple[int, ...]] = set()
    for c in range(len(adjacency)):
        level: set[tuple[int, ...]] = {(c,)}
        for _ in range(k - 1):
            level = {tuple(sorted((*w, d))) for w in level for e in w
                     for d in adjacency[e] if d > c and d not in w}
        for w in sorted(level):
            if w not in seen:
                seen.add(w)
                yield w


class _Prices:
    """The piece's groups priced as the whole piece's listing would price them (its
    links to every neighbour, not only the window's), each once: windows overlap."""

    def __init__(self, scenario: Scenario, data: PieceData) -> None:
        self.pricer = Pricer(scenario, data)
        self.known: dict[tuple[int, ...], float] = {}

    def of(self, groups: list[tuple[int, ...]], stop: StopFlag) -> tuple[np.ndarray, int]:
        """The cost of each group (piece-local units, sorted) and how many were new."""
        new = [g for g in dict.fromkeys(groups) if g not in self.known]
        if new:
            self.known.update(zip(new, self.pricer(new, stop).tolist(), strict=True))
        return np.array([self.known[g] for g in groups]), len(new)


def _better(scenario: Scenario, data: PieceData, plan: list[Choice],
            window: tuple[int, ...], prices: _Prices, stats: WindowStats, stop: StopFlag
            ) -> list[Choice] | None:
    """The window's cheapest partition as communities, where cheaper than the plan's
    by more than MIN_GAIN_YUAN; None otherwise (or past a cap)."""
    units = np.asarray(sorted(u for c in window for u in plan[c].members))
    sub = piece_data(scenario, data.key, units)
    found = connected_groups(sub, WINDOW_COLUMNS, WINDOW_STEPS, stop=stop)
    if found is None:
        stats.skipped += 1
        stats.used_s += WINDOW_STEPS * STEP_S
        return None
    groups, steps = found
    # The window's units as the piece's (both sorted: a group stays sorted).
    at = np.searchsorted(data.units, sub.units).tolist()
    try:
        cost, new = prices.of([tuple(at[u] for u in g) for g in groups], stop)
    except Stopped:
        return None
    stats.windows += 1
    stats.used_s += steps * STEP_S + new * PRICE_S
    ok = np.isfinite(cost)
    members = tuple(g for g, good in zip(groups, ok.tolist(), strict=True) if good)
    cost = cost[ok]
    index = {g: i for i, g in enumerate(members)}
    local = {int(u): i for i, u in enumerate(sub.units.tolist())}
    old = [index.get(tuple(sorted(local[u] for u in plan[c].members))) for c in window]
    if any(i is None for i in old):
        return None     # a community of the plan the listing does not price: leave it
    before = float(sum(cost[i] for i in old if i is not None))
    try:
        value, chosen, states = cheapest_cover(sub.n, members, cost, stop)
    except CoverTooLarge:
        stats.skipped += 1
        stats.used_s += COVER_STATES * COVER_STATE_S
        return None
    stats.used_s += states * COVER_STATE_S
    if value >= before - MIN_GAIN_YUAN:
        return None
    stats.used_s += CHOICE_S * len(chosen)
    new_plan = [best_choice(scenario, sub, list(members[i])) for i in chosen]
    if any(ch is None for ch in new_plan):
        return None
    better = [ch for ch in new_plan if ch is not None]
    # The plan's own prices decide (the listing's cost is the cheapest centre's).
    if plan_cost(scenario, better) >= plan_cost(scenario, [plan[c] for c in window]) \
            - MIN_GAIN_YUAN:
        return None
    return better


def cheapest_cover(n: int, members: tuple[tuple[int, ...], ...], cost: np.ndarray,
                   stop: StopFlag | None = None, max_states: int = COVER_STATES,
                   nbrs: Sequence[Iterable[int]] | None = None
                   ) -> tuple[float, tuple[int, ...], int]:
    """The cheapest set of ``members`` (sorted local unit tuples, n <= 62) covering units
    0..n-1 exactly once: its cost, the members chosen and the states searched. Each state
    is the set of units covered; the lowest unit not yet covered must be the lowest of
    the next group, so each partition is reached once. Raises CoverTooLarge past
    ``max_states`` or once ``stop`` is raised (looked at every STOP_STATES states).

    ``nbrs`` (each unit's neighbours): the units are taken in :func:`band_order`, so
    the states are the covered sets of a band sweeping the map: seed 538's 39-unit part
    (4,641 groups) took 66 states so, and more than 2 M in the units' own order."""
    if nbrs is not None:
        rank = band_order(nbrs, n)
        members = tuple(tuple(sorted(rank[u] for u in g)) for g in members)
    masks = np.array([sum(1 << u for u in g) for g in members], dtype=np.int64)
    lows = np.array([g[0] for g in members], dtype=np.int64)
    by_low = [np.flatnonzero(lows == u) for u in range(n)]
    mask_of = [masks[i] for i in by_low]
    cost_of = [np.asarray(cost, dtype=float)[i] for i in by_low]
    full = (1 << n) - 1
    memo: dict[int, tuple[float, tuple[int, ...]]] = {full: (0.0, ())}

    def best(covered: int) -> tuple[float, tuple[int, ...]]:
        got = memo.get(covered)
        if got is not None:
            return got
        if len(memo) >= max_states or (stop is not None and len(memo) % STOP_STATES == 0
                                         and stop.is_set()):
            raise CoverTooLarge
        low = (~covered & (covered + 1)).bit_length() - 1
        free = (mask_of[low] & covered) == 0
        found: tuple[float, tuple[int, ...]] = (math.inf, ())
        for i, m, c in zip(by_low[low][free].tolist(), mask_of[low][free].tolist(),
                           cost_of[low][free].tolist(), strict=True):
            rest = best(covered | m)
            if c + rest[0] < found[0]:
                found = (c + rest[0], (i, *rest[1]))
        memo[covered] = found
        return found

    value, chosen = best(0)
    return value, chosen, len(memo)


def band_order(nbrs: Sequence[Iterable[int]], n: int) -> list[int]:
    """Each unit's rank in a breadth-first order from a far unit (the last that a
    breadth-first search from unit 0 reaches), neighbours by number, each connected
    part in turn: units near in the order are near on the map, so a cover's state (the
    units covered, all below the lowest not covered) stays a narrow band."""
    def sweep(start: int, seen: list[bool]) -> list[int]:
        order, at = [start], 0
        seen[start] = True
        while at < len(order):
            for v in sorted(int(w) for w in nbrs[order[at]]):
                if v < n and not seen[v]:
                    seen[v] = True
                    order.append(v)
            at += 1
        return order

    rank = [0] * n
    done = [False] * n
    k = 0
    for u in range(n):
        if done[u]:
            continue
        far = sweep(u, list(done))[-1]      # not yet ranked (a one-way neighbour too)
        for v in sweep(far, done):
            rank[v] = k
            k += 1
    return rank
