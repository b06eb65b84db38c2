"""AREA-PER-HH exempt where a unit above the maximum's own rooms coming fall short.

RULES.md: a unit is never split, so a unit above the maximum is a community (with
whatever the plan must add to it); PIPELINE makes the rooms under construction or
planned it holds that community's center (handed over, never built twice), and
ONE-STATION allows no second center beside them. When even the pipeline site that
reaches the most cannot give the area the unit's own households need, the community
cannot meet AREA-PER-HH: the shortfall comes from that unit. The checker proves it on
its own (never the solver's functions):

- the text names a unit of the community above the maximum that holds pipeline sites
  PIPELINE imposes (:func:`optimizer.checker.pipeline.imposed`);
- its own households need more than the greatest reach R of the imposed pipeline sites
  of the community's units, and no ordinary site of the unit (existing, or for sale)
  reaches that need (else another center could meet it: no exemption); or R reaches
  the unit's own need but not the community's, and the units that joined it are forced
  on it (:mod:`optimizer.checker.forced`: no plan of the part they are cut off in keeps
  every community of a unit above the maximum a legal center; bench/wild.py seed 133);
- where the unit holds no rooms coming, those of the units that joined it are forced
  on it the same way (seeds 24, 96, 110);
- the center is a pipeline site reaching R, extended to R (as little exempt as can be);
- any other unit of the community is one its size exemption claims (joined, companions,
  boxed in: proved there), so the shortfall is no larger than the unit's own need minus
  R plus what those units add.

A center extended to its full reach short of the need is then a valid remedy: the
REMEDY line that says the site cannot give the required area becomes exempt too
(:func:`optimizer.checker.exemptions.apply`). FACILITY-95 still counts the community
as below the standard.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from optimizer.checker.claims import read
from optimizer.checker.facts import AREA_EPS_M2, Context, Facts
from optimizer.checker.pipeline import imposed
from optimizer.checker.pricing import required_area_m2
from optimizer.checker.proofs import _names
from optimizer.checker.short_within import (
    full_reach_fault,
    m2_text,
    ordinary_fault,
    site_reach,
    within_proof,
)
from optimizer.plan.model import Community

SIZE_RULES = ("SIZE-URBAN", "SIZE-RURAL")


def _claimed(ctx: Context, com: Community, f: Facts) -> tuple[set[int], int]:
    """The units the community's size exemption claims (joined, companions, boxed), and
    how many more it claims without naming them ("... and 6 more": a long list is cut
    in the text; the SIZE row holds that count to the community's joined units,
    optimizer.checker.stranded), so those are claimed too (bench/wild.py seed 348)."""
    s = ctx.scenario
    kind = "urban" if f.urban else "rural"
    out: set[int] = set()
    hidden = 0
    for part in com.exemption.split(" | "):
        text = part.strip()
        rule = text.split(":", 1)[0].strip()
        if rule not in SIZE_RULES:
            continue
        for c in read(s, rule, text, com.county, com.street, kind).claims:
            if c.kind in ("joined", "companions", "boxed"):
                out.update(c.units)
                hidden += c.more
                if c.of_unit is not None:
                    out.add(c.of_unit)
    return out, hidden


def short_proof(ctx: Context, com: Community, f: Facts, text: str,
                forced: Callable[[int], tuple[bool, str]] | None = None) -> tuple[bool, str]:
    """Whether the AREA-PER-HH exemption ``text`` of ``com`` is forced, and why.
    ``forced(u)``: whether the units that joined the unit above the maximum are forced
    on its community (optimizer.checker.forced.forced_proof), asked where it holds no
    rooms coming (bench/wild.py seeds 24, 96, 110) or where the rooms reach its own
    households' need and only the joined units outgrow them (seed 133)."""
    s, pol = ctx.scenario, ctx.scenario.policy
    hi = pol.bounds(f.urban)[1]
    big = [u for u in f.units if int(s.households[u]) > hi
           and re.search(rf"(?<![\w-]){re.escape(s.unit_ids[u])}(?![\w-])", text)]
    if not big:     # a unit within the maximum, its every possible center short
        return within_proof(ctx, com, f, text)
    u = big[0]
    uid = s.unit_ids[u]
    own = int(s.households[u])
    if not imposed(s, u):
        ok, why = forced(u) if forced is not None else (False, "")
        if not ok:
            return False, why or (f"{uid} holds no rooms under construction or planned that "
                                  "PIPELINE makes its community's center")
    pipe = sorted({k for i in f.units for k in imposed(s, i)})
    reach = max(site_reach(s, k) for k in pipe)
    need = required_area_m2(own, pol)
    whole = required_area_m2(f.households, pol)
    top = s.sites.site_ids[max(pipe, key=lambda k: (site_reach(s, k), -k))]
    if reach >= whole - AREA_EPS_M2:
        return False, (f"the pipeline site {top} reaches {m2_text(reach)} m², the "
                       f"{m2_text(whole)} m² the {f.households} households of its community "
                       f"need")
    joined = reach >= need - AREA_EPS_M2
    if joined and imposed(s, u):
        # The rooms reach the unit's own need; only the units that joined it outgrow
        # them: the shortfall stands only if they are forced on it (bench/wild.py 133).
        ok, why = forced(u) if forced is not None else (False, "")
        if not ok:
            return False, why or (f"the pipeline site {top} reaches {m2_text(reach)} m², the "
                                  f"{m2_text(need)} m² the {own} households of {uid} need")
    ordinary = ordinary_fault(s, u, uid, need)
    if ordinary is not None:
        return False, ordinary
    fault = full_reach_fault(s, com, pipe, max(pipe, key=lambda k: (site_reach(s, k), -k)))
    if fault is not None:
        return False, fault
    others = set(f.units) - {u}
    claimed, hidden = _claimed(ctx, com, f)
    loose = sorted(s.unit_ids[i] for i in others - claimed)
    if len(loose) > hidden:
        return False, (f"it also holds {', '.join(loose[:8])}, which its size exemption does "
                       "not claim: each household added deepens the shortfall")
    extra = pol.area_per_100_households_m2 * int(s.households[sorted(others)].sum()) / 100.0
    short = pol.area_per_100_households_m2 * f.households / 100.0 - com.area_after_m2
    if short > need - reach + extra + AREA_EPS_M2:
        return False, (f"its shortfall, {m2_text(short)} m², is more than {uid}'s own need less "
                       f"the site's reach ({m2_text(need - reach)} m²)"
                       + (f" and its other units' {m2_text(extra)} m²" if others else ""))
    if joined:
        return True, (f"the {f.households} households of the community of {uid}, above the "
                      f"maximum, and of the units that must join it ({_names(s, others)}) "
                      f"need {m2_text(whole)} m², and its pipeline site {com.site_id}, its "
                      f"community's center (PIPELINE, ONE-STATION), reaches {m2_text(reach)} m² "
                      "at most")
    return True, (f"the {own} households of {uid}, above the maximum, need {m2_text(need)} m², "
                  f"and its pipeline site {com.site_id}, its community's center (PIPELINE, "
                  f"ONE-STATION), reaches {m2_text(reach)} m² at most")


__all__ = ["short_proof"]
