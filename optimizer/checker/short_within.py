"""AREA-PER-HH exempt where a unit within the maximum has no possible center that
reaches the need of any community holding it (bench/wild.py seed 67: compound 235,
2,600 households, needs 520 m²; its planned rooms S116-235 reach 491 m²).

The checker's own proof (never the solver's functions; optimizer.search.short_within
is the solver's side), from RULES.md:

- PIPELINE: a community holding a unit with rooms coming that it imposes
  (:func:`optimizer.checker.pipeline.imposed`) has a pipeline site of its own units as
  its center, never a build, co-built rooms or another site beside it (rooms built
  twice); ONE-STATION: one center; a site gives at most its reach
  max(area_m2, max_area_m2) (:func:`optimizer.checker.pricing.site_reach_m2`);
- a community holding the unit ``u`` and a unit ``v`` holds a connected path between
  them, so at least w(u, v) households, the lightest such path in the piece (same
  county, street and kind); the area it needs only grows with its households;
- so where every pipeline site of every unit ``v`` with w(u, v) at most the maximum
  reaches less than the need of w(u, v) households, no community within the bounds
  holding ``u`` can meet AREA-PER-HH, whatever the plan.

Where a community below the minimum would fit the rooms (wild seed 399: 3d3a6633's
1,744 households alone need 400 m², its S14 reaches 419.9 m²), the lightest paths prove
nothing; the exemption then stands only for a community within the bounds, where the
checker lists every connected community of lo..hi households holding ``u`` and finds
none with a pipeline site reaching its need (:func:`short_in_bounds`; session 33).

The exemption then stands for the one community holding ``u`` if it is within the
maximum (the proof says nothing of a larger one), its center is the pipeline site of
its units reaching the most (as little short as it can be) and extended to that
reach. As for a unit above the maximum (optimizer.checker.shortfall), an ordinary
site of ``u`` that reaches its own households' need blocks the exemption. Anything
else is rejected: an unproven shortfall is never exempt.
"""

from __future__ import annotations

import heapq
import re

from optimizer.checker.cover import group_can_host, sets_holding
from optimizer.checker.facts import AREA_EPS_M2, Context, Facts
from optimizer.checker.pipeline import STATUS_WORDS, imposed
from optimizer.checker.pricing import required_area_m2, site_reach_m2
from optimizer.plan.model import Community
from optimizer.scenario.model import Scenario


def site_reach(s: Scenario, k: int) -> float:
    return site_reach_m2(float(s.sites.area_m2[k]), float(s.sites.max_area_m2[k]))


def m2_text(x: float) -> str:
    return f"{x:,.2f}".rstrip("0").rstrip(".")


def _pipes(s: Scenario, unit: int) -> list[int]:
    return [k for k in s.sites_by_unit.get(unit, ()) if s.sites.status[k] in STATUS_WORDS]


def ordinary_fault(s: Scenario, unit: int, uid: str, need: float) -> str | None:
    """Why a shortfall of ``unit`` is not proven when one of its ordinary sites (not
    rooms coming: existing, or for sale) reaches ``need`` m² (another center could meet
    it), or None. For a unit above the maximum (optimizer.checker.shortfall) and one
    within it alike."""
    ordinary = [s.sites.site_ids[k] for k in s.sites_by_unit.get(unit, ())
                if s.sites.status[k] not in STATUS_WORDS and site_reach(s, k) >= need - AREA_EPS_M2]
    if not ordinary:
        return None
    return (f"{uid}'s site {ordinary[0]} (not rooms coming) reaches the {m2_text(need)} m² "
            f"its households need")


def full_reach_fault(s: Scenario, com: Community, pipe: list[int], top: int) -> str | None:
    """Why ``com``'s center is not the pipeline site ``top`` of ``pipe`` (the one
    reaching most) at its full reach, or None: the one center a shortfall is exempt on
    (PIPELINE, ONE-STATION; optimizer.checker.shortfall as well)."""
    reach = site_reach(s, top)
    at = s.sites.index(com.site_id) if com.site_id in s.sites.site_ids else None
    if at is None or at not in pipe or site_reach(s, at) < reach - AREA_EPS_M2:
        return (f"its center is not the pipeline site that reaches the most "
                f"({s.sites.site_ids[top]}, {m2_text(reach)} m²), which PIPELINE and "
                f"ONE-STATION make its center")
    if com.area_after_m2 < reach - AREA_EPS_M2:
        return (f"its center gives {m2_text(com.area_after_m2)} m², not the "
                f"{m2_text(reach)} m² site {com.site_id} can reach")
    return None


