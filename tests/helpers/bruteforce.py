"""The 3x3 brute-force instances of tests/search/test_solve_bruteforce.py: every
partition enumerated, each part priced with its cheapest center (optimizer.rules.remedy
over the plan years plus the distance and moved terms; a part holding a new development
takes the co-built rooms, NEWDEV-FIRST). Shared by the search, column and bound tests."""

from __future__ import annotations

import math
from collections.abc import Iterator
from itertools import combinations

import networkx as nx
import numpy as np

from optimizer.graph.oversized import Around, company, take_apart
from optimizer.model.piece import PieceData, piece_data
from optimizer.rules.remedy import (
    best_site_option,
    build_option,
    codevelop_option,
    facility_cost_yuan,
    horizon_operating_yuan,
)
from optimizer.scenario.build import grid_scenario
from optimizer.scenario.model import Scenario

__all__ = ["GRID", "SITES", "VARIANTS", "brute_force", "brute_force_oversized",
           "every_oversized_plan", "least_joined", "variant_scenario"]


GRID = [[700, 800, 650], [900, 600, 750], [500, 850, 700]]
SITES = [
    dict(site_id="S-own-small", unit_id="r0c0", area_m2=250, owned=True, max_area_m2=700),
    dict(site_id="S-own-big", unit_id="r2c2", area_m2=520, owned=True, max_area_m2=520),
    dict(site_id="S-sale", unit_id="r1c2", area_m2=380, owned=False, max_area_m2=650,
         purchase_price_yuan=900_000),
]


def _partitions(items: list[int]) -> Iterator[list[list[int]]]:
    if not items:
        yield []
        return
    first, rest = items[0], items[1:]
    for k in range(len(rest) + 1):
        for combo in combinations(rest, k):
            block = [first, *combo]
            remaining = [i for i in rest if i not in combo]
            for tail in _partitions(remaining):
                yield [block, *tail]


def connected_partitions(s: Scenario) -> Iterator[tuple[list[list[int]], list[int]]]:
    """Every partition of the scenario's units into connected parts, with each part's
    households (the brute-force class the search's bounds are checked against)."""
    g = nx.Graph()
    g.add_nodes_from(range(s.n_units))
    g.add_edges_from(s.edges.tolist())
    for parts in _partitions(list(range(s.n_units))):
        if all(nx.is_connected(g.subgraph(p)) for p in parts):
            yield parts, [sum(int(s.households[u]) for u in p) for p in parts]


def _best_part_cost(s: Scenario, part: list[int]) -> float:
    pol, costs, w = s.policy, s.costs, s.objective
    hh = int(sum(int(s.households[u]) for u in part))
    need = pol.required_area_m2(hh)
    best = math.inf
    # NEWDEV-FIRST: a part holding a new development takes the co-built rooms.
    first = any(s.is_new_development(u) for u in part)
    for c in part:
        options = []
        for site in s.sites_by_unit.get(c, ()):
            owned = bool(s.sites.owned[site])
            credit = max((float(s.sites.area_m2[o]) for u in part
                          for o in s.sites_by_unit.get(u, ())
                          if o != site and bool(s.sites.owned[o])), default=0.0)
            opt = best_site_option(need, float(s.sites.area_m2[site]),
                                   float(s.sites.max_area_m2[site]), owned,
                                   float(s.sites.price_yuan[site]), costs,
                                   costs.annuity_factor(), 0.0 if owned else credit)
            if opt is not None:
                options.append(opt)
        if not s.is_no_build(c):
            options.append(build_option(need, costs))
        if s.is_new_development(c):
            options.append(codevelop_option(need, pol))
        dist = sum(int(s.households[u]) * math.hypot(s.x[u] - s.x[c], s.y[u] - s.y[c]) / 1000
                   * w.distance_yuan_per_household_km for u in part)
        if first:
            options = [o for o in options if o.remedy == "codevelop"]
        for opt in options:
            # the objective: the cost per year over the plan years (FUND-URBAN's growth,
            # each year's pay, SOCIAL-INS) plus the secondary terms
            cost = (horizon_operating_yuan(hh, bool(s.urban[c]), s.plan_years, pol, costs)
                    + facility_cost_yuan(opt.capex_yuan, opt.area_after_m2, costs) + dist)
            best = min(best, cost)
    return best


def brute_force(s: Scenario) -> float:
    g = nx.Graph()
    g.add_nodes_from(range(s.n_units))
    g.add_edges_from(s.edges.tolist())
    lo, hi = s.policy.bounds(bool(s.urban[0]))
    best = math.inf
    for parts in _partitions(list(range(s.n_units))):
        ok = all(lo <= sum(int(s.households[u]) for u in p) <= hi
                 and nx.is_connected(g.subgraph(p)) for p in parts)
        if ok:
            best = min(best, sum(_best_part_cost(s, p) for p in parts))
    return best


VARIANTS = ["sites", "no_build", "codevelop", "rural", "year2015"]


