"""Compare two plans of one scenario: who moved, which communities were added, removed
or changed, and what it does to cost, staff and area.

Community ids of two plans need not agree (today's ids are not the solver's), so the
communities are matched one to one by the households they share: the pair sharing
the most households first (greedy, deterministic). A unit is *reassigned* when its
community in plan B is not the partner of its community in plan A. Plan B
communities without a partner are *added*, plan A ones *removed*; matched pairs with
different units are *changed*.

``current_plan(scenario)`` turns today's communities (``current_community``) into a
pseudo-plan so that ``diff(scenario, current_plan(scenario), plan)`` shows the
redistricting. Its centers are each community's largest owned site as it is today
(remedy ``keep``, no capital), so its cost is today's running cost, not a plan's.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from optimizer.plan.model import Community, Plan
from optimizer.rules.remedy import annual_cost_yuan
from optimizer.scenario.model import Scenario
from optimizer.status import Status

__all__ = ["CommunityChange", "PlanDiff", "current_plan", "diff"]
NO_COMMUNITY = "(none)"


@dataclass(frozen=True)
class CommunityChange:
    """One matched pair, or an added/removed community ("" on the missing side)."""

    change: str                 # added | removed | changed | unchanged
    community_a: str
    community_b: str
    households_a: int
    households_b: int
    households_shared: int
    n_units_a: int
    n_units_b: int
    capex_a: float
    capex_b: float
    annual_a: float
    annual_b: float
    staff_a: int
    staff_b: int
    area_after_a: float
    area_after_b: float


@dataclass(frozen=True, eq=False)
class PlanDiff:
    """What changes from plan A to plan B (see the module docstring)."""

    name_a: str
    name_b: str
    unit_ids: tuple[str, ...]
    community_a: tuple[str, ...]        # per scenario unit
    community_b: tuple[str, ...]
    reassigned: np.ndarray              # bool per scenario unit
    households: np.ndarray              # per scenario unit
    changes: tuple[CommunityChange, ...]
    totals: dict[str, Any] = field(default_factory=dict)

    @property
    def units_moved(self) -> int:
        return int(self.reassigned.sum())

    @property
    def households_reassigned(self) -> int:
        return int(self.households[self.reassigned].sum())

    def ids(self, change: str) -> list[str]:
        """Community ids (of B, or of A for ``removed``) with this change."""
        return [c.community_a if change == "removed" else c.community_b
                for c in self.changes if c.change == change]

    def to_frame(self) -> pd.DataFrame:
        """One row per community pair, with the deltas B − A."""
        df = pd.DataFrame([asdict(c) for c in self.changes],
                          columns=list(CommunityChange.__dataclass_fields__))
        df["households_moved_in"] = df["households_b"] - df["households_shared"]
        df["households_moved_out"] = df["households_a"] - df["households_shared"]
        for key in ("capex", "annual", "staff", "area_after"):
            df[f"{key}_delta"] = df[f"{key}_b"] - df[f"{key}_a"]
        return df

    def summary_text(self) -> str:
        t = self.totals
        counts = Counter(c.change for c in self.changes)
        return "\n".join([
            f"{self.name_a} -> {self.name_b}",
            f"units moved {self.units_moved} of {len(self.unit_ids)}, households reassigned "
            f"{self.households_reassigned:,} of {int(self.households.sum()):,}",
            f"communities {t['communities_a']} -> {t['communities_b']}: "
            + ", ".join(f"{counts.get(k, 0)} {k}"
                        for k in ("added", "removed", "changed", "unchanged")),
            f"capital {t['capex_delta']:+,.0f} yuan, annual cost {t['annual_delta']:+,.0f} "
            f"yuan/year, full-time staff {t['staff_delta']:+d}, center area "
            f"{t['area_delta']:+,.0f} m²",
        ])


def _per_unit(scenario: Scenario, plan: Plan) -> tuple[str, ...]:
    of = plan.community_of()
    return tuple(of.get(u, NO_COMMUNITY) or NO_COMMUNITY for u in scenario.unit_ids)


def _match(a: tuple[str, ...], b: tuple[str, ...], hh: np.ndarray) -> dict[str, str]:
    shared: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for ca, cb, h in zip(a, b, hh.tolist(), strict=True):
        if ca == NO_COMMUNITY or cb == NO_COMMUNITY:
            continue
        shared[(ca, cb)][0] += int(h)
        shared[(ca, cb)][1] += 1
    order = sorted(shared.items(), key=lambda kv: (-kv[1][0], -kv[1][1], kv[0]))
    pair: dict[str, str] = {}
    used_b: set[str] = set()
    for (ca, cb), _ in order:
        if ca not in pair and cb not in used_b:
            pair[ca] = cb
            used_b.add(cb)
    return pair


def diff(scenario: Scenario, plan_a: Plan, plan_b: Plan, *,
         names: tuple[str, str] | None = None) -> PlanDiff:
    """Compare ``plan_a`` (e.g. today's, see :func:`current_plan`) with ``plan_b``."""
    a, b = _per_unit(scenario, plan_a), _per_unit(scenario, plan_b)
    hh = np.asarray(scenario.households, dtype=np.int64)
    pair = _match(a, b, hh)
    reassigned = np.array([pair.get(ca) != cb for ca, cb in zip(a, b, strict=True)], bool)
    units_a: dict[str, set[int]] = defaultdict(set)
    units_b: dict[str, set[int]] = defaultdict(set)
    for i, (ca, cb) in enumerate(zip(a, b, strict=True)):
        units_a[ca].add(i)
        units_b[cb].add(i)
    com_a = {c.community_id: c for c in plan_a.communities}
    com_b = {c.community_id: c for c in plan_b.communities}
    partner_a = {cb: ca for ca, cb in pair.items()}
    rows: list[CommunityChange] = []
    for cb in sorted(set(com_b) | (set(units_b) - {NO_COMMUNITY})):
        ca = partner_a.get(cb, "")
        same = units_a.get(ca, set()) & units_b[cb] if ca else set()
        kind = "added" if not ca else ("unchanged" if units_a[ca] == units_b[cb] else "changed")
        rows.append(_row(kind, ca, cb, com_a.get(ca), com_b.get(cb), units_a.get(ca, set()),
                         units_b[cb], same, hh))
    for ca in sorted((set(com_a) | (set(units_a) - {NO_COMMUNITY})) - set(pair)):
        rows.append(_row("removed", ca, "", com_a.get(ca), None, units_a[ca], set(), set(), hh))

    def tot(plan: Plan, key: str) -> float:
        return float(sum(getattr(c, key) for c in plan.communities))

    totals: dict[str, Any] = {
        "communities_a": len(plan_a.communities), "communities_b": len(plan_b.communities),
        "capex_delta": tot(plan_b, "capex_yuan") - tot(plan_a, "capex_yuan"),
        "annual_delta": tot(plan_b, "annual_cost_yuan") - tot(plan_a, "annual_cost_yuan"),
        "staff_delta": int(tot(plan_b, "full_time_staff") - tot(plan_a, "full_time_staff")),
        "area_delta": tot(plan_b, "area_after_m2") - tot(plan_a, "area_after_m2"),
    }
    name_a, name_b = names or (f"A: {plan_a.scenario}", f"B: {plan_b.scenario}")
    return PlanDiff(name_a, name_b, scenario.unit_ids, a, b, reassigned, hh, tuple(rows), totals)


def _row(kind: str, ca: str, cb: str, a: Community | None, b: Community | None,
         ua: set[int], ub: set[int], same: set[int], hh: np.ndarray) -> CommunityChange:
    def get(c: Community | None, key: str) -> Any:
        return getattr(c, key) if c is not None else 0

    return CommunityChange(
        kind, ca, cb, int(hh[list(ua)].sum()) if ua else 0, int(hh[list(ub)].sum()) if ub else 0,
        int(hh[list(same)].sum()) if same else 0, len(ua), len(ub),
        float(get(a, "capex_yuan")), float(get(b, "capex_yuan")),
        float(get(a, "annual_cost_yuan")), float(get(b, "annual_cost_yuan")),
        int(get(a, "full_time_staff")), int(get(b, "full_time_staff")),
        float(get(a, "area_after_m2")), float(get(b, "area_after_m2")))


def current_plan(scenario: Scenario) -> Plan:
    """Today's communities (``current_community``) as a pseudo-plan (see module doc)."""
    if scenario.current_community is None:
        raise ValueError("the scenario has no current_community: nothing to compare with")
    ids = [c if c else NO_COMMUNITY for c in scenario.current_community]
    members: dict[str, list[int]] = defaultdict(list)
    for i, c in enumerate(ids):
        members[c].append(i)
    pol, costs, sites = scenario.policy, scenario.costs, scenario.sites
    coms: list[Community] = []
    for cid in sorted(members):
        units = members[cid]
        hh = int(scenario.households[units].sum())
        urban = Counter(bool(scenario.urban[u]) for u in units).most_common(1)[0][0]
        own = [s for u in units for s in scenario.sites_by_unit.get(u, ()) if sites.owned[s]]
        best = max(own, key=lambda s: (float(sites.area_m2[s]), -s)) if own else None
        area = float(sites.area_m2[best]) if best is not None else 0.0
        center = int(sites.unit[best]) if best is not None else units[0]
        coms.append(Community(
            community_id=cid, county=scenario.county[units[0]], street=scenario.street[units[0]],
            kind="urban" if urban else "rural", households=hh, n_units=len(units),
            site_id=sites.site_ids[best] if best is not None else "",
            site_unit_id=scenario.unit_ids[center], remedy="keep", area_before_m2=area,
            area_after_m2=area, area_required_m2=pol.required_area_m2(hh),
            coordinators=pol.coordinators(hh), full_time_staff=pol.staff(hh), capex_yuan=0.0,
            annual_cost_yuan=annual_cost_yuan(hh, urban, scenario.year, 0.0, area, pol, costs),
            population=hh * pol.household_size, volunteers_needed=pol.volunteers(hh, urban)))
    return Plan(scenario="today's communities", unit_ids=scenario.unit_ids,
                community=tuple(ids), grid=tuple("" for _ in ids), communities=tuple(coms),
                summary={"scenario": "today's communities", "source": "current_community"},
                status=Status.UNKNOWN)
