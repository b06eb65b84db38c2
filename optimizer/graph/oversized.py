"""A piece around its units above the maximum: what is provably impossible, and no more.

A unit is never split, so a unit with more households than a community may hold
(SIZE-URBAN/SIZE-RURAL) makes its own community break the size rule, whatever the
plan. That is all it proves: the rest of the piece is an ordinary districting
problem. This module takes such a piece apart (pure graph work, no solver):

- the **oversized units** O (households > U);
- the **parts**: the connected components of the piece without O (removing a unit
  that is a cut vertex disconnects the rest, so there may be several);
- for each part, whether it can be split into connected communities of L..U
  households **on its own**: no when no whole number k has k·L ≤ H ≤ k·U
  (arithmetic), or when the exhaustive split search of
  :func:`optimizer.graph.split_search.splittable` (parts up to 64 units) finds none in
  which every community has a place for its center (a ``no_build`` unit without a
  large enough site cannot hold one; larger parts: optimizer.search.oversized lists
  their communities and proves it there).
  Such a part is **stranded**; every other part is solved as any piece is.

What is provable and minimal (the reasoning the search follows):

1. Each oversized unit's community breaks the rule; no other community has to. So
   the plan gives each oversized unit a community of its own holding no other
   oversized unit, and asks every other community to keep L..U.
2. A part that can be split on its own needs nothing from its neighbours: its units
   stay out of the oversized units' communities (adding them would enlarge an
   exempt community where no proof requires it).
3. A stranded part cannot be covered by communities within the bounds, and every
   unit of it that is not in such a community must be in the community of an
   oversized unit it reaches through the part (communities are connected, and the
   part touches nothing else). So some of its units *must* join the oversized units'
   communities; the provable minimum is the least number of households that can
   join while the rest of the part splits within the bounds. The search
   (optimizer.search.oversized) lists every possible community of the stranded parts
   and every possible oversized community around them, and finds that minimum by set
   partitioning (then the cheapest plan with that minimum): exactly those households
   join, and the exemption says so. A lower bound on that minimum comes from the
   arithmetic alone (:func:`least_to_attach`).
4. An oversized unit where no center can stand (no site, no_build) needs company to
   have a center at all: the lightest path of units to one that can hold the center
   joins it (:func:`company`), the least such a community must hold; its exemption
   says so in a clause of its own (:func:`companions_clause`, record
   ``Companions``), which the checker proves with its own search
   (optimizer/checker/companions.py).

Everything else in the piece gets its plan and its bound exactly as any other piece.
"""

from __future__ import annotations

import dataclasses
import heapq
import math
from collections.abc import Callable
from dataclasses import dataclass

from optimizer.graph.center import capacity_m2, imposed_sites, rooms_reach_m2
from optimizer.graph.diagnosis import EXHAUSTIVE_UNITS, _Words, list_ids, shown
from optimizer.graph.pieces import feasible_community_counts
from optimizer.graph.split_search import splittable
from optimizer.plan.exemption import Companions, Exemption, Joined, Named
from optimizer.scenario.model import Scenario

CENTER_SPLIT_UNITS = 12     # parts up to this size also searched with the centers


@dataclass(frozen=True)
class Part:
    """A connected part of the piece without its oversized units (global unit ids)."""

    units: tuple[int, ...]
    households: int
    touches: tuple[int, ...]        # oversized units it borders
    stranded: str                   # "" (splits on its own), "no-integer-k" or "no-partition"
    origin: tuple[int, ...] = ()    # the part it is of, as the piece without its units
                                    # above the maximum (and companions) has it, when
                                    # pockets were set apart (optimizer.graph.pocket)


@dataclass(frozen=True)
class Around:
    """The piece taken apart around its oversized units (global unit indices)."""

    oversized: tuple[int, ...]
    parts: tuple[Part, ...]


def oversized_units(scenario: Scenario, units: list[int], hi: int) -> list[int]:
    return [u for u in units if int(scenario.households[u]) > hi]


