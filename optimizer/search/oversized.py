"""Solve a piece that holds units above the maximum: each such unit a community of its
own, exempt and named; the rest of the piece solved as any piece, with its bound.

The reasoning (what is provable, what is minimal) is in
:mod:`optimizer.graph.oversized`. Here:

1. an oversized unit where no center can stand takes the lightest path of units to
   one where it can (:func:`optimizer.graph.oversized.company`), its "companions":
   said apart in its exemption (not as units of a stranded part), and, with them
   among the units the parts are cut by, each unit's block is built once, keyed by
   that unit (a companion has no block of its own);
2. a pocket of a part (optimizer.graph.pocket: units behind one unit, or none, that
   no split keeps within the bounds) is split breaking them least, one community
   exempt and naming it; the parts are taken apart anew without the pockets (each
   keeps the part it is of, as the checker reads the joined units' text);
3. every part of the piece without the oversized units that can be split on its own
   is solved by ``solve_part`` (columns, models, neighbourhood search and floors:
   optimizer.search.piece), with its share of the budget, in a fixed order;
4. the stranded parts (and any part whose solve found no plan within the bounds)
   are solved together with the oversized units they touch, by set partitioning
   over every possible community there (optimizer.search.oversized_attach): first the fewest
   households joining the oversized units' communities, then the cheapest plan with
   that many; the exemption names the oversized unit and the units that joined;
5. every other oversized unit is a community alone; where joining leaves one no center
   even with stand-ins, each stranded part is solved as in 3, its cores exempt (proven).

The piece's bound is the sum of its blocks' bounds (each part's, each stranded
group's, each lone oversized unit's exact cost) and the links between blocks, which
every such plan cuts. It is a bound on the plans that keep every community but the
oversized units' and the pockets' within the bounds, give those no more households
than needed and split each pocket breaking the bounds least (it is not one on plans
that put a pocket in an oversized unit's community: those give that community more
households beyond the bounds than the pocket's own misses): the plans the rules
allow here. A stranded group whose plan is not proven gets the bound of
optimizer.search.oversized_bound, valid for every plan giving the oversized units'
communities no more households than the plan found does (so for the fewest as well).

A part too large for the exhaustive split search of take_apart is checked here by
listing its communities that may have a center (:func:`optimizer.search.oversized_places.
listed_stranded`; any part beside an oversized unit too): a stranded 154-unit part used
to reach the piece search, which spent the whole budget on a ``soft`` plan. The
stranded groups' share of the budget is kept back from the parts solved first.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np

from optimizer.graph.diagnosis import EXHAUSTIVE_UNITS
from optimizer.graph.oversized import (
    Around,
    Part,
    company,
    oversized_exemption,
    stranded_groups,
    take_apart,
)
from optimizer.model.count_floor import no_count_possible
from optimizer.model.piece import PieceData, piece_data
from optimizer.plan.exemption import Exemption, text_of
from optimizer.scenario.model import Scenario
from optimizer.search.heuristic import best_choice
from optimizer.search.oversized_attach import ATTACH_S, Block, attach, floor
from optimizer.search.oversized_boxed import Joins, join_boxed, rebox, settled
from optimizer.search.oversized_errors import NoPlaceError, no_place_error
from optimizer.search.oversized_guided import guided_block
from optimizer.search.oversized_held import held_stand_ins
from optimizer.search.oversized_places import Listing, listed_stranded
from optimizer.search.oversized_short import short_choice, short_exemption, short_site
from optimizer.search.oversized_stopped import stopped_join
from optimizer.search.piece_common import plan_cost
from optimizer.search.piece_types import PieceResult, PieceTask
from optimizer.search.pocketed import pocket_blocks
from optimizer.search.short_mark import only_short
from optimizer.search.short_within import within_short_site
from optimizer.search.stop import StopFlag
from optimizer.status import Status

SolvePart = Callable[[Scenario, PieceData, PieceTask, StopFlag], PieceResult]


def solve_oversized(scenario: Scenario, data: PieceData, task: PieceTask, stop: StopFlag,
                    solve_part: SolvePart) -> PieceResult:
    """The piece's plan (see the module's steps). Where some community is left no
    place for a center once the oversized units' communities hold theirs (no stand-in
    was decided for it: the diagnosis judged the piece whole), the piece is solved
    again with a build standing in at the units left without one (ONE-STATION's last
    resort, optimizer.graph.held), each community centred there exempt and naming
    them; with none such the error stands."""
    try:
        return _solve(scenario, data, task, stop, solve_part)
    except NoPlaceError as err:
        cores, claimed = _cores(scenario, data, task)[1:3]
        try:
            got = held_stand_ins(scenario, data, task, err, cores, claimed,
                                 lambda sc, d, t: _solve(sc, d, t, stop, solve_part))
        except NoPlaceError:
            got = None      # none with the stand-ins either: the first error says why
        if got is None:
            # Last, each stranded part on its own, its cores exempt (search/cored.py;
            # writer seed 383); else the first error says why.
            again = dataclasses.replace(task, budget_s=max(ATTACH_S, task.budget_s - err.spent))
            try:
                got = _solve(scenario, data, again, stop, solve_part, alone=err.attached)
            except NoPlaceError:
                raise err from None
            got = dataclasses.replace(got, used_s=got.used_s + err.spent)
        return got


def _cores(scenario: Scenario, data: PieceData, task: PieceTask
           ) -> tuple[Around, dict[int, list[int]], dict[int, bool], Joins]:
    """The piece taken apart around its oversized units, and their cores: each one's
    companions to a place for a center (claimed: a legal one) and the boxed-in units
    that joined it (optimizer.search.oversized_boxed)."""
    units = data.units.tolist()
    local = {u: k for k, u in enumerate(units)}
    around = take_apart(scenario, units, data.lo, data.hi)
    over = set(around.oversized)
    # A unit whose own rooms coming are its center however short (PIPELINE) takes no
    # companions: none can give it another center, and each deepens the shortfall.
    needy = [o for o in around.oversized if best_choice(scenario, data, [local[o]]) is None
             and short_site(scenario, o) is None]
    cores, claimed = _companions(scenario, needy, units, over, frozenset(task.stand_ins))
    cores, joins = join_boxed(scenario, units, around.oversized, cores, claimed,
                              frozenset(task.stand_ins))
    return around, cores, claimed, joins


def _solve(scenario: Scenario, data: PieceData, task: PieceTask, stop: StopFlag,
           solve_part: SolvePart, alone: dict[tuple[int, ...], NoPlaceError] | None = None
           ) -> PieceResult:
    """The piece's plan; ``alone``: the last try, with the groups whose attach found no
    place in the first (not attached again: wild seed 650's 51-compound street ran the
    same attach on the same inputs twice, 3.4 s each; unstopped 7.51 s, now 4.86 s)."""
    units, last, alone = data.units.tolist(), alone is not None, alone or {}
    around, cores, claimed, joins = _cores(scenario, data, task)
    over = set(around.oversized)
    taken = {u for core in cores.values() for u in core}
    owner = {u: o for o, core in cores.items() for u in core}
    if len(taken) > len(over):      # companions leave the oversized units: parts anew
        around = take_apart(scenario, units, data.lo, data.hi, oversized=sorted(taken))
    parts = [dataclasses.replace(p, touches=tuple(sorted({owner[t] for t in p.touches})))
             for p in around.parts]
    gone, blocks = _pockets(scenario, data, parts)
    if gone:                # the parts anew without the pockets (a gate taken may cut one)
        of = {u: p.units for p in parts for u in p.units}
        around = take_apart(scenario, units, data.lo, data.hi, oversized=sorted(taken | gone))
        parts = [dataclasses.replace(p, touches=tuple(sorted({owner[t] for t in p.touches
                                                              if t in owner})),
                                     origin=of[p.units[0]])
                 for p in around.parts]
    # A part the split search judged without short rooms (a unit within the maximum
    # whose every center is short, optimizer.search.short_within) is judged again by
    # the listing below, which lists its community.
    parts = [dataclasses.replace(p, stranded="") if p.stranded == "no-partition" and any(
        within_short_site(scenario, u) is not None for u in p.units) else p for p in parts]
    budget = task.budget_s
    spent = 0.0
    good: list[Part] = []
    listed: set[tuple[int, ...]] = set()     # stranded by the listing with centers only
    listings: dict[tuple[int, ...], Listing] = {}   # ... past its caps: the cored listing
    # One PieceData per part, for its count proof, its listing precheck and its solve.
    subs = {p.units: piece_data(scenario, data.key, np.asarray(p.units))
            for p in parts if not p.stranded}
    for p in parts:
        if not p.stranded and no_count_possible(subs[p.units]):
            # Proven at once (optimizer.model.count_floor; milliseconds): e.g. a
            # pendant village that can neither stand alone nor join the unit it hangs
            # on (real-virginia-rural-over: 367 households behind a unit of 1,358).
            p = dataclasses.replace(p, stranded="no-partition")
        if not p.stranded and (len(p.units) > EXHAUSTIVE_UNITS or p.touches):
            verdict, used, listing = listed_stranded(scenario, subs[p.units], task, stop)
            spent += used
            if verdict:
                p = dataclasses.replace(p, stranded="no-partition")
                listed.add(p.units)
                if listing is not None:
                    listings[tuple(sorted(p.units))] = listing
        good.append(p)
    stranded = [p for p in good if p.stranded]
    good = [p for p in good if not p.stranded]
    weights = [p.households * max(len(p.units), 30) ** 0.5 for p in good]
    # The stranded groups' share is kept back (it was what the parts left: nothing,
    # when a large part ran to its limit).
    kept = sum(p.households * max(len(p.units), 30) ** 0.5 for p in stranded)
    # A part that joins the stranded ones only because its own solve found no plan
    # within the bounds keeps that plan, for when joining leaves no center (below).
    own: dict[tuple[int, ...], Block] = {}
    for n, part in enumerate(good):
        share = max(0.0, budget - spent) * weights[n] / max(sum(weights[n:]) + kept, 1.0)
        res = _own(scenario, subs[part.units], task, share, stop, solve_part)
        spent += res.used_s
        if part.touches and not all(only_short(ex) for ex in res.exemptions):
            # No plan within the bounds found on its own: it joins the stranded ones.
            own[part.units] = dataclasses.replace(_block(res), proven=False)
            stranded.append(dataclasses.replace(part, stranded="no-plan"))
            continue
        blocks.append(_block(res))
    failed: dict[tuple[int, ...], NoPlaceError] = {}
    try:     # no place for a center somewhere: the caller tries stand-ins (spent kept)
        groups = stranded_groups(stranded)
        grouped: set[int] = set()
        for group_parts, touched in groups:
            group_over = sorted({owner[t] for t in touched})
            left = max(ATTACH_S, budget - spent) / max(1, len(groups))
            mine = [own.get(p.units) for p in group_parts]
            if stop.is_set() and all(b is not None for b in mine):
                # Stopped (the clock, Ctrl-C), every part joined only for want of a plan
                # in time: each keeps the plan it has (seed 25: the exact listing ran
                # past the limit), its communities outside the bounds joined to the
                # oversized units' (seed 412; optimizer.search.oversized_stopped).
                block = stopped_join(scenario, data.key, group_parts,
                                     {o: cores[o] for o in group_over},
                                     [b for b in mine if b is not None])
                if block is None:
                    blocks.extend(b for b in mine if b is not None)
                    continue
                grouped.update(group_over)
                blocks.append(settled(scenario, data.key, block, group_over, cores,
                                       claimed, joins))
                continue
            gkey = tuple(sorted(u for gp in group_parts for u in gp.units))
            # A large group: its cores guide the joins, the rest solved as a piece
            # (optimizer.search.oversized_guided; seed 373); else the attach's stages.
            guided, used = guided_block(
                scenario, data.key, group_parts, {o: cores[o] for o in group_over},
                dataclasses.replace(task, budget_s=left), stop,
                lambda sc, sub, share, flag: _own(sc, sub, task, share, flag, solve_part),
                listing=listings.get(gkey))
            spent += 0.0 if guided else used
            try:
                if not guided and last and gkey in alone:
                    raise alone[gkey]
                block = guided or attach(scenario, data.key, group_parts,
                                         {o: cores[o] for o in group_over}, dataclasses.replace(
                                             task, budget_s=max(ATTACH_S, left - used)), stop)
            except NoPlaceError as no_place:
                failed[gkey] = no_place
                # Joined, the oversized community has no place for a center: a part
                # joined only for want of a plan in time keeps its own (bench/wild.py
                # seed 70: "its 105,397 households need 21,079 m²"), one shown stranded
                # only by the listing with centers is solved on its own, and so, in the
                # last try (``alone``), is one proven stranded (seed 383); the oversized
                # units stand alone.
                todo = [p for b, p in zip(mine, group_parts, strict=True) if b is None
                        and (last or p.units in listed)]
                for n, p in enumerate(todo):
                    sub = subs.get(p.units) or piece_data(scenario, data.key,
                                                          np.asarray(p.units))
                    b = _block(_own(scenario, sub, task, (budget - spent) / (len(todo) - n),
                                    stop, solve_part))
                    spent += b.used_s
                    # Only its cores exempt, proven; or, in the last try, whatever plan
                    # its own solve found for a part whose households could make
                    # communities ("no-partition"): wild seed 767's 169-compound part
                    # holds one compound no community within the bounds can hold, and
                    # joined whole to the unit above the maximum it left no center, so
                    # the scenario got no plan at all. One too small to stand alone
                    # ("no-integer-k") must join: the error stands.
                    if p.units in listed or (last and p.stranded == "no-partition") or all(
                            ex.rule.startswith("SIZE-") and ex.proven
                            for rs in b.exemptions for ex in rs):
                        mine[group_parts.index(p)] = b
                if any(b is None for b in mine):
                    raise
                # What they left outside the bounds joins the oversized units' (seed
                # 412 stopped: 619 and 76 households of a 60-village part, `soft`; 552:
                # two compounds short, `unrepaired`); not stopped, only where unproven.
                block = stopped_join(scenario, data.key, group_parts,
                                     {o: cores[o] for o in group_over},
                                     [b for b in mine if b is not None],
                                     unproven=not stop.is_set())
                if block is None:
                    blocks.extend(b for b in mine if b is not None)
                    continue
            grouped.update(group_over)
            spent += block.used_s
            blocks.append(settled(scenario, data.key, block, group_over, cores, claimed,
                                   joins))
        # around.oversized also holds the companions now: each oversized unit's block (its
        # companions with it) is built once, keyed by the unit that owns them.
        for o in sorted(cores):
            if o not in grouped:
                blocks.append(rebox(scenario, data.key, _alone(scenario, data, cores[o],
                                                               claimed.get(o, True)),
                                    o, cores[o], joins.get(o, [])))
    except NoPlaceError as err:
        err.spent, err.attached = spent, failed
        raise
    choices = tuple(ch for b in blocks for ch in b.choices)
    exemptions = tuple(ex for b in blocks for ex in b.exemptions)
    assert sorted(u for ch in choices for u in ch.members) == units, "a unit left out"
    # Links between blocks are cut by every plan of this kind.
    block_of = {u: k for k, b in enumerate(blocks) for ch in b.choices for u in ch.members}
    cut = sum(1 for a, b in scenario.edges.tolist()
              if a in block_of and b in block_of and block_of[a] != block_of[b])
    bound = sum(b.bound for b in blocks) + scenario.objective.cut_edge_yuan * cut
    methods = [b.method for b in blocks if b.method]
    reason = " | ".join(dict.fromkeys(text_of(ex) for ex in exemptions if ex))
    return PieceResult(task.index, choices, exemptions,
                       Status.OPTIMAL if all(b.proven for b in blocks) else Status.FEASIBLE,
                       bound, spent, f"oversized({len(cores)})"
                       + (": " + "; ".join(methods) if methods else ""), reason, used_s=spent)


def _own(scenario: Scenario, sub: PieceData, task: PieceTask, share: float, stop: StopFlag,
         solve_part: SolvePart) -> PieceResult:
    """A part solved on its own, as any piece, with ``share`` of the budget."""
    return solve_part(scenario, sub, dataclasses.replace(
        task, units=sub.units, diagnosis=None, budget_s=max(share, 0.2), part_of_piece=True),
        stop)


def _block(res: PieceResult) -> Block:
    return Block(res.choices, res.exemptions, res.bound, res.status == Status.OPTIMAL,
                 res.used_s, res.method)


def _take(scenario: Scenario, order: list[int], units: list[int], over: set[int],
          stand_ins: frozenset[int]) -> tuple[dict[int, list[int]], dict[int, bool]]:
    """Each oversized unit of ``order`` with no place for a center, in turn: the
    lightest path to a legal place among the units not yet taken (claimed), else to a
    stand-in (not claimed: the ONE-STATION stand-in text covers it)."""
    taken = set(over)
    cores: dict[int, list[int]] = {}
    claimed: dict[int, bool] = {}
    for o in order:
        path = company(scenario, o, set(units) - taken, stand_ins)
        claimed[o] = bool(path)
        if not path and stand_ins:
            path = company(scenario, o, set(units) - taken)
        cores[o] = [o, *(path or [])]
        taken.update(path or [])
    return cores, claimed


def _companions(scenario: Scenario, needy: list[int], units: list[int], over: set[int],
                stand_ins: frozenset[int]) -> tuple[dict[int, list[int]], dict[int, bool]]:
    """The companions of the oversized units where no center can stand (``needy``).

    With stand-ins (no_build lifted where no legal center is possible) the companions
    lead to a legal place first: the exemption says they are the lightest path to a
    place for a center, which a stand-in is not. Taken in turn, one unit's path can use
    the units another's only legal path needs; that one's community then has no legal
    host, and its stand-in center is an exemption the checker rightly rejects (a
    random 2x4 rural grid: three oversized units, the last left with a stand-in). So
    while a unit that could reach a legal place alone misses it, it goes first and the
    turns are taken again (at most 2n + 1 orders; the one missing fewest is kept). A
    path is the lightest outside the communities of the units before it, hence outside
    all the others' too: the claim holds whatever the order."""
    reachable = {o for o in needy if company(scenario, o, set(units) - over, stand_ins)}
    order = list(needy)
    best: tuple[int, dict[int, list[int]], dict[int, bool]] | None = None
    for _ in range(2 * len(needy) + 1):
        cores, claimed = _take(scenario, order, units, over, stand_ins)
        missed = [o for o in order if not claimed[o] and o in reachable]
        if best is None or len(missed) < best[0]:
            best = (len(missed), cores, claimed)
        if not missed:
            break
        order = [missed[0]] + [o for o in order if o != missed[0]]
    assert best is not None or not needy
    return (best[1], best[2]) if best is not None else ({}, {})


