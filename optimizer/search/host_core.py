"""A unit that no community within the bounds can hold with a legal center, found
without the listing: a piece too large to list (its communities past the listing's
caps) with such a unit breaks the bounds in that unit's community in every plan.

Wild seed 279's 134-compound street (about 12 million possible communities) holds
compound 1742 (1,230 households) whose planned rooms, imposed by PIPELINE, serve 2,090
households, with no larger rooms coming within reach: no community of 2,000-2,090
households holding it is connected. The ordering model proved the street infeasible
in 0.76 s, the neighbourhood search spent the budget repairing a plan no repair
reaches, and the plan kept four communities outside the bounds, three of them away
from 1742, exempt on "none found in time" words the checker cannot prove past its 100
units: the check failed at any limit.

The proof here (:func:`host_core`), for a unit with imposed rooms coming: every
connected group holding it with at most the households the rooms it can reach serve
is visited (each once, as the listing does), and none within the bounds can have a
legal center by :class:`~optimizer.search.hosts.Hosts` (the group's imposed rooms
serve it): a necessary condition, so none with a center exists. The checker proves
the same claim with its own search (optimizer.checker.cover). Then
(:func:`split_host_core`) the unit's community is the group holding it just below the
minimum that can have a legal center (the fewest households outside the bounds of
those tried), and the rest of the piece, in its connected parts, is solved as any part
of a piece: the first try whose rest is within the bounds, else the one with the
fewest communities of the rest outside them.
"""

from __future__ import annotations

import dataclasses
import heapq
from collections.abc import Callable

import numpy as np

from optimizer.graph.pieces import connected_parts
from optimizer.model.bounds import arithmetic_bound
from optimizer.model.piece import PieceData, piece_data
from optimizer.plan.exemption import Exemption, Reasons
from optimizer.scenario.model import Scenario
from optimizer.search.attempt import Choice
from optimizer.search.core import core_why
from optimizer.search.core_split import rest_fits
from optimizer.search.hosts import Hosts, center_hosts
from optimizer.search.piece_common import (
    OutsideBounds,
    no_plan_reason,
    plan_cost,
    widened_floor,
)
from optimizer.search.piece_types import PieceResult, PieceTask
from optimizer.search.short_mark import floors_on
from optimizer.search.stop import StopFlag
from optimizer.status import Status

CORE_STEPS = 20_000     # groups visited per unit to prove it a core (past it: undecided;
                        # seed 279's compound: 147)
MAX_TRIED = 50          # units tried as cores, at most (seed 279's street: 16 imposed)
AROUND_MAX = 2_000      # groups below the minimum holding the core listed, at most
FIRST_SHARE = 0.7       # of the budget for the first try (the group missing the least)
WHY = "proved impossible"   # the exemption's words (optimizer.report.reasons_exempt)

SolvePart = Callable[[Scenario, PieceData, PieceTask, StopFlag], PieceResult]


def _groups(data: PieceData, root: int, top: int, visit: Callable[[list[int], int], bool],
            max_steps: int) -> bool | None:
    """Visit every connected group of local units holding ``root`` with at most ``top``
    households, each once (extension sets, as optimizer.search.columns lists them), until
    ``visit(group, households)`` says stop: True then, False when all were visited, None
    past ``max_steps``."""
    h = [int(v) for v in data.households]
    nbrs = data.nbrs
    steps = 0

    def extend(group: list[int], weight: int, ext: list[int], seen: set[int]) -> bool | None:
        nonlocal steps
        steps += 1
        if steps > max_steps:
            return None
        if visit(group, weight):
            return True
        ext = list(ext)
        while ext:
            v = ext.pop()
            if weight + h[v] > top:
                continue
            new = [int(u) for u in nbrs[v] if int(u) not in seen]
            group.append(v)
            got = extend(group, weight + h[v], ext + new, seen | set(new))
            group.pop()
            if got is not False:
                return got
        return False

    if h[root] > top:
        return False
    first = [int(u) for u in nbrs[root]]
    return extend([root], h[root], first, {root, *first})


def host_core(data: PieceData, hosts: Hosts, max_steps: int = CORE_STEPS) -> int | None:
    """The first local unit with imposed rooms coming that serve fewer than the maximum
    that no connected group within the bounds holding it can give a legal center by
    ``hosts``; None where each has one, or the search was undecided. At most
    MAX_TRIED such units (each visit ends at the first legal group: a few steps)."""
    tried = 0
    for u in range(data.n):
        if not hosts.imposed[u] or hosts.most[u] >= data.hi \
                or int(data.households[u]) > data.hi:
            continue
        tried += 1
        if tried > MAX_TRIED:
            break
        found = _groups(data, u, _top(data, hosts, u),
                        lambda g, w: data.lo <= w <= hosts.cap(data, g), max_steps)
        if found is False:
            return u
    return None


def _top(data: PieceData, hosts: Hosts, root: int) -> int:
    """The most households a legal group holding ``root`` (a unit with imposed rooms
    coming) can have: at most the maximum, what the largest imposed rooms it can reach
    serve (a group holding both holds at least the lightest path between them; rooms serving
    less than that path are out of reach). Only those rooms cap such a group
    (:meth:`Hosts.cap`), so no larger group need be visited: the test's compound of
    1,230 households beside four of 900 (rooms for 2,090) had 20,000 groups of up to
    3,000 to visit, and none of up to 2,090."""
    h = data.households
    dist = {root: int(h[root])}
    heap = [(int(h[root]), root)]
    top = float(hosts.most[root])
    while heap:
        w, v = heapq.heappop(heap)
        if w > dist[v]:
            continue
        if hosts.imposed[v] and float(hosts.most[v]) >= w:
            top = max(top, float(hosts.most[v]))
        for n in (int(x) for x in data.nbrs[v]):
            d = w + int(h[n])
            if d <= data.hi and d < dist.get(n, d + 1):
                dist[n] = d
                heapq.heappush(heap, (d, n))
    return int(min(data.hi, top))


