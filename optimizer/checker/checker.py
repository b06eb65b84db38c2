"""The independent checker: does a plan obey the rules, recomputed from the scenario?

``check(scenario, plan)`` trusts none of the plan's numbers: it regroups the units by
the assignment and recomputes households, contiguity, nesting, kind, bounds, the
center and its remedy, area, coordinators and grids, staff, costs, exemptions and the
totals. It never imports the model or the search, so it can disagree with them.
One ComplianceRow per rule id and community ("*" for plan-wide lines).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from optimizer.checker import exemptions as checker_exempt
from optimizer.checker.facts import Context, Facts, facts_of
from optimizer.checker.plan_rules import PLAN_RULES, TARGET_RULES
from optimizer.checker.rules import run_rules
from optimizer.plan.compliance import ComplianceReport, ComplianceRow
from optimizer.plan.model import Community, Plan
from optimizer.scenario.model import Scenario

__all__ = ["ComplianceReport", "ComplianceRow", "check", "community_rows", "plan_rows"]


# --- per community -------------------------------------------------------------
def community_rows(ctx: Context, com: Community) -> tuple[list[ComplianceRow], Facts]:
    """One community's lines and the facts recomputed for it.

    The facts are computed once (:func:`optimizer.checker.facts.facts_of`), the rules of
    :data:`optimizer.checker.rules.COMMUNITY_RULES` turn them into rows, and the
    exemptions, judged with the checker's own proofs, rewrite the rows they cover.
    A community's lines depend on the scenario, its own row and units, its grids, and
    which communities use or give up the sites it names (``ctx.center_users``,
    ``ctx.credit_users``): an incremental checker (the workbench) that keeps ``ctx`` up
    to date re-checks only the communities an edit touches and gets ``check``'s lines.
    """
    f = facts_of(ctx, com)
    cid = com.community_id
    rows = run_rules(ctx, com, f)
    for ex in checker_exempt.judge(ctx, com, f):
        rows = checker_exempt.apply(rows, ex, cid, f)
    # No place for a center (an exempt ONE-STATION): the facility targets cannot
    # count this community either way (FACILITY-95, FIX-2013-03 below).
    exempt = any(r.rule_id == "ONE-STATION" and r.status == "exempt" for r in rows)
    # Rooms coming short, AREA-PER-HH exempt: its remedy is the most the site gives
    # (FIX-2013-03 counts it as proposed); FACILITY-95 still counts it below standard.
    short = any(r.rule_id == "AREA-PER-HH" and r.status == "exempt" for r in rows)
    return rows, dataclasses.replace(f, center_exempt=exempt, area_exempt=short)


# --- plan-wide -----------------------------------------------------------------
def plan_rows(ctx: Context, facts: Sequence[tuple[Community, Facts]]
              ) -> tuple[list[ComplianceRow], list[ComplianceRow]]:
    """The plan-wide lines: those printed before the communities' and the targets after
    them. ``facts``: every community of ``ctx.plan`` with its facts, by community id."""
    wide = [r for rule in PLAN_RULES for r in rule(ctx, facts)]
    return wide, [r for rule in TARGET_RULES for r in rule(ctx, facts)]


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
    return ComplianceReport(tuple(wide + per_community + targets))
