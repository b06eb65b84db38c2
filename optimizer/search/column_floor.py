"""A cheap floor on the exact cost of each listed group (optimizer.search.columns
.price_groups), for bounds over a large listing that cannot wait for its exact prices.

Why: seed 373's Jianyang St. lists 194,893 groups for its capped bound
(optimizer.search.oversized_capped); pricing them exactly takes 5-7 s of wall, most of
it a Python loop over 901,164 (centre, households, first rooms, hosted) keys, and under
load the 60-s run never got there. A Lagrangian bound stays valid when any column's
cost is replaced by a lower one (each term min(0, c_S - π(S)) can only fall), so the
bound's rounds price exactly only the columns their master takes and count the others
at this floor.

Why it is a floor. A group's exact cost is min over its members c of
(facility_c + travel_c) + links/2 x the cut weight, with facility_c the cheapest
option at c that the group may take (:meth:`Facility._best`: PIPELINE / NEWDEV-FIRST's
rooms first, no stand-in build where a member holds the center legally
(STAND-IN-LAST), a swap crediting only the group's largest owned site). Here
facility_c is the cheapest of EVERY option at c (those rules dropped, a swap crediting
any owned site of the piece, or none), each at the group's households exactly
(the sums of :func:`optimizer.search.assemble.horizon_at`, as ``price``'s): a minimum
over more options, never above. Travel and links are the exact terms. A group holding a
unit whose every center is short (optimizer.search.short_price: priced apart, with less
area than needed) is not floored here: the caller prices it exactly.
"""

from __future__ import annotations

import math
from itertools import chain

import numpy as np

from optimizer.model.options import unit_options
from optimizer.model.piece import PieceData
from optimizer.model.precedence import FREE, first_rooms
from optimizer.rules.remedy import facility_cost_yuan, horizon_rates
from optimizer.scenario.model import Scenario
from optimizer.search.assemble import center_option
from optimizer.search.column_costs import unit_center_costs
from optimizer.search.short_within import within_short_site

CHUNK = 500_000             # column x center x member entries at once (as price_groups)
FLOOR_S_PER_NONZERO = 4e-7  # fixed work estimate (s) per listed entry (seed 373's 1.69 M
                            # entries: 0.5-0.7 s idle, against 5.9 s priced exactly)


def facility_table(scenario: Scenario, data: PieceData, lo: int, hi: int) -> np.ndarray:
    """``t[c, h - lo]``: the cheapest annual cost of any option at local unit c for a
    community of h households (lo <= h <= hi), every precedence rule dropped and a swap
    crediting any owned site of the piece (see the module); inf where none applies.
    The two terms of :func:`optimizer.search.assemble.horizon_at`, the operating one
    once per (urban, h) and the center's once per (option, credit, h)."""
    pol, costs = scenario.policy, scenario.costs
    units = [int(u) for u in data.units]
    owned = sorted({s for u in units for s in scenario.sites_by_unit.get(u, ())
                    if bool(scenario.sites.owned[s])},
                   key=lambda s: (float(scenario.sites.area_m2[s]), s))
    # A swap's capital falls by min(price, credit rate x the credited area), monotone in
    # that area whatever the rate's sign: the smallest and the largest owned site give
    # the least of every owned site's credit.
    credits = list(dict.fromkeys(owned[:1] + owned[-1:]))
    width = max(0, hi - lo + 1)
    operating: dict[bool, np.ndarray] = {}
    centers: dict[tuple[str, int | None, int | None], np.ndarray] = {}
    out = np.full((data.n, width), math.inf)
    for c, u in enumerate(units):
        urban = bool(scenario.urban[u])
        if urban not in operating:
            rates = horizon_rates(urban, scenario.plan_years, pol, costs)
            operating[urban] = np.array([rates.cost(pol.staff(lo + k), pol.coordinators(lo + k))
                                         for k in range(width)])
        for spec in unit_options(scenario, u):
            for credit in (credits if spec.swap else [None]):
                key = (spec.remedy, spec.site, credit)
                row = centers.get(key)
                if row is None:
                    row = np.full(width, math.inf)
                    for k in range(width):
                        try:
                            opt = center_option(scenario, spec.remedy, spec.site, credit, lo + k)
                        except ValueError:
                            continue
                        row[k] = facility_cost_yuan(opt.capex_yuan, opt.area_after_m2, costs)
                    centers[key] = row
                np.minimum(out[c], operating[urban] + row, out=out[c])
    return out


def floor_groups(scenario: Scenario, data: PieceData, groups: list[tuple[int, ...]]
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A floor on each group's exact cost (yuan/year, inf where no member has any
    option); the groups the caller must price exactly instead (a member whose every
    center is short: its price may fall below this floor); and the groups whose floor
    IS their exact cost: no member must take rooms first (FREE), has a stand-in build
    or a swap among its options, so :meth:`Facility._best` drops none of them and the
    floor's minimum is over the same options (seed 373: 177,033 of 194,893 groups
    equal, these the ones known without pricing)."""
    h = data.households.astype(np.int64)
    w = scenario.objective
    per, adj, degree = unit_center_costs(scenario, data)
    floor = np.full(len(groups), math.inf)
    must = np.zeros(len(groups), dtype=bool)
    if not groups:
        return floor, must, must.copy()
    short = np.array([within_short_site(scenario, int(u)) is not None for u in data.units])
    specs = [unit_options(scenario, int(u)) for u in data.units]
    free = np.array([first_rooms(scenario, [int(u)]) == FREE
                     and not any(sp.stand_in or sp.swap for sp in options)
                     for u, options in zip(data.units, specs, strict=True)])
    sure = np.zeros(len(groups), dtype=bool)
    lens = np.fromiter(map(len, groups), dtype=np.int64, count=len(groups))
    flat = np.fromiter(chain.from_iterable(groups), dtype=np.int64, count=int(lens.sum()))
    starts = np.r_[0, np.cumsum(lens)[:-1]]
    sizes = np.add.reduceat(h[flat], starts)
    lo, hi = int(sizes.min()), int(sizes.max())
    table = facility_table(scenario, data, lo, hi)
    for size in np.unique(lens).tolist():
        idx_all = np.flatnonzero(lens == size)
        chunk = max(1, CHUNK // (size * size))
        for start in range(0, len(idx_all), chunk):
            idx = idx_all[start:start + chunk]
            m = flat[starts[idx][:, None] + np.arange(size)]            # (N, size)
            hh = sizes[idx]
            travel = per[m[:, :, None], m[:, None, :]].sum(axis=1)      # (N, size) per center
            fac = table[m, (hh - lo)[:, None]]
            links = degree[m].sum(axis=1) - adj[m[:, :, None], m[:, None, :]].sum(axis=(1, 2))
            floor[idx] = (fac + travel).min(axis=1) + w.cut_edge_yuan * links / 2.0
            must[idx] = short[m].any(axis=1)
            sure[idx] = free[m].all(axis=1) & ~must[idx]
    return floor, must, sure


__all__ = ["FLOOR_S_PER_NONZERO", "facility_table", "floor_groups"]
