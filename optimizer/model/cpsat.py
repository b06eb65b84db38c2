"""The model of one component (one constraint family per comment).

Every constraint is linear (no enforcement literals), so the model can also be handed to
a MIP solver; CP-SAT solved it faster than SCIP in our measurements. Variables: ``x[i,
j]`` = unit i belongs to the community centred at unit j (``x[j, j]`` = j is a center),
one option per open center, an area per option, coordinators and staff per center. Money
is in 1/10,000 yuan per year (integers); areas in 0.01 m². Coefficient rounding is
tracked in ``margin_yuan`` so the reported bound stays a true bound.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from optimizer.districting.partition import add_partition
from optimizer.graph.locks import Locks
from optimizer.model.options import OptionSpec, unit_options
from optimizer.model.piece import PieceData
from optimizer.model.precedence import add_precedence
from optimizer.rules.remedy import horizon_rates
from optimizer.scenario.model import Scenario

MILLI = 10000.0       # objective unit: 1/10000 yuan
AREA = 100            # area unit: 1/100 m²
SOFT_PENALTY_YUAN = 100_000.0  # per household outside the bounds (soft mode only)


@dataclass
class BuiltModel:
    model: cp_model.CpModel
    x: dict[tuple[int, int], cp_model.IntVar]
    centers: list[int]
    options: dict[int, list[OptionSpec]]
    opt: dict[tuple[int, int], cp_model.IntVar]
    swap_z: dict[tuple[int, int, int], cp_model.IntVar]   # (j, k, owned site) -> var
    slack: list[cp_model.IntVar] = field(default_factory=list)
    margin_yuan: float = 0.0


class _Objective:
    """Collects integer objective terms and the worst-case rounding error."""

    def __init__(self) -> None:
        self.terms: list[tuple[cp_model.LinearExprT, int]] = []
        self.err_milli = 0.0

    def add(self, var: cp_model.LinearExprT, yuan: float, ub: float) -> None:
        exact = yuan * MILLI
        coef = round(exact)
        self.err_milli += abs(coef - exact) * ub
        if coef:
            self.terms.append((var, coef))


def build_model(scenario: Scenario, data: PieceData, *, contiguity: str = "order",
                soft: bool = False, allowed_centers: set[int] | None = None,
                locks: Locks | None = None, count: tuple[int, int] | None = None,
                free: frozenset[int] = frozenset(),
                breakers: frozenset[int] = frozenset()) -> BuiltModel:
    """The community model of one component; ``contiguity`` and ``soft`` as in
    :func:`optimizer.districting.partition.add_partition`. ``allowed_centers`` (local
    indices) restricts where centers may stand: a heuristic restriction for the
    neighbourhood search, never used where a bound is reported. ``free`` (with
    ``soft``): the centers whose communities alone may break the bounds (the units
    above the maximum, :func:`optimizer.districting.partition.add_partition`); ``breakers``
    (with ``soft``): the units a community must hold to break them (a piece's cores)."""
    pol, costs, w = scenario.policy, scenario.costs, scenario.objective
    m = cp_model.CpModel()
    obj = _Objective()
    options = {j: unit_options(scenario, int(data.units[j])) for j in range(data.n)}
    centers = [j for j in range(data.n) if options[j]
               and (allowed_centers is None or j in allowed_centers)]
    part = add_partition(m, data, centers, contiguity=contiguity, soft=soft, count=count,
                         free=free, breakers=breakers)
    x = part.x
    h = [int(v) for v in data.households]
    hh_hi = part.weight_hi
    cur = scenario.current_community
    opt: dict[tuple[int, int], cp_model.IntVar] = {}
    swap_z: dict[tuple[int, int, int], cp_model.IntVar] = {}
    # Operating cost per year over the plan horizon (FUND-*, PAY-*, SOCIAL-INS).
    rates = horizon_rates(data.urban, scenario.plan_years, pol, costs)
    fixed_op = rates.fixed
    p100 = round(pol.area_per_100_households_m2 * AREA)   # 0.01 m² per household × 100
    for j in centers:
        y = x[j, j]
        members = part.members[j]
        hh = part.weight[j]
        if j in part.lo_slack:
            # Households outside SIZE-* cost far more than any plan difference.
            obj.add(part.lo_slack[j], SOFT_PENALTY_YUAN, data.lo)
            obj.add(part.hi_slack[j], SOFT_PENALTY_YUAN, hh_hi)
        # ONE-STATION: an open community picks exactly one center option.
        ovars = []
        fac_terms: list[tuple[cp_model.LinearExprT, float]] = []
        for k, spec in enumerate(options[j]):
            o = m.new_bool_var(f"o_{j}_{k}")
            opt[j, k] = o
            ovars.append(o)
            fac_terms += _add_option(m, obj, spec, o, hh, hh_hi, pol.area_min_m2, p100, j, k)
            if spec.swap:
                owned = _swap_candidates(scenario, data, members, spec.site)
                if not owned:
                    m.add(o == 0)
                    continue
                zs = []
                for s_local, (i, s, credit) in enumerate(owned):
                    z = m.new_bool_var(f"z_{j}_{k}_{s_local}")
                    swap_z[j, k, s] = z
                    m.add(z <= x[i, j])
                    obj.add(z, -credit * costs.annuity_factor(), 1)
                    zs.append(z)
                # REMEDY swap: exactly one owned site of the community is given up.
                m.add(sum(zs) == o)
        m.add(sum(ovars) == y)
        # Redundant cut for a stronger LP: an open center costs at least its cheapest
        # option at the smallest area any option allows.
        areas = [v for v, _ in fac_terms[1::2]]
        if areas:
            # AREA-PER-HH and AREA-MIN on the open center's area, stated linearly too.
            m.add(AREA * sum(areas) >= p100 * hh)
            m.add(sum(areas) >= round(pol.area_min_m2 * AREA) * y)
        floor_cost = _cheapest_center(options[j], pol.area_min_m2)
        if floor_cost is not None and fac_terms:
            m.add(sum(round(c * MILLI) * v for v, c in fac_terms) >= floor_cost * y)
        # Office funding and committee pay (FUND-*, PAY-*) per open community.
        obj.add(y, fixed_op, 1)
        # COORD-300: coordinators ≥ households / 300 (minimization makes it the ceiling).
        c_ub = math.ceil(hh_hi / pol.households_per_coordinator)
        coord = m.new_int_var(0, c_ub, f"coord_{j}")
        m.add(pol.households_per_coordinator * coord >= hh)
        obj.add(coord, rates.coordinator, c_ub)
        # STAFF-3-5: staff = min(5, max(3, ceil(households / workload))).
        staff = m.new_int_var(0, pol.staff_max, f"staff_{j}")
        m.add(staff >= pol.staff_min * y)
        if hh_hi <= pol.staff_max * pol.households_per_staff:
            m.add(pol.households_per_staff * staff >= hh)
        else:
            # The workload could ask for more than the maximum: cap it (cap = 1).
            cap = m.new_bool_var(f"staffcap_{j}")
            m.add(pol.households_per_staff * staff + hh_hi * cap >= hh)
            m.add(staff >= pol.staff_max * cap)
        obj.add(staff, rates.staff, pol.staff_max)
        # Secondary terms: household-weighted distance, households moved.
        for i in members:
            km = data.dist_km(i, j)
            yuan = h[i] * km * w.distance_yuan_per_household_km
            if cur is not None:
                ci, cj = cur[int(data.units[i])], cur[int(data.units[j])]
                if ci is not None and ci != cj:
                    yuan += h[i] * w.moved_yuan_per_household
            obj.add(x[i, j], yuan, 1)
    if w.cut_edge_yuan > 0:
        # Compactness: yuan per neighbour link cut between two communities.
        from optimizer.districting.solve import add_cut_edges

        for cut in add_cut_edges(m, part, data):
            obj.add(cut, w.cut_edge_yuan, 1)
    # PIPELINE and NEWDEV-FIRST: rooms coming and co-built rooms come first.
    # STAND-IN-LAST: a build stands in only where no member can hold a legal center.
    add_precedence(m, scenario, data.units.tolist(), {j: part.members[j] for j in centers}, x,
                   options, opt, {j: part.weight[j] for j in centers})
    if locks:
        _add_locks(m, data, part.x, centers, options, opt, swap_z, locks)
    m.minimize(sum(c * v for v, c in obj.terms))
    slack = list(part.lo_slack.values()) + list(part.hi_slack.values())
    return BuiltModel(m, x, centers, options, opt, swap_z, slack,
                      margin_yuan=obj.err_milli / MILLI + 1.0)


def _add_option(m: cp_model.CpModel, obj: _Objective, spec: OptionSpec, o: cp_model.IntVar,
                hh: cp_model.LinearExprT, hh_hi: int, area_min: float, p100: int,
                j: int, k: int) -> list[tuple[cp_model.LinearExprT, float]]:
    need_hi = max(area_min, p100 * hh_hi / AREA / AREA)
    top = spec.max_area_m2 if math.isfinite(spec.max_area_m2) else max(need_hi, spec.min_area_m2)
    ub = math.floor(top * AREA)
    if ub < math.ceil(max(area_min, spec.min_area_m2) * AREA):
        m.add(o == 0)
        return []
    a = m.new_int_var(0, ub, f"area_{j}_{k}")
    floor_a = math.ceil(max(area_min, spec.min_area_m2) * AREA)
    big = p100 * hh_hi
    # No option, no area; an option has at least its floor (AREA-MIN, today's area
    # for a purchase, NEWDEV-1500 for a co-build).
    m.add(a <= ub * o)
    m.add(a >= floor_a * o)
    # AREA-PER-HH: area ≥ 20 m² per 100 households (in 0.01 m²: 100·a ≥ p100·hh),
    # binding only for the option chosen.
    m.add(AREA * a + big * (1 - o) >= p100 * hh)
    if spec.fixed_area:
        # keep: the rooms stay as they are, so today's area must already cover the need.
        m.add(a >= ub * o)
    if spec.needs_growth and spec.area_before_m2 >= area_min:
        # renovate/extend only where today's rooms are below the need.
        m.add(p100 * hh >= (math.floor(spec.area_before_m2 * AREA * AREA) + 1) * o)
    obj.add(o, spec.fixed_yuan, 1)
    obj.add(a, spec.per_m2_yuan / AREA, ub)
    return [(o, spec.fixed_yuan), (a, spec.per_m2_yuan / AREA)]


def _add_locks(m: cp_model.CpModel, data: PieceData, x: dict[tuple[int, int], Any],
               centers: list[int], options: dict[int, list[OptionSpec]],
               opt: dict[tuple[int, int], Any], swap_z: dict[tuple[int, int, int], Any],
               locks: Locks) -> None:
    """The planner's locks that concern this component (optimizer/graph/locks.py)."""
    local = {int(u): k for k, u in enumerate(data.units)}
    for _, members in locks.keep:
        keep = [local[u] for u in members if u in local]
        if not keep:
            continue
        inside = set(keep)
        # A kept community: one center among its units, all of them in it, nobody else.
        m.add(sum(x[j, j] for j in keep if (j, j) in x) == 1)
        for i in keep:
            m.add(sum(x[i, j] for j in keep if (i, j) in x) == 1)
        for (i, j), var in x.items():
            if j in inside and i not in inside:
                m.add(var == 0)
    for u, c in locks.pin_center:
        if u in local:
            i, j = local[u], local.get(c, -1)
            # A pinned unit is served by the center in the unit named (impossible when
            # that center cannot reach it: the piece then reports the lock).
            if (i, j) in x:
                m.add(x[i, j] == 1)
            else:
                m.add_bool_or([])
    center_set = set(centers)
    for j in center_set:
        for k, spec in enumerate(options[j]):
            if spec.site is not None and spec.site in locks.forbid_sites:
                m.add(opt[j, k] == 0)       # a forbidden site is never a center
            if spec.remedy == "build" and int(data.units[j]) in locks.forbid_build:
                m.add(opt[j, k] == 0)       # no new build where the planner forbids it
    for s in locks.force_sites:
        ks = [(j, k) for j in center_set for k, spec in enumerate(options[j])
              if spec.site == s]
        if ks:
            # A forced site is the center of some community.
            m.add(sum(opt[jk] for jk in ks) == 1)
    for (_, _, s), z in swap_z.items():
        if s in locks.forbid_sites:
            m.add(z == 0)                   # nor given up in a swap


def _cheapest_center(options: list[OptionSpec], area_min: float) -> int | None:
    """The least annual facility cost any option can have (at its smallest area), in
    the model's integer units and with the model's own rounded coefficients, so the
    cut never excludes a plan the model allows."""
    best = None
    for spec in options:
        area = spec.area_before_m2 if spec.fixed_area else max(area_min, spec.min_area_m2)
        if area > spec.max_area_m2:
            continue
        units = round(area * AREA) if spec.fixed_area else math.ceil(area * AREA)
        cost = round(spec.fixed_yuan * MILLI) + round(spec.per_m2_yuan / AREA * MILLI) * units
        best = cost if best is None else min(best, cost)
    return best


def _swap_candidates(scenario: Scenario, data: PieceData, members: list[int],
                     center_site: int | None) -> list[tuple[int, int, float]]:
    """Owned sites in the community's reach that a swap could give up, with their
    credit in yuan (capped at the price of the site bought). A site of 0 m² gives
    nothing up, and REMEDY prices no swap for it (rules/remedy.py: site_option)."""
    sites, costs = scenario.sites, scenario.costs
    price = float(sites.price_yuan[center_site]) if center_site is not None else 0.0
    out = []
    for i in members:
        for s in scenario.sites_by_unit.get(int(data.units[i]), ()):
            if s != center_site and bool(sites.owned[s]) and float(sites.area_m2[s]) > 0:
                credit = min(price, costs.swap_credit_yuan_per_m2 * float(sites.area_m2[s]))
                out.append((i, s, credit))
    return out
