"""The per-community rules of the independent checker.

Each function recomputes one rule from the scenario and the assignment alone (the
plan's numbers are only claims to compare against) and returns its ComplianceRow.
Rule ids are those of ``shared/policy/RULES.md``; CONTIGUITY, KIND, HOUSEHOLDS and
COST are structural ids of ours (CONTRACT.md "Neighbours", the kind column, the
households/n_units claims and the cost columns).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from optimizer.plan.compliance import ComplianceRow
from optimizer.plan.model import Community, Plan
from optimizer.rules.remedy import (
    REMEDIES,
    SITE_REMEDIES_FOR_SALE,
    SITE_REMEDIES_OWNED,
    CenterOption,
    annual_cost_yuan,
    build_option,
    codevelop_option,
    site_option,
)
from optimizer.scenario.model import Scenario

AREA_EPS_M2 = 1e-3     # plan files round floats to 6 decimals
COST_EPS_YUAN = 1.0    # a cost mismatch beyond 1 yuan is a fail (COST)


def row(rule: str, cid: str, ok: bool, value: Any, limit: Any, note: str = "") -> ComplianceRow:
    return ComplianceRow(rule, cid, "pass" if ok else "fail", value, limit, note)


def pieces(units: Iterable[int], neighbours: Sequence[np.ndarray]) -> int:
    """Number of connected pieces of ``units`` in the neighbour graph."""
    todo = set(units)
    count = 0
    while todo:
        count += 1
        start = todo.pop()
        queue = deque([start])
        while queue:
            u = queue.popleft()
            for v in neighbours[u].tolist():
                if v in todo:
                    todo.remove(v)
                    queue.append(v)
    return count


@dataclass
class Context:
    """What every rule needs: the scenario, the plan and the assignment regrouped."""

    scenario: Scenario
    plan: Plan
    members: dict[str, set[int]] = field(default_factory=dict)    # community -> units
    grid_units: dict[str, list[int]] = field(default_factory=dict)
    grid_communities: dict[str, set[str]] = field(default_factory=dict)
    grids_of: dict[str, set[str]] = field(default_factory=dict)   # community -> grids
    center_users: dict[str, list[str]] = field(default_factory=dict)  # site -> communities
    credit_users: dict[str, list[str]] = field(default_factory=dict)  # swap site -> comms
    cache: dict[str, Any] = field(default_factory=dict)  # lazily computed (components)

    @staticmethod
    def build(scenario: Scenario, plan: Plan) -> Context:
        ctx = Context(scenario, plan)
        index = scenario.unit_index
        for u, c, g in zip(plan.unit_ids, plan.community, plan.grid, strict=False):
            i = index.get(u)
            if i is None:
                continue
            ctx.members.setdefault(c, set()).add(i)
            ctx.grid_units.setdefault(g, []).append(i)
            ctx.grid_communities.setdefault(g, set()).add(c)
            ctx.grids_of.setdefault(c, set()).add(g)
        for com in plan.communities:
            if com.site_id:
                ctx.center_users.setdefault(com.site_id, []).append(com.community_id)
            if com.swap_site_id:
                ctx.credit_users.setdefault(com.swap_site_id, []).append(com.community_id)
        return ctx


@dataclass
class Facts:
    """A community's numbers as the checker recomputes them."""

    units: list[int]
    households: int
    urban: bool
    required_m2: float
    option: CenterOption | None = None   # the center as priced by optimizer.rules.remedy
    area_ok: bool = False
    capex: float | None = None
    annual: float | None = None
    placement_only: bool = False         # REMEDY's only fault: a build where no_build
    center_exempt: bool = False          # ONE-STATION exempt: no place for a center


def facts_of(ctx: Context, com: Community) -> Facts:
    s = ctx.scenario
    units = sorted(ctx.members.get(com.community_id, ()))
    h = int(s.households[units].sum()) if units else 0
    kinds = {bool(s.urban[i]) for i in units}
    urban = kinds.pop() if len(kinds) == 1 else com.kind == "urban"
    return Facts(units, h, urban, s.policy.required_area_m2(h))


def households_row(ctx: Context, com: Community, f: Facts) -> ComplianceRow:
    """The community's claimed households and n_units against the assignment."""
    notes = []
    if not f.units:
        notes.append("no unit of the scenario is assigned to it")
    if com.households != f.households:
        notes.append(f"claims {com.households} households, its units hold {f.households}")
    if com.n_units != len(f.units):
        notes.append(f"claims {com.n_units} units, the assignment gives {len(f.units)}")
    return row("HOUSEHOLDS", com.community_id, not notes, f.households, com.households,
               "; ".join(notes))


def contiguity_row(ctx: Context, com: Community, f: Facts) -> ComplianceRow:
    n = pieces(f.units, ctx.scenario.neighbours)
    note = "" if n <= 1 else f"its units form {n} separate pieces in the neighbour graph"
    return row("CONTIGUITY", com.community_id, n <= 1, n, 1, note)


def nesting_row(ctx: Context, com: Community, f: Facts) -> ComplianceRow:
    """NESTING: one county and one street/town, the ones the plan names."""
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
    return row("NESTING", com.community_id, not notes, len(streets), 1, "; ".join(notes))


