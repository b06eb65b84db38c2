"""The checker's proof that rooms coming too late are forced on a community (FACILITY-95).

PIPELINE makes rooms under construction or planned the center of the community that
holds them (ONE-STATION: no other beside them), and such a center stands only from
its ``available_year`` (:func:`optimizer.checker.facts.meets_area`). Where that year
is after the target year (2015), the community holding the unit cannot meet the
standard by then, unless it also holds other rooms coming, handed over by then, that
reach its need. Bench/wild.py seeds 383 and 397: 15-17 communities, so FACILITY-95's
95% allows no miss at all, and rooms handed over in 2016-2017 made every plan fail.

The proof, for the plan's community C whose center is such late rooms at unit u, is
about every plan, not this one: in any plan the community C' holding u has a pipeline
center; it meets the standard by the target year only through rooms coming k' at a
unit v of C' handed over by then that reach C''s need. C' is connected and holds u
and v, so it holds at least the households of the lightest path from u to v (both
ends counted, within u's piece, which no community leaves). If no such (v, k') reaches
the need of that path's households, no plan lets the community of u meet the standard
by the target year: its miss is forced, as a shortfall of rooms coming is (AREA-PER-HH
exempt), and FACILITY-95 is judged on the other communities. Nothing is assumed of the
sizes the rules allow (a larger community needs more), so the search is the one of
:func:`optimizer.checker.short_within.reaching_center` without its cap on households,
over the sites handed over by the target year. Shares none of the solver's code.
"""

from __future__ import annotations

from collections.abc import Sequence

from optimizer.checker.facts import Context, Facts
from optimizer.checker.pipeline import describe, imposed
from optimizer.checker.short_within import reaching_center
from optimizer.plan.model import Community
from optimizer.scenario.model import Scenario


def late_forced(ctx: Context, facts: Sequence[tuple[Community, Facts]]) -> dict[str, str]:
    """Community id -> why its miss of the standard by the target year is forced (see
    the module), for the communities of ``facts`` that would meet it once their rooms
    are handed over and whose center is imposed rooms handed over after that year."""
    s = ctx.scenario
    year = s.policy.target_year
    out: dict[str, str] = {}
    for com, f in facts:
        if f.area_ok or f.area_exempt or f.center_exempt or not f.area_ok_handed:
            continue
        u = s.unit_index.get(com.site_unit_id)
        if u is None or not com.site_id or com.site_id not in s.sites.site_ids:
            continue
        k = s.sites.index(com.site_id)
        if k not in imposed(s, u) or int(s.sites.handover_year[k]) <= year:
            continue
        if can_escape(s, u, year):
            continue
        out[com.community_id] = (
            f"{com.community_id}: the rooms {describe(s, k)} of {s.unit_ids[u]} are the "
            f"center of any community holding it (PIPELINE, ONE-STATION), and no rooms "
            f"handed over by {year} that such a community could hold reach its need")
    return out


def can_escape(s: Scenario, u: int, year: int) -> bool:
    """Whether rooms coming handed over by ``year``, at a unit v of u's piece, reach the
    need of the lightest connected set holding u and v (no cap on its households)."""
    return reaching_center(s, u, int(s.households.sum()), by_year=year) is not None


__all__ = ["can_escape", "late_forced"]
