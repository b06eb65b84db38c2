"""ONE-STATION diagnosis: units that no community within the size bounds can give a
service center, so their piece has no plan obeying every rule.

A center stands in one of its community's units (ONE-STATION): a new build where
building is allowed (no ``no_build``), co-built rooms in a ``new_development`` unit, or a
site of sites.csv large enough once extended (the required area max(400, 0.2 m² per
household) must not pass the larger of its area and ``max_area_m2``). A unit with
``no_build`` and no site (or only a small one) needs a center elsewhere in its
community. For a unit ``u`` and a possible center ``j``, every community holding both
holds a path from ``u`` to ``j``, so it has at least ``w(u, j)`` households (the lightest
such path, both ends counted) and needs at least the area for ``max(L, w(u, j))`` under
the bounds L..U. When no ``j`` with ``w(u, j) <= U`` passes that test, no community of
L..U households holding ``u`` can have a center: the piece is impossible
(``no-center``), whatever the search. When no ``j`` at all (any size) passes it, no
community holding ``u`` can have a center.

The solver gives such a piece its least-bad plan (optimizer.search.piece): a new
build stands in where none is allowed, in the community that needs it, with a
ONE-STATION exemption naming the unit. The checker proves the same facts on its own
(optimizer/checker/center.py).
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Container
from dataclasses import dataclass

from optimizer.plan.exemption import CenterWhy
from optimizer.scenario.model import Scenario

INF = math.inf


def capacity_m2(scenario: Scenario, unit: int) -> float:
    """The largest required area a center standing in ``unit`` can provide (m²):
    unbounded where a new or co-built center is allowed, else its largest site's
    max(area, max_area); 0 without a site."""
    if not scenario.is_no_build(unit) or scenario.is_new_development(unit):
        return INF
    return _sites_capacity_m2(scenario, unit)


def site_reach_m2(scenario: Scenario, k: int) -> float:
    """The most area site ``k``'s rooms can reach: max(area_m2, max_area_m2)."""
    return max(float(scenario.sites.area_m2[k]), float(scenario.sites.max_area_m2[k]))


def imposed_sites(scenario: Scenario, unit: int) -> tuple[int, ...]:
    """The pipeline sites of ``unit`` a community holding it must take as its center
    (PIPELINE: rooms coming whose reach covers the area a community of the lower bound
    needs; optimizer.model.precedence puts them in the models)."""
    sites, pol = scenario.sites, scenario.policy
    lo = pol.bounds(bool(scenario.urban[unit]))[0]
    need = pol.required_area_m2(lo)
    return tuple(k for k in scenario.sites_by_unit.get(unit, ())
                 if sites.is_pipeline(k) and site_reach_m2(scenario, k) >= need)


def rooms_reach_m2(scenario: Scenario, unit: int) -> float:
    """The most area a center on one of ``unit``'s pipeline sites can reach (0 without
    one): where a community holds imposed rooms, only such a center is legal."""
    return max((site_reach_m2(scenario, k) for k in scenario.sites_by_unit.get(unit, ())
                if scenario.sites.is_pipeline(k)), default=0.0)


def legal_capacity_m2(scenario: Scenario, unit: int) -> float:
    """:func:`capacity_m2` without a stand-in build: where the search lifted no_build
    (``scenario.stand_in``, ONE-STATION's last resort) only the unit's sites count, as
    in the scenario the planner gave."""
    if scenario.is_stand_in(unit) and not scenario.is_new_development(unit):
        return _sites_capacity_m2(scenario, unit)
    return capacity_m2(scenario, unit)


def _sites_capacity_m2(scenario: Scenario, unit: int) -> float:
    return max((site_reach_m2(scenario, s) for s in scenario.sites_by_unit.get(unit, ())),
               default=0.0)


def can_reach_center(scenario: Scenario, start: int, units: set[int], cap: dict[int, float],
                     lo: int, limit: float = INF) -> bool:
    """Whether some unit ``j`` of ``units`` joined to ``start`` by a path of ``w`` ≤
    ``limit`` households (the lightest, both ends counted, through ``units``) can hold
    the center of a community of max(lo, w) households."""
    h = scenario.households
    need = scenario.policy.required_area_m2
    seen: set[int] = set()
    heap = [(int(h[start]), start)]
    while heap:
        w, u = heapq.heappop(heap)
        if u in seen or w > limit:
            continue
        seen.add(u)
        if cap[u] >= need(max(lo, w)):
            return True
        for v in scenario.neighbours[u].tolist():
            if v in units and v not in seen:
                heapq.heappush(heap, (w + int(h[v]), v))
    return False


@dataclass(frozen=True)
class Centerless:
    """The units of one piece that no community can give a center."""

    within_bounds: tuple[int, ...]   # none of L..U households holding the unit can
    at_any_size: tuple[int, ...]     # none of any size holding it can


def centerless(scenario: Scenario, units: list[int], lo: int, hi: int) -> Centerless:
    """The units of a piece (``units``, one county, street and kind, connected) that no
    community within ``lo..hi`` (or of any size) holding them can give a center."""
    inside = set(units)
    cap = {u: capacity_m2(scenario, u) for u in units}
    bounded: list[int] = []
    anywhere: list[int] = []
    for u in units:
        if cap[u] == INF:
            continue
        if int(scenario.households[u]) <= hi and not _alone_short(scenario, u, inside, lo, hi):
            if can_reach_center(scenario, u, inside, cap, lo, hi):
                continue
            bounded.append(u)
        if not can_reach_center(scenario, u, inside, cap, 0):
            anywhere.append(u)
    return Centerless(tuple(bounded), tuple(anywhere))


def _alone_short(scenario: Scenario, u: int, inside: set[int], lo: int, hi: int) -> bool:
    """``u`` is below ``lo`` and with any neighbour above ``hi``: no community of
    lo..hi households holds it at all."""
    return int(scenario.households[u]) < lo and joins_none(scenario, u, hi, inside)


def joins_none(scenario: Scenario, u: int, hi: int, inside: Container[int]) -> bool:
    """Whether ``u`` with any of its neighbours in ``inside`` has more than ``hi``
    households: no community of at most ``hi`` holds it beside another unit."""
    h = scenario.households
    return all(int(h[u]) + int(h[v]) > hi
               for v in scenario.neighbours[u].tolist() if v in inside)


def why_unit(scenario: Scenario, unit: int, lo: int) -> CenterWhy:
    """Why no center can stand in ``unit`` itself (for a community of ``lo``)."""
    uid = scenario.unit_ids[unit]
    sites = scenario.sites_by_unit.get(unit, ())
    if not sites:
        return CenterWhy(uid)
    return CenterWhy(uid, tuple(scenario.sites.site_ids[s] for s in sites),
                     capacity_m2(scenario, unit), scenario.policy.required_area_m2(lo), lo)


def center_why_text(why: CenterWhy) -> str:
    """The words of :func:`why_unit`, in planner terms."""
    if not why.sites:
        return f"{why.unit} has no site and no new center may be built there (no_build)"
    return (f"{why.unit} is no_build and its site {', '.join(why.sites)} allows at most "
            f"{why.max_m2:,.0f} m², below the {why.need_m2:,.0f} m² a community of "
            f"{why.households:,} households needs (AREA-PER-HH, AREA-MIN)")


def describe_unit(scenario: Scenario, unit: int, lo: int) -> str:
    """Why no center can stand in ``unit`` itself, in planner terms."""
    return center_why_text(why_unit(scenario, unit, lo))