def kind_row(ctx: Context, com: Community, f: Facts) -> ComplianceRow:
    s = ctx.scenario
    kinds = sorted({s.kind(i) for i in f.units})
    notes = []
    if len(kinds) > 1:
        mixed = ", ".join(f"{k} {sum(1 for i in f.units if s.kind(i) == k)} units" for k in kinds)
        notes.append(f"mixes kinds: {mixed}")
    elif kinds and kinds[0] != com.kind:
        notes.append(f"its units are {kinds[0]} but it claims {com.kind}")
    return row("KIND", com.community_id, not notes, "/".join(kinds), com.kind, "; ".join(notes))


def size_row(ctx: Context, com: Community, f: Facts) -> ComplianceRow:
    """SIZE-URBAN / SIZE-RURAL on the recomputed households."""
    policy = ctx.scenario.policy
    lo, hi = policy.bounds(f.urban)
    ok = lo <= f.households <= hi
    note = "" if ok else (f"{lo - f.households} households short" if f.households < lo
                          else f"{f.households - hi} households over")
    return row(policy.size_rule(f.urban), com.community_id, ok, f.households, f"{lo}..{hi}",
               note)


def one_station_row(ctx: Context, com: Community, f: Facts) -> ComplianceRow:
    """ONE-STATION: one center, standing in one of the community's units."""
    s = ctx.scenario
    notes = []
    unit = s.unit_index.get(com.site_unit_id)
    if unit is None or unit not in f.units:
        notes.append(f"center unit {com.site_unit_id!r} is not one of its units")
    if com.remedy in ("build", "codevelop"):
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
    return row("ONE-STATION", com.community_id, not notes, com.site_id or com.site_unit_id,
               "one center inside", "; ".join(notes))


def _site_remedy_notes(ctx: Context, com: Community, f: Facts, notes: list[str]) -> None:
    s = ctx.scenario
    if not com.site_id or com.site_id not in s.sites.site_ids:
        notes.append(f"{com.remedy} needs a site of sites.csv")
        return
    k = s.sites.index(com.site_id)
    a0, amax = float(s.sites.area_m2[k]), float(s.sites.max_area_m2[k])
    owned = bool(s.sites.owned[k])
    if com.remedy in SITE_REMEDIES_OWNED and not owned:
        notes.append(f"{com.remedy} needs an owned site; {com.site_id} is for sale")
        return
    if com.remedy in SITE_REMEDIES_FOR_SALE and owned:
        notes.append(f"{com.remedy} needs a site for sale; {com.site_id} is owned")
        return
    if com.remedy in SITE_REMEDIES_OWNED and abs(com.area_before_m2 - a0) > AREA_EPS_M2:
        notes.append(f"area_before_m2 {com.area_before_m2:g} but site {com.site_id} has {a0:g}")
    cap = max(a0, amax)
    if com.area_after_m2 > cap + AREA_EPS_M2:
        notes.append(f"area_after_m2 {com.area_after_m2:g} above the site's max_area_m2 {cap:g}")
    if com.remedy == "keep" and abs(com.area_after_m2 - a0) > AREA_EPS_M2:
        notes.append(f"keep leaves the site at {a0:g} m², not {com.area_after_m2:g}")
    credit = 0.0
    if com.remedy == "swap":
        credit = _swap_credit(ctx, com, f, notes)
    target = f.required_m2 if com.remedy == "keep" else max(f.required_m2, com.area_after_m2)
    price = float(s.sites.price_yuan[k]) if not owned else 0.0
    f.option = site_option(com.remedy, target, a0, amax, owned, price, s.costs, credit)
    if f.option is None and not notes:
        notes.append(f"{com.remedy} cannot give site {com.site_id} (today {a0:g} m², max "
                     f"{amax:g} m²) the {target:g} m² required")


def _swap_credit(ctx: Context, com: Community, f: Facts, notes: list[str]) -> float:
    s = ctx.scenario
    sw = com.swap_site_id
    if not sw or sw not in s.sites.site_ids:
        notes.append(f"swap names no owned site of sites.csv to give up (swap_site_id={sw!r})")
        return 0.0
    k = s.sites.index(sw)
    if not bool(s.sites.owned[k]):
        notes.append(f"swap gives up {sw}, which is for sale, not owned")
    if int(s.sites.unit[k]) not in f.units:
        notes.append(f"swap gives up {sw}, which lies outside the community")
    if sw == com.site_id or ctx.center_users.get(sw):
        notes.append(f"swap gives up {sw}, which serves as a center")
    if len(ctx.credit_users.get(sw, [])) > 1:
        notes.append(f"swap site {sw} is given up by several communities")
    return float(s.sites.area_m2[k])


