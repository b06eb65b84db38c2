"""The incremental check: only the communities an edit touches are re-priced and
re-checked; the plan-wide lines are recomputed from the kept facts.

It keeps one :class:`optimizer.checker.rules.Context` up to date (members, grids,
which communities use or give up each site) and calls the checker's own
``community_rows`` and ``plan_rows``, so its lines are those of
``optimizer.check(scenario, plan)`` on the exported plan (tested on random edit
sequences). A community's lines depend on other communities only through the sites
it gives up in a swap (when an edit changes who uses a site, the communities that
give that site up are re-checked too) and through an oversized unit's claim that no
plan joins fewer households to the oversized communities (re-checked on every edit).
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable
from typing import Any

from optimizer.checker.checker import ComplianceReport, community_rows, plan_rows
from optimizer.checker.exemptions import depends_on_plan
from optimizer.checker.rules import ComplianceRow, Context, Facts
from optimizer.plan.model import Community, GridShare, Plan, grid_id
from optimizer.plan.naming import with_names_and_services
from optimizer.plan.summary import typed_fields
from optimizer.scenario.model import Scenario
from optimizer.search.assemble import cut_edges_yuan, price
from optimizer.search.attempt import Choice
from optimizer.status import Status
from optimizer.workbench.pricing import Pricer
from optimizer.workbench.state import UNASSIGNED, PlanState

VERSION = "0.1.0"


class LiveCheck:
    """Rows, facts and priced objective of every community, kept current."""

    def __init__(self, scenario: Scenario, state: PlanState, pricer: Pricer) -> None:
        self.s = scenario
        self.state = state
        self.pricer = pricer
        empty = Plan(scenario.name, (), (), (), ())
        # The checker's memo lives with the pricer of this scenario: a verdict that reads
        # the plan (the fewest joined households of an oversized unit's part, seconds of
        # search) is keyed by what it reads, so an edit elsewhere, another version or a
        # replayed workspace of the same scenario reuses it.
        shared = pricer.check_cache if pricer.s is scenario else {}
        self.ctx = Context(scenario, empty, cache=shared)
        self.com: dict[str, Community] = {}
        self.groups: dict[str, list[list[tuple[int, int]]]] = {}
        self.rows: dict[str, list[ComplianceRow]] = {}
        self.facts: dict[str, Facts] = {}
        self.choice: dict[str, Choice | None] = {}
        self.objective_of: dict[str, float | None] = {}
        self.unit_grid: list[str] = [""] * scenario.n_units
        self.update(set(state.records))

    # --- keeping the context current ------------------------------------------------
    def _unindex(self, cid: str) -> None:
        ctx = self.ctx
        ctx.members.pop(cid, None)
        for g in ctx.grids_of.pop(cid, set()):
            ctx.grid_units.pop(g, None)
            ctx.grid_communities.pop(g, None)
        ctx.grid_rows.pop(cid, None)
        old = self.com.pop(cid, None)
        if old is not None:
            for table, site in ((ctx.center_users, old.site_id),
                                (ctx.credit_users, old.swap_site_id)):
                if site and cid in table.get(site, []):
                    table[site].remove(cid)
                    if not table[site]:
                        del table[site]
        for key in (self.groups, self.rows, self.facts, self.choice, self.objective_of):
            key.pop(cid, None)

    def _index(self, cid: str) -> None:
        ctx, state = self.ctx, self.state
        ms = sorted(state.members.get(cid, ()))
        com, groups = self.pricer.community(state.records[cid], ms)
        self.com[cid] = com
        self.groups[cid] = groups
        ctx.members[cid] = set(ms)
        for i in ms:
            ctx.unit_community[i] = cid
        grids: set[str] = set()
        rows: list[GridShare] = []
        placed: set[int] = set()
        for n, group in enumerate(groups, start=1):
            g = grid_id(cid, n, len(groups))
            grids.add(g)
            ctx.grid_units[g] = sorted(i for i, _ in group)
            ctx.grid_communities[g] = {cid}
            for i, hh in group:
                if i not in placed:         # a divided unit: its first grid
                    self.unit_grid[i] = g
                    ctx.assigned_grid[i] = g
                    placed.add(i)
                rows.append(GridShare(g, cid, self.s.unit_ids[i], hh))
        ctx.grids_of[cid] = grids
        ctx.grid_rows[cid] = rows
        if com.site_id:
            ctx.center_users.setdefault(com.site_id, []).append(cid)
        if com.swap_site_id:
            ctx.credit_users.setdefault(com.swap_site_id, []).append(cid)
        self.choice[cid] = self._choice(com, ms)

    def _choice(self, com: Community, ms: list[int]) -> Choice | None:
        s, idx = self.s, self.pricer.site_index
        center = s.unit_index.get(com.site_unit_id)
        if center is None or not ms:
            return None
        return Choice(center, tuple(ms), com.remedy, idx.get(com.site_id),
                      idx.get(com.swap_site_id))

    def _objective(self, cid: str) -> float | None:
        ch = self.choice.get(cid)
        if ch is None:
            return None
        try:
            return price(self.s, ch).objective_yuan
        except (ValueError, AssertionError):   # an option the engine cannot price
            return None

    def update(self, touched: Iterable[str]) -> set[str]:
        """Re-price and re-check ``touched`` communities (and those that give up a site
        whose users changed); return every community id re-checked."""
        touched = set(touched)
        sites: set[str] = set()
        for cid in touched:
            old = self.com.get(cid)
            if old is not None:
                sites |= {old.site_id, old.swap_site_id}
            self._unindex(cid)
        for cid in sorted(touched):
            if cid in self.state.records and self.state.members.get(cid):
                self._index(cid)
                sites |= {self.com[cid].site_id, self.com[cid].swap_site_id}
        for i, c in enumerate(self.state.assign):
            if c == UNASSIGNED:
                self.unit_grid[i] = ""
                self.ctx.unit_community.pop(i, None)
        sites.discard("")
        again = {c for c, com in self.com.items() if com.swap_site_id in sites}
        again |= self._carry()
        # an oversized unit's "no plan joins fewer" claim counts every oversized
        # community's joined units (optimizer.checker.stranded): re-check those
        again |= {c for c, com in self.com.items() if depends_on_plan(self.ctx, com)}
        checked = (touched & set(self.com)) | again
        # The claims a community's verdict reads from the others' texts (the companions
        # of the oversized units of its piece: exemptions._companions_of_piece) are
        # read from the context's plan: the current communities, not the last report's.
        self.ctx.plan = dataclasses.replace(self.ctx.plan, communities=tuple(self.communities()))
        for cid in sorted(checked):
            self.rows[cid], self.facts[cid] = community_rows(self.ctx, self.com[cid])
            self.objective_of[cid] = self._objective(cid)
        return touched | again

    def _carry(self) -> set[str]:
        """Names and service lists (SERVICES-6-8) depend on which planned community
        takes most of each today's community: recompute them for every community and
        return those whose service list changed (to be checked again)."""
        coms = [self.com[c] for c in sorted(self.com)]
        carried, _ = with_names_and_services(self.s, coms, self.state.assign)
        changed = set()
        for new in carried:
            old = self.com[new.community_id]
            if old.services != new.services:
                changed.add(new.community_id)
            self.com[new.community_id] = new
        return changed

    # --- the plan and its report ---------------------------------------------------
    def communities(self) -> list[Community]:
        return [self.com[c] for c in sorted(self.com)]

    def objective(self) -> float | None:
        vals = [self.objective_of.get(c) for c in self.com]
        if any(v is None for v in vals):
            return None
        choices = [ch for c in sorted(self.com) if (ch := self.choice[c]) is not None]
        return float(sum(v for v in vals if v is not None)) + cut_edges_yuan(self.s, choices)

    def totals(self) -> dict[str, Any]:
        coms = self.communities()
        return {"n_units": self.s.n_units, "n_communities": len(coms),
                "households": int(sum(c.households for c in coms)),
                "total_capex_yuan": round(sum(c.capex_yuan for c in coms), 2),
                "total_annual_cost_yuan": round(sum(c.annual_cost_yuan for c in coms), 2)}

    def plan(self, summary: dict[str, Any] | None = None) -> Plan:
        shares = tuple(r for c in sorted(self.ctx.grid_rows) for r in self.ctx.grid_rows[c])
        typed, rest = typed_fields(summary if summary is not None else self.totals())
        return Plan(self.s.name, self.s.unit_ids, tuple(self.state.assign),
                    tuple(self.unit_grid), tuple(self.communities()), rest, shares, **typed)

    def report(self, plan: Plan | None = None) -> ComplianceReport:
        """The checker's report of the current plan, from the kept community lines."""
        self.ctx.plan = plan if plan is not None else self.plan()
        order = sorted(self.com)
        wide, targets = plan_rows(self.ctx, [(self.com[c], self.facts[c]) for c in order])
        per = [r for c in order for r in self.rows[c]]
        return ComplianceReport(tuple(wide + per + targets))

    def summary(self, report: ComplianceReport | None = None) -> dict[str, Any]:
        """summary.json of the current plan: the totals recomputed, the objective by the
        engine's pricing, the bound of the solve it came from (a bound on the scenario,
        so still valid after edits) and the gap to it."""
        meta = self.state.meta
        report = report if report is not None else self.report()
        obj = self.objective()
        if not report.passed or obj is None:
            status = Status.UNKNOWN
        elif meta.status == Status.OPTIMAL and meta.objective is not None \
                and abs(obj - meta.objective) <= 1.0:
            status = Status.OPTIMAL
        else:
            status = Status.FEASIBLE
        bound = meta.bound
        gap = None
        if obj is not None and bound is not None and obj > 0:
            gap = round(max(0.0, obj - bound) / obj, 8)
        out: dict[str, Any] = {
            "scenario": self.s.name, "status": status,
            "objective": round(obj, 2) if obj is not None else None,
            "bound": round(bound, 2) if bound is not None else None, "gap": gap,
            "solve_time_s": meta.solve_time_s, **self.totals(), "seed": meta.seed,
            "version": VERSION, "source": f"workbench ({meta.source})",
        }
        return out

    def status_counts(self) -> dict[str, int]:
        counts: Counter[str] = Counter()
        for rows in self.rows.values():
            counts.update(r.status for r in rows)
        return dict(counts)
