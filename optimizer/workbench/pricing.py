"""Price a community the way the engine does: its center options, the cheapest one,
and the communities.csv row that follows from a record and its units.

The arithmetic is the engine's (:mod:`optimizer.rules.remedy`, :mod:`optimizer.rules.policy`);
this module only chooses among the options a center unit offers. The choice is the
workbench's claim: the independent checker re-prices every row it produces.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from optimizer.model.precedence import FREE, NEWDEV, PIPELINE, first_rooms
from optimizer.plan.model import Community
from optimizer.rules.remedy import (
    REMEDIES,
    annual_cost_yuan,
    build_option,
    codevelop_option,
    facility_cost_yuan,
    site_option,
)
from optimizer.scenario.model import Scenario
from optimizer.search.grids import Share, divide_grids, split_units
from optimizer.workbench.records import Record


@dataclass(frozen=True)
class Option:
    """One way to give a community centred in ``unit`` its center, priced."""

    unit: int
    site: int | None
    remedy: str
    credit_site: int | None
    area_after_m2: float
    capex_yuan: float
    facility_yuan: float        # annualized capital + running cost per year


class Pricer:
    """Center options and community rows for one scenario (cached look-ups)."""

    def __init__(self, scenario: Scenario) -> None:
        self.s = scenario
        self.nbrs: list[list[int]] = [a.tolist() for a in scenario.neighbours]
        self.hh: list[int] = scenario.households.tolist()
        self.site_index = {sid: k for k, sid in enumerate(scenario.sites.site_ids)}
        self.xy = list(zip(scenario.x.tolist(), scenario.y.tolist(), strict=True))
        # The checker's memo for this scenario (optimizer.checker.facts.Context.cache):
        # pure functions of the scenario and verdicts keyed by all they read of the plan,
        # shared by every workbench of the scenario, across edits and versions.
        self.check_cache: dict[str, Any] = {}

    # --- options ---------------------------------------------------------------
    def site_options(self, unit: int, required: float, credit: int | None,
                     only_site: int | None = None) -> list[Option]:
        s, sites, costs = self.s, self.s.sites, self.s.costs
        out: list[Option] = []
        for k in s.sites_by_unit.get(unit, ()):
            if only_site is not None and k != only_site:
                continue
            a0, amax = float(sites.area_m2[k]), float(sites.max_area_m2[k])
            owned, price = bool(sites.owned[k]), float(sites.price_yuan[k])
            remedies = ("keep", "renovate", "extend") if owned else ("purchase", "swap")
            for remedy in remedies:
                c_area = float(sites.area_m2[credit]) if (remedy == "swap" and credit
                                                          is not None) else 0.0
                opt = site_option(remedy, required, a0, amax, owned,
                                  price if not owned else 0.0, costs, c_area)
                if opt is None:
                    continue
                out.append(Option(unit, k, remedy, credit if remedy == "swap" else None,
                                  opt.area_after_m2, opt.capex_yuan,
                                  facility_cost_yuan(opt.capex_yuan, opt.area_after_m2, costs)))
        return out

    def new_options(self, unit: int, required: float) -> list[Option]:
        s, costs = self.s, self.s.costs
        out = []
        if not s.is_no_build(unit):
            opt = build_option(required, costs)
            out.append(Option(unit, None, "build", None, opt.area_after_m2, opt.capex_yuan,
                              facility_cost_yuan(opt.capex_yuan, opt.area_after_m2, costs)))
        if s.is_new_development(unit):
            opt = codevelop_option(required, s.policy)
            out.append(Option(unit, None, "codevelop", None, opt.area_after_m2, 0.0,
                              facility_cost_yuan(0.0, opt.area_after_m2, costs)))
        return out

    def credit_site(self, members: Collection[int], exclude: Collection[int]) -> int | None:
        """The owned site of the community worth most as a swap credit (the largest),
        among those no community uses or gives up (``exclude``)."""
        sites = self.s.sites
        best: int | None = None
        for u in sorted(members):
            for k in self.s.sites_by_unit.get(u, ()):
                if not bool(sites.owned[k]) or k in exclude:
                    continue
                if best is None or float(sites.area_m2[k]) > float(sites.area_m2[best]):
                    best = k
        return best

    def options(self, members: Collection[int], unit: int, used: Collection[int],
                only_site: int | None = None, new_only: bool = False) -> list[Option]:
        """Every option for a center in ``unit``, cheapest first. ``used``: sites other
        communities use or give up (not offered). ``only_site``: that site alone;
        ``new_only``: build or codevelop alone."""
        h = sum(self.hh[i] for i in members)
        required = self.s.policy.required_area_m2(h)
        out: list[Option] = []
        if not new_only:
            sites_here = self.s.sites_by_unit.get(unit, ())
            credit = self.credit_site(members, set(used) | set(sites_here))
            out += [o for o in self.site_options(unit, required, credit, only_site)
                    if only_site is not None or o.site not in used]
        if only_site is None:
            out += self.new_options(unit, required)
        if only_site is None and not new_only:
            # PIPELINE / NEWDEV-FIRST: rooms coming or co-built come first, where the
            # community may take them (an explicit choice of the planner is left as is).
            kind = first_rooms(self.s, members)
            first = [o for o in out if kind == FREE
                     or (kind == PIPELINE and o.site is not None
                         and self.s.sites.is_pipeline(o.site))
                     or (kind == NEWDEV and o.remedy == "codevelop")]
            out = first or out
        order = {r: n for n, r in enumerate(REMEDIES)}
        return sorted(out, key=lambda o: (round(o.facility_yuan, 6), order[o.remedy],
                                          -1 if o.site is None else o.site))

    def distance_yuan(self, members: Sequence[int], center: int) -> float:
        s = self.s
        idx = np.asarray(members, dtype=np.int64)
        km = np.hypot(s.x[idx] - s.x[center], s.y[idx] - s.y[center]) / 1000.0
        return float((s.households[idx] * km).sum()) * s.objective.distance_yuan_per_household_km

    def best_center(self, members: Collection[int], used: Collection[int],
                    candidates: Collection[int] | None = None) -> Option | None:
        """The cheapest center for these units among ``candidates`` (default: all of
        them), by the engine's objective: the center's annual facility cost plus the
        households' distance to it. None when no unit can hold a center."""
        ms = sorted(members)
        best: tuple[float, int, Option] | None = None
        for u in sorted(candidates if candidates is not None else ms):
            opts = self.options(ms, u, used)
            if not opts:
                continue
            score = opts[0].facility_yuan + self.distance_yuan(ms, u)
            if best is None or score < best[0] - 1e-6:
                best = (score, u, opts[0])
        return best[2] if best else None

    # --- exemptions --------------------------------------------------------------
    @cached_property
    def _impossible(self) -> tuple[np.ndarray, dict[int, str]]:
        """Per unit its component, and why a component cannot be split within the bounds."""
        from optimizer.graph import decompose, diagnose

        s = self.s
        comps, comp_of = decompose(s)
        why: dict[int, str] = {}
        for n, c in enumerate(comps):
            lo, hi = s.policy.bounds(c.urban)
            if c.households == 0 or math.ceil(c.households / hi) > c.households // lo:
                why[n] = (f"its piece {c.street} ({c.key[2]}) has {c.households} households: "
                          f"no whole number of communities of {lo}..{hi} fits")
        for d in diagnose(s):
            if d.reason in ("too-small", "no-integer-k", "cut-off", "no-partition"):
                for uid in d.units:
                    i = s.unit_index.get(uid)
                    if i is not None:
                        why.setdefault(int(comp_of[i]), d.message or d.reason)
        return comp_of, why

    def warm(self) -> None:
        """Compute the cached proofs ahead of the first edit that needs them."""
        _ = self._impossible

    def exemption(self, members: Sequence[int], urban: bool) -> str:
        """The size exemption a community may claim: only where the bound is provably
        out of reach (a unit alone above it, or a piece that cannot be split). None for
        a community mixing urban and rural units: it breaks KIND, and the checker
        proves a size exemption only against the bounds of one kind."""
        if not members or len({bool(self.s.urban[i]) for i in members}) > 1:
            return ""
        pol = self.s.policy
        lo, hi = pol.bounds(urban)
        h = sum(self.hh[i] for i in members)
        if lo <= h <= hi:
            return ""
        rule = pol.size_rule(urban)
        big = [i for i in members if self.hh[i] > hi]
        if big:
            return (f"{rule}: unit {self.s.unit_ids[big[0]]} alone has {self.hh[big[0]]} "
                    f"households, above {hi}")
        comp_of, why = self._impossible
        comps = sorted({int(comp_of[i]) for i in members})
        if all(c in why for c in comps):
            return f"{rule}: " + "; ".join(why[c] for c in comps)
        return ""

    # --- the row -------------------------------------------------------------------
    def grids(self, members: Sequence[int], center: int, want: int) -> list[list[Share]]:
        """COORD-300 grids of about 300 households (:func:`divide_grids`), ``want`` of
        them; a disconnected community gets its grids per part (it fails CONTIGUITY
        anyway), at least one each, the rest by households."""
        ms = sorted(members)
        if not ms:
            return []
        pol = self.s.policy
        want = max(1, want)
        parts = self.parts(ms)
        share = ([want] if len(parts) == 1 else
                 _apportion([sum(self.hh[i] for i in p) for p in parts],
                            [max(1, sum(self.hh[i] for i in p)) for p in parts], want))
        out: list[list[Share]] = []
        for part, n in zip(parts, share, strict=True):
            root = center if center in set(part) else part[0]
            out += divide_grids(part, self.nbrs, self.hh, root, n,
                                size=pol.households_per_coordinator,
                                tolerance=pol.grid_tolerance_households, xy=self.xy)
        return out

    def halves(self, members: Sequence[int], center: int) -> list[list[int]]:
        """A connected community in two connected halves of whole units, balanced."""
        ms = sorted(members)
        root = center if center in set(ms) else ms[0]
        return split_units(ms, self.nbrs, self.hh, root, 2)

    def parts(self, members: Sequence[int]) -> list[list[int]]:
        """Connected parts of the units in the neighbour graph, largest first."""
        todo = set(members)
        out = []
        for start in sorted(members):
            if start not in todo:
                continue
            todo.discard(start)
            part, stack = [start], [start]
            while stack:
                u = stack.pop()
                for v in self.nbrs[u]:
                    if v in todo:
                        todo.discard(v)
                        part.append(v)
                        stack.append(v)
            out.append(sorted(part))
        return sorted(out, key=lambda p: (-len(p), p[0]))

    def community(self, rec: Record, members: Sequence[int]
                  ) -> tuple[Community, list[list[Share]]]:
        """The communities.csv row of a record with these units, and its grids."""
        s, pol, sites = self.s, self.s.policy, self.s.sites
        ms = sorted(members)
        center = s.unit_index.get(rec.center, ms[0] if ms else 0)
        where = center if center in set(ms) or not ms else ms[0]
        h = sum(self.hh[i] for i in ms)
        urban = bool(s.urban[where])
        required = pol.required_area_m2(h)
        site = self.site_index.get(rec.site) if rec.site else None
        credit = self.site_index.get(rec.credit_site) if rec.credit_site else None
        area_before = float(sites.area_m2[site]) if site is not None else 0.0
        area, capex = self._area_capex(rec.remedy, site, credit, required, area_before)
        area, capex = round(area, 2), round(capex, 2)
        coords = pol.coordinators(h)
        groups = self.grids(ms, center, coords)
        annual = annual_cost_yuan(h, urban, s.year, capex, area, pol, s.costs)
        row = Community(
            community_id=rec.cid, county=s.county[where], street=s.street[where],
            kind="urban" if urban else "rural", households=h, n_units=len(ms),
            site_id=rec.site, site_unit_id=rec.center, remedy=rec.remedy,
            area_before_m2=area_before, area_after_m2=area,
            area_required_m2=round(required, 2), coordinators=coords,
            full_time_staff=pol.staff(h), capex_yuan=capex, annual_cost_yuan=round(annual, 2),
            exemption=rec.exemption, swap_site_id=rec.credit_site, grids=len(groups),
            population=round(h * pol.household_size, 1),
            volunteers_needed=pol.volunteers(h, urban))
        return row, groups

    def _area_capex(self, remedy: str, site: int | None, credit: int | None,
                    required: float, area_before: float) -> tuple[float, float]:
        """The option's area and capital; an option that cannot apply claims today's
        area and no capital (REMEDY and COST then fail, with the checker's reason)."""
        s, sites = self.s, self.s.sites
        if remedy == "build":
            opt = build_option(required, s.costs)
            return opt.area_after_m2, opt.capex_yuan
        if remedy == "codevelop":
            opt = codevelop_option(required, s.policy)
            return opt.area_after_m2, opt.capex_yuan
        if site is None:
            return 0.0, 0.0
        owned = bool(sites.owned[site])
        c_area = float(sites.area_m2[credit]) if credit is not None else 0.0
        found = site_option(remedy, required, area_before, float(sites.max_area_m2[site]),
                            owned, float(sites.price_yuan[site]) if not owned else 0.0,
                            s.costs, c_area)
        if found is None:
            return area_before, 0.0
        return found.area_after_m2, found.capex_yuan


def _apportion(weights: Sequence[int], caps: Sequence[int], total: int) -> list[int]:
    """At least one per part, the rest by weight (largest remainder), within caps."""
    n = len(weights)
    out = [1] * n
    left = total - n
    while left > 0:
        room = [k for k in range(n) if out[k] < caps[k]]
        if not room:
            break
        k = max(room, key=lambda k: (weights[k] / out[k], -k))
        out[k] += 1
        left -= 1
    return out


def record_for(scenario: Scenario, cid: str, opt: Option, exemption: str = "") -> Record:
    """The record of a community given its chosen option."""
    ids = scenario.sites.site_ids
    return Record(cid, scenario.unit_ids[opt.unit], ids[opt.site] if opt.site is not None
                  else "", opt.remedy, ids[opt.credit_site] if opt.credit_site is not None
                  else "", exemption)
