"""Where the community of a unit above the maximum can have its center, as constraints
of the block model of a stranded group (optimizer.search.oversized_block).

The block model joins the fewest households of the stranded parts to the oversized
units' communities and lists only communities within the bounds that have a center;
the oversized communities' own centers it did not model. Where the fewest joined
leave one of them no place for a center (too many households for every site in its
reach, or PIPELINE making too small rooms of a joined unit its only center), its plan
was dropped and nothing else was tried: bench/wild.py seed 158 (颜单镇, compounds 1469
and 1539 of 3,001 households each) kept its 35-unit rest ``soft``, a SIZE exemption on
a community that holds no unit above the maximum, which the checker rightly rejects.

Here each oversized community picks one center among its units (:class:`Places`):
a site, reaching at most the households its largest area serves, a build or co-built
rooms (unbounded), with PIPELINE (a community holding rooms it imposes takes a
pipeline site) and NEWDEV-FIRST (one holding a new development and no such rooms takes
co-built rooms or a pipeline site) as in optimizer.model.precedence. A relaxation of
the center rules (swap credits, STAND-IN-LAST and the first-rooms order between a
pipeline site and a new development are left to the exact pricing of the plan): every
plan whose oversized communities have a legal center satisfies it, so its fewest
joined households are a lower bound on theirs.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from ortools.sat.python import cp_model

from optimizer.graph.center import capacity_m2
from optimizer.model.piece import PieceData
from optimizer.model.precedence import imposed_sites
from optimizer.model.setpart import build_setpart, solve_setpart
from optimizer.scenario.model import Scenario
from optimizer.search.columns import STEP_S, connected_groups
from optimizer.search.core_small import small_core
from optimizer.search.listing_size import listing_hopeless, worth_listing
from optimizer.search.oversized_short import reach_m2
from optimizer.search.piece_types import PieceTask
from optimizer.search.short_within import within_short_site
from optimizer.search.stop import StopFlag
from optimizer.status import Status

PRECHECK_COLUMNS = 20_000   # a large part's possible communities listed up front, at most
PRECHECK_STEPS = 200_000    # ... and enumeration steps (a fraction of a second)
PRECHECK_S = 5.0            # ... and the proof that none partitions it, at most (seed 158:
                            # 1 deterministic s, 2.1 s at load 7)
CORED_COLUMNS = 220_000     # past the precheck: listed for a core alone, at most (seed 373:
CORED_STEPS = 250_000       # 194,893 groups in 202,931 steps; parts beside oversized units
                            # of other seeds ran to the columns' 1,000,000 steps: 3-5 s each)
PIPE, NEWDEV, FREE = "pipeline", "codevelop", "free"
UNBOUNDED = -1


@dataclass(frozen=True)
class Places:
    """The places for a center of one oversized core's community (local units)."""

    options: tuple[tuple[int, str, int], ...]   # (unit, kind, most households or UNBOUNDED)
    imposed: frozenset[int]                     # units holding rooms PIPELINE imposes
    newdev: frozenset[int]                      # new developments (NEWDEV-FIRST)


def most_served(scenario: Scenario, area_m2: float) -> int:
    """The most households whose required area (AREA-PER-HH, AREA-MIN) fits in
    ``area_m2``; -2 where not even the minimum does (UNBOUNDED for an infinite area)."""
    pol = scenario.policy
    if math.isinf(area_m2):
        return UNBOUNDED
    if pol.required_area_m2(0) > area_m2 + 1e-9:
        return -2
    if pol.area_per_100_households_m2 <= 0:
        return UNBOUNDED
    h = max(0, math.floor(area_m2 * 100.0 / pol.area_per_100_households_m2))
    while h > 0 and pol.required_area_m2(h) > area_m2 + 1e-9:      # the rounding
        h -= 1
    while pol.required_area_m2(h + 1) <= area_m2 + 1e-9:
        h += 1
    return h