def take_apart(scenario: Scenario, units: list[int], lo: int, hi: int,
               oversized: list[int] | None = None) -> Around:
    """The parts of ``units`` (one connected piece) without ``oversized`` (default:
    the units above ``hi``), each judged stranded or not."""
    over = sorted(oversized_units(scenario, units, hi) if oversized is None else oversized)
    gone = set(over)
    rest = [u for u in units if u not in gone]
    inside = set(rest)
    seen: set[int] = set()
    parts = []
    for start in sorted(rest):
        if start in seen:
            continue
        comp = [start]
        seen.add(start)
        todo = [start]
        touches: set[int] = set()
        while todo:
            u = todo.pop()
            for v in scenario.neighbours[u].tolist():
                if v in gone:
                    touches.add(int(v))
                elif v in inside and v not in seen:
                    seen.add(v)
                    comp.append(v)
                    todo.append(v)
        comp.sort()
        hh = int(scenario.households[comp].sum())
        stranded = ""
        if not feasible_community_counts(hh, lo, hi):
            stranded = "no-integer-k"
        elif len(comp) <= EXHAUSTIVE_UNITS and not _splits(scenario, comp, lo, hi):
            stranded = "no-partition"
        parts.append(Part(tuple(comp), hh, tuple(sorted(touches)), stranded))
    return Around(tuple(over), tuple(parts))


def _splits(scenario: Scenario, comp: list[int], lo: int, hi: int) -> bool:
    """Whether the exhaustive search finds a split of ``comp`` into connected
    communities of lo..hi households each with a place for its center (a no_build
    unit without a large enough site cannot hold one: ONE-STATION); True when
    undecided. By households alone first, the centers only when some unit cannot host
    every community, on parts of at most CENTER_SPLIT_UNITS units: the search with
    them took 27 s (load 11) on parts of 16 and 37 villages, before any solve began;
    a larger part the piece search finds no plan for joins the stranded ones."""
    if splittable(scenario, comp, lo, hi) is False:
        return False
    cap = [capacity_m2(scenario, u) for u in comp]
    if min(cap) == math.inf or len(comp) > CENTER_SPLIT_UNITS:
        return True
    return splittable(scenario, comp, lo, hi, cap) is not False


def least_to_attach(households: int, lo: int, hi: int) -> int:
    """The fewest households a stranded part of ``households`` must give away so that
    what stays can hold a whole number of communities (0 or k·L..k·U households), by
    arithmetic alone: a lower bound on the true minimum (which also needs the rest to
    split connectedly)."""
    best = households          # give all of it away
    k = 1
    while k * lo <= households:
        best = min(best, max(0, households - k * hi))
        k += 1
    return best


def company(scenario: Scenario, unit: int, allowed: set[int],
            not_hosts: frozenset[int] = frozenset()) -> list[int] | None:
    """For an oversized ``unit`` where no center can stand: the units of ``allowed``
    on the lightest path (households) from it to a unit that can hold the center of
    the community they make; None when there is none. The unit itself is excluded, and
    so are ``not_hosts`` as the path's end (stand-ins: no_build units a build may stand
    in only because no legal center is possible there; a path may pass them).

    PIPELINE: a community holding imposed rooms coming (:func:`imposed_sites`) has one
    of its pipeline sites as its center, never a build beside them. So the lightest is
    the lighter of a path through no unit with such rooms to a unit that can hold the
    center, and any path to a unit whose pipeline rooms reach the need (ties: the
    first). Seed 1323: a 4,229-household compound took its lightest neighbour, whose
    rooms under construction reach 597 m² against 885 m², as its place for a center;
    no center fitted, and ``solve`` refused a scenario whose next neighbour could build."""
    need = scenario.policy.required_area_m2
    best: tuple[int, list[int]] | None = None
    if not imposed_sites(scenario, unit):
        free = {u for u in allowed if not imposed_sites(scenario, u)}
        best = _lightest(scenario, unit, free, lambda u, w: (
            u not in not_hosts and capacity_m2(scenario, u) >= need(w)))
    piped = _lightest(scenario, unit, allowed,
                      lambda u, w: rooms_reach_m2(scenario, u) >= need(w))
    if piped is not None and (best is None or piped[0] < best[0]):
        best = piped
    return best[1] if best is not None else None


def _lightest(scenario: Scenario, unit: int, allowed: set[int],
              hosts: Callable[[int, int], bool]) -> tuple[int, list[int]] | None:
    """The households and the units (``unit`` left out) of the lightest path from
    ``unit`` through ``allowed`` to a unit ``u`` other than it with ``hosts(u, w)``,
    ``w`` the path's households, both ends counted; None when there is none."""
    h = scenario.households
    heap: list[tuple[int, int, tuple[int, ...]]] = [(int(h[unit]), unit, ())]
    seen: set[int] = set()
    while heap:
        w, u, path = heapq.heappop(heap)
        if u in seen:
            continue
        seen.add(u)
        if u != unit and hosts(u, w):
            return w, list(path)
        for v in scenario.neighbours[u].tolist():
            if v in allowed and v not in seen:
                heapq.heappush(heap, (w + int(h[v]), int(v), (*path, int(v))))
    return None


COMPANIONS = ("has no place for a service center of its own, and these units are the "
              "lightest path (by households) from it to a place for one, outside the "
              "communities of other units above the maximum (ONE-STATION)")