def variant_scenario(variant: str) -> Scenario:
    """The 3×3 grid with one twist: sites, no-build units, a co-build obligation, rural
    households (halved), plan year 2015, or "zero" (rural with an empty middle unit)."""
    kwargs: dict = {"sites": SITES}
    grid = [list(row) for row in GRID]
    if variant in ("rural", "zero"):
        grid = [[h // 2 for h in row] for row in GRID]
        kwargs["kind"] = "rural"
    if variant == "zero":
        grid[1][1] = 0
        grid[0][0] += 300
    if variant == "year2015":
        kwargs["year"] = 2015
    if variant == "no_build":
        kwargs["no_build"] = ["r0c1", "r1c1", "r2c1", "r1c0"]
    if variant == "codevelop":
        kwargs["new_development"] = ["r1c1"]
    return grid_scenario(grid, **kwargs)


def brute_force_oversized(s: Scenario) -> tuple[int, float]:
    """The optimum of a one-piece scenario holding units above the maximum, as the rules
    allow it (optimizer.graph.oversized): each oversized unit in a community holding no
    other, every other community connected and within the bounds; the fewest households
    beside the oversized units in their communities first, then the least cost. Returns
    (those households, the cost)."""
    best: tuple[int, float] = (10 ** 9, math.inf)
    for parts, attached in _oversized_partitions(s):
        if attached <= best[0]:
            cost = sum(_best_part_cost(s, p) for p in parts)
            best = min(best, (attached, cost))
    return best


def _oversized_partitions(s: Scenario) -> Iterator[tuple[list[list[int]], int]]:
    """Every partition of a one-piece scenario the oversized rules' shapes allow (each
    unit above the maximum in a connected community holding no other, every other
    community connected and within the bounds), with the households beside the
    oversized units in their communities."""
    g = nx.Graph()
    g.add_nodes_from(range(s.n_units))
    g.add_edges_from(s.edges.tolist())
    lo, hi = s.policy.bounds(bool(s.urban[0]))
    hh = [int(v) for v in s.households]
    big = {u for u in range(s.n_units) if hh[u] > hi}
    for parts in _partitions(list(range(s.n_units))):
        attached = 0
        for p in parts:
            n_big = len(big.intersection(p))
            w = sum(hh[u] for u in p)
            if n_big > 1 or not nx.is_connected(g.subgraph(p)) \
                    or (n_big == 0 and not lo <= w <= hi):
                break
            if n_big:
                attached += w - sum(hh[u] for u in big.intersection(p))
        else:
            yield parts, attached


def every_oversized_plan(s: Scenario) -> list[tuple[int, float]]:
    """Every plan of a one-piece scenario holding units above the maximum, of any joins
    (not only the fewest): each oversized unit in a connected community holding no
    other, every other community connected, within the bounds and with a center; as
    (households beside the oversized units in their communities, cost)."""
    out: list[tuple[int, float]] = []
    for parts, attached in _oversized_partitions(s):
        cost = sum(_best_part_cost(s, p) for p in parts)
        if math.isfinite(cost):
            out.append((attached, cost))
    return out


def one_oversized_group(grid: list[list[int | None]]) -> tuple[Scenario, Around, int, PieceData]:
    """An urban grid scenario with one unit above the maximum, as the oversized tests
    take it apart: (scenario, take_apart's answer, the oversized unit, the whole grid's
    PieceData)."""
    s = grid_scenario(grid)
    lo, hi = s.policy.bounds(True)
    units = list(range(s.n_units))
    around = take_apart(s, units, lo, hi)
    [o] = around.oversized
    return s, around, o, piece_data(s, ("C1", "S1", "urban"), np.asarray(units))


def least_joined(s: Scenario) -> int:
    """The fewest households of other units that must join the communities of a
    one-piece scenario's units above the maximum, over every partition: each community
    connected, with a place for its center (a finite cheapest center, as priced above),
    holding at most one unit above the maximum, and within the bounds if it holds none.
    An oversized unit with no place for a center of its own keeps its companions (the
    lightest path to one, optimizer.graph.oversized.company, in unit order; the checker
    proves them apart), not counted as joined. Bitmask partitions over the connected
    communities only: a 12-unit grid in about a second. -1 when no partition is such
    (then only a pocket or a stand-in, which this does not model, makes a plan)."""
    n = s.n_units
    hh = [int(v) for v in s.households]
    lo, hi = s.policy.bounds(bool(s.urban[0]))
    nbr = [0] * n
    for a, b in s.edges.tolist():
        nbr[a] |= 1 << b
        nbr[b] |= 1 << a
    big = [u for u in range(n) if hh[u] > hi]
    core: dict[int, int] = {}
    taken = set(big)
    for o in big:
        path: list[int] = []
        if not math.isfinite(_best_part_cost(s, [o])):
            path = company(s, o, set(range(n)) - taken) or []
            taken |= set(path)
        core[o] = sum(1 << u for u in (o, *path))
    in_cores = sum(core.values())

    def connected(m: int) -> bool:
        seen = todo = m & -m
        while todo:
            low = todo & -todo
            todo ^= low
            new = nbr[low.bit_length() - 1] & m & ~seen
            seen |= new
            todo |= new
        return seen == m

    by_low: dict[int, list[tuple[int, int]]] = {}
    for m in range(1, 1 << n):
        us = [u for u in range(n) if m >> u & 1]
        w = sum(hh[u] for u in us)
        mine = [o for o in big if m >> o & 1]
        if len(mine) > 1 or not connected(m):
            continue
        if mine and (m & core[mine[0]] != core[mine[0]] or m & in_cores & ~core[mine[0]]):
            continue
        if not mine and (not lo <= w <= hi or m & in_cores):
            continue
        if not math.isfinite(_best_part_cost(s, us)):
            continue
        joined = w - sum(hh[u] for u in us if core[mine[0]] >> u & 1) if mine else 0
        by_low.setdefault((m & -m).bit_length() - 1, []).append((m, joined))
    best = math.inf

    def search(rest: int, joined: int) -> None:
        nonlocal best
        if joined >= best:
            return
        if not rest:
            best = joined
            return
        for m, j in by_low.get((rest & -rest).bit_length() - 1, ()):
            if m & rest == m:
                search(rest & ~m, joined + j)

    search((1 << n) - 1, 0)
    return int(best) if math.isfinite(best) else -1
