"""A constructive plan in seconds, for components too large to hand to CP-SAT whole.

Region growing: start from the most peripheral unassigned unit, add the adjacent
unassigned unit nearest the seed until the region reaches its share of the
households (never above the upper bound), repeat. Regions left below the lower
bound are merged into a neighbour when the sum fits. Each region then takes its
cheapest center (:func:`best_choice`). What remains infeasible is repaired by the
large-neighbourhood search.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Iterator

import numpy as np

from optimizer.graph import feasible_community_counts, is_connected
from optimizer.model.options import unit_options
from optimizer.model.piece import PieceData
from optimizer.model.precedence import allowed
from optimizer.scenario.model import Scenario
from optimizer.search.assemble import price
from optimizer.search.attempt import Choice
from optimizer.search.chains import MAX_TRIES, chain_repair, missed, piece_tries
from optimizer.search.grown_memo import remembered
from optimizer.search.hosts import Hosts, center_hosts
from optimizer.search.short_within import short_member, within_hi


def grow_regions(data: PieceData, attempts: int = 16,
                 hosts: Hosts | None = None) -> list[list[int]]:
    """:func:`_grow_regions`, remembered for the same inputs (search/grown_memo.py)."""
    return remembered(_grow_regions, data, attempts, hosts)


def _grow_regions(data: PieceData, attempts: int, hosts: Hosts | None) -> list[list[int]]:
    """Connected groups of local unit indices covering the component: of the
    attempts, the one that misses the bounds least, and among those the one with the
    fewest regions (each community carries the fixed funding, pay and center costs,
    so one community fewer is worth far more than any shape: a 172-unit rural town
    cost 2.42 M yuan as 6 communities against 2.74 M as 7). Attempts aim at k_lo,
    k_lo + 1, ... communities, several seed orders each (seeded, so deterministic).
    ``hosts`` (:func:`center_hosts`): a region grows no larger than its units can give
    a legal center (imposed rooms coming: only those), and keeps growing while none of
    its units can; households above that count as missed. Without them, regions of
    2,837-2,943 households within 2,000-3,000 around rooms coming that serve
    2,185-2,565 had no legal center, their units joined neighbours, and the search
    never repaired the bounds (writer seed 384's 145-compound street: no plan within
    the bounds at 60 s)."""
    h = data.households
    hosts = hosts if hosts is not None else Hosts.free(data.n)
    total = int(h.sum())
    counts = feasible_community_counts(total, data.lo, data.hi)
    # No whole number fits: aim near it anyway (the plan then misses the bounds least).
    k_lo = counts[0] if counts else max(1, math.ceil(total / data.hi))
    k_hi = counts[-1] if counts else k_lo
    rng = np.random.default_rng(len(h) * 7919 + total)
    best: tuple[tuple[int, int], list[list[int]]] | None = None
    tries = piece_tries(data)           # the chains' moves, shared by the attempts
    for attempt in range(attempts):
        k = min(k_hi, k_lo + attempt // 8)
        jitter = rng.random(data.n) if attempt % 8 else np.zeros(data.n)
        # FACILITY-95's marks: every other attempt grows the marked units' regions
        # first, each from its lightest path to timely rooms (:func:`_to_timely`).
        first = hosts.marked is not None and attempt % 2 == 1
        regions = _repair(data, _merge_small(data, _grow(data, k, jitter, hosts, first),
                                             hosts), hosts)
        miss = missed(data, regions, hosts)
        if miss and tries > 0 and (best is None or best[0] > (0, len(regions))):
            # A dead end the single moves cannot serve: the need passed on through a
            # few regions (optimizer.search.chains). Only where a plan within the
            # bounds at once is not at hand with as few regions (so such pieces keep
            # theirs), and only for an attempt that could then be the best.
            regions, used = chain_repair(data, regions, hosts, min(MAX_TRIES, tries))
            tries -= used
            miss = missed(data, regions, hosts)
        score = (miss, len(regions))
        if best is None or score < best[0]:
            best = (score, regions)
        if score == (0, k_lo):
            break               # within the bounds with the fewest possible regions
    assert best is not None
    return best[1]


def _grow(data: PieceData, k: int, jitter: np.ndarray, hosts: Hosts,
          marks_first: bool = False) -> list[list[int]]:
    h = data.households
    free = np.ones(data.n, dtype=bool)
    cx, cy = float(data.x.mean()), float(data.y.mean())
    left_h, left_k = int(h.sum()), k
    regions: list[list[int]] = []
    stuck: set[int] = set()         # marks with no free path to timely rooms
    short_stuck: set[int] = set()   # units short of their own rooms, with no such path
    while free.any():
        cand = np.flatnonzero(free)
        # Most peripheral first: fewest free neighbours, then farthest from the middle.
        deg = np.array([sum(free[v] for v in data.nbrs[u]) for u in cand]) + jitter[cand]
        far = -np.hypot(data.x[cand] - cx, data.y[cand] - cy)
        seed = int(cand[np.lexsort((cand, far, deg))[0]])
        path = _to_timely(data, free, hosts, stuck) if marks_first else []
        path = path or _to_rooms(data, free, hosts, short_stuck)
        seed = path[0] if path else seed
        # Aim at an even share of what is left, within the bounds; on past it while
        # no unit of the region can hold its center, never past what its rooms serve.
        target = min(data.hi, max(data.lo, left_h / max(1, left_k)))
        region, weight = [seed], int(h[seed])
        free[seed] = False
        heap: list[tuple[float, int]] = []
        _push_free_neighbours(data, free, seed, seed, heap)
        for v in path[1:]:
            region.append(v)
            weight += int(h[v])
            free[v] = False
            _push_free_neighbours(data, free, seed, v, heap)
        cap = hosts.cap(data, region)
        while heap and (weight < min(target, cap) or weight > cap):
            _, v = heapq.heappop(heap)
            if not free[v] or weight + int(h[v]) > data.hi:
                continue
            more = hosts.cap(data, region + [v])
            if weight + int(h[v]) > more and hosts.binds(region + [v]):
                continue
            region.append(v)
            cap = more
            weight += int(h[v])
            free[v] = False
            _push_free_neighbours(data, free, seed, v, heap)
        regions.append(region)
        left_h -= weight
        left_k = max(1, left_k - 1)
    return regions


def _to_timely(data: PieceData, free: np.ndarray, hosts: Hosts, stuck: set[int]
               ) -> list[int]:
    """The lightest path of free units (node-weighted by households, both ends) from
    the first free marked unit not ``stuck`` to a unit whose timely rooms serve the
    path's households (:class:`~optimizer.search.hosts.Hosts`), within the maximum;
    [] when no mark is left (a mark with no such path joins ``stuck``). A marked
    region grown from the periphery could leave those rooms to another region (wild
    396's 022: 2,870 households around it, S41-123 in the next region; no start)."""
    if hosts.marked is None or hosts.timely is None:
        return []
    return _lightest_to(data, free, free & hosts.marked, hosts.timely, stuck)


def _to_rooms(data: PieceData, free: np.ndarray, hosts: Hosts, stuck: set[int]
              ) -> list[int]:
    """The lightest path of free units from the first free unit not ``stuck`` whose
    imposed rooms coming serve fewer households than it holds itself to a unit whose
    imposed rooms serve the path's households, within the maximum ([] when none is
    left). PIPELINE makes some pipeline site of its community the center of any
    community holding such a unit, so its community must reach rooms that large:
    wild seed 575's compound 17 (2,600 households, rooms serving 2,160) has one such
    community, its lightest path to compound 94 (rooms serving 3,000; 2,952
    households). Grown from the periphery, no region held both, every start had a
    region without a center, and the piece no plan in 11 s."""
    h = data.households
    short = free & hosts.imposed & (hosts.most < h)
    if not short.any():
        return []
    serves = np.where(hosts.imposed, hosts.most, -1.0)
    return _lightest_to(data, free, short, serves, stuck)


def _lightest_to(data: PieceData, free: np.ndarray, starts: np.ndarray, serves: np.ndarray,
                 stuck: set[int]) -> list[int]:
    """The lightest path of ``free`` units (node-weighted by households, both ends)
    from the first of ``starts`` not ``stuck`` to a unit ``v`` with ``serves[v]`` at
    least the path's households, within the maximum; a start with no such path joins
    ``stuck``."""
    h = data.households
    for m in np.flatnonzero(starts).tolist():
        if m in stuck:
            continue
        back, dist = {m: m}, {m: int(h[m])}
        heap = [(int(h[m]), m)]
        while heap:
            w, v = heapq.heappop(heap)
            if w > dist[v]:
                continue
            if serves[v] >= w:
                path = [v]
                while path[-1] != m:
                    path.append(back[path[-1]])
                return path[::-1]
            for n in (int(x) for x in data.nbrs[v]):
                d = w + int(h[n])
                if free[n] and d <= data.hi and d < dist.get(n, d + 1):
                    dist[n], back[n] = d, v
                    heapq.heappush(heap, (d, n))
        stuck.add(m)
    return []


def _repair(data: PieceData, regions: list[list[int]], hosts: Hosts) -> list[list[int]]:
    """Shift boundary units from a neighbouring region into a region below the lower
    bound (or out of one above the upper bound or its rooms' cap) while both stay
    connected and the donor stays within the bounds."""
    h = data.households
    regs = [set(r) for r in regions]
    # Kept up to date move by move (a move changes two regions): recomputing every
    # region's weight and cap each step took 75% of a 239-compound street's first plan
    # (17 of 23 profiled s; wild seed 123 at load 6 ran its 15-s limit to 32 s).
    owner = {u: r for r, reg in enumerate(regs) for u in reg}
    weights = [int(h[list(reg)].sum()) for reg in regs]
    caps = [hosts.cap(data, reg) for reg in regs]
    for _ in range(2 * data.n):
        bad = [r for r, w in enumerate(weights) if w < data.lo or w > caps[r]]
        if not bad:
            break
        moved = False
        for r in bad:
            short = weights[r] < data.lo
            # Units on the border of r and another region, cheapest move first.
            border = sorted({(v, owner[v]) if short else (u, owner[v])
                             for u in regs[r] for v in data.nbrs[u] if owner[v] != r})
            for unit, q in border:
                give, take = (q, r) if short else (r, q)
                w = int(h[unit])
                rest = regs[give] - {unit}
                if weights[give] - w < data.lo and give not in bad:
                    continue
                if give not in bad and weights[give] - w > hosts.cap(data, rest):
                    continue        # the donor would lose the rooms that serve it
                if weights[take] + w > hosts.cap(data, regs[take] | {unit}):
                    continue
                if not rest or not is_connected(rest, data.nbrs):
                    continue
                regs[give] = rest
                regs[take].add(unit)
                owner[unit] = take
                weights[give] -= w
                weights[take] += w
                caps[give] = hosts.cap(data, rest)
                caps[take] = hosts.cap(data, regs[take])
                moved = True
                break
            if moved:
                break
        if not moved:
            break
    return [sorted(r) for r in regs if r]


def _push_free_neighbours(data: PieceData, free: np.ndarray, seed: int, u: int,
                          heap: list[tuple[float, int]]) -> None:
    for v in data.nbrs[u]:
        if free[v]:
            d = math.hypot(data.x[v] - data.x[seed], data.y[v] - data.y[seed])
            heapq.heappush(heap, (d, v))


def _merge_small(data: PieceData, regions: list[list[int]], hosts: Hosts
                 ) -> list[list[int]]:
    h = data.households
    changed = True
    while changed:
        changed = False
        owner = {u: r for r, reg in enumerate(regions) for u in reg}
        weights = [int(h[reg].sum()) for reg in regions]
        for r, reg in enumerate(regions):
            if weights[r] >= data.lo or not reg:
                continue
            nbr_regions = sorted({owner[v] for u in reg for v in data.nbrs[u]} - {r},
                                 key=lambda q: (weights[q], q))
            for q in nbr_regions:
                if weights[q] + weights[r] <= hosts.cap(data, regions[q] + reg):
                    regions[q] = regions[q] + reg
                    regions[r] = []
                    changed = True
                    break
            if changed:
                break
        regions = [reg for reg in regions if reg]
    return regions


def best_choice(scenario: Scenario, data: PieceData, members: list[int]) -> Choice | None:
    """The cheapest center (unit and option) for a fixed group of local units, among
    the options it may take (PIPELINE, NEWDEV-FIRST: :mod:`optimizer.model.precedence`)."""
    glob = tuple(sorted(int(data.units[i]) for i in members))
    owned = [s for u in glob for s in scenario.sites_by_unit.get(u, ())
             if bool(scenario.sites.owned[s])]

    def candidates() -> Iterator[Choice]:
        for u in glob:
            for spec in allowed(scenario, glob, unit_options(scenario, u)):
                credit = None
                if spec.swap:
                    others = [s for s in owned if s != spec.site]
                    if not others:
                        continue
                    credit = max(others, key=lambda s: (float(scenario.sites.area_m2[s]), -s))
                yield Choice(center=u, members=glob, remedy=spec.remedy, site=spec.site,
                             credit_site=credit)

    return cheapest(scenario, candidates()) or short_group_choice(scenario, glob)


def short_group_choice(scenario: Scenario, glob: tuple[int, ...]) -> Choice | None:
    """Where no legal center exists for the group ``glob`` (scenario indices) and it
    holds a unit within the maximum whose every possible center is short
    (optimizer.search.short_within; AREA-PER-HH exempt): the pipeline site of the group
    reaching the most (PIPELINE makes a pipeline site its center), at its full reach.
    None otherwise, and for a group above the maximum (beyond the proof)."""
    found = short_member(scenario, glob)
    if found is None or not within_hi(scenario, found[0],
                                      int(scenario.households[list(glob)].sum())):
        return None
    return at_full_reach(scenario, glob)


def at_full_reach(scenario: Scenario, glob: tuple[int, ...]) -> Choice | None:
    """The community of ``glob`` (scenario indices) centred on its pipeline site that
    reaches the most (the first of equals), at that full reach; None: it holds none."""
    s = scenario.sites
    pipe = [k for u in glob for k in scenario.sites_by_unit.get(u, ()) if s.is_pipeline(k)]
    if not pipe:
        return None
    site = max(pipe, key=lambda k: (max(float(s.area_m2[k]), float(s.max_area_m2[k])), -k))
    return capped_choice(scenario, glob, site)


def capped_choice(scenario: Scenario, members: tuple[int, ...], site: int) -> Choice | None:
    """The community of ``members`` centred on ``site`` extended to its full reach:
    the cheapest option on the site that gets there (``Choice.capped``)."""
    unit = int(scenario.sites.unit[site])
    return cheapest(scenario, (
        Choice(center=unit, members=members, remedy=spec.remedy, site=site,
               credit_site=None, capped=True)
        for spec in unit_options(scenario, unit) if spec.site == site and not spec.swap))


def absorbed(scenario: Scenario, data: PieceData, regions: list[list[int]],
              grown: list[Choice | None]) -> tuple[Choice, ...] | None:
    """The grown plan with the units of each region that has no place for a center
    handed, one at a time, to a neighbouring region that keeps a center with it (the
    lightest such), or made a community of their own where they hold one (a pipeline
    site too small for the region is still imposed on any community holding it), so
    every unit stays in the plan and the search repairs the bounds. None where some
    unit finds neither. Dropping such a region lost its units (bench/wild.py, seeds 5
    and 25: a large piece stopped before its first plan; the soft plan's start)."""
    kept = [list(r) for r, ch in zip(regions, grown, strict=True) if ch is not None]
    plan = [ch for ch in grown if ch is not None]
    loose = [u for r, ch in zip(regions, grown, strict=True) if ch is None for u in r]
    while loose:
        before = len(loose)
        for u in list(loose):
            of = {v: i for i, r in enumerate(kept) for v in r}
            near = sorted({of[v] for v in data.nbrs[u] if v in of},
                          key=lambda j: (int(data.households[kept[j]].sum()), j))
            got = next(((j, c) for j in near
                        for c in [best_choice(scenario, data, kept[j] + [u])]
                        if c is not None), None)
            if got is None and (alone := best_choice(scenario, data, [u])) is not None:
                kept.append([])
                plan.append(alone)
                got = (len(kept) - 1, alone)
            if got is not None:
                kept[got[0]].append(u)
                plan[got[0]] = got[1]
                loose.remove(u)
        if len(loose) == before:
            return None
    return tuple(plan)


def cheapest(scenario: Scenario, choices: Iterable[Choice]) -> Choice | None:
    """The first of the cheapest of ``choices`` by the exact price (ties: the first
    given); one the pricing refuses (ValueError: no option reaches the need) is skipped."""
    best: tuple[float, Choice] | None = None
    for ch in choices:
        try:
            cost = price(scenario, ch).objective_yuan
        except ValueError:
            continue
        if best is None or cost < best[0] - 1e-9:
            best = (cost, ch)
    return best[1] if best else None


def initial_plan(scenario: Scenario, data: PieceData) -> list[list[int]]:
    return grow_regions(data, hosts=center_hosts(scenario, data))