def _pockets(scenario: Scenario, data: PieceData, parts: list[Part]
             ) -> tuple[set[int], list[Block]]:
    """The units of the parts' impossible pockets (optimizer.graph.pocket) and of
    the gates their communities take, and each pocket's block
    (optimizer.search.pocketed.pocket_blocks). A 189-compound street with a pocket of
    three compounds had no plan within the bounds, so all of it joined its oversized
    units' communities (real-10740: 26% gap)."""
    return pocket_blocks(scenario, data, {u for p in parts if not p.stranded for u in p.units})


def _alone(scenario: Scenario, data: PieceData, core: list[int], claimed: bool = True
           ) -> Block:
    """An oversized unit's community of its own (with the companions it needs for a
    center, if any): its exact cost is its bound when alone."""
    local = {int(u): k for k, u in enumerate(data.units)}
    o = core[0]
    ch = best_choice(scenario, data, [local[u] for u in core])
    extra: tuple[Exemption, ...] = ()
    site = short_site(scenario, o) if ch is None else None
    if site is not None:        # its rooms coming, short of its need (AREA-PER-HH)
        members = tuple(sorted(core))
        ch = short_choice(scenario, members, site)
        extra = (short_exemption(scenario, data.key, o, members, site),)
    if ch is None:      # no center in reach at all: the stand-in rules (ONE-STATION)
        raise no_place_error(scenario, data.key, o, data.units.tolist())
    sub = piece_data(scenario, data.key, np.asarray(sorted(core)))
    bound = plan_cost(scenario, (ch,)) if len(core) == 1 else floor(scenario, sub)
    ex = oversized_exemption(scenario, data.key, o, companions=core[1:] if claimed else None)
    return Block((ch,), ((ex, *extra),), bound, len(core) == 1, 0.0, "")
