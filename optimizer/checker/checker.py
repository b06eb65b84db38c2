"""The independent checker: does a plan obey the rules, recomputed from the scenario?

``check(scenario, plan)`` trusts none of the plan's numbers: it regroups the units by
the assignment and recomputes households, contiguity, nesting, kind, bounds, the
center and its remedy, area, coordinators and grids, staff, costs, exemptions and the
totals. It never imports the model or the search, so it can disagree with them.
One ComplianceRow per rule id and community ("*" for plan-wide lines).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from optimizer.checker import exemptions as checker_exempt
from optimizer.checker.locks import lock_violations
from optimizer.checker.phasing import phasing_rows
from optimizer.checker.rules import (
    COST_EPS_YUAN,
    Context,
    Facts,
    area_rows,
    contiguity_row,
    coord_row,
    cost_row,
    facts_of,
    households_row,
    kind_row,
    nesting_row,
    newdev_row,
    one_station_row,
    remedy_row,
    row,
    size_row,
    staff_row,
)
from optimizer.errors import LockError
from optimizer.graph.locks import parse_locks
from optimizer.plan.compliance import ComplianceReport, ComplianceRow
from optimizer.plan.model import Community, Plan
from optimizer.scenario.model import Scenario

__all__ = ["ComplianceReport", "ComplianceRow", "check", "community_rows", "plan_rows"]
REPORTED = "reported, not optimized"


def _some(items: Iterable[str], n: int = 8) -> str:
    xs = list(items)
    head = ", ".join(xs[:n])
    return head + (f" and {len(xs) - n} more" if len(xs) > n else "")


# --- per community -------------------------------------------------------------
def community_rows(ctx: Context, com: Community) -> tuple[list[ComplianceRow], Facts]:
    """One community's lines and the facts recomputed for it.

    A community's lines depend on the scenario, its own row and units, its grids, and
    which communities use or give up the sites it names (``ctx.center_users``,
    ``ctx.credit_users``): an incremental checker (the workbench) that keeps ``ctx`` up
    to date re-checks only the communities an edit touches and gets ``check``'s lines.
    """
    f = facts_of(ctx, com)
    cid = com.community_id
    rows = [households_row(ctx, com, f)]
    if f.units:
        rows += [contiguity_row(ctx, com, f), nesting_row(ctx, com, f), kind_row(ctx, com, f),
                 size_row(ctx, com, f)]
    rows.append(one_station_row(ctx, com, f))
    rem = remedy_row(ctx, com, f)
    rows.append(rem)
    rows += area_rows(ctx, com, f, rem.status == "pass")
    nd = newdev_row(ctx, com)
    if nd is not None:
        rows.append(nd)
    rows += [coord_row(ctx, com, f), staff_row(ctx, com, f), cost_row(ctx, com, f)]
    for ex in checker_exempt.judge(ctx, com, f):
        rows = checker_exempt.apply(rows, ex, cid, f)
    # No place for a center (an exempt ONE-STATION): the facility targets cannot
    # count this community either way (FACILITY-95, FIX-2013-03 below).
    f.center_exempt = any(r.rule_id == "ONE-STATION" and r.status == "exempt" for r in rows)
    return rows, f


# --- plan-wide -----------------------------------------------------------------
def _assignment_row(ctx: Context) -> ComplianceRow:
    s, p = ctx.scenario, ctx.plan
    notes = []
    if not len(p.unit_ids) == len(p.community) == len(p.grid):
        notes.append(f"{len(p.unit_ids)} unit ids, {len(p.community)} community ids and "
                     f"{len(p.grid)} grid ids differ in number")
    counts = Counter(p.unit_ids)
    unknown = sorted(u for u in counts if u not in s.unit_index)
    twice = sorted(u for u, n in counts.items() if n > 1)
    missing = [u for u in s.unit_ids if u not in counts]
    known = {c.community_id for c in p.communities}
    dup = sorted(c for c, n in Counter(c.community_id for c in p.communities).items() if n > 1)
    if dup:
        notes.append(f"community ids listed more than once: {_some(dup)}")
    orphan = sorted({c for c in p.community if c not in known})
    if missing:
        notes.append(f"{len(missing)} units of the scenario not assigned: {_some(missing)}")
    if twice:
        notes.append(f"{len(twice)} units assigned more than once: {_some(twice)}")
    if unknown:
        notes.append(f"{len(unknown)} unit ids not in the scenario: {_some(unknown)}")
    if orphan:
        notes.append(f"assigned to communities absent from communities.csv: {_some(orphan)}")
    return row("ASSIGNMENT", "*", not notes, len(p.unit_ids), s.n_units, "; ".join(notes))


def _sites_row(ctx: Context) -> ComplianceRow:
    """ONE-STATION plan-wide: a site serves at most one community."""
    uses: dict[str, list[str]] = {}
    for site, cs in ctx.center_users.items():
        uses.setdefault(site, []).extend(cs)
    for site, cs in ctx.credit_users.items():
        uses.setdefault(site, []).extend(f"{c} (swap)" for c in cs)
    bad = sorted(site for site, cs in uses.items() if len(cs) > 1)
    note = "; ".join(f"site {site} used by {', '.join(sorted(uses[site]))}" for site in bad)
    return row("ONE-STATION", "*", not bad, len(bad), 0, note)


def _totals_row(ctx: Context, facts: Sequence[tuple[Community, Facts]]) -> ComplianceRow:
    s, p = ctx.scenario, ctx.plan
    capex = sum(f.capex if f.capex is not None else c.capex_yuan for c, f in facts)
    annual = sum(f.annual if f.annual is not None else c.annual_cost_yuan for c, f in facts)
    tol = COST_EPS_YUAN * max(1, len(facts))
    want = {"n_units": s.n_units, "n_communities": len(p.communities),
            "households": s.total_households(), "total_capex_yuan": capex,
            "total_annual_cost_yuan": annual}
    notes = []
    for key, expected in want.items():
        got = p.summary.get(key)
        if got is None:
            notes.append(f"summary.json lacks {key}")
            continue
        try:
            diff = abs(float(got) - float(expected))
        except (TypeError, ValueError):
            notes.append(f"{key}={got!r} is not a number")
            continue
        if diff > (tol if key.endswith("_yuan") else 0):
            notes.append(f"{key}: summary {got}, recomputed {round(float(expected), 2)}")
    return row("TOTALS", "*", not notes, len(notes), 0, "; ".join(notes))


def _target_rows(ctx: Context, facts: Sequence[tuple[Community, Facts]]) -> list[ComplianceRow]:
    s, p = ctx.scenario, ctx.scenario.policy
    exempt = sorted(c.community_id for c, f in facts if f.center_exempt)
    counted = [(c, f) for c, f in facts if not f.center_exempt]
    n = len(counted)
    meet = sum(1 for _, f in counted if f.area_ok)
    share = meet / n if n else 1.0
    aside = (f"; not counted: {_some(exempt)}, with no place for a center (ONE-STATION "
             "exempt)") if exempt else ""
    rows = [row("FACILITY-95", "*", share >= p.facility_target_share - 1e-12, round(share, 6),
                p.facility_target_share,
                f"{meet} of {n} communities meet the area standard{aside}")]
    vol_u = sum(p.volunteers(f.households, True) for _, f in facts if f.urban)
    vol_r = sum(p.volunteers(f.households, False) for _, f in facts if not f.urban)
    rows.append(row("VOLUNTEER-15-10", "*", True, vol_u + vol_r,
                    f"{p.volunteer_urban_share:.0%} urban / {p.volunteer_rural_share:.0%} rural "
                    "residents",
                    f"{vol_u} urban and {vol_r} rural volunteers needed "
                    f"({p.household_size} persons per household)"))
    # PLAN-2013-03: a county's layout is complete when each of its units is assigned once.
    counts = Counter(ctx.plan.unit_ids)
    counties = sorted(set(s.county))
    done = [c for c in counties
            if all(counts.get(u, 0) == 1 for u, k in zip(s.unit_ids, s.county, strict=True)
                   if k == c)]
    rows.append(row("PLAN-2013-03", "*", len(done) == len(counties), len(done), len(counties),
                    f"layout plan per county due {p.plan_deadline}; complete: "
                    f"{_some(done) or 'none'}"))
    need = [(c, f) for c, f in counted if c.area_before_m2 < f.required_m2 - 1e-3]
    unfixed = sorted(c.community_id for c, f in need if c.remedy == "keep" or not f.area_ok)
    rows.append(row("FIX-2013-03", "*", not unfixed, len(need),
                    f"a remedy each by {p.fix_deadline}",
                    f"{len(need)} communities below standard today"
                    + (f"; without a valid remedy: {_some(unfixed)}" if unfixed else "")
                    + aside))
    reported = [("HARMONY-90-80", f"{p.harmony_urban_share:.0%} urban / "
                                  f"{p.harmony_rural_share:.0%} rural by 2015"),
                ("MGMT-2013", f"{p.mgmt_urban_share_2013:.0%} urban by 2013 / "
                              f"{p.mgmt_rural_share_2014:.0%} rural in 2014"),
                ("ORGS-5", f">= {p.orgs_min} social organizations per community"),
                ("PRO-80-50", f"{p.pro_urban_share:.0%} urban / {p.pro_rural_share:.0%} rural "
                              "qualified by 2015"),
                ("SERVICES-6-8", f"{p.services_urban_base}+X urban / "
                                 f"{p.services_rural_base}+X rural services")]
    rows += [row(rid, "*", True, None, limit, REPORTED) for rid, limit in reported]
    return rows


def _lock_rows(scenario: Scenario, plan: Plan) -> list[ComplianceRow]:
    """LOCK: the planner's locks of scenario.toml hold in the plan."""
    if not scenario.locks:
        return []
    try:
        locks = parse_locks(scenario)
    except LockError as exc:
        return [row("LOCK", "*", False, len(exc.problems), 0, "; ".join(map(str, exc.problems)))]
    bad = lock_violations(scenario, plan, locks)
    return [row("LOCK", "*", not bad, len(bad), 0, "; ".join(bad))]


