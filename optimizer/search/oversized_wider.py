"""A stranded group (optimizer.search.oversized_attach) whose fewest joining households,
counted without the centers, leave some community no place for a center: more join.

:func:`optimizer.search.oversized_least.least_part` finds the fewest households a part
must give by households and contiguity alone; the set partitioning of the attach step
then prices every community and drops those with no place for a center. Where the
fewest makes every plan need such a community (a part's only split within the bounds
holds a compound whose rooms coming are too small for it, PIPELINE), that partitioning
has no plan, and the step fell back to each part joining whole, which could leave the
oversized unit's community itself no center: ``solve`` ended with "no place for a
center" (bench/wild.py seed 96: 531 households were the fewest by households, 1,239
with the centers). Here the oversized units' communities are listed with ever more
households of the parts beside them (``extra`` doubled from the arithmetic least), and
a part of fewer than 2·L households, which holds at most one community within the
bounds, takes as its columns what each listed community leaves of it (so a part with
too many communities within the bounds to list is still covered: seed 82, 22 villages
of 21-192 households). Set partitioning over the priced columns: the fewest joining
households, then the cheapest plan with that many. Not claimed the fewest (the
exemption does not say so): the listing is complete only up to ``extra``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from optimizer.graph.oversized import Part, least_to_attach
from optimizer.model.piece import PieceData, piece_data
from optimizer.model.setpart import SetPartResult, build_setpart, solve_setpart
from optimizer.scenario.model import Scenario
from optimizer.search.columns import connected_groups, price_groups
from optimizer.search.oversized_least import (
    ATTACH_S,
    MAX_COLUMNS,
    MAX_STEPS,
    first_partition,
    supersets,
)
from optimizer.search.oversized_short import joined_site, short_choice
from optimizer.search.piece_common import plan_cost
from optimizer.search.piece_types import PieceTask
from optimizer.search.stop import StopFlag
from optimizer.status import Status

# Stopped (the clock, Ctrl-C), a stage lists at most this many joined
# communities: listing and pricing 171,416 of them took 3 s on a 24-compound street
# stopped by the clock (bench/wild.py seed 785, 10 s, one worker: 5.7 s from its stop to
# its return), about 0.3 s at this many. Past it the attach's other last resorts follow.
STOPPED_COLUMNS = 20_000


@dataclass(frozen=True)
class Wider:
    """A plan of the group: its communities (local to the group's data) and the time
    used."""

    groups: list[tuple[int, ...]]
    used_s: float


def wider_plan(scenario: Scenario, gd: PieceData, parts: list[Part],
               cores: dict[int, list[int]], task: PieceTask, stop: StopFlag,
               short: bool = False, memo: dict[tuple[int, ...], float] | None = None
               ) -> Wider | None:
    """The plan of the module's doc (``cores``: oversized unit -> its core, local to
    ``gd``); None past the listing caps, or when even every household joining gives
    no plan. ``short``: an oversized community with no center but the
    rooms coming of units that joined it, too small (oversized_short.joined_site), is
    a column too, at its cost centred there; the fewest of those first. ``memo``: each
    column's price, kept across the stages and calls (:func:`_prices`)."""
    local = {int(u): k for k, u in enumerate(gd.units)}
    hh = gd.households.astype(np.int64)
    inside = [{local[u] for u in p.units} for p in parts]
    listed: list[list[tuple[int, ...]] | None] = []
    for p in parts:
        if p.households < 2 * gd.lo:
            listed.append(None)         # its columns: what the oversized ones leave
            continue
        sub = piece_data(scenario, gd.key, np.asarray(p.units))
        found = connected_groups(sub, MAX_COLUMNS, MAX_STEPS)
        if found is None:
            return None
        listed.append([tuple(sorted(local[int(sub.units[i])] for i in g)) for g in found[0]])
    near = {o: set().union(*[inside[k] for k, p in enumerate(parts) if o in p.touches])
            for o in cores}
    total = max(int(hh[list(units)].sum()) for units in near.values())
    extra = max(1, sum(least_to_attach(p.households, gd.lo, gd.hi) for p in parts))
    used = 0.0
    while True:     # stopped too: the last resort before "no place", and each stage
        extra = min(total, 2 * extra)       # then asks only for its first plan
        big: list[tuple[int, ...]] = []
        cap = STOPPED_COLUMNS if stop.is_set() else MAX_COLUMNS
        for o, core in cores.items():
            got = supersets(gd, core, near[o], extra, cap - len(big))
            if got is None:
                return None
            big += got
        plain = _plain(gd, inside, listed, big, cores)
        members = plain + big
        cost = _prices(scenario, gd, members, {} if memo is None else memo)
        shorted = _short_costs(scenario, gd, members, cost, cores) if short else set()
        ok = np.isfinite(cost)
        members = [m for m, good in zip(members, ok.tolist(), strict=True) if good]
        flags = [k in shorted for k, good in enumerate(ok.tolist()) if good]
        cost = cost[ok]
        core_of = {c[0]: int(hh[c].sum()) for c in cores.values()}
        heavy = float(hh.sum()) + 1.0       # one short community weighs more than all
        gain = np.array([float(hh[list(m)].sum()) - next((core_of[u] for u in m if u in core_of),
                                                         float(hh[list(m)].sum()))
                         + heavy * f for m, f in zip(members, flags, strict=True)])
        # each stage within what is left of the group's budget (at most ATTACH_S)
        first = solve_setpart(build_setpart(gd.n, members, gain), time_s=_left(task, used),
                              workers=task.threads, seed=task.seed,
                              deterministic=task.deterministic, stop=stop)
        used += first.used_s
        if stop.is_set() and first.status not in (Status.OPTIMAL, Status.INFEASIBLE):
            # The clock cut the stage: its first plan need not hold the fewest short
            # communities, and a short one it holds for want of time is an exemption the
            # checker rejects (wild 302, 19 compounds: 1189's rooms in 1252's community
            # where a plan without them exists). The exact cover where it fits.
            chosen, exact = first_partition(members, cost, gain, gd.n, task, stop, gd.nbrs)
            if exact and chosen:
                return Wider([members[k] for k in chosen], used)
            if exact:       # none at this many households joining: more may join
                first = SetPartResult(Status.INFEASIBLE, (), math.inf, first.used_s)
        if first.chosen:
            least = int(round(sum(gain[k] for k in first.chosen)))
            built = build_setpart(gd.n, members, cost, hint=first.chosen)
            built.at_most(np.maximum(np.asarray(gain), 0).astype(np.int64), least)
            second = solve_setpart(built, time_s=_left(task, used), workers=task.threads,
                                   seed=task.seed, deterministic=task.deterministic, stop=stop)
            used += second.used_s
            return Wider([members[k] for k in second.chosen or first.chosen], used)
        if first.status != Status.INFEASIBLE or extra >= total:
            return None