def companions_clause(scenario: Scenario, key: tuple[str, str, str], unit: int,
                      companions: list[int]) -> str:
    """The words :func:`oversized_exemption` adds for ``unit``'s companions."""
    w = _Words(key)
    cids = [scenario.unit_ids[u] for u in sorted(companions)]
    chh = int(scenario.households[sorted(companions)].sum())
    named = f"the {w.unit} {cids[0]}" if len(cids) == 1 else f"the {w.units} {list_ids(cids)}"
    return (f" Its community also holds {named} ({chh:,} households): the {w.unit} "
            f"{scenario.unit_ids[unit]} {COMPANIONS}.")


def oversized_exemption(scenario: Scenario, key: tuple[str, str, str], unit: int,
                        attached: list[int] | None = None, parts: list[Part] | None = None,
                        proven: bool = True, companions: list[int] | None = None
                        ) -> Exemption:
    """The exemption of the community of oversized ``unit``: the diagnosis' record that
    names it (optimizer.graph.diagnosis, reason ``unit-above-max``); when no center can
    stand in it, the ``companions`` :func:`company` gave it (``companions``); and, when
    units of stranded ``parts`` had to join it, which and why (``joined``). The
    companions are said apart from the joined units: they are not of the stranded parts
    (a text naming them among those was false, and the checker rejected it)."""
    from optimizer.graph.diagnosis import unit_above_max_record

    urban = key[2] == "urban"
    rule = scenario.policy.size_rule(urban)
    lo, hi = scenario.policy.bounds(urban)
    record = unit_above_max_record(scenario, key, unit, hi, rule)
    w = _Words(key)
    if companions:
        cids = [scenario.unit_ids[u] for u in sorted(companions)]
        chh = int(scenario.households[sorted(companions)].sum())
        record = dataclasses.replace(
            record, text=record.text + companions_clause(scenario, key, unit, companions),
            companions=Companions(Named(*shown(cids)), chh, scenario.unit_ids[unit]))
    if not attached:
        return record
    ids = [scenario.unit_ids[u] for u in sorted(attached)]
    named = f"the {w.unit} {ids[0]}" if len(ids) == 1 else f"the {w.units} {list_ids(ids)}"
    hh = int(scenario.households[sorted(attached)].sum())
    # The parts as the piece without its units above the maximum has them (a pocket
    # set apart is still of its part: the checker reads them so).
    whole = sorted({p.origin or p.units for p in parts or []})
    # The least found with a pocket apart is not claimed the least of every plan.
    proven = proven and not any(p.origin for p in parts or [])
    n = sum(len(units) for units in whole)
    total = sum(int(scenario.households[list(units)].sum()) for units in whole)
    how = ("no plan gives fewer households to the communities of units above the maximum "
           "(every possible community there was listed)" if proven
           else "this is the least the search found in time")
    text = (record.text + f" Its community also holds {named} ({hh:,} households) of the "
            f"{n:,} units ({total:,} households) that units above the maximum cut off from "
            f"the rest of the {w.town}'s {w.area}: those cannot form connected {w.kind} "
            f"communities of {lo:,}-{hi:,} households on their own ({rule}), and {how}.")
    joined = Joined(Named(*shown(ids)), hh, n, total, lo, hi, proven)
    return dataclasses.replace(record, text=text, joined=joined)


def oversized_reason(scenario: Scenario, key: tuple[str, str, str], unit: int,
                     attached: list[int] | None = None, parts: list[Part] | None = None,
                     proven: bool = True, companions: list[int] | None = None) -> str:
    """The words of :func:`oversized_exemption`."""
    return oversized_exemption(scenario, key, unit, attached, parts, proven, companions).text


def stranded_groups(stranded: list[Part]) -> list[tuple[list[Part], list[int]]]:
    """Stranded parts joined through the oversized units they touch, in a fixed order
    (optimizer.search.oversized solves each group together)."""
    parent = list(range(len(stranded)))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    first: dict[int, int] = {}
    for k, p in enumerate(stranded):
        for o in p.touches:
            if o in first:
                parent[find(k)] = find(first[o])
            else:
                first[o] = k
    out: dict[int, tuple[list[Part], set[int]]] = {}
    for k, p in enumerate(stranded):
        ps, os_ = out.setdefault(find(k), ([], set()))
        ps.append(p)
        os_.update(p.touches)
    groups = [(sorted(ps, key=lambda p: p.units[0]), sorted(os_)) for ps, os_ in out.values()]
    return sorted(groups, key=lambda g: g[0][0].units[0])