def plan_rows(ctx: Context, facts: Sequence[tuple[Community, Facts]]
              ) -> tuple[list[ComplianceRow], list[ComplianceRow]]:
    """The plan-wide lines: those printed before the communities' and the targets after
    them. ``facts``: every community of ``ctx.plan`` with its facts, by community id."""
    scenario, plan = ctx.scenario, ctx.plan
    hh = sum(f.households for _, f in facts)
    total = scenario.total_households()
    wide = [_assignment_row(ctx),
            row("HOUSEHOLDS", "*", hh == total, hh, total,
                "" if hh == total else f"communities hold {hh} households, the scenario "
                                       f"{total}"),
            _sites_row(ctx), _totals_row(ctx, facts)] + _lock_rows(scenario, plan)
    return wide, _target_rows(ctx, facts)


def check(scenario: Scenario, plan: Plan) -> ComplianceReport:
    """Check ``plan`` against ``scenario``, rule by rule, from the assignment alone."""
    ctx = Context.build(scenario, plan)
    per_community: list[ComplianceRow] = []
    facts: list[tuple[Community, Facts]] = []
    for com in sorted(plan.communities, key=lambda c: c.community_id):
        rows, f = community_rows(ctx, com)
        per_community += rows
        facts.append((com, f))
    wide, targets = plan_rows(ctx, facts)
    # Under a [budget]: the phasing's lines, and FACILITY-95 by the horizon's last year.
    phased, facility = phasing_rows(scenario, plan, facts)
    if facility is not None:
        targets = [facility if r.rule_id == "FACILITY-95" else r for r in targets]
    return ComplianceReport(tuple(wide + per_community + targets + phased))
