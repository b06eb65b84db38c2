"""Boundary moves between adjacent communities: one unit moved, or two swapped.

On pieces of many small units per community (rural towns of 10-20 villages a
community) the neighbourhood search (:mod:`optimizer.search.lns`) re-solves three
communities with CP-SAT at 0.5 s each: a round costs about a second, so a 120-village
town given 11 s of a one-minute budget gets ten rounds. Most of what such a round
finds is a village or two on a border that sits nearer the other community's center.
Here every such move is priced exactly (:func:`optimizer.search.assemble.price`, the
centers kept) in a fixed order: a unit on a border moved to the adjacent community,
or swapped with a unit of it (single moves rarely fit when the communities are near
their maximum), kept when both communities stay connected and within the household
bounds and the plan gets cheaper. After a pass every changed community takes its
cheapest center again (:func:`optimizer.search.heuristic.best_choice`, which honours
the center rules); the moves repeat until a pass gains nothing or the work runs out.

Only cost-lowering moves are kept, each community stays connected, within the
bounds, with a center best_choice allows: the result is a plan of the same rules
as its start. Deterministic: no random draws, and the work is counted in priced
communities (a fixed estimate per unit priced), not in seconds.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from optimizer.graph import is_connected
from optimizer.model.options import OptionSpec, unit_options
from optimizer.model.piece import PieceData
from optimizer.model.precedence import allowed
from optimizer.scenario.model import Scenario
from optimizer.search.assemble import price
from optimizer.search.attempt import Choice
from optimizer.search.heuristic import best_choice
from optimizer.search.piece_common import plan_cost
from optimizer.search.stop import StopFlag

PRICE_S_PER_UNIT = 2e-5     # one unit of one community priced (deterministic estimate,
                            # as optimizer.search.starts)
MAX_PASSES = 20             # passes over every border, at most
GAIN_EPS = 1e-6             # yuan: a move must gain more than this


@dataclass
class TransferStats:
    passes: int = 0
    moves: int = 0          # moves and swaps kept
    gain_yuan: float = 0.0
    used_s: float = 0.0     # deterministic estimate (priced units × PRICE_S_PER_UNIT)
    time_s: float = 0.0


def polish(scenario: Scenario, data: PieceData, plan: list[Choice], *, work_s: float,
           stop: StopFlag, deterministic: bool = True) -> tuple[list[Choice], TransferStats]:
    """``plan`` improved by border moves and swaps for at most ``work_s`` (the fixed
    estimate when ``deterministic``, else the clock). Every community of ``plan`` must
    be connected and within the bounds; the result is, and costs no more."""
    t0 = time.perf_counter()
    stats = TransferStats()
    if len(plan) < 2:
        return list(plan), stats
    h = scenario.households
    nbrs = scenario.neighbours
    weight = scenario.objective.cut_edge_yuan
    coms = [set(ch.members) for ch in plan]
    heads = list(plan)                                   # center, remedy, site per community
    hh = [int(h[list(m)].sum()) for m in coms]
    owner = {u: c for c, m in enumerate(coms) for u in m}
    cost = [price(scenario, ch).objective_yuan for ch in plan]
    priced = [0]

    def spent() -> float:
        return priced[0] * PRICE_S_PER_UNIT if deterministic else time.perf_counter() - t0

    site_unit = {int(s): int(u) for u, ss in scenario.sites_by_unit.items() for s in ss}
    options: dict[int, list[OptionSpec]] = {}

    def head_ok(ch: Choice, members: set[int]) -> bool:
        """The center's option still allowed with these members (center rules)."""
        if ch.credit_site is not None and site_unit.get(int(ch.credit_site)) not in members:
            return False
        specs = options.setdefault(ch.center, unit_options(scenario, ch.center))
        return any(s.remedy == ch.remedy and s.site == ch.site
                   for s in allowed(scenario, sorted(members), specs))

    def cost_of(c: int, members: set[int]) -> float | None:
        priced[0] += len(members)
        ch = heads[c]
        if not head_ok(ch, members):
            return None
        try:
            return price(scenario, Choice(ch.center, tuple(sorted(members)), ch.remedy,
                                          ch.site, ch.credit_site)).objective_yuan
        except ValueError:
            return None

    def cut_delta(u: int, a: int, b: int) -> float:
        """Change of the cut-edge term when u goes from a to b (0 without a weight)."""
        if weight <= 0:
            return 0.0
        na = sum(1 for v in nbrs[u] if owner.get(int(v)) == a)
        nb = sum(1 for v in nbrs[u] if owner.get(int(v)) == b)
        return weight * (na - nb)

    def connected(members: set[int]) -> bool:
        return is_connected(members, nbrs)

    def apply(a: int, b: int, new_a: set[int], new_b: set[int], ca: float, cb: float) -> None:
        for u in new_a - coms[a]:
            owner[u] = a
        for u in new_b - coms[b]:
            owner[u] = b
        coms[a], coms[b] = new_a, new_b
        hh[a], hh[b] = int(h[list(new_a)].sum()), int(h[list(new_b)].sum())
        cost[a], cost[b] = ca, cb
        stats.moves += 1

    lo, hi = data.lo, data.hi
    while stats.passes < MAX_PASSES and not stop.is_set() and spent() < work_s:
        stats.passes += 1
        changed: set[int] = set()
        for a in range(len(coms)):
            for u in sorted(coms[a]):
                if u == heads[a].center or u not in coms[a] or spent() >= work_s:
                    continue
                sides = sorted({owner[int(v)] for v in nbrs[u]
                                if int(v) in owner and owner[int(v)] != a})
                for b in sides:
                    if u not in coms[a]:
                        break
                    if _try(a, b, u, coms, hh, h, lo, hi, heads, cost, cost_of, cut_delta,
                            connected, apply, nbrs, owner):
                        changed.update((a, b))
        # Centers again where the members changed (the cheapest allowed one).
        for c in sorted(changed):
            local = [int(i) for i in _local(data, coms[c])]
            priced[0] += len(coms[c]) ** 2
            ch = best_choice(scenario, data, local)
            if ch is None:
                return _done(scenario, plan, list(plan), stats, priced[0], t0)
            heads[c], cost[c] = ch, price(scenario, ch).objective_yuan
        if not changed:
            break
    out = [Choice(ch.center, tuple(sorted(m)), ch.remedy, ch.site, ch.credit_site)
           for ch, m in zip(heads, coms, strict=True)]
    return _done(scenario, plan, out, stats, priced[0], t0)