def places(scenario: Scenario, gd: PieceData) -> Places:
    """Every place for a center among the units of ``gd``, by the kind of rooms."""
    out: list[tuple[int, str, int]] = []
    for u, g in enumerate(int(v) for v in gd.units):
        pipe = [reach_m2(scenario, s) for s in scenario.sites_by_unit.get(g, ())
                if scenario.sites.is_pipeline(s)]
        if pipe:
            out.append((u, PIPE, most_served(scenario, max(pipe))))
        if scenario.is_new_development(g):
            out.append((u, NEWDEV, UNBOUNDED))
        out.append((u, FREE, most_served(scenario, capacity_m2(scenario, g))))
    units = [int(v) for v in gd.units]
    return Places(tuple(o for o in out if o[2] != -2),
                  frozenset(u for u, g in enumerate(units) if imposed_sites(scenario, g)),
                  frozenset(u for u, g in enumerate(units) if scenario.is_new_development(g)))


def hosts(scenario: Scenario, gd: PieceData, groups: list[tuple[int, ...]]) -> list[bool]:
    """Per group of local units: whether it may have a center by :class:`Places`'s
    rules (a relaxation of the exact pricing: every group the pricing gives a center
    passes). Milliseconds where the pricing takes about one per group (6,004 groups,
    7 s at load 7), so a part's listing can be filtered before its solve."""
    at = places(scenario, gd)
    most: dict[str, list[float]] = {k: [-math.inf] * gd.n for k in (PIPE, NEWDEV, FREE)}
    for u, kind, top in at.options:
        most[kind][u] = max(most[kind][u], math.inf if top == UNBOUNDED else float(top))
    hh = gd.households.tolist()
    # A unit within the maximum whose every possible center is short: its community
    # takes them, AREA-PER-HH exempt (optimizer.search.short_within; seed 67's 235).
    short = {k for k, u in enumerate(gd.units.tolist())
             if within_short_site(scenario, u) is not None}
    out = []
    for g in groups:
        h = sum(hh[u] for u in g)
        if short.intersection(g) and h <= gd.hi:
            out.append(True)
        elif any(u in at.imposed for u in g):
            out.append(max(most[PIPE][u] for u in g) >= h)
        elif any(u in at.newdev for u in g):
            out.append(max(max(most[PIPE][u], most[NEWDEV][u]) for u in g) >= h)
        else:
            out.append(max(max(most[k][u] for k in most) for u in g) >= h)
    return out


def add_places(m: cp_model.CpModel, p: Places, core: list[int],
               y: dict[int, cp_model.IntVar], h: list[int]) -> None:
    """In the block model: the community of ``core`` and the joined units ``y`` (local
    unit -> its join variable) takes exactly one center of ``p`` among its units,
    holding no more households than that center serves, of the kind PIPELINE or
    NEWDEV-FIRST asks for."""
    base = sum(h[u] for u in core)
    came = base + cp_model.LinearExpr.weighted_sum(list(y.values()), [h[u] for u in y])
    inside = set(core)
    kinds: dict[str, list[cp_model.IntVar]] = {PIPE: [], NEWDEV: [], FREE: []}
    for u, kind, most in p.options:
        if (u not in inside and u not in y) or most != UNBOUNDED and most < base:
            continue
        z = m.new_bool_var(f"c{u}_{kind}_{core[0]}")
        if u in y:
            m.add_implication(z, y[u])
        if most != UNBOUNDED:
            m.add(came <= most).only_enforce_if(z)
        kinds[kind].append(z)
    m.add_exactly_one(kinds[PIPE] + kinds[NEWDEV] + kinds[FREE])
    pipe = cp_model.LinearExpr.sum(kinds[PIPE])
    first = cp_model.LinearExpr.sum(kinds[PIPE] + kinds[NEWDEV])
    for u in sorted(p.imposed & (inside | set(y))):
        m.add(pipe >= 1 if u in inside else pipe >= y[u])
    for u in sorted(p.newdev & (inside | set(y))):
        m.add(first >= 1 if u in inside else first >= y[u])


Listing = tuple[list[tuple[int, ...]], int]     # groups within the bounds (local), steps


