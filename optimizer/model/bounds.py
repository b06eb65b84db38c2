"""A lower bound by arithmetic, for pieces too large for any whole-piece model.

Every plan of a piece with H households has some k communities with
ceil(H/U) ≤ k ≤ floor(H/L). For each such k, the plan costs at least:

- office funding and committee pay: k × the fixed amount (FUND-*, PAY-*);
- staff: Σ min(5, max(3, ceil(h/600))) ≥ max(3k, ceil(H/600)) when no community
  passes 5 × 600 households (else H · 5 / U in place of H / 600) (STAFF-3-5);
- coordinators: Σ ceil(h/300) ≥ max(ceil(H/300), k × ceil(L/300)) (COORD-300);
- centers: the k cheapest distinct centers, each at its cheapest option for at least
  L households, plus running cost for the area the rest of the households need;
- distance: every unit but the k centers is at least as far from its center as from
  its nearest neighbour; the k largest such terms are dropped (they may be centers).

The minimum over k is the bound. Weak (it ignores most of the distance), but valid,
cheap and memory-light.
"""

from __future__ import annotations

import math

import numpy as np

from optimizer.graph import feasible_community_counts
from optimizer.model.count_floor import least_size
from optimizer.model.options import unit_options
from optimizer.model.piece import PieceData
from optimizer.rules.remedy import horizon_rates
from optimizer.scenario.model import Scenario


def arithmetic_bound(scenario: Scenario, data: PieceData, lo: int | None = None,
                     hi: int | None = None, least: int = 1) -> float:
    """The bound for communities of ``lo..hi`` households (default: the piece's
    bounds; ``lo=0, hi=data.total``: valid for every split of the piece, of any sizes,
    as for a piece whose plan must break the bounds), ``least`` of them or more (a
    proven floor on the count, optimizer.model.count_floor). With k communities each
    holds at least H − (k−1)·hi households, which raises the floors at the fewest k."""
    pol, costs, w = scenario.policy, scenario.costs, scenario.objective
    total = data.total
    lo = data.lo if lo is None else lo
    hi = data.hi if hi is None else hi
    counts = feasible_community_counts(total, lo, max(hi, 1))
    if not counts:
        return 0.0
    # a unit in one community
    counts = range(max(least, counts.start), min(counts.stop, data.n + 1))
    rates = horizon_rates(data.urban, scenario.plan_years, pol, costs)
    fixed = rates.fixed
    near = _nearest_neighbour_km(data)
    dist_terms = np.sort(data.households * near * w.distance_yuan_per_household_km)[::-1]
    best_total = math.inf
    by_need: dict[float, list[float]] = {}      # only the fewest count's can differ
    # Per community min(max, h / workload) ≥ h · min(1 / workload, max / hi): the cap
    # of STAFF-3-5 binds only on communities above max × workload households.
    per_hh = min(1.0 / pol.households_per_staff, pol.staff_max / max(hi, 1))
    for k in counts:
        staff = max(pol.staff_min * k, math.ceil(total * per_hh - 1e-9))
        value = -math.inf
        # Both floors hold at k: every community holds lo or more, and H − (k−1)·hi or
        # more; the second is not always higher (a kept site's fixed area covers any
        # need, while less extra area is left to charge), so the larger is taken.
        for least_hh in sorted({lo, least_size(total, lo, hi, k)}):
            need_lo = pol.required_area_m2(least_hh)
            if need_lo not in by_need:
                by_need[need_lo] = _center_floors(scenario, data, need_lo)
            floors = by_need[need_lo]
            if k > len(floors):
                continue
            coord = max(math.ceil(total / pol.households_per_coordinator),
                        k * math.ceil(least_hh / pol.households_per_coordinator))
            extra_area = max(0.0, pol.area_per_100_households_m2 * total / 100.0 - k * need_lo)
            value = max(value, k * fixed + staff * rates.staff
                        + coord * rates.coordinator + sum(floors[:k])
                        + extra_area * costs.running_yuan_per_m2_year
                        + float(dist_terms[k:].sum()))
        if value == -math.inf:
            break
        best_total = min(best_total, value)
    return best_total if math.isfinite(best_total) else 0.0


def _center_floors(scenario: Scenario, data: PieceData, need_lo: float) -> list[float]:
    """Each unit's cheapest center option for an area of at least ``need_lo``, sorted
    (units with none left out)."""
    annuity = scenario.costs.annuity_factor()
    floors = []
    for j in range(data.n):
        best = math.inf
        for spec in unit_options(scenario, int(data.units[j])):
            area = spec.area_before_m2 if spec.fixed_area else max(need_lo, spec.min_area_m2)
            if area <= spec.max_area_m2 + 1e-9:
                credit = spec.fixed_yuan if not spec.swap else \
                    spec.fixed_yuan - _max_credit(scenario, spec.site) * annuity
                best = min(best, credit + spec.per_m2_yuan * area)
        if math.isfinite(best):
            floors.append(best)
    floors.sort()
    return floors


def _max_credit(scenario: Scenario, site: int | None) -> float:
    """The largest swap credit any owned site could bring (capped at the price)."""
    if site is None:
        return 0.0
    owned = scenario.sites.area_m2[scenario.sites.owned]
    most = float(owned.max()) if len(owned) else 0.0
    return min(float(scenario.sites.price_yuan[site]),
               scenario.costs.swap_credit_yuan_per_m2 * most)


def _nearest_neighbour_km(data: PieceData) -> np.ndarray:
    out = np.zeros(data.n)
    for i in range(data.n):
        if data.nbrs[i]:
            nb = np.array(data.nbrs[i])
            out[i] = float(np.hypot(data.x[nb] - data.x[i], data.y[nb] - data.y[i]).min())
    return out / 1000.0
