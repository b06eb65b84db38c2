"""Which units of a large stranded group join the oversized units' communities, found
by its cores (optimizer.search.oversized_attach's constructive start): each small core
of the rest (optimizer.search.core_small) is broken by joining the lightest path to one
of its units, until the rest has no small core left and no proof that it has no exact
cover within the bounds; the rest is then an ordinary piece, solved with its own search
(:func:`guided_block`).

Why: writer seed 373's Jianyang St., a compound of 3,001 households beside a
101-compound rest of 194,893 groups within the bounds that has no partition (a core of
three, 327eff45, 3e9f7e9f, 315fe9c8, and once 315fe9c8 joins, another). The attach's
exact stages cannot answer there in time: the search of the fewest spent 18 s of 60 on
one set partitioning, the block model stops at its 20,000-column cap, the community
model found nothing in 12-18 s; so the whole rest joined (one community of 68,051
households), or, in another run, five compounds joined and the rest's 96 compounds got
a poor plan in what was left. Here the joins cost the listing (about a second), a few
core searches (milliseconds each) and, where the rest's groups are few enough
(COVER_COLUMNS), one exact cover, all counted in deterministic steps, so the rest keeps
most of the group's time.

Not shown the fewest: the exemption says "the least the search found in time". The
bound is not the rest's own (it holds only for the units that joined here, and another
plan may join others) but the relaxation of the whole group over the parts' listing with
the households joined capped at this plan's, which every plan the rules allow keeps
(optimizer.search.oversized_capped; seed 373: 26.4 M yuan against the floor's 9.58 M).
"""

from __future__ import annotations

import dataclasses
import heapq
import time
from collections.abc import Callable

import numpy as np

from optimizer.graph.oversized import Part
from optimizer.graph.pieces import connected_parts
from optimizer.model.piece import PieceData, piece_data
from optimizer.model.setpart import build_setpart, solve_setpart
from optimizer.scenario.model import Scenario
from optimizer.search import oversized_least
from optimizer.search.clock import keep_back
from optimizer.search.columns import STEP_S
from optimizer.search.core_small import small_core
from optimizer.search.oversized_attach import Block, floor
from optimizer.search.oversized_attach import _block as oversized_block
from optimizer.search.oversized_capped import WORK_S_PER_NONZERO, capped_bound
from optimizer.search.oversized_errors import NoPlaceError
from optimizer.search.oversized_places import CORED_STEPS, Listing, cored_listing
from optimizer.search.piece_types import PieceResult, PieceTask
from optimizer.search.short_mark import only_short
from optimizer.search.stop import StopFlag
from optimizer.status import Status

ROUNDS_MAX = 40         # cores broken, at most (seed 373: 2)
COVER_S = 2.5           # the rest's exact cover (zero costs), at most: a proof that none
                        # exists sends the group back to the attach's stages with its time
                        # (seed 373's whole rest: 2.0 deterministic s); finding one took
                        # more than 6 (its rest less two compounds), so without an answer
                        # the rest's own search tries
COVER_SHARE = 0.1       # ... and at most this share of the group's budget
COVER_COLUMNS = 50_000  # ... over at most this many groups: building the model is not
                        # counted in its time, and over seed 373's 194,877 it took 21 s
                        # of wall at load 8 (5.7 s solving, no answer), a third of a 60-s
                        # run; past it the rest's own search tells (a SIZE exemption
                        # sends the group back to the attach's stages)
BOUND_SHARE = 0.4       # time kept back from the rest for the capped bound, at most this
BOUND_WORK = 1.5        # share of what is left and this times its work's estimate
                        # (seed 373: 4.7 s; wall 5-8 s idle-ish, 16 s at load 9)


@dataclasses.dataclass(frozen=True)
class Joins:
    """The units (global) joining each oversized unit's community, and the rest."""

    joined: dict[int, tuple[int, ...]]      # oversized unit -> units of the parts joining
    rest: tuple[tuple[int, ...], ...]       # the rest's connected pieces
    cores: int                              # small cores broken
    used_s: float                           # deterministic (counted) or wall seconds
    # the parts' complete listing of groups within the bounds (local to ``sub``), for the
    # bound (optimizer.search.oversized_capped)
    listing: list[tuple[int, ...]] = dataclasses.field(compare=False, repr=False)
    sub: PieceData = dataclasses.field(compare=False, repr=False)


