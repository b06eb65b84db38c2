"""What the checker's rules read: the context (the scenario, the plan, the assignment
regrouped) and each community's facts, computed once, up front, by pure functions.

A rule never writes a fact for another rule to read: :func:`facts_of` computes the
community's members and households, its required area, its center as the checker
prices it (:mod:`optimizer.checker.pricing`) with the faults REMEDY finds, and whether
it meets the area standard; the rules of :mod:`optimizer.checker.rules` only turn
these into rows.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from optimizer.checker import pricing
from optimizer.checker.pricing import AnnualCost, Center
from optimizer.plan.model import Community, GridShare, Plan
from optimizer.scenario.model import Scenario

AREA_EPS_M2 = 1e-3     # plan files round floats to 6 decimals


@dataclass
class Context:
    """What every rule needs: the scenario, the plan and the assignment regrouped.

    ``cache`` memoizes pure functions of the scenario alone (the checker's pieces and
    center proofs) and verdicts keyed by all they read of the plan (the fewest joined
    households: optimizer.checker.stranded), never a rule's result: it may be shared
    by the contexts of one scenario (the workbench's, across edits and versions)."""

    scenario: Scenario
    plan: Plan
    members: dict[str, set[int]] = field(default_factory=dict)    # community -> units
    grid_units: dict[str, list[int]] = field(default_factory=dict)
    grid_communities: dict[str, set[str]] = field(default_factory=dict)
    grids_of: dict[str, set[str]] = field(default_factory=dict)   # community -> grids
    center_users: dict[str, list[str]] = field(default_factory=dict)  # site -> communities
    credit_users: dict[str, list[str]] = field(default_factory=dict)  # swap site -> comms
    grid_rows: dict[str, list[GridShare]] = field(default_factory=dict)  # grids.csv rows
    assigned_grid: dict[int, str] = field(default_factory=dict)  # unit -> assignment grid
    unit_community: dict[int, str] = field(default_factory=dict)  # unit -> its community
    cache: dict[str, Any] = field(default_factory=dict)

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
            ctx.assigned_grid[i] = g
            ctx.unit_community[i] = c
        for share in plan.grid_shares:
            ctx.grid_rows.setdefault(share.community_id, []).append(share)
            ctx.grid_communities.setdefault(share.grid_id, set()).add(share.community_id)
        for com in plan.communities:
            if com.site_id:
                ctx.center_users.setdefault(com.site_id, []).append(com.community_id)
            if com.swap_site_id:
                ctx.credit_users.setdefault(com.swap_site_id, []).append(com.community_id)
        return ctx


@dataclass(frozen=True)
class CenterFacts:
    """The community's center as the checker reads and prices it."""

    faults: tuple[str, ...] = ()         # what REMEDY finds wrong, in order
    placement_only: bool = False         # the only fault: a build where no_build
    center: Center | None = None         # None: it cannot be priced
    annual: AnnualCost | None = None
    short_only: bool = False             # the only fault: a site at its full reach, short


@dataclass(frozen=True)
class Facts:
    """A community's numbers as the checker recomputes them."""

    units: tuple[int, ...]
    households: int
    urban: bool
    required_m2: float
    center: CenterFacts = field(default_factory=CenterFacts)
    area_ok: bool = False            # a valid remedy giving the standard area (FACILITY-95)
                                     # by the target year (rooms coming count once handed over)
    area_ok_handed: bool = False     # the same once its rooms are handed over, in any year:
                                     # FACILITY-95 by a [budget]'s last year, whose phasing
                                     # the checker holds to the handover (checker/phasing.py)
    center_exempt: bool = False      # its final ONE-STATION row is exempt (no place for one)
    area_exempt: bool = False        # its final AREA-PER-HH row is exempt (rooms coming short)

    @property
    def capex(self) -> float | None:
        return self.center.center.capex_yuan if self.center.center is not None else None

    @property
    def annual(self) -> float | None:
        return self.center.annual.total if self.center.annual is not None else None

    @property
    def placement_only(self) -> bool:
        return self.center.placement_only


def facts_of(ctx: Context, com: Community) -> Facts:
    """Everything the rules read about ``com``, computed once."""
    s = ctx.scenario
    units = tuple(sorted(ctx.members.get(com.community_id, ())))
    h = int(s.households[list(units)].sum()) if units else 0
    kinds = {bool(s.urban[i]) for i in units}
    urban = kinds.pop() if len(kinds) == 1 else com.kind == "urban"
    required = pricing.required_area_m2(h, s.policy)
    center = center_facts(ctx, com, units, h, urban, required)
    ok = not center.faults
    return Facts(units, h, urban, required, center,
                 meets_area(ctx, com, h, ok, stands_in=s.policy.target_year),
                 area_ok_handed=meets_area(ctx, com, h, ok, stands_in=None))


def meets_area(ctx: Context, com: Community, households: int, remedy_ok: bool, *,
               stands_in: int | None) -> bool:
    """AREA-PER-HH and AREA-MIN met by a valid remedy, its center standing in
    ``stands_in`` (the target year: what the plan-wide FACILITY-95 counts; None: once
    its rooms are handed over, whenever that is). A center on rooms under
    construction or planned stands from their available_year (PIPELINE)."""
    p = ctx.scenario.policy
    after = com.area_after_m2
    per_hh = p.area_per_100_households_m2 * households / 100.0
    return (remedy_ok and after >= p.area_min_m2 - AREA_EPS_M2
            and after >= per_hh - AREA_EPS_M2
            and (stands_in is None or stands_by(ctx.scenario, com, stands_in)))


def stands_by(scenario: Scenario, com: Community, year: int) -> bool:
    """Whether the community's center stands in ``year``: a site under construction or
    planned is handed over in its available_year (PIPELINE)."""
    s = scenario.sites
    if not com.site_id or com.site_id not in s.site_ids:
        return True
    k = s.index(com.site_id)
    return s.available_year(k) is None or int(s.handover_year[k]) <= year


def center_facts(ctx: Context, com: Community, units: tuple[int, ...], households: int,
                 urban: bool, required: float) -> CenterFacts:
    """REMEDY's faults and the checker's price of the claimed center."""
    s = ctx.scenario
    faults: list[str] = []
    unit = s.unit_index.get(com.site_unit_id)
    placement = False
    short: list[bool] = []
    center: Center | None = None
    if com.remedy not in pricing.REMEDIES:
        faults.append(f"unknown remedy {com.remedy!r}")
    elif com.remedy in pricing.NEW_REMEDIES:
        if unit is not None and com.remedy == "build" and s.is_no_build(unit):
            faults.append(f"unit {com.site_unit_id} is no_build: no new center may be built")
            placement = True
        if unit is not None and com.remedy == "codevelop" and not s.is_new_development(unit):
            faults.append(f"codevelop needs a new_development unit; {com.site_unit_id} is not")
        center = pricing.new_center(com.remedy, max(required, com.area_after_m2), s.policy,
                                    s.costs)
    else:
        center = _site_center(ctx, com, units, required, faults, short)
    if com.swap_site_id and com.remedy != "swap":
        faults.append(f"swap_site_id {com.swap_site_id} given but the remedy is {com.remedy}")
    annual = None if center is None else pricing.annual_cost(
        households, urban, s.year, center.capex_yuan, com.area_after_m2, s.policy, s.costs)
    return CenterFacts(tuple(faults), placement and len(faults) == 1, center, annual,
                       short_only=bool(short) and len(faults) == 1)


def _site_center(ctx: Context, com: Community, units: tuple[int, ...], required: float,
                 faults: list[str], short: list[bool]) -> Center | None:
    """The claimed site center, priced; a center extended to the site's full reach
    short of the required area is priced at that reach, with the shortfall its fault
    (``short`` gets True: an exempt AREA-PER-HH, optimizer.checker.shortfall, exempts it)."""
    s = ctx.scenario
    if not com.site_id or com.site_id not in s.sites.site_ids:
        faults.append(f"{com.remedy} needs a site of sites.csv")
        return None
    k = s.sites.index(com.site_id)
    a0, amax = float(s.sites.area_m2[k]), float(s.sites.max_area_m2[k])
    owned = bool(s.sites.owned[k])
    if com.remedy in pricing.OWNED_REMEDIES and not owned:
        faults.append(f"{com.remedy} needs an owned site; {com.site_id} is for sale")
        return None
    if com.remedy in pricing.FOR_SALE_REMEDIES and owned:
        faults.append(f"{com.remedy} needs a site for sale; {com.site_id} is owned")
        return None
    if com.remedy in pricing.OWNED_REMEDIES and abs(com.area_before_m2 - a0) > AREA_EPS_M2:
        faults.append(f"area_before_m2 {com.area_before_m2:g} but site {com.site_id} has {a0:g}")
    cap = pricing.site_reach_m2(a0, amax)
    if com.area_after_m2 > cap + AREA_EPS_M2:
        faults.append(f"area_after_m2 {com.area_after_m2:g} above the site's max_area_m2 "
                      f"{cap:g}")
    if com.remedy == "keep" and abs(com.area_after_m2 - a0) > AREA_EPS_M2:
        faults.append(f"keep leaves the site at {a0:g} m², not {com.area_after_m2:g}")
    credit = _swap_credit(ctx, com, units, faults) if com.remedy == "swap" else 0.0
    target = required if com.remedy == "keep" else max(required, com.area_after_m2)
    price = float(s.sites.price_yuan[k]) if not owned else 0.0
    if required > cap + AREA_EPS_M2 and abs(com.area_after_m2 - cap) <= AREA_EPS_M2:
        center = pricing.site_center(com.remedy, cap, a0, amax, owned, price, s.costs, credit)
        if center is not None:
            faults.append(f"{com.remedy} gives site {com.site_id} {cap:g} m² at most, short "
                          f"of the {required:g} m² required")
            short.append(True)
            return center
    center = pricing.site_center(com.remedy, target, a0, amax, owned, price, s.costs, credit)
    if center is None and not faults:
        faults.append(f"{com.remedy} cannot give site {com.site_id} (today {a0:g} m², max "
                      f"{amax:g} m²) the {target:g} m² required")
    return center


def _swap_credit(ctx: Context, com: Community, units: tuple[int, ...],
                 faults: list[str]) -> float:
    """The area of the owned site a swap gives up (0 when it names none)."""
    s = ctx.scenario
    sw = com.swap_site_id
    if not sw or sw not in s.sites.site_ids:
        faults.append(f"swap names no owned site of sites.csv to give up (swap_site_id={sw!r})")
        return 0.0
    k = s.sites.index(sw)
    if not bool(s.sites.owned[k]):
        faults.append(f"swap gives up {sw}, which is for sale, not owned")
    if int(s.sites.unit[k]) not in units:
        faults.append(f"swap gives up {sw}, which lies outside the community")
    if sw == com.site_id or ctx.center_users.get(sw):
        faults.append(f"swap gives up {sw}, which serves as a center")
    if len(ctx.credit_users.get(sw, [])) > 1:
        faults.append(f"swap site {sw} is given up by several communities")
    return float(s.sites.area_m2[k])


__all__ = ["AREA_EPS_M2", "CenterFacts", "Context", "Facts", "center_facts", "facts_of",
           "meets_area"]


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
