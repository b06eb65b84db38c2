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

import numpy as np

from optimizer.model.component import ComponentData
from optimizer.model.options import unit_options
from optimizer.scenario.model import Scenario
from optimizer.search.assemble import price
from optimizer.search.component import Choice


def grow_regions(data: ComponentData) -> list[list[int]]:
    """Connected groups of local unit indices covering the component."""
    h = data.households
    total = int(h.sum())
    k = max(1, math.ceil(total / data.hi))
    target = min(data.hi, max(data.lo, total / k))
    free = np.ones(data.n, dtype=bool)
    cx, cy = float(data.x.mean()), float(data.y.mean())
    regions: list[list[int]] = []
    while free.any():
        cand = np.flatnonzero(free)
        # Most peripheral first: fewest free neighbours, then farthest from the middle.
        deg = np.array([sum(free[v] for v in data.nbrs[u]) for u in cand])
        far = -np.hypot(data.x[cand] - cx, data.y[cand] - cy)
        seed = int(cand[np.lexsort((cand, far, deg))[0]])
        region, weight = [seed], int(h[seed])
        free[seed] = False
        heap: list[tuple[float, int]] = []
        _push_free_neighbours(data, free, seed, seed, heap)
        while heap and weight < target:
            _, v = heapq.heappop(heap)
            if not free[v] or weight + int(h[v]) > data.hi:
                continue
            region.append(v)
            weight += int(h[v])
            free[v] = False
            _push_free_neighbours(data, free, seed, v, heap)
        regions.append(region)
    return _merge_small(data, regions)


def _push_free_neighbours(data: ComponentData, free: np.ndarray, seed: int, u: int,
                          heap: list[tuple[float, int]]) -> None:
    for v in data.nbrs[u]:
        if free[v]:
            d = math.hypot(data.x[v] - data.x[seed], data.y[v] - data.y[seed])
            heapq.heappush(heap, (d, v))


def _merge_small(data: ComponentData, regions: list[list[int]]) -> list[list[int]]:
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
                if weights[q] + weights[r] <= data.hi:
                    regions[q] = regions[q] + reg
                    regions[r] = []
                    changed = True
                    break
            if changed:
                break
        regions = [reg for reg in regions if reg]
    return regions


def best_choice(scenario: Scenario, data: ComponentData, members: list[int]) -> Choice | None:
    """The cheapest center (unit and option) for a fixed group of local units."""
    glob = tuple(sorted(int(data.units[i]) for i in members))
    owned = [s for u in glob for s in scenario.sites_by_unit.get(u, ())
             if bool(scenario.sites.owned[s])]
    best: tuple[float, Choice] | None = None
    for u in glob:
        for spec in unit_options(scenario, u):
            credit = None
            if spec.swap:
                others = [s for s in owned if s != spec.site]
                if not others:
                    continue
                credit = max(others, key=lambda s: (float(scenario.sites.area_m2[s]), -s))
            ch = Choice(center=u, members=glob, remedy=spec.remedy, site=spec.site,
                        credit_site=credit)
            try:
                cost = price(scenario, ch).objective_yuan
            except ValueError:
                continue
            if best is None or cost < best[0] - 1e-9:
                best = (cost, ch)
    return best[1] if best else None


def initial_plan(scenario: Scenario, data: ComponentData) -> list[list[int]]:
    return grow_regions(data)