def _done(scenario: Scenario, start: list[Choice], out: list[Choice], stats: TransferStats,
          priced: int, t0: float) -> tuple[list[Choice], TransferStats]:
    """``out`` where it costs less than ``start`` (centers as best_choice gave them),
    else ``start``; the stats completed."""
    stats.used_s = priced * PRICE_S_PER_UNIT
    stats.time_s = time.perf_counter() - t0
    before, after = plan_cost(scenario, start), plan_cost(scenario, out)
    if after < before - GAIN_EPS:
        stats.gain_yuan = before - after
        return out, stats
    stats.gain_yuan, stats.moves = 0.0, 0
    return list(start), stats


def _local(data: PieceData, members: set[int]) -> list[int]:
    index = {int(u): i for i, u in enumerate(data.units.tolist())}
    return sorted(index[u] for u in members)


def _try(a, b, u, coms, hh, h, lo, hi, heads, cost, cost_of, cut_delta, connected,  # type: ignore[no-untyped-def]
         apply, nbrs, owner) -> bool:
    """Move u from a to b, or swap it with a unit of b bordering a: the first change
    that keeps both connected and within the bounds and lowers the cost."""
    hu = int(h[u])
    rest_a = coms[a] - {u}
    if not connected(rest_a):
        return False
    if hh[a] - hu >= lo and hh[b] + hu <= hi:
        new_b = coms[b] | {u}
        ca, cb = cost_of(a, rest_a), cost_of(b, new_b)
        if ca is not None and cb is not None \
                and ca + cb + cut_delta(u, a, b) < cost[a] + cost[b] - GAIN_EPS:
            apply(a, b, rest_a, new_b, ca, cb)
            return True
    # Swaps: v of b on the border with a (after u leaves, so not u's own link only).
    border = sorted(v for v in coms[b] if v != heads[b].center
                    and any(int(w) in rest_a for w in nbrs[v]))
    for v in border:
        hv = int(h[v])
        if not (lo <= hh[a] - hu + hv <= hi and lo <= hh[b] + hu - hv <= hi):
            continue
        new_a = rest_a | {v}
        new_b = (coms[b] - {v}) | {u}
        if not connected(new_a) or not connected(new_b):
            continue
        ca, cb = cost_of(a, new_a), cost_of(b, new_b)
        if ca is None or cb is None:
            continue
        cut = 0.0
        if cut_delta(u, a, b) or cut_delta(v, b, a):
            cut = _swap_cut(u, v, a, b, nbrs, owner, cut_delta)
        if ca + cb + cut < cost[a] + cost[b] - GAIN_EPS:
            apply(a, b, new_a, new_b, ca, cb)
            return True
    return False


def _swap_cut(u, v, a, b, nbrs, owner, cut_delta) -> float:  # type: ignore[no-untyped-def]
    """The cut-edge change of swapping u (in a) and v (in b): u's move, then v's with
    u already in b."""
    first = cut_delta(u, a, b)
    owner[u] = b
    try:
        return first + cut_delta(v, b, a)
    finally:
        owner[u] = a