def reaching_center(s: Scenario, unit: int, hi: int, by_year: int | None = None
                    ) -> tuple[str, int, float] | None:
    """A pipeline site some community of at most ``hi`` households holding ``unit``
    could take as a legal center: (site id, the least households of such a community,
    the area they need); None where there is none (the proof). ``by_year``: only
    sites handed over by then (optimizer.checker.late_rooms, FACILITY-95)."""
    pol = s.policy
    key = s.piece_key(unit)
    h = s.households
    done: set[int] = set()
    heap = [(int(h[unit]), unit)]
    while heap:
        w, v = heapq.heappop(heap)
        if v in done or w > hi:
            continue
        done.add(v)
        need = required_area_m2(w, pol)
        for k in _pipes(s, v):
            if by_year is not None and int(s.sites.handover_year[k]) > by_year:
                continue
            if site_reach(s, k) >= need - AREA_EPS_M2:
                return s.sites.site_ids[k], w, need
        for n in s.neighbours[v].tolist():
            if n not in done and s.piece_key(n) == key:
                heapq.heappush(heap, (w + int(h[n]), n))
    return None


def short_in_bounds(s: Scenario, unit: int, lo: int, hi: int) -> bool:
    """Whether no connected community of lo..hi households holding ``unit`` (its rooms
    imposed) has a legal center: each must take a pipeline site of its units (PIPELINE,
    ONE-STATION) and none reaches its need (AREA-PER-HH), by every such community
    (:func:`optimizer.checker.cover.sets_holding`, the checker's own). Where one of
    fewer households fits the rooms (wild seed 399: 3d3a6633's 1,744 households fit
    S14's 419.9 m², and with its one neighbour any community holding it has 2,606), the
    shortfall within the bounds is proven by this alone. False where none exists
    (then the size rule breaks) or past the search's cap (undecided)."""
    if not imposed(s, unit):
        return False
    key = s.piece_key(unit)
    piece = {v for v in range(len(s.unit_ids)) if s.piece_key(v) == key}
    held = sets_holding(s, piece, unit, lo, hi, first=lambda g, w: group_can_host(s, g, w))
    if not held:
        return False
    return all(not group_can_host(s, g, sum(int(s.households[v]) for v in g)) for g in held)


def within_proof(ctx: Context, com: Community, f: Facts, text: str) -> tuple[bool, str]:
    """Whether the AREA-PER-HH exemption ``text`` of ``com`` names a unit within the
    maximum whose community can have no legal center (module docstring), and why."""
    s, pol = ctx.scenario, ctx.scenario.policy
    hi = pol.bounds(f.urban)[1]
    named = [u for u in f.units if imposed(s, u) and int(s.households[u]) <= hi
             and re.search(rf"(?<![\w-]){re.escape(s.unit_ids[u])}(?![\w-])", text)]
    if not named:
        return False, ("it names no unit of the community above the maximum, nor one "
                       "within it holding rooms coming that PIPELINE makes its center")
    u = named[0]
    uid, own = s.unit_ids[u], int(s.households[u])
    need = required_area_m2(own, pol)
    ordinary = ordinary_fault(s, u, uid, need)
    if ordinary is not None:
        return False, ordinary
    if f.households > hi:
        return False, (f"its {f.households} households are above the maximum {hi}: no "
                       f"proof that a community of {uid} that large has no legal center")
    found = reaching_center(s, u, hi)
    lo = 0
    if found is not None:
        sid, w, most = found
        lo = pol.bounds(f.urban)[0]
        if f.households < lo or not short_in_bounds(s, u, lo, hi):
            return False, (f"a community of {w} households holding {uid} could have the "
                           f"pipeline site {sid} as a legal center ({m2_text(most)} m² "
                           "needed)" + (f", and one of {lo}..{hi} households too"
                                        if f.households >= lo else ""))
    pipe = sorted({k for i in f.units for k in _pipes(s, i)})
    top = max(pipe, key=lambda k: (site_reach(s, k), -k))
    reach = site_reach(s, top)
    fault = full_reach_fault(s, com, pipe, top)
    if fault is not None:
        return False, fault
    if lo:
        return True, (f"no community of {lo}..{hi} households holding {uid} has a pipeline "
                      f"site reaching its need (the checker searched every one), and its "
                      f"community's center, the pipeline site {com.site_id} (PIPELINE, "
                      f"ONE-STATION), reaches {m2_text(reach)} m² at most")
    return True, (f"no community of at most {hi} households holding {uid} has a pipeline "
                  f"site reaching its need: the {own} households of {uid}, within the "
                  f"maximum, alone need {m2_text(need)} m², and its community's center, the "
                  f"pipeline site {com.site_id} (PIPELINE, ONE-STATION), reaches "
                  f"{m2_text(reach)} m² at most")


__all__ = ["reaching_center", "short_in_bounds", "within_proof"]