def remedy_row(ctx: Context, com: Community, f: Facts) -> ComplianceRow:
    """REMEDY: the remedy is allowed for this site or unit, within the site's max area."""
    s = ctx.scenario
    notes: list[str] = []
    unit = s.unit_index.get(com.site_unit_id)
    if com.remedy not in REMEDIES:
        notes.append(f"unknown remedy {com.remedy!r}")
    elif com.remedy in ("build", "codevelop"):
        if unit is not None and com.remedy == "build" and s.is_no_build(unit):
            notes.append(f"unit {com.site_unit_id} is no_build: no new center may be built")
            f.placement_only = True     # unless another note follows
        if unit is not None and com.remedy == "codevelop" and not s.is_new_development(unit):
            notes.append(f"codevelop needs a new_development unit; {com.site_unit_id} is not")
        target = max(f.required_m2, com.area_after_m2)
        f.option = (build_option(target, s.costs) if com.remedy == "build"
                    else codevelop_option(target, s.policy))
    else:
        _site_remedy_notes(ctx, com, f, notes)
    if com.swap_site_id and com.remedy != "swap":
        notes.append(f"swap_site_id {com.swap_site_id} given but the remedy is {com.remedy}")
    f.placement_only = f.placement_only and len(notes) == 1
    return row("REMEDY", com.community_id, not notes, com.remedy, "allowed for the site",
               "; ".join(notes))


def area_rows(ctx: Context, com: Community, f: Facts, remedy_ok: bool) -> list[ComplianceRow]:
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
    f.area_ok = remedy_ok and ok_min and after >= per_hh - AREA_EPS_M2
    return [row("AREA-PER-HH", com.community_id, not notes, after, round(per_hh, 6),
                "; ".join(notes)),
            row("AREA-MIN", com.community_id, ok_min, after, p.area_min_m2,
                "" if ok_min else f"{p.area_min_m2 - after:g} m² short")]


def newdev_row(ctx: Context, com: Community) -> ComplianceRow | None:
    """NEWDEV-1500, for co-developed centers only."""
    if com.remedy != "codevelop":
        return None
    need = ctx.scenario.policy.newdev_min_area_m2
    ok = com.area_after_m2 >= need - AREA_EPS_M2
    return row("NEWDEV-1500", com.community_id, ok, com.area_after_m2, need,
               "" if ok else "co-built rooms below the developer's obligation")


def coord_row(ctx: Context, com: Community, f: Facts) -> ComplianceRow:
    """COORD-300: ceil(h / 300) coordinators; min(that, n_units) connected grids, at
    least one."""
    want = ctx.scenario.policy.coordinators(f.households)
    notes = []
    if com.coordinators != want:
        notes.append(f"claims {com.coordinators} coordinators, the rule gives {want}")
    mine = sorted(ctx.grids_of.get(com.community_id, ()))
    for g in mine:
        others = sorted(ctx.grid_communities[g] - {com.community_id})
        if g == "":
            notes.append("some units have no grid_id")
        elif others:
            notes.append(f"grid {g} also holds units of {', '.join(others)}")
        elif pieces(set(ctx.grid_units[g]), ctx.scenario.neighbours) > 1:
            notes.append(f"grid {g} is not connected")
    # Every unit needs a grid (assignment.csv's grid_id): a community of units with no
    # households yet (a development not moved into) has one grid and 0 coordinators.
    n_grids = max(1, min(want, len(f.units)))
    if len(mine) != n_grids:
        notes.append(f"{len(mine)} grids, expected max(1, min({want} coordinators, "
                     f"{len(f.units)} units)) = {n_grids}")
    if com.grids and com.grids != len(mine):
        notes.append(f"claims {com.grids} grids, the assignment gives {len(mine)}")
    return row("COORD-300", com.community_id, not notes, com.coordinators, want,
               "; ".join(notes))


def staff_row(ctx: Context, com: Community, f: Facts) -> ComplianceRow:
    p = ctx.scenario.policy
    want = p.staff(f.households)
    notes = []
    if not p.staff_min <= com.full_time_staff <= p.staff_max:
        notes.append(f"{com.full_time_staff} outside {p.staff_min}..{p.staff_max}")
    if com.full_time_staff != want:
        notes.append(f"the workload assumption (1 per {p.households_per_staff} households) "
                     f"gives {want}")
    return row("STAFF-3-5", com.community_id, not notes, com.full_time_staff, want,
               "; ".join(notes))


def cost_row(ctx: Context, com: Community, f: Facts) -> ComplianceRow:
    """COST: capex and annual cost recomputed with optimizer.rules.remedy (1 yuan tolerance)."""
    s = ctx.scenario
    if f.option is None:
        return row("COST", com.community_id, False, com.capex_yuan, None,
                   "the center cannot be priced (see REMEDY)")
    f.capex = f.option.capex_yuan
    f.annual = annual_cost_yuan(f.households, f.urban, s.year, f.capex, com.area_after_m2,
                                s.policy, s.costs)
    notes = []
    if abs(com.capex_yuan - f.capex) > COST_EPS_YUAN:
        notes.append(f"capex {com.capex_yuan:,.2f} yuan, recomputed {f.capex:,.2f}")
    if abs(com.annual_cost_yuan - f.annual) > COST_EPS_YUAN:
        notes.append(f"annual cost {com.annual_cost_yuan:,.2f} yuan, recomputed {f.annual:,.2f}")
    return row("COST", com.community_id, not notes, com.annual_cost_yuan, round(f.annual, 2),
               "; ".join(notes))