def guided_joins(scenario: Scenario, key: tuple[str, str, str], parts: list[Part],
                 cores: dict[int, list[int]], task: PieceTask, stop: StopFlag,
                 listing: Listing | None = None) -> tuple[Joins | None, float]:
    """The joins (see the module), and the time used; None where the parts' listing is
    small enough for the exact stages (LEAST_COLUMNS groups or fewer) or past its caps
    (CORED_COLUMNS), where no small core is found at all, or the rest has no exact cover
    (then its core is a larger one; sought over at most COVER_COLUMNS groups).
    ``listing``: the parts' cored listing where the caller has it
    (optimizer.search.oversized_places.listed_stranded lists a single part past the
    precheck's caps: seed 373's rest, 15 s of wall at load 11), local to the parts'
    units in sorted order; its steps are counted as if listed here, so a
    deterministic run does not depend on who listed."""
    t0 = time.perf_counter()
    units = sorted(u for p in parts for u in p.units)
    sub = piece_data(scenario, key, np.asarray(units))
    found = listing if listing is not None else cored_listing(sub, stop)
    counted = [CORED_STEPS * STEP_S if found is None else found[1] * STEP_S]

    def used() -> float:
        return counted[0] if task.deterministic else time.perf_counter() - t0

    if found is None or len(found[0]) <= oversized_least.LEAST_COLUMNS:
        return None, used()
    groups = found[0]
    # The groups holding each unit, in the listing's order (the order small_core reads
    # them in); a joined unit's groups are taken out of their units' lists each round,
    # where rebuilding them over the whole listing took seed 373 26 s of wall in three
    # rounds at load 8 and left its rest nothing of a 60-s run.
    holds: list[list[int]] = [[] for _ in range(sub.n)]
    for k, g in enumerate(groups):
        for u in g:
            holds[u].append(k)
    dead: set[int] = set()
    # Each oversized unit's community as it grows (units local to ``sub`` are the parts';
    # the cores stay outside it, read through their global neighbours).
    local = {u: k for k, u in enumerate(units)}
    source: dict[int, int] = {}             # local unit next to a community -> its unit
    for o in sorted(cores):
        for c in cores[o]:
            for v in scenario.neighbours[c]:
                if int(v) in local:
                    source.setdefault(local[int(v)], o)
    joined: dict[int, list[int]] = {o: [] for o in cores}
    gone = 0                                # mask of the joined units
    broken = 0
    for _ in range(ROUNDS_MAX + 1):
        if stop.is_set():
            return None, used()
        counted[0] += STEP_S * len(groups)
        left = [u for u in range(sub.n) if not gone >> u & 1]
        core: tuple[int, ...] = tuple(u for u in left if not holds[u])[:1]
        if not core:
            core = small_core(sub.n, groups, holds,
                              free={u for u in range(sub.n) if gone >> u & 1}, spent=counted)
        if not core:
            break
        if broken == ROUNDS_MAX:
            return None, used()
        path = _lightest(sub, source, gone, set(core))
        if path is None:
            return None, used()
        o, way = path
        joined[o] += way
        for u in way:
            gone |= 1 << u
            for v in sub.nbrs[u]:
                source.setdefault(v, o)
        dead |= _drop(holds, groups, {k for u in way for k in holds[u]})
        broken += 1
    if not broken:
        return None, used()     # nothing to break: not this search's case
    alive = [k for k in range(len(groups)) if k not in dead]
    left = [u for u in range(sub.n) if not gone >> u & 1]
    if len(alive) <= COVER_COLUMNS:
        pos = {u: k for k, u in enumerate(left)}
        res = solve_setpart(build_setpart(len(left), [tuple(pos[u] for u in groups[k])
                                                      for k in alive], np.zeros(len(alive))),
                            time_s=min(COVER_S, COVER_SHARE * task.budget_s),
                            workers=task.threads, seed=task.seed,
                            deterministic=task.deterministic, stop=stop)
        counted[0] += res.used_s
        if res.status == Status.INFEASIBLE:
            return None, used()
    rest = connected_parts(left, sub.nbrs)
    return Joins({o: tuple(sorted(units[u] for u in way)) for o, way in joined.items() if way},
                 tuple(tuple(units[u] for u in piece) for piece in rest), broken,
                 used(), groups, sub), used()


def _drop(holds: list[list[int]], groups: list[tuple[int, ...]], out: set[int]) -> set[int]:
    """Take the groups ``out`` from the lists of the units they hold; returns ``out``."""
    for v in sorted({v for k in out for v in groups[k]}):
        holds[v] = [k for k in holds[v] if k not in out]
    return out


