"""The plan-wide rules of the independent checker, as two declared lists.

Like the per-community rules (:mod:`optimizer.checker.rules`), each is a small pure
function, of the context and every community with its facts, returning its rows:
:data:`PLAN_RULES` are printed before the communities' rows in compliance.csv,
:data:`TARGET_RULES` (the opinion's targets and reported figures) after them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence

from optimizer.checker.facts import Context, Facts
from optimizer.checker.late_rooms import late_forced
from optimizer.checker.locks import lock_violations
from optimizer.checker.phasing import PHASING_RULES, facility_by_last_year
from optimizer.checker.pipeline import pipeline_plan_rule
from optimizer.checker.rules import COST_EPS_YUAN, Rows, row
from optimizer.checker.services import services_plan_rule
from optimizer.checker.targets import targets_plan_rule
from optimizer.errors import LockError
from optimizer.graph.locks import parse_locks
from optimizer.plan.compliance import ComplianceRow
from optimizer.plan.model import Community

Facted = Sequence[tuple[Community, Facts]]
PlanRule = Callable[[Context, Facted], Rows]


def _some(items: Iterable[str], n: int = 8) -> str:
    xs = list(items)
    head = ", ".join(xs[:n])
    return head + (f" and {len(xs) - n} more" if len(xs) > n else "")



def assignment_rule(ctx: Context, facts: Facted) -> Rows:
    """ASSIGNMENT: every unit of the scenario assigned once, to a listed community."""
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
    return [row("ASSIGNMENT", "*", not notes, len(p.unit_ids), s.n_units, "; ".join(notes))]


def sites_rule(ctx: Context, facts: Facted) -> Rows:
    """ONE-STATION plan-wide: a site serves at most one community."""
    uses: dict[str, list[str]] = {}
    for site, cs in ctx.center_users.items():
        uses.setdefault(site, []).extend(cs)
    for site, cs in ctx.credit_users.items():
        uses.setdefault(site, []).extend(f"{c} (swap)" for c in cs)
    bad = sorted(site for site, cs in uses.items() if len(cs) > 1)
    note = "; ".join(f"site {site} used by {', '.join(sorted(uses[site]))}" for site in bad)
    return [row("ONE-STATION", "*", not bad, len(bad), 0, note)]


def totals_rule(ctx: Context, facts: Facted) -> Rows:
    """TOTALS: summary.json's totals against the recomputed ones (costs: the checker's)."""
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
    return [row("TOTALS", "*", not notes, len(notes), 0, "; ".join(notes))]


def lock_rule(ctx: Context, facts: Facted) -> Rows:
    """LOCK: the planner's locks of scenario.toml hold in the plan."""
    scenario, plan = ctx.scenario, ctx.plan
    if not scenario.locks:
        return []
    try:
        locks = parse_locks(scenario)
    except LockError as exc:
        return [row("LOCK", "*", False, len(exc.problems), 0, "; ".join(map(str, exc.problems)))]
    bad = lock_violations(scenario, plan, locks)
    return [row("LOCK", "*", not bad, len(bad), 0, "; ".join(bad))]


def households_rule(ctx: Context, facts: Facted) -> Rows:
    """HOUSEHOLDS plan-wide: households in = households out."""
    hh = sum(f.households for _, f in facts)
    total = ctx.scenario.total_households()
    return [row("HOUSEHOLDS", "*", hh == total, hh, total,
                "" if hh == total else f"communities hold {hh} households, the scenario "
                                       f"{total}")]


def _aside(facts: Facted) -> str:
    exempt = sorted(c.community_id for c, f in facts if f.center_exempt)
    return (f"; not counted: {_some(exempt)}, with no place for a center (ONE-STATION "
            "exempt)") if exempt else ""


