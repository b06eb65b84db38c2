"""The per-community rules of the independent checker, as one declared list.

Each rule is a small pure function of (context, community, facts) returning its rows
(none where it does not apply), in the spirit of GerryChain's ``Validator``: the
checker runs :data:`COMMUNITY_RULES` in order and concatenates what they return. The
facts (:mod:`optimizer.checker.facts`: members, households, the center as the checker
prices it) are computed once, up front; no rule writes anything another rule reads.
The plan's own numbers are only claims to compare against.

Rule ids are those of ``shared/policy/RULES.md``; CONTIGUITY, KIND, HOUSEHOLDS and
COST are structural ids of ours (CONTRACT.md "Neighbours", the kind column, the
households/n_units claims and the cost columns).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from optimizer.checker import pricing
from optimizer.checker.facts import AREA_EPS_M2, Context, Facts, facts_of, pieces
from optimizer.checker.grids import coord_grid_rule
from optimizer.checker.pipeline import newdev_first_rule, pipeline_rule
from optimizer.checker.services import services_rule
from optimizer.checker.targets import targets_rule
from optimizer.plan.compliance import ComplianceRow
from optimizer.plan.model import Community

COST_EPS_YUAN = 1.0    # a cost mismatch beyond 1 yuan is a fail (COST)
Rows = list[ComplianceRow]
CommunityRule = Callable[[Context, Community, Facts], Rows]


def row(rule: str, cid: str, ok: bool, value: Any, limit: Any, note: str = "") -> ComplianceRow:
    return ComplianceRow(rule, cid, "pass" if ok else "fail", value, limit, note)


def households_rule(ctx: Context, com: Community, f: Facts) -> Rows:
    """The community's claimed households and n_units against the assignment."""
    notes = []
    if not f.units:
        notes.append("no unit of the scenario is assigned to it")
    if com.households != f.households:
        notes.append(f"claims {com.households} households, its units hold {f.households}")
    if com.n_units != len(f.units):
        notes.append(f"claims {com.n_units} units, the assignment gives {len(f.units)}")
    return [row("HOUSEHOLDS", com.community_id, not notes, f.households, com.households,
                "; ".join(notes))]


def contiguity_rule(ctx: Context, com: Community, f: Facts) -> Rows:
    if not f.units:
        return []
    n = pieces(f.units, ctx.scenario.neighbours)
    note = "" if n <= 1 else f"its units form {n} separate pieces in the neighbour graph"
    return [row("CONTIGUITY", com.community_id, n <= 1, n, 1, note)]


def nesting_rule(ctx: Context, com: Community, f: Facts) -> Rows:
    """NESTING: one county and one street/town, the ones the plan names."""
    if not f.units:
        return []
    s = ctx.scenario
    counties = sorted({s.county[i] for i in f.units})
    streets = sorted({(s.county[i], s.street[i]) for i in f.units})
    notes = []
    if len(counties) > 1:
        notes.append(f"crosses counties {', '.join(counties)}")
    if len(streets) > 1:
        notes.append(f"crosses streets/towns {', '.join(st for _, st in streets)}")
    if len(streets) == 1 and streets[0] != (com.county, com.street):
        notes.append(f"lies in {streets[0][0]}/{streets[0][1]} but claims "
                     f"{com.county}/{com.street}")
    return [row("NESTING", com.community_id, not notes, len(streets), 1, "; ".join(notes))]


def kind_rule(ctx: Context, com: Community, f: Facts) -> Rows:
    if not f.units:
        return []
    s = ctx.scenario
    kinds = sorted({s.kind(i) for i in f.units})
    notes = []
    if len(kinds) > 1:
        mixed = ", ".join(f"{k} {sum(1 for i in f.units if s.kind(i) == k)} units" for k in kinds)
        notes.append(f"mixes kinds: {mixed}")
    elif kinds and kinds[0] != com.kind:
        notes.append(f"its units are {kinds[0]} but it claims {com.kind}")
    return [row("KIND", com.community_id, not notes, "/".join(kinds), com.kind,
                "; ".join(notes))]


def size_rule(ctx: Context, com: Community, f: Facts) -> Rows:
    """SIZE-URBAN / SIZE-RURAL on the recomputed households."""
    if not f.units:
        return []
    policy = ctx.scenario.policy
    lo, hi = policy.bounds(f.urban)
    ok = lo <= f.households <= hi
    note = "" if ok else (f"{lo - f.households} households short" if f.households < lo
                          else f"{f.households - hi} households over")
    return [row(policy.size_rule(f.urban), com.community_id, ok, f.households, f"{lo}..{hi}",
                note)]