def around(data: PieceData, hosts: Hosts, core: int) -> list[tuple[int, ...]]:
    """The connected groups holding ``core`` below the minimum that can have a legal
    center by ``hosts``, fewest households outside the bounds first (at most
    AROUND_MAX listed)."""
    out: list[tuple[int, int, tuple[int, ...]]] = []

    def keep(group: list[int], weight: int) -> bool:
        if weight <= hosts.cap(data, group):
            out.append((data.lo - weight, len(out), tuple(sorted(group))))
        return len(out) >= AROUND_MAX

    _groups(data, core, data.lo - 1, keep, 50 * AROUND_MAX)
    return [g for _, _, g in sorted(out)]


def core_record(scenario: Scenario, data: PieceData, core: int) -> Exemption:
    """The exemption of the core's community, naming the unit (the checker proves it)."""
    why, ids = core_why(scenario, data, WHY, (core,), centers=True)
    return no_plan_reason(scenario, data, why, core=ids)


def split_host_core(scenario: Scenario, data: PieceData, task: PieceTask, stop: StopFlag,
                    solve_part: SolvePart, tries: int = 2) -> PieceResult | None:
    """The piece with its host core's community just below the minimum and the rest
    solved in its connected parts (module docstring): the first try whose rest is
    within the bounds, else the try with the fewest communities of the rest exempt
    (the first try gets FIRST_SHARE of the budget); None where the piece has no such
    core or no try has a plan for the rest."""
    # The core is sought without FACILITY-95's marks (optimizer.search.late_first), as
    # the checker sees the piece: marks only narrow which center a community may take,
    # so a core without them is one with them (wild seed 279: the marked search never
    # sought it and kept a plan 10 communities outside the bounds). The rest is solved
    # with its marks; a mark in the core's community is not kept (late_fallback.dropped).
    plain = scenario.without_marks(data.units.tolist())
    hosts = center_hosts(plain, data)
    core = host_core(data, hosts)
    if core is None:
        return None
    record = core_record(plain, data, core)
    outside = OutsideBounds.of(plain, data)
    spent, tried = 0.0, 0
    best: tuple[int, tuple[Choice, ...], tuple[Reasons, ...]] | None = None
    for group in around(data, hosts, core):
        if tried >= tries or stop.is_set() or task.budget_s - spent <= 0.2:
            break
        held = set(group)
        rest = np.array([u for u in range(data.n) if u not in held], dtype=np.int64)
        head = outside.choice(list(group))
        if head is None or not rest_fits(data, rest):
            continue
        tried += 1
        share = FIRST_SHARE if tried < tries else 1.0
        got, reasons, used = _rest(scenario, data, rest, task, stop, solve_part,
                                   (task.budget_s - spent) * share)
        spent += used
        broken = sum(1 for r in reasons if r)
        if got is not None and (best is None or broken < best[0]):
            best = (broken, (head, *got), ((record,), *reasons))
        if best is not None and best[0] == 0:
            break
    if best is None:
        return None
    _, choices, exemptions = best
    # A rest's "no plan found" words describe the rest (its units and households), not
    # the piece the checker reads them against (seed 279 stopped by the clock: "it says
    # its piece has 60071 households; ... hold 61301"): the piece's own words stand.
    starved = no_plan_reason(scenario, data, "none found in time")
    exemptions = exemptions[:1] + tuple(tuple(starved if e.kind == "no-plan" else e
                                              for e in ex) for ex in exemptions[1:])
    # Over every plan of any sizes, and over those breaking the bounds no more than this
    # one (the soft plan's widened floor): the core's community is the fewest households
    # outside them of the groups below the minimum tried.
    floor = max(arithmetic_bound(floors_on(scenario, data)[0], data, lo=0, hi=data.total),
                widened_floor(scenario, data, choices))
    return PieceResult(task.index, choices, exemptions, Status.FEASIBLE,
                       min(floor, plan_cost(scenario, choices)), spent,
                       f"host-core({scenario.unit_ids[int(data.units[core])]})", record.text,
                       used_s=spent)


def _rest(scenario: Scenario, data: PieceData, rest: np.ndarray, task: PieceTask,
          stop: StopFlag, solve_part: SolvePart, budget_s: float
          ) -> tuple[tuple[Choice, ...] | None, tuple[Reasons, ...], float]:
    """The rest's communities and their exemptions, each connected part solved as a part
    of the piece (None where a part has no plan), and the time used."""
    parts = [np.array(p, dtype=np.int64) for p in connected_parts(rest.tolist(), data.nbrs)]
    hh = [int(data.households[p].sum()) for p in parts]
    total = max(1, sum(hh))
    out: list[Choice] = []
    reasons: list[Reasons] = []
    used = 0.0
    for p, w in zip(parts, hh, strict=True):
        sub = piece_data(scenario, data.key, data.units[p])
        res = solve_part(scenario, sub, dataclasses.replace(
            task, units=sub.units, diagnosis=None, budget_s=max(0.2, budget_s * w / total),
            part_of_piece=True), stop)
        used += res.used_s
        if not res.choices:
            return None, (), used
        out.extend(res.choices)
        reasons.extend(res.exemptions)
    return tuple(out), tuple(reasons), used


__all__ = ["AROUND_MAX", "CORE_STEPS", "FIRST_SHARE", "around", "core_record", "host_core",
           "split_host_core"]
