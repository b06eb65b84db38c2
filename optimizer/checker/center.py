"""The checker's own proof that a community cannot have a service center (ONE-STATION).

Written apart from the solver's diagnosis (optimizer/graph/center.py) on purpose:
the checker must be able to disagree with it. What a site can become and the required
area come from the checker's own pricing (:mod:`optimizer.checker.pricing`); only the
scenario's numbers are shared.

A unit ``j`` can hold the center of a community of ``h`` households when a new center
may be built there (no ``no_build``), rooms are co-built there (``new_development``), or
one of its sites can give the required area max(AREA-MIN, AREA-PER-HH × h) by some
remedy (keep, renovate, extend, purchase). That only gets harder as ``h`` grows.
A community holding units ``u`` and ``j`` holds a path between them, so it has at
least ``w(u, j)`` households, the lightest such path within u's piece (same county,
street and kind). Hence, for a unit ``u``:

- no ``j`` can hold a center for ``w(u, j)`` households: no community holding ``u``
  can have a center (ONE-STATION is impossible for it, whatever its size);
- no ``j`` with ``w(u, j) ≤ U`` can for max(L, w(u, j)): no community of L..U
  households holding ``u`` can (so a community holding ``u`` breaks either the size
  rule or ONE-STATION, and either may be exempt).
"""

from __future__ import annotations

import heapq
import math

from optimizer.checker.pricing import required_area_m2, site_can_hold
from optimizer.scenario.model import Scenario


def _sites_of(scenario: Scenario) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for s, u in enumerate(scenario.sites.unit.tolist()):
        out.setdefault(int(u), []).append(s)
    return out


def can_hold_center(scenario: Scenario, unit: int, households: int,
                    sites_of: dict[int, list[int]] | None = None) -> bool:
    """Whether a legal center for ``households`` households can stand in ``unit``."""
    if not scenario.is_no_build(unit) or scenario.is_new_development(unit):
        return True
    need = required_area_m2(households, scenario.policy)
    sites = scenario.sites
    here = (sites_of if sites_of is not None else _sites_of(scenario)).get(unit, [])
    return any(site_can_hold(need, float(sites.area_m2[s]), float(sites.max_area_m2[s]))
               for s in here)


def some_center(scenario: Scenario, start: int, lo: int, limit: float,
                avoid: frozenset[int] = frozenset()) -> int | None:
    """A unit of ``start``'s piece that could hold the center of a community holding
    ``start`` of at most ``limit`` households (None when none can); with ``avoid``,
    of such a community holding none of those units (optimizer.checker.held)."""
    key = scenario.piece_key(start)
    h = scenario.households
    sites_of = _sites_of(scenario)
    done: set[int] = set()
    heap = [(int(h[start]), start)]
    while heap:
        w, u = heapq.heappop(heap)
        if u in done or w > limit:
            continue
        done.add(u)
        if can_hold_center(scenario, u, max(lo, w), sites_of):
            return u
        for v in scenario.neighbours[u].tolist():
            if v not in done and v not in avoid and scenario.piece_key(v) == key:
                heapq.heappush(heap, (w + int(h[v]), v))
    return None


def no_center_at_all(scenario: Scenario, unit: int) -> bool:
    """No community holding ``unit``, of any size, can have a legal center."""
    return some_center(scenario, unit, 0, math.inf) is None


def no_center_within_bounds(scenario: Scenario, unit: int) -> bool:
    """No community of L..U households holding ``unit`` can have a legal center."""
    lo, hi = scenario.policy.bounds(bool(scenario.urban[unit]))
    if int(scenario.households[unit]) > hi:
        return False            # no such community at all: the size rule's own case
    return some_center(scenario, unit, lo, hi) is None


def why(scenario: Scenario, unit: int) -> str:
    """'unit X: it has no site and is no_build, ...' for the checker's notes."""
    has_site = unit in _sites_of(scenario)
    own = "its sites are too small and it is no_build" if has_site \
        else "it has no site and is no_build"
    return (f"unit {scenario.unit_ids[unit]}: {own}, and no unit of its piece it could share "
            "a community with can hold a center")