def facility_rule(ctx: Context, facts: Facted) -> Rows:
    """FACILITY-95: the share of communities meeting the area standard (those with no
    place for a center, ONE-STATION exempt, not counted); under a [budget], by the
    horizon's last year (optimizer.checker.phasing)."""
    if ctx.scenario.budget is not None and ctx.plan.phasing is not None:
        return facility_by_last_year(ctx, facts)
    p = ctx.scenario.policy
    counted = [(c, f) for c, f in facts if not f.center_exempt]
    n = len(counted)
    meet = sum(1 for _, f in counted if f.area_ok)
    share = meet / n if n else 1.0
    target = p.facility_target_share - 1e-12
    note = f"{meet} of {n} communities meet the area standard{_aside(facts)}"
    short = sum(1 for _, f in counted if f.area_exempt)
    late = late_forced(ctx, counted) if share < target else {}
    if share >= target or not (short or late):
        return [row("FACILITY-95", "*", share >= target, round(share, 6),
                    p.facility_target_share, note + _short_aside(facts))]
    # Below the target: counted honestly, the communities whose rooms coming reach too
    # little (AREA-PER-HH exempt), or come too late where no plan avoids it
    # (optimizer.checker.late_rooms), are below the standard; when the others meet the
    # target without them, the miss is theirs alone, forced as their exemption is.
    out = short + len(late)
    rest = meet / (n - out) if n > out else 1.0
    ok = rest >= target
    late_note = (f"; below it as its rooms are handed over after {p.target_year}, forced: "
                 + "; ".join(late[c] for c in sorted(late))) if late else ""
    return [ComplianceRow("FACILITY-95", "*", "exempt" if ok else "fail", round(share, 6),
                          p.facility_target_share,
                          note + _short_aside(facts) + late_note
                          + f"; without them {meet} of {n - out} meet it")]


def _short_aside(facts: Facted) -> str:
    """The communities counted below the standard although exempt from AREA-PER-HH
    (their rooms coming reach too little): exempt, but not meeting the standard."""
    short = sorted(c.community_id for c, f in facts if f.area_exempt)
    return (f"; below it with an exempt shortfall (AREA-PER-HH, rooms coming): "
            f"{_some(short)}") if short else ""


def layout_rule(ctx: Context, facts: Facted) -> Rows:
    """PLAN-2013-03: a county's layout is complete when each of its units is assigned once."""
    s, p = ctx.scenario, ctx.scenario.policy
    counts = Counter(ctx.plan.unit_ids)
    counties = sorted(set(s.county))
    done = [c for c in counties
            if all(counts.get(u, 0) == 1 for u, k in zip(s.unit_ids, s.county, strict=True)
                   if k == c)]
    return [row("PLAN-2013-03", "*", len(done) == len(counties), len(done), len(counties),
                f"layout plan per county due {p.plan_deadline}; complete: "
                f"{_some(done) or 'none'}")]


def fix_rule(ctx: Context, facts: Facted) -> Rows:
    """FIX-2013-03: every community below the standard today has a valid remedy.

    The rule dates the proposal, not the works (RULES.md): a remedy giving the standard
    area counts whenever its rooms stand, so rooms coming handed over after the target
    year are FACILITY-95's miss, not this rule's (``area_ok_handed``). Rooms coming
    already at their full reach and proven short (AREA-PER-HH exempt, which the checker
    grants only at that reach) have nothing to propose but themselves: `keep` is their
    remedy, the shortfall their exemption."""
    p = ctx.scenario.policy
    counted = [(c, f) for c, f in facts if not f.center_exempt]
    need = [(c, f) for c, f in counted if c.area_before_m2 < f.required_m2 - 1e-3]
    unfixed = sorted(c.community_id for c, f in need
                     if not f.area_exempt and (c.remedy == "keep" or not f.area_ok_handed))
    short = sorted(c.community_id for c, f in need if f.area_exempt)
    return [row("FIX-2013-03", "*", not unfixed, len(need),
                f"a remedy each by {p.fix_deadline}",
                f"{len(need)} communities below standard today"
                + (f"; without a valid remedy: {_some(unfixed)}" if unfixed else "")
                + (f"; rooms coming at their full reach, still short (AREA-PER-HH "
                   f"exempt): {_some(short)}" if short else "")
                + _aside(facts))]


# Printed before the communities' rows, then after them, in this order.
PLAN_RULES: tuple[PlanRule, ...] = (assignment_rule, households_rule, sites_rule,
                                    pipeline_plan_rule, totals_rule,
                                    lock_rule)
TARGET_RULES: tuple[PlanRule, ...] = (facility_rule, layout_rule, fix_rule, targets_plan_rule,
                                      services_plan_rule, *PHASING_RULES)

__all__ = ["PLAN_RULES", "TARGET_RULES", "PlanRule"]