def _prices(scenario: Scenario, gd: PieceData, members: list[tuple[int, ...]],
            memo: dict[tuple[int, ...], float]) -> np.ndarray:
    """Each column's exact cost (inf: no center), priced once: a stage lists again
    every column of the stage before (``extra`` only grows), and the short pass
    every column of the plain one. Wild seed 785's 24-compound Hudu Street priced
    32,000 columns over 24 stages, 7.4 of its 7.6 s of wall on a 0.5-s budget, the
    clock stopping it in vain (the stages are its last resort)."""
    new = [m for m in dict.fromkeys(members) if m not in memo]
    if new:
        memo.update(zip(new, price_groups(scenario, gd, new).tolist(), strict=True))
    return np.array([memo[m] for m in members], dtype=np.float64)


def _left(task: PieceTask, used: float) -> float:
    return max(0.5, min(ATTACH_S, task.budget_s - used))


def _short_costs(scenario: Scenario, gd: PieceData, members: list[tuple[int, ...]],
                 cost: np.ndarray, cores: dict[int, list[int]]) -> set[int]:
    """Price (in place) each oversized column with no center but the too small rooms
    coming of units that joined it, centred on those rooms at full reach; their
    indices."""
    out: set[int] = set()
    first = {c[0]: o for o, c in cores.items()}
    for k, m in enumerate(members):
        o = next((first[u] for u in m if u in first), None)
        if o is None or np.isfinite(cost[k]):
            continue
        glob = tuple(sorted(int(gd.units[i]) for i in m))
        site = joined_site(scenario, int(gd.units[cores[o][0]]), glob)
        ch = None if site is None else short_choice(scenario, glob, site)
        if ch is not None:
            cost[k] = plan_cost(scenario, (ch,))
            out.add(k)
    return out


def _plain(gd: PieceData, inside: list[set[int]],
           listed: list[list[tuple[int, ...]] | None], big: list[tuple[int, ...]],
           cores: dict[int, list[int]]) -> list[tuple[int, ...]]:
    """The columns within the bounds: a listed part's communities, and for a part of
    fewer than 2·L households what each oversized column leaves of it when that is
    one connected community within the bounds."""
    out: list[tuple[int, ...]] = []
    hh = gd.households
    taken = {u for c in cores.values() for u in c}
    for k, units in enumerate(inside):
        if listed[k] is not None:
            out += listed[k] or []
            continue
        seen: set[tuple[int, ...]] = set()
        for col in big:
            rest = tuple(sorted(units - set(col)))
            if not rest or rest in seen or set(rest) & taken:
                continue
            seen.add(rest)
            if gd.lo <= int(hh[list(rest)].sum()) <= gd.hi and _connected(gd, rest):
                out.append(rest)
    return out


def _connected(gd: PieceData, units: tuple[int, ...]) -> bool:
    inside = set(units)
    todo, seen = [units[0]], {units[0]}
    while todo:
        for v in gd.nbrs[todo.pop()]:
            if v in inside and v not in seen:
                seen.add(v)
                todo.append(v)
    return len(seen) == len(inside)


__all__ = ["Wider", "wider_plan"]
