"""Turn the components' chosen communities into a Plan with exact numbers.

Every figure here is recomputed with :mod:`optimizer.rules.remedy` from the households of
the chosen units, not read from solver variables.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from optimizer.model.piece import PieceData
from optimizer.names import unique_names
from optimizer.plan.exemption import Reasons, text_of
from optimizer.plan.model import Community, GridShare, grid_id
from optimizer.rules.remedy import (
    CenterOption,
    annual_cost_yuan,
    build_option,
    codevelop_option,
    facility_cost_yuan,
    horizon_operating_yuan,
    site_option,
)
from optimizer.scenario.model import Scenario
from optimizer.search.attempt import Choice
from optimizer.search.grids import divide_grids


@dataclass(frozen=True)
class Priced:
    """One community with its exact cost terms (yuan per year)."""

    choice: Choice
    households: int
    area_after_m2: float
    capex_yuan: float
    annual_yuan: float          # in the plan year (communities.csv annual_cost_yuan)
    operating_yuan: float       # per year over the plan horizon (the objective's)
    distance_yuan: float
    moved_households: int
    moved_yuan: float
    facility_yuan: float = 0.0  # the center's annuity and running cost per year

    @property
    def horizon_yuan(self) -> float:
        """The community's cost per year over the plan horizon (FUND-URBAN's growth,
        each year's pay, SOCIAL-INS): what the objective counts."""
        return self.operating_yuan + self.facility_yuan

    @property
    def objective_yuan(self) -> float:
        return self.horizon_yuan + self.distance_yuan + self.moved_yuan


def center_option(scenario: Scenario, remedy: str, site: int | None,
                  credit_site: int | None, hh: int, capped: bool = False) -> CenterOption:
    """The center a community of ``hh`` households gets by ``remedy`` (on ``site``,
    crediting ``credit_site`` for a swap); ValueError when that remedy cannot apply.
    ``capped``: the site's full reach where that is short of the need
    (:attr:`Choice.capped`)."""
    pol, costs, sites = scenario.policy, scenario.costs, scenario.sites
    need = pol.required_area_m2(hh)
    if capped and site is not None:
        need = min(need, max(float(sites.area_m2[site]), float(sites.max_area_m2[site])))
    if remedy == "build":
        return build_option(need, costs)
    if remedy == "codevelop":
        return codevelop_option(need, pol)
    s = site
    assert s is not None
    credit = float(sites.area_m2[credit_site]) if credit_site is not None else 0.0
    found = site_option(remedy, need, float(sites.area_m2[s]), float(sites.max_area_m2[s]),
                        bool(sites.owned[s]), float(sites.price_yuan[s]), costs, credit)
    if found is None:
        raise ValueError(f"model chose an impossible option {remedy} on site "
                         f"{sites.site_ids[s]}")
    return found


def horizon_at(scenario: Scenario, urban: bool, remedy: str, site: int | None,
               credit_site: int | None, hh: int) -> float:
    """:attr:`Priced.horizon_yuan` of a community of ``hh`` households with this
    center, whatever its units (the same sums as :func:`price`); ValueError as
    :func:`center_option`."""
    pol, costs = scenario.policy, scenario.costs
    opt = center_option(scenario, remedy, site, credit_site, hh)
    return (horizon_operating_yuan(hh, urban, scenario.plan_years, pol, costs)
            + facility_cost_yuan(opt.capex_yuan, opt.area_after_m2, costs))


def price(scenario: Scenario, ch: Choice) -> Priced:
    pol, costs, w = scenario.policy, scenario.costs, scenario.objective
    urban = bool(scenario.urban[ch.center])
    hh = int(scenario.households[list(ch.members)].sum())
    opt = center_option(scenario, ch.remedy, ch.site, ch.credit_site, hh, ch.capped)
    annual = annual_cost_yuan(hh, urban, scenario.year, opt.capex_yuan, opt.area_after_m2,
                              pol, costs)
    dist = 0.0
    moved = 0
    cur = scenario.current_community
    for u in ch.members:
        km = math.hypot(scenario.x[u] - scenario.x[ch.center],
                        scenario.y[u] - scenario.y[ch.center]) / 1000.0
        dist += int(scenario.households[u]) * km * w.distance_yuan_per_household_km
        if cur is not None and cur[u] is not None and cur[u] != cur[ch.center]:
            moved += int(scenario.households[u])
    return Priced(ch, hh, opt.area_after_m2, opt.capex_yuan, annual,
                  horizon_operating_yuan(hh, urban, scenario.plan_years, pol, costs), dist,
                  moved, moved * w.moved_yuan_per_household,
                  facility_cost_yuan(opt.capex_yuan, opt.area_after_m2, costs))