class Stranded(NamedTuple):
    """:func:`listed_stranded`'s answer: whether the part is shown stranded, the time
    used, and the complete listing a core was sought in when it is past the precheck's
    caps (:func:`_cored`), handed to the guided attach (optimizer.search.oversized_guided)
    so that it does not list the same part again (seed 373's rest: 15 s of wall at load
    11); None otherwise."""

    stranded: bool
    used: float
    listing: Listing | None = None


def listed_stranded(scenario: Scenario, sub: PieceData, task: PieceTask,
                    stop: StopFlag) -> Stranded:
    """Whether a part not shown stranded by the exhaustive split search of
    :func:`optimizer.graph.oversized.take_apart` (too large for it, or judged there
    without PIPELINE's rooms, or past its parts with centers) is shown stranded all the
    same: every community it could hold within the bounds that may have a center
    (optimizer.search.oversized_places.hosts) listed (within small caps) and no
    partition into them. Without this a stranded part of 150 units went to the piece
    search, which spent the whole budget on a ``soft`` plan before the part joined the
    stranded ones (real-georgia-rural-over: 120 s, then 5 s for the attach step); a
    35-unit part whose only splits by households put rooms coming too small for them
    at the center of communities (bench/wild.py seed 158) did the same, and its
    ``soft`` plan's exemption the checker rejects."""
    if stop.is_set():
        return Stranded(False, 0.0)
    found = connected_groups(sub, PRECHECK_COLUMNS, PRECHECK_STEPS)
    if found is None:
        return _cored(scenario, sub, task, stop)
    groups = [g for g, ok in zip(found[0], hosts(scenario, sub, found[0]), strict=True) if ok]
    if not groups:
        return Stranded(True, 0.0)
    res = solve_setpart(build_setpart(sub.n, groups, np.zeros(len(groups))),
                        time_s=PRECHECK_S, workers=task.threads, seed=task.seed,
                        deterministic=task.deterministic, stop=stop)
    return Stranded(res.status == Status.INFEASIBLE, res.used_s)


def _cored(scenario: Scenario, sub: PieceData, task: PieceTask, stop: StopFlag) -> Stranded:
    """A part past the precheck's caps shown stranded by a core of its groups within
    the bounds found without a solver (a unit no group holds; two or three units,
    optimizer.search.core_small): writer seed 373's 101-compound rest beside a compound
    of 3,001 households (194,893 groups, three compounds no non-overlapping ones hold
    all of) went to its own search, whose listing, core searches and soft model took
    the whole 60 s, so its attach to the oversized compound never ran and its soft
    plan's exemptions failed the checker (the oversized compound's community can take
    one of the three). By households alone, not filtered by :func:`hosts` (20 s of
    wall on those groups): a core of them is one of the groups with centers too.
    The time used: the listing's steps and the core's deterministic time, or the wall;
    the listing is handed back when it is complete."""
    t0 = time.perf_counter()
    if not worth_listing(sub.households, sub.lo) or listing_hopeless(sub, CORED_COLUMNS,
                                                                      CORED_STEPS):
        return Stranded(False, time.perf_counter() - t0 if not task.deterministic else 0.0)
    found = cored_listing(sub, stop)
    if found is None:
        return Stranded(False, time.perf_counter() - t0 if not task.deterministic
                        else CORED_STEPS * STEP_S)
    groups, steps = found
    holds: list[list[int]] = [[] for _ in range(sub.n)]
    for k, g in enumerate(groups):
        for u in g:
            holds[u].append(k)
    spent = [0.0]
    core = any(not h for h in holds) or bool(small_core(sub.n, groups, holds, spent=spent))
    used = steps * STEP_S + spent[0] if task.deterministic else time.perf_counter() - t0
    return Stranded(core, used, found)


def cored_listing(sub: PieceData, stop: StopFlag) -> Listing | None:
    """``connected_groups`` of ``sub`` within the cored caps (CORED_COLUMNS, CORED_STEPS):
    the listing a core is sought in (:func:`_cored`) and the guided attach's."""
    return connected_groups(sub, CORED_COLUMNS, CORED_STEPS, stop=stop)


__all__ = ["CORED_STEPS", "Listing", "Places", "Stranded", "add_places", "cored_listing", "hosts",
           "listed_stranded", "most_served", "places"]