def _lightest(sub: PieceData, source: dict[int, int], gone: int, targets: set[int]
              ) -> tuple[int, list[int]] | None:
    """The lightest path (households of its units) from a community (the units next to
    it, ``source``) through units not joined (``gone``) to a unit of ``targets``: its
    community's oversized unit and its units, the target last; None without one."""
    hh = [int(v) for v in sub.households]
    heap = [(hh[u], u, -1) for u in sorted(source) if not gone >> u & 1]
    heapq.heapify(heap)
    back: dict[int, int] = {}       # unit reached -> the unit before it (-1: the first)
    while heap:
        d, u, frm = heapq.heappop(heap)
        if u in back:
            continue
        back[u] = frm
        if u in targets:
            way = [u]
            while back[way[-1]] >= 0:
                way.append(back[way[-1]])
            return source[way[-1]], way[::-1]
        for v in sub.nbrs[u]:
            if v not in back and not gone >> v & 1:
                heapq.heappush(heap, (d + hh[v], v, u))
    return None


SolveRest = Callable[[Scenario, PieceData, float, StopFlag], PieceResult]


def guided_block(scenario: Scenario, key: tuple[str, str, str], parts: list[Part],
                 cores: dict[int, list[int]], task: PieceTask, stop: StopFlag,
                 solve_rest: SolveRest, listing: Listing | None = None
                 ) -> tuple[Block | None, float]:
    """The stranded ``parts`` and the oversized units (``cores``: each one's units) they
    touch, by :func:`guided_joins`: the oversized units' communities with the units
    that joined them, exempt and naming those (not claimed the fewest), and each piece
    of the rest solved by ``solve_rest`` with its share of what is left of
    ``task.budget_s``. None (and the time used) where the joins are not found, an
    oversized community has no place for a center, or a piece of the rest got no plan
    within the bounds in its time: the caller goes on with the attach's stages.

    The bound: the rest's own bounds hold only for the units that joined here, and a
    plan joining others is not bounded by them; the relaxation over the parts' whole
    listing with the households joined capped at this plan's
    (optimizer.search.oversized_capped: every plan the rules allow joins no more) is,
    computed after the rest in time kept back for it (BOUND_SHARE of what is left at
    most), else the attach floor of the whole group (every split, of any sizes)."""
    joins, used = guided_joins(scenario, key, parts, cores, task, stop, listing)
    if joins is None:
        return None, used
    units = sorted({u for p in parts for u in p.units} | {u for c in cores.values() for u in c})
    gd = piece_data(scenario, key, np.asarray(units))
    local = {u: k for k, u in enumerate(units)}
    groups = [tuple(sorted(local[u] for u in (*cores[o], *joins.joined.get(o, ()))))
              for o in sorted(cores)]
    try:
        over = oversized_block(scenario, gd, parts, cores, groups, False, floor(scenario, gd),
                               used, f"attach(guided: {joins.cores} cores)", False)
    except NoPlaceError:
        return None, used
    weights = [int(scenario.households[list(r)].sum()) * max(len(r), 30) ** 0.5
               for r in joins.rest]
    choices, exemptions, methods = list(over.choices), list(over.exemptions), []
    kept = min(BOUND_SHARE * max(0.0, task.budget_s - used),
               BOUND_WORK * WORK_S_PER_NONZERO * sum(len(g) for g in joins.listing))
    # In wall-clock mode the rest's search watches a flag raised ``kept`` seconds before
    # the piece's stop (optimizer.search.clock.keep_back): its last round runs past its
    # share (seed 373 at 60 s: 31 s for a share of 28.3), which left the bound 6 s of the
    # 7 it needed.
    with keep_back(stop, kept, task.deterministic) as rest_stop:
        for n, piece in enumerate(joins.rest):
            share = max(0.0, task.budget_s - used - kept) * weights[n] / sum(weights[n:])
            res = solve_rest(scenario, piece_data(scenario, key, np.asarray(piece)), share,
                             rest_stop)
            used += res.used_s
            if not all(only_short(ex) for ex in res.exemptions):
                return None, used
            choices += res.choices
            exemptions += res.exemptions
            methods.append(res.method)
    cap = int(scenario.households[[u for js in joins.joined.values() for u in js]].sum())
    capped, work = capped_bound(scenario, gd, joins.sub, joins.listing, cores, cap, stop,
                                time_s=max(0.0, task.budget_s - used),
                                deterministic=task.deterministic)
    used += work
    method = over.method + "".join(f"; rest {m}" for m in dict.fromkeys(methods)) + (
        f"; capped bound ({cap:,} households)" if capped > over.bound else "")
    return Block(tuple(choices), tuple(exemptions), max(over.bound, capped), False, used,
                 method), used


__all__ = ["BOUND_SHARE", "COVER_COLUMNS", "COVER_S", "Joins", "ROUNDS_MAX", "SolveRest",
           "guided_block", "guided_joins"]