def cut_edges_yuan(scenario: Scenario, choices: tuple[Choice, ...] | list[Choice]) -> float:
    """The compactness term: cut_edge_yuan per neighbour link between two of these
    communities (0 when the weight is 0)."""
    weight = scenario.objective.cut_edge_yuan
    if weight <= 0:
        return 0.0
    owner = {u: k for k, ch in enumerate(choices) for u in ch.members}
    cut = sum(1 for a, b in scenario.edges.tolist()
              if a in owner and b in owner and owner[a] != owner[b])
    return weight * cut


def slug(text: str) -> str:
    return re.sub(r"[^0-9A-Za-z\u4e00-\u9fff]+", "", text.title()) or "X"


def street_prefixes(places: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """``<county>-<street>`` per (county, street), unique by construction.

    The slugs drop punctuation and case, so "a/b" and "a_b", or "Fuwan Town" and
    "fuwan town", would share one prefix and their communities one id (the plan then
    merges them). :func:`optimizer.names.unique_names` keeps the readable prefix for
    the first name in sorted order and gives the others ``_2``, ``_3``...: a slug
    never holds ``_`` or ``-``, so an id splits back into its parts and no two ids
    are alike, not even ignoring case.
    """
    return unique_names(places, lambda p: f"{slug(p[0])}-{slug(p[1])}")


def communities(scenario: Scenario, priced: list[tuple[Priced, Reasons, PieceData]]
                ) -> tuple[list[Community], dict[int, str], dict[int, str], list[GridShare]]:
    """Community records, the community and (first) grid id of every unit, and the
    grids' rows (COORD-300, :func:`optimizer.search.grids.divide_grids`).

    ``priced`` holds each community with its exemptions (() for none) and its
    component. Ids are ``<county>-<street>-U01`` (``R`` for rural), numbered per
    street and kind in order of the center's unit index; ``<county>-<street>`` is
    unique per street (:func:`street_prefixes`).
    """
    pol = scenario.policy
    sites = scenario.sites
    seq: dict[tuple[str, str, str], int] = {}
    rows: list[Community] = []
    unit_comm: dict[int, str] = {}
    unit_grid: dict[int, str] = {}
    shares: list[GridShare] = []
    prefix = street_prefixes((t[2].key[0], t[2].key[1]) for t in priced)
    for p, exemption, data in sorted(priced, key=lambda t: (t[2].key, t[0].choice.center)):
        ch = p.choice
        key = data.key
        seq[key] = seq.get(key, 0) + 1
        cid = f"{prefix[(key[0], key[1])]}-{'U' if key[2] == 'urban' else 'R'}{seq[key]:02d}"
        local = {int(u): k for k, u in enumerate(data.units)}
        coords = pol.coordinators(p.households)
        groups = divide_grids([local[u] for u in ch.members], data.nbrs,
                              [int(v) for v in data.households], local[ch.center], coords,
                              size=pol.households_per_coordinator,
                              tolerance=pol.grid_tolerance_households,
                              xy=list(zip(data.x.tolist(), data.y.tolist(), strict=True)))
        for g, group in enumerate(groups, start=1):
            gid = grid_id(cid, g, len(groups))
            for k, hh in group:
                unit = int(data.units[k])
                unit_grid.setdefault(unit, gid)
                shares.append(GridShare(gid, cid, scenario.unit_ids[unit], hh))
        for u in ch.members:
            unit_comm[u] = cid
        site = ch.site
        urban = key[2] == "urban"
        rows.append(Community(
            community_id=cid, county=key[0], street=key[1], kind=key[2],
            households=p.households, n_units=len(ch.members),
            site_id=sites.site_ids[site] if site is not None else "",
            site_unit_id=scenario.unit_ids[ch.center], remedy=ch.remedy,
            area_before_m2=float(sites.area_m2[site]) if site is not None else 0.0,
            area_after_m2=round(p.area_after_m2, 2),
            area_required_m2=round(pol.required_area_m2(p.households), 2),
            coordinators=coords, full_time_staff=pol.staff(p.households),
            capex_yuan=round(p.capex_yuan, 2), annual_cost_yuan=round(p.annual_yuan, 2),
            exemption=text_of(exemption), reasons=exemption,
            swap_site_id=sites.site_ids[ch.credit_site] if ch.credit_site is not None else "",
            grids=len(groups),
            population=round(p.households * pol.household_size, 1),
            volunteers_needed=pol.volunteers(p.households, urban),
        ))
    return rows, unit_comm, unit_grid, shares


def unit_order(scenario: Scenario, mapping: dict[int, str]) -> tuple[str, ...]:
    return tuple(mapping[i] for i in np.arange(scenario.n_units).tolist())
