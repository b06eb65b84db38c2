"""Everything one county's filing is built from: its communities (the plan restricted to
the county), proposed names, the plan folder's optional parts and the compliance lines."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from dataclasses import dataclass
from functools import cached_property

from optimizer.plan.model import Community, Plan
from optimizer.report.filing import terms
from optimizer.report.filing.inputs import CheckRow, PlanExtras
from optimizer.report.filing.names import ProposedName, proposed_names
from optimizer.report.places import county_name
from optimizer.scenario.model import Scenario

TARGET_YEAR = 2015              # FACILITY-95 and the other targets: by 2015


@dataclass(frozen=True)
class CheckSource:
    rows: tuple[CheckRow, ...]
    source: str                 # "compliance.csv" or "checker"
    downgraded: tuple[str, ...] = ()   # reported rules shown not_assessed (pass, no value)


def honest_checks(rows: tuple[CheckRow, ...], source: str) -> CheckSource:
    """A reported target (RULES.md: HARMONY-90-80, MGMT-2013, ...) written ``pass`` with
    no value was not checked: it is shown ``not_assessed``, never certified as met."""
    out, down = [], []
    for r in rows:
        if r.rule_id in terms.REPORTED and r.status == "pass" and not r.value.strip():
            out.append(dataclasses.replace(r, status="not_assessed"))
            down.append(r.rule_id)
        else:
            out.append(r)
    return CheckSource(tuple(out), source, tuple(sorted(set(down))))


def checks_from_checker(scenario: Scenario, plan: Plan) -> CheckSource:
    from optimizer.checker.checker import check

    def text(v: object) -> str:
        return "" if v is None else str(v)

    rows = tuple(CheckRow(r.rule_id, r.community_id, r.status, text(r.value), text(r.limit),
                          r.note) for r in check(scenario, plan).rows)
    return honest_checks(rows, "checker")


@dataclass(frozen=True)
class FilingContext:
    scenario: Scenario
    plan: Plan                  # the whole plan
    county: str
    extras: PlanExtras
    checks: CheckSource
    lang: str
    date: dt.date
    fingerprint: str            # of the plan's assignment, to match document and files

    @cached_property
    def communities(self) -> tuple[Community, ...]:
        return tuple(sorted((c for c in self.plan.communities if c.county == self.county),
                            key=lambda c: (c.street, c.kind, c.community_id)))

    @cached_property
    def ids(self) -> frozenset[str]:
        return frozenset(c.community_id for c in self.communities)

    @cached_property
    def sub(self) -> Plan:
        """The plan restricted to this county's communities and units."""
        keep = [k for k, c in enumerate(self.plan.community) if c in self.ids]
        return dataclasses.replace(
            self.plan, unit_ids=tuple(self.plan.unit_ids[k] for k in keep),
            community=tuple(self.plan.community[k] for k in keep),
            grid=tuple(self.plan.grid[k] for k in keep), communities=self.communities)

    @cached_property
    def names(self) -> dict[str, ProposedName]:
        given = {c.community_id: c.name for c in self.plan.communities if c.name}
        every = proposed_names(self.scenario, self.plan, {**given, **self.extras.names},
                               self.lang)
        return {cid: every[cid] for cid in self.ids}

    def name(self, cid: str) -> str:
        n = self.names.get(cid)
        return n.name if n else cid

    @cached_property
    def members(self) -> dict[str, list[int]]:
        """Unit indices (scenario order) per community of the county."""
        index = self.scenario.unit_index
        out: dict[str, list[int]] = {c: [] for c in self.ids}
        for u, c in zip(self.plan.unit_ids, self.plan.community, strict=True):
            if c in out and u in index:
                out[c].append(index[u])
        return out

    def county_checks(self) -> list[CheckRow]:
        """This county's compliance lines and the plan-wide ("*") ones."""
        return [r for r in self.checks.rows if r.community_id in self.ids
                or r.community_id == "*"]

    @property
    def county_zh(self) -> str:
        return county_name(self.county, self.lang)

    @property
    def years(self) -> tuple[int, int]:
        last = max([TARGET_YEAR, *(p.year for p in self.extras.phasing or () if p.year)])
        return int(self.scenario.year), int(last)

    def title(self, pair: terms.Pair) -> str:
        """The official title: county, plan, years (建湖县社区布局规划(2013—2015年))."""
        a, b = self.years
        if self.lang == "zh":
            return f"{self.county_zh}{pair[0]}({a}—{b}年)"
        return f"{self.county}: {pair[1]} ({a}-{b})"


def plan_fingerprint(plan: Plan) -> str:
    """A short hash of the assignment: the same plan files give the same fingerprint."""
    h = hashlib.sha256()
    for u, c, g in sorted(zip(plan.unit_ids, plan.community, plan.grid, strict=True)):
        h.update(f"{u}\x1f{c}\x1f{g}\n".encode())
    return h.hexdigest()[:12]
