"""PIPELINE and NEWDEV-FIRST as the checker reads them: rooms coming and co-built rooms
come first, and nothing is built twice.

Written apart from the engine's ``optimizer.model.precedence`` (the checker never
imports the model), from RULES.md:

- PIPELINE: rooms under construction or planned (sites.csv ``status``) must be handed to
  the community that holds them; a community holding such a site has one of its
  pipeline sites as its center (a new build, a co-build or another site beside them
  would build the rooms twice). Imposed where the site can be the center of some
  community within the bounds: max(area_m2, max_area_m2) is at least the area a
  community of the lower bound needs. The plan-wide line counts every imposed site
  handed to its community (its center, or beside a pipeline center of the same
  community: one community has one center).
- NEWDEV-FIRST: a community holding a ``new_development`` unit (and no imposed pipeline
  site) has the co-built rooms (``codevelop``) as its center, before any remedy the
  budget pays for.
- A center on a pipeline site stands from the site's ``available_year``: after the
  target year (FACILITY-95, by 2015) it does not count as meeting the standard then
  (:func:`optimizer.checker.facts.meets_area`).
"""

from __future__ import annotations

from collections.abc import Sequence

from optimizer.checker.facts import Context, Facts
from optimizer.checker.pricing import required_area_m2, site_can_hold, site_reach_m2
from optimizer.checker.split import Rooms
from optimizer.plan.compliance import ComplianceRow
from optimizer.plan.model import Community
from optimizer.scenario.model import Scenario

STATUS_WORDS = {"under_construction": "under construction", "planned": "planned"}


def _row(rule: str, cid: str, ok: bool, value: object, limit: object, note: str
         ) -> ComplianceRow:
    return ComplianceRow(rule, cid, "pass" if ok else "fail", value, limit, note)


def imposed(scenario: Scenario, unit: int) -> list[int]:
    """The pipeline sites of ``unit`` that a community holding it must take."""
    sites, pol = scenario.sites, scenario.policy
    urban = bool(scenario.urban[unit])
    lo = pol.urban_min_households if urban else pol.rural_min_households
    need = required_area_m2(lo, pol)
    return [k for k in scenario.sites_by_unit.get(unit, ())
            if sites.status[k] in STATUS_WORDS
            and site_reach_m2(float(sites.area_m2[k]), float(sites.max_area_m2[k])) >= need]


def rooms_hold(s: Scenario, unit: int, households: int) -> bool:
    """Whether pipeline rooms of ``unit`` can be the center of ``households``
    households (PIPELINE: with imposed rooms in a community, its only center)."""
    need = required_area_m2(households, s.policy)
    sites = s.sites
    return any(sites.status[k] in STATUS_WORDS
               and site_can_hold(need, float(sites.area_m2[k]), float(sites.max_area_m2[k]))
               for k in s.sites_by_unit.get(unit, ()))


def rooms_of(s: Scenario, part: tuple[int, ...]) -> Rooms | None:
    """The rooms coming PIPELINE imposes in ``part`` (:class:`split.Rooms`): a
    community holding them takes one as its center, so a plan the searches show must
    keep that (the wider test of tests/search/test_oversized_wider.py: "a plan gives
    fewer households" where the rest held rooms of 500 m² for 3,000 households)."""
    sites = s.sites
    reach = {u: max(site_reach_m2(float(sites.area_m2[k]), float(sites.max_area_m2[k]))
                    for k in ks) for u in part if (ks := imposed(s, u))}
    if not reach:
        return None
    return Rooms(reach, lambda h: required_area_m2(h, s.policy))


def describe(scenario: Scenario, k: int) -> str:
    s = scenario.sites
    return (f"{s.site_ids[k]} ({STATUS_WORDS[s.status[k]]}, handed over "
            f"{int(s.handover_year[k])})")


def _pipeline_center(scenario: Scenario, com: Community) -> int | None:
    s = scenario.sites
    if com.site_id and com.site_id in s.site_ids:
        k = s.index(com.site_id)
        if s.status[k] in STATUS_WORDS:
            return k
    return None


def pipeline_rule(ctx: Context, com: Community, f: Facts) -> list[ComplianceRow]:
    """PIPELINE of one community (a line where it holds or uses a pipeline site)."""
    s = ctx.scenario
    held = [k for i in f.units for k in imposed(s, i)]
    center = _pipeline_center(s, com)
    if not held and center is None:
        return []
    what = com.site_id or com.site_unit_id
    if held and center is None:
        return [_row("PIPELINE", com.community_id, False, what, "its pipeline rooms",
                     f"holds {', '.join(describe(s, k) for k in held)} but its center is "
                     f"{com.remedy} at {what}: those rooms would be built twice")]
    assert center is not None
    return [_row("PIPELINE", com.community_id, True, com.site_id, "its pipeline rooms",
                 f"center on {describe(s, center)}")]


def newdev_first_rule(ctx: Context, com: Community, f: Facts) -> list[ComplianceRow]:
    """NEWDEV-FIRST of a community holding a new development."""
    s = ctx.scenario
    dev = [s.unit_ids[i] for i in f.units if s.is_new_development(i)]
    if not dev:
        return []
    if any(imposed(s, i) for i in f.units):
        ok = _pipeline_center(s, com) is not None
        return [_row("NEWDEV-FIRST", com.community_id, ok, com.remedy, "codevelop",
                     "its pipeline rooms come first (PIPELINE)" if ok else
                     "its pipeline rooms come first (PIPELINE), then the co-built rooms")]
    ok = com.remedy == "codevelop"
    note = (f"co-built rooms of {', '.join(dev)}" if ok else
            f"holds the new development {', '.join(dev)}: its co-built rooms (NEWDEV-1500) "
            f"come before {com.remedy}")
    return [_row("NEWDEV-FIRST", com.community_id, ok, com.remedy, "codevelop", note)]


def pipeline_plan_rule(ctx: Context, facts: Sequence[tuple[Community, Facts]]
                       ) -> list[ComplianceRow]:
    """PIPELINE plan-wide: every imposed pipeline site is handed to the community
    holding it, whose center is that site or another pipeline site it holds (one line
    when the scenario has pipeline sites).

    A community has one center: where it holds two imposed sites (two in one unit, or
    in units it joins) one is its center and the other is handed over beside it, not
    built twice. Asking every such site to be a center failed every plan of a scenario
    with two in one unit (the held-out sweep, bench/JOURNAL.md)."""
    s = ctx.scenario
    pipe = [k for k, st in enumerate(s.sites.status) if st in STATUS_WORDS]
    if not pipe:
        return []
    must = sorted({k for i in range(s.n_units) for k in imposed(s, i)})
    used = {com.site_id for com, _ in facts}
    served: set[int] = set()
    for com, f in facts:
        if _pipeline_center(s, com) is not None:     # as pipeline_rule: one of its own
            served |= {k for i in f.units for k in imposed(s, i)}
    missing = [s.sites.site_ids[k] for k in must if k not in served]
    beside = [s.sites.site_ids[k] for k in must
              if k in served and s.sites.site_ids[k] not in used]
    note = (f"{len(must) - len(missing)} of {len(must)} pipeline sites are their "
            f"community's center or beside its pipeline center")
    if beside:
        note += f"; beside another pipeline center: {', '.join(beside)}"
    if missing:
        note += f"; not used: {', '.join(missing)}"
    small = [s.sites.site_ids[k] for k in pipe if k not in must]
    if small:
        note += f"; too small for any community: {', '.join(small)}"
    return [_row("PIPELINE", "*", not missing, len(must) - len(missing), len(must), note)]