def one_station_rule(ctx: Context, com: Community, f: Facts) -> Rows:
    """ONE-STATION: one center, standing in one of the community's units."""
    s = ctx.scenario
    notes = []
    unit = s.unit_index.get(com.site_unit_id)
    if unit is None or unit not in f.units:
        notes.append(f"center unit {com.site_unit_id!r} is not one of its units")
    if com.remedy in pricing.NEW_REMEDIES:
        if com.site_id:
            notes.append(f"a {com.remedy} center is new: site_id must be empty")
    elif not com.site_id:
        notes.append("site_id is empty, allowed only for build or codevelop")
    elif com.site_id not in s.sites.site_ids:
        notes.append(f"site {com.site_id!r} is not in sites.csv")
    else:
        stands = s.unit_ids[int(s.sites.unit[s.sites.index(com.site_id)])]
        if stands != com.site_unit_id:
            notes.append(f"site {com.site_id} stands in {stands}, not in {com.site_unit_id}")
    return [row("ONE-STATION", com.community_id, not notes, com.site_id or com.site_unit_id,
                "one center inside", "; ".join(notes))]


def remedy_rule(ctx: Context, com: Community, f: Facts) -> Rows:
    """REMEDY: the remedy is allowed for this site or unit, within the site's max area
    (the faults were found with the center's facts)."""
    faults = f.center.faults
    return [row("REMEDY", com.community_id, not faults, com.remedy, "allowed for the site",
                "; ".join(faults))]


def area_rule(ctx: Context, com: Community, f: Facts) -> Rows:
    """AREA-PER-HH and AREA-MIN on the recomputed required area."""
    p = ctx.scenario.policy
    after = com.area_after_m2
    per_hh = p.area_per_100_households_m2 * f.households / 100.0
    notes = []
    if abs(com.area_required_m2 - f.required_m2) > AREA_EPS_M2:
        notes.append(f"claims {com.area_required_m2:g} m² required, the rule gives "
                     f"{f.required_m2:g}")
    if after < per_hh - AREA_EPS_M2:
        notes.append(f"{per_hh - after:g} m² short of {p.area_per_100_households_m2:g} m² "
                     f"per 100 households")
    ok_min = after >= p.area_min_m2 - AREA_EPS_M2
    return [row("AREA-PER-HH", com.community_id, not notes, after, round(per_hh, 6),
                "; ".join(notes)),
            row("AREA-MIN", com.community_id, ok_min, after, p.area_min_m2,
                "" if ok_min else f"{p.area_min_m2 - after:g} m² short")]


def newdev_rule(ctx: Context, com: Community, f: Facts) -> Rows:
    """NEWDEV-1500, for co-developed centers only."""
    if com.remedy != "codevelop":
        return []
    need = ctx.scenario.policy.newdev_min_area_m2
    ok = com.area_after_m2 >= need - AREA_EPS_M2
    return [row("NEWDEV-1500", com.community_id, ok, com.area_after_m2, need,
                "" if ok else "co-built rooms below the developer's obligation")]


def staff_rule(ctx: Context, com: Community, f: Facts) -> Rows:
    p = ctx.scenario.policy
    want = pricing.staff(f.households, p)
    notes = []
    if not p.staff_min <= com.full_time_staff <= p.staff_max:
        notes.append(f"{com.full_time_staff} outside {p.staff_min}..{p.staff_max}")
    if com.full_time_staff != want:
        notes.append(f"the workload assumption (1 per {p.households_per_staff} households) "
                     f"gives {want}")
    return [row("STAFF-3-5", com.community_id, not notes, com.full_time_staff, want,
                "; ".join(notes))]


def cost_rule(ctx: Context, com: Community, f: Facts) -> Rows:
    """COST: capex and annual cost against the checker's own pricing (1 yuan tolerance)."""
    capex, annual = f.capex, f.annual
    if capex is None or annual is None:
        return [row("COST", com.community_id, False, com.capex_yuan, None,
                    "the center cannot be priced (see REMEDY)")]
    notes = []
    if abs(com.capex_yuan - capex) > COST_EPS_YUAN:
        notes.append(f"capex {com.capex_yuan:,.2f} yuan, recomputed {capex:,.2f}")
    if abs(com.annual_cost_yuan - annual) > COST_EPS_YUAN:
        notes.append(f"annual cost {com.annual_cost_yuan:,.2f} yuan, recomputed {annual:,.2f}")
    return [row("COST", com.community_id, not notes, com.annual_cost_yuan, round(annual, 2),
                "; ".join(notes))]


# The rules of one community, in the order of its rows in compliance.csv.
COMMUNITY_RULES: tuple[CommunityRule, ...] = (
    households_rule, contiguity_rule, nesting_rule, kind_rule, size_rule, one_station_rule,
    remedy_rule, area_rule, newdev_rule, pipeline_rule, newdev_first_rule, coord_grid_rule,
    staff_rule, cost_rule, services_rule, targets_rule,
)


def run_rules(ctx: Context, com: Community, f: Facts,
              rules: Sequence[CommunityRule] = COMMUNITY_RULES) -> Rows:
    """Every rule's rows for one community, in the declared order."""
    return [r for rule in rules for r in rule(ctx, com, f)]


__all__ = ["COMMUNITY_RULES", "COST_EPS_YUAN", "CommunityRule", "ComplianceRow", "Context",
           "Facts", "facts_of", "pieces", "row", "run_rules"]
