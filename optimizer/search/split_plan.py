"""A plan within the bounds by a depth-first split search, for a piece whose models
were stopped by the clock before their first plan.

Without it such a piece went ``soft`` (or kept the neighbourhood search's unrepaired
plan) with a SIZE exemption saying "none found in time", which the checker rightly
rejects wherever its own split search finds a split: bench/wild.py seed 55 (a
32-compound street, 10 s, two workers) and seed 59 (43 compounds, 20 s) failed their
own check that way, while a split of each is a few hundred search steps away.

The search is the diagnosis's (optimizer/graph/split_search.py, ``splittable``) made
to return its witness: take the first unit not yet placed (units numbered in
breadth-first order from the westernmost, so the rest stays in one piece as long as
it can), try the connected groups of lo..hi households holding it that can take a
center by area (optimizer/graph/center.py), go on with the rest while every
connected part of it can still hold a whole number of communities (the parts a group
leaves grown from its side, optimizer.graph.pieces.cut_parts); the first split whose
every group takes a center (:func:`optimizer.search.heuristic.best_choice`) is the
plan. The units are taken in five orders in turn (:func:`orders`); where none finds a
split and no unit is marked for FACILITY-95, last, the checker's way: each group rooted
at the heaviest unit of the part at hand and dropped at once without a center. Counted
in steps, not seconds: the same piece gives the same plan whatever the load.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

from optimizer.graph import feasible_community_counts
from optimizer.graph.center import capacity_m2
from optimizer.graph.pieces import cut_parts, largest_group, weighed_parts
from optimizer.model.piece import PieceData
from optimizer.model.precedence import timely
from optimizer.scenario.model import Scenario
from optimizer.search.attempt import Choice
from optimizer.search.heuristic import best_choice
from optimizer.search.stop import StopFlag

SPLIT_PLAN_STEPS = 30_000   # group extensions tried, over all orders (6,000 each; ~0.6 s)
CHOICE_STEPS = 20           # what pricing one group's center counts for
# From this many units a rest's parts are grown from the group's side (cut_parts);
# below, one search over the rest is quicker (least CPU of 3, bench/results/lead-s41/
# thr.log: a 38-village piece 0.26 s so against 0.47 s, 249 compounds 0.73 against 2.31)
CUT_UNITS = 64
# A piece stopped with no split in SPLIT_PLAN_STEPS searches again, ten times the
# steps at a time up to this many, while the run's own clock has this margin left
# (wild seed 1052: a 132-compound street handed out late, 1 worker, 20 s, found none
# in 30,000 steps and went out with exemptions the checker rejects, while 300,000
# found a split in 1.9 s and the run ended 3.4 s before its limit).
MORE_STEPS = 3_000_000
MORE_MARGIN_S = 0.5
MORE_SHARE = 0.5            # of the time left to that margin: the rest is the other last
                            # resorts' and the later pieces' (with no split, all is spent)
TIME_EVERY = 512            # steps between looks at the clock when it bounds the search


class _Spent(Exception):
    """The search ran over its step budget."""


def split_plan(scenario: Scenario, data: PieceData, steps: int = SPLIT_PLAN_STEPS,
               stop: StopFlag | None = None) -> tuple[Choice, ...] | None:
    """Communities within the bounds covering the piece, each with its cheapest
    center, or None (no split found within ``steps``; not a proof that none exists).
    The search is tried on :func:`orders` in turn, ``steps`` shared: which order
    finds a split quickly depends on the piece's shape (a 43-compound part of seed
    59: found in under 100 steps by one sweep, none in 60,000 by another).
    ``stop`` raised (the piece's clock) and none found: again with more steps
    (MORE_STEPS) while the run's own deadline (``stop.grace_until``) is more than
    MORE_MARGIN_S away, each search ending at MORE_SHARE of the time left to it. An
    unstopped piece's split depends on its steps alone."""
    if not feasible_community_counts(int(data.households.sum()), data.lo, data.hi):
        return None
    stopped = stop is not None and stop.is_set()
    got = _search(scenario, data, steps, first=stopped)
    left = run_left_s(stop) if stopped else None
    until = None if left is None else time.monotonic() + MORE_SHARE * left
    while got is None and until is not None and steps < MORE_STEPS \
            and time.monotonic() < until:
        steps = min(10 * steps, MORE_STEPS)
        got = _search(scenario, data, steps, until, first=True)
    return got


def run_left_s(stop: StopFlag | None) -> float | None:
    """Seconds to the run's own deadline (``stop.grace_until``) less MORE_MARGIN_S,
    where ``stop`` is raised and carries one (else None): what a stopped piece's last
    resorts may still take (negative once it has passed)."""
    if stop is None or not stop.is_set() or stop.grace_until is None:
        return None
    return stop.grace_until - MORE_MARGIN_S - time.monotonic()


def _search(scenario: Scenario, data: PieceData, steps: int, until: float | None = None,
            first: bool = False) -> tuple[Choice, ...] | None:
    """:func:`split_plan`'s orders, then the checker's way, each with its share of
    ``steps``, each ended at ``until`` (``time.monotonic()``) too where given;
    ``first``: the checker's way first (a stopped piece, whose time is short: wild
    seed 1052's 132-compound street splits so at 20,000 steps in 0.05 s, by none of
    the five orders at 200,000, 1.1-1.6 s each)."""
    marks = [i for i, u in enumerate(data.units.tolist()) if int(u) in scenario.late_rooms]
    ways = orders(data, marks)
    share = steps // len(ways)
    tries = [(order, False) for order in ways]
    if not marks:
        # Last, with a share of its own, the checker's way: the heaviest unit of the
        # part at hand as the root, groups grown in unit order (optimizer/checker/
        # split.py). Seed 823's 248-compound street: a split in 0.04 s so, none by the
        # orders above in their 6,000 steps each (the heavy one found it at 200,000);
        # 693's 119: 0.03 s.
        tries.append((list(range(data.n)), True))
        if first:
            tries.insert(0, tries.pop())
    for order, heaviest in tries:
        got = _split(scenario, data, order, share, heaviest=heaviest, until=until)
        if got is not None:
            return got
    return None


def _split(scenario: Scenario, data: PieceData, order: list[int],
           steps: int, heaviest: bool = False, until: float | None = None
           ) -> tuple[Choice, ...] | None:
    """The first split found with units taken in ``order``, within ``steps`` and
    before ``until`` (``time.monotonic()``; None: steps only) (``heaviest``: each
    group's root the heaviest unit left in the part at hand, not the first in
    ``order``, and a group without a center dropped at once)."""
    n = data.n
    hh_local = [int(h) for h in data.households]
    rank = {u: k for k, u in enumerate(order)}
    hh = [hh_local[u] for u in order]
    nbr = [0] * n
    for k, u in enumerate(order):
        for v in data.nbrs[u]:
            nbr[k] |= 1 << rank[int(v)]
    lo, hi = data.lo, data.hi
    left = [steps]
    centred: dict[int, Choice | None] = {}
    failed: set[int] = set()

    look = [TIME_EVERY]

    def spend(k: int) -> None:
        left[0] -= k
        if left[0] < 0:
            raise _Spent
        if until is not None:
            look[0] -= k
            if look[0] <= 0:
                look[0] = TIME_EVERY
                if time.monotonic() >= until:
                    raise _Spent

    def members(mask: int) -> list[int]:
        return [order[k] for k in range(n) if mask >> k & 1]

    def parts(mask: int) -> list[tuple[int, int]]:
        # (part, households): summed as the parts are found (mask_parts and then a pass
        # over every bit per part took 2.8 of 3.5 s on a 134-village piece,
        # bench/wild.py seed 834; the search and its steps are the same)
        return weighed_parts(mask, nbr, hh)

    cap = [capacity_m2(scenario, int(data.units[u])) for u in order]
    need = scenario.policy.required_area_m2
    # FACILITY-95's marks (TIMELY): a group holding one needs timely rooms that reach
    # its need, else best_choice rejects it, but only once a whole split is found.
    late = scenario.late_rooms
    tcap = [timely_reach(scenario, int(data.units[u])) if late else 0.0 for u in order]
    marked = sum(1 << k for k, u in enumerate(order) if int(data.units[u]) in late)

    def groups(rest: int, top: int) -> Iterator[tuple[int, int, int]]:
        """Each group of ``rest`` holding its root, of at most ``top`` households, with
        its households and the units beside its units (its own among them)."""
        root = rest & -rest
        if heaviest:
            root = 1 << max((k for k in range(n) if rest >> k & 1), key=lambda k: (hh[k], -k))
        r = root.bit_length() - 1
        if hh[r] > top:
            return
        stack = [(root, hh[r], cap[r], tcap[r], nbr[r] & rest, 0, nbr[r])]
        while stack:
            sub, w, most, most_timely, cand, banned, around = stack.pop()
            spend(1)
            if w >= lo and most >= need(w) and (not sub & marked or most_timely >= need(w)):
                yield sub, w, around
            while cand:
                bit = cand & -cand
                cand ^= bit
                k = bit.bit_length() - 1
                if w + hh[k] <= top:
                    nxt = (cand | (nbr[k] & rest)) & ~sub & ~banned & ~bit
                    stack.append((sub | bit, w + hh[k], max(most, cap[k]),
                                  max(most_timely, tcap[k]), nxt, banned, around | nbr[k]))
                banned |= bit

    def fits(mask: int) -> bool:
        return all(feasible_community_counts(w, lo, hi) for _, w in parts(mask))

    def fits_cut(rest: int, weight: int, g: int, w: int, around: int) -> bool:
        # fits(rest & ~g) for a connected rest: from CUT_UNITS units on, its parts grown
        # from g's side, the small first (optimizer.graph.pieces.cut_parts), the test
        # ending at the first misfit
        if rest.bit_count() < CUT_UNITS:
            return fits(rest & ~g)
        return all(feasible_community_counts(x, lo, hi)
                   for _, x in cut_parts(rest & ~g, around, nbr, hh, weight - w))

    def splits(rest: int) -> Iterator[list[int]]:
        """Every split of ``rest`` (depth first); a rest with none is remembered."""
        if not rest:
            yield []
            return
        if rest in failed:
            return
        found = False
        pieces = parts(rest)
        if len(pieces) > 1:
            first = min((p for p, _ in pieces), key=lambda p: (p.bit_count(), p))
            for head in splits(first):
                for tail in splits(rest & ~first):
                    found = True
                    yield head + tail
        else:
            weight = pieces[0][1]
            # no group leaving a rest that holds no whole number of communities, nor
            # any grown from one (optimizer.graph.pieces.largest_group)
            top = weight if weight <= hi else largest_group(weight, lo, hi)
            for g, w, around in groups(rest, top):
                # the checker's way also drops a group without a center as it is
                # grown (its hosts test); the orders above only once a split is whole
                if fits_cut(rest, weight, g, w, around) and (
                        not heaviest or choice(g) is not None):
                    for tail in splits(rest & ~g):
                        found = True
                        yield [g, *tail]
        if not found:
            failed.add(rest)

    def choice(mask: int) -> Choice | None:
        if mask not in centred:
            spend(CHOICE_STEPS)
            centred[mask] = best_choice(scenario, data, members(mask))
        return centred[mask]

    try:
        if not fits((1 << n) - 1):
            return None
        for split in splits((1 << n) - 1):
            got = [choice(g) for g in split]
            if all(c is not None for c in got):
                return tuple(c for c in got if c is not None)
    except _Spent:
        return None
    return None


def timely_reach(scenario: Scenario, unit: int) -> float:
    """The most area rooms at ``unit`` handed over by the target year reach (their
    max(area, max_area); 0 without such rooms): what a marked group's center can
    give (FACILITY-95, optimizer.model.precedence.TIMELY)."""
    s = scenario.sites
    return max((max(float(s.area_m2[k]), float(s.max_area_m2[k]))
                for k in scenario.sites_by_unit.get(unit, ()) if timely(scenario, k)),
               default=0.0)


def orders(data: PieceData, first: list[int] | None = None) -> list[list[int]]:
    """Local units in the orders the search tries: depth first from the westernmost
    unit (neighbours nearest the west first), then sweeps along x + y, y and x - y,
    then the heaviest first, the diagnosis's own order (optimizer.graph.split_search;
    ties: the lowest index). The heaviest first: a part of wild seed 172 (39 compounds
    of 2,000-3,000 households beside two of 3,001) the diagnosis splits in 0.01 s and
    no sweep did in 24,000 steps; the part ended `soft`, failing its own check.
    ``first``: units each order starts with (FACILITY-95's marks, in this order)."""
    x, y = data.x, data.y
    start = min(range(data.n), key=lambda i: (float(x[i]), i))
    seen: set[int] = set()
    walk: list[int] = []
    stack = [start]
    while stack:
        u = stack.pop()
        if u in seen:
            continue
        seen.add(u)
        walk.append(u)
        stack += sorted((int(v) for v in data.nbrs[u] if int(v) not in seen),
                        key=lambda v: (-float(x[v]), -v))
    walk += [i for i in range(data.n) if i not in seen]
    sweeps = [sorted(range(data.n), key=lambda i, f=f: (float(f(i)), i))   # type: ignore[misc]
              for f in (lambda i: x[i] + y[i], lambda i: y[i], lambda i: x[i] - y[i])]
    heavy = sorted(range(data.n), key=lambda i: (-int(data.households[i]), i))
    ways = [walk, *sweeps, heavy]
    if first:
        # Marked units first: their groups, the few that can take timely rooms, are
        # settled before the rest is cut around them (wild 272's street with its 3
        # marks: 32 communities in 0.06 s on the first order; none in 3 M steps
        # with the marks where the orders put them).
        ways = [first + [i for i in way if i not in first] for way in ways]
    return ways
