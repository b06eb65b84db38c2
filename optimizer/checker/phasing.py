"""The checker's lines on a plan's phasing (phasing.csv) under the scenario's [budget].

Declared rules (:data:`PHASING_RULES`, and :func:`facility_by_last_year` in place of the
plan-wide FACILITY-95), pure functions of the context and the facts the checker
recomputed for each community (its own capital cost, area and ONE-STATION exemption). Nothing of the
phasing's claims is trusted:

- PHASING: every row names a community of the plan, none twice; remedy and capital are
  the community's (the budget's share: nothing for co-built or handed-over rooms); a
  year within the horizon or empty; every community whose rooms do not meet the
  standard today has a row.
- FUND-POOL, one line per county: capital per year within the county's budget, with
  unspent money carried to the next year only where ``carry_over`` allows.
- PIPELINE: rooms under construction or planned never count before their
  ``available_year``.
- FACILITY-95 by the horizon's last year (in place of the plan-wide share): the share
  recomputed, equal to the share the plan claims (summary.json
  ``phasing.facility_share``); below the target it is exempt only when the checker
  proves the budget cannot buy the target
  (:mod:`optimizer.checker.phasing_proof`) and the phasing buys all the budget can.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from optimizer.checker.facts import Context, Facts
from optimizer.checker.phasing_proof import Work, most_works
from optimizer.checker.rules import COST_EPS_YUAN, Rows, row
from optimizer.plan.compliance import ComplianceRow
from optimizer.plan.model import Community, Plan
from optimizer.plan.phasing import Phase
from optimizer.scenario.budget import Budget
from optimizer.scenario.model import Scenario

Facted = Sequence[tuple[Community, Facts]]

SHARE_EPS = 1e-6


def _some(items: Sequence[str], n: int = 6) -> str:
    head = ", ".join(items[:n])
    return head + (f" and {len(items) - n} more" if len(items) > n else "")


@dataclass(frozen=True)
class Rooms:
    """What the checker knows of one community's rooms."""

    com: Community
    counted: bool            # for FACILITY-95: not ONE-STATION exempt
    today: bool              # an existing site large enough is kept: meets it today
    handover: int | None     # PIPELINE: the center's available_year
    budget_yuan: float       # capital the county's budget pays
    area_ok: bool            # its remedy gives the area the rules require


def rooms_of(scenario: Scenario, facts: Facted) -> dict[str, Rooms]:
    sites = scenario.sites
    out = {}
    for com, f in facts:
        k = sites.index(com.site_id) if com.site_id in sites.site_ids else None
        handover = sites.available_year(k) if k is not None else None
        capex = f.capex if f.capex is not None else float(com.capex_yuan)
        today = com.remedy == "keep" and k is not None and handover is None and f.area_ok
        paid = 0.0 if com.remedy == "codevelop" else capex
        # By the horizon's last year: rooms handed over after the plan-wide target year
        # count from their handover, which _arrives and the proof hold the year to.
        out[com.community_id] = Rooms(com, not f.center_exempt, today, handover, paid,
                                      f.area_ok_handed)
    return out


def _structure(plan: Plan, rooms: dict[str, Rooms], budget: Budget | None,
               phases: Sequence[Phase]) -> ComplianceRow:
    notes = []
    counts = Counter(p.community_id for p in phases)
    twice = sorted(c for c, n in counts.items() if n > 1)
    if twice:
        notes.append(f"communities listed more than once (counted twice): {_some(twice)}")
    unknown = sorted(c for c in counts if c not in rooms)
    if unknown:
        notes.append(f"communities not in the plan: {_some(unknown)}")
    for p in phases:
        r = rooms.get(p.community_id)
        if r is None:
            continue
        if p.remedy != r.com.remedy:
            notes.append(f"{p.community_id}: remedy {p.remedy}, communities.csv says "
                         f"{r.com.remedy}")
        if abs(p.capex_yuan - r.budget_yuan) > COST_EPS_YUAN:
            notes.append(f"{p.community_id}: capital {p.capex_yuan:,.2f} yuan, the budget "
                         f"pays {r.budget_yuan:,.2f}")
        if budget is not None and p.year is not None and not (
                budget.first_year <= p.year <= budget.last_year):
            notes.append(f"{p.community_id}: year {p.year} outside the horizon "
                         f"{budget.first_year}-{budget.last_year} (empty: not by the horizon)")
    missing = sorted(c for c, r in rooms.items() if not r.today and c not in counts)
    if missing:
        notes.append(f"communities below the standard today with no row: {_some(missing)}")
    return row("PHASING", "*", not notes, len(phases), len(rooms), "; ".join(notes))


def _pipeline(rooms: dict[str, Rooms], phases: Sequence[Phase]) -> ComplianceRow:
    early = [f"{p.community_id} in {p.year}, its rooms come in {rooms[p.community_id].handover}"
             for p in phases if p.community_id in rooms and p.year is not None
             and rooms[p.community_id].handover is not None
             and p.year < int(rooms[p.community_id].handover or 0)]
    n = sum(1 for p in phases if p.community_id in rooms
            and rooms[p.community_id].handover is not None)
    return row("PIPELINE", "*", not early, n, "not before available_year",
               "; ".join(early) or f"{n} communities get rooms under construction or planned")


def _spent(rooms: dict[str, Rooms], phases: Sequence[Phase], budget: Budget
           ) -> dict[str, list[float]]:
    """Capital per county and year of the horizon, as the checker prices it."""
    out: dict[str, list[float]] = defaultdict(lambda: [0.0] * len(budget.years))
    seen: set[str] = set()
    for p in phases:
        r = rooms.get(p.community_id)
        if r is None or p.year is None or p.community_id in seen:
            continue
        seen.add(p.community_id)
        if budget.first_year <= p.year <= budget.last_year:
            out[r.com.county][p.year - budget.first_year] += r.budget_yuan
    return out


def _fund_pool(county: str, spent: list[float], budget: Budget) -> ComplianceRow:
    money = budget.capital_by_year(county).tolist() if budget.has_capital(county) \
        else [0.0] * len(spent)
    notes, balance = [], 0.0
    for t, year in enumerate(budget.years):
        balance = (balance if budget.carry_over else 0.0) + money[t] - spent[t]
        if balance < -COST_EPS_YUAN:
            notes.append(f"{year}: capital {spent[t]:,.0f} yuan, "
                         f"{spent[t] + balance:,.0f} available")
    how = "with carry-over" if budget.carry_over else "each year on its own"
    return row("FUND-POOL", "*", not notes, round(sum(spent), 2), round(sum(money), 2),
               f"county {county}: capital by year within its budget ({how})"
               + (": " + "; ".join(notes) if notes else ""))


def _facility(scenario: Scenario, plan: Plan, rooms: dict[str, Rooms],
              phases: Sequence[Phase], budget: Budget) -> ComplianceRow:
    target = scenario.policy.facility_target_share
    last = budget.last_year
    year = {p.community_id: p.year for p in phases}
    counted = [r for r in rooms.values() if r.counted]
    good = {c for c, r in rooms.items() if r.today or _arrives(r, year.get(c), last)}
    meeting = sum(1 for r in counted if r.com.community_id in good)
    n = len(counted)
    share = meeting / n if n else 1.0
    need = math.ceil(target * n - 1e-9)
    notes = [f"{meeting} of {n} communities meet the rooms standard by {last}"]
    claim = (plan.phasing.summary.get("facility_share") if plan.phasing is not None else None)
    claimed_ok = True
    if claim is None:    # CONTRACT.md asks for none: another tool's phasing is judged as is
        notes.append("the plan claims no share (summary.json phasing.facility_share)")
    elif abs(float(claim) - share) > SHARE_EPS:
        notes.append(f"the plan claims {float(claim):.6f}")
        claimed_ok = False
    if share >= target - 1e-12:
        return row("FACILITY-95", "*", claimed_ok, round(share, 6), target, "; ".join(notes))
    # Below the target: exempt only when the money provably cannot buy it.
    most = sum(1 for r in counted if r.today or (r.area_ok and r.budget_yuan <= 0 and (
        r.handover or budget.first_year) <= last))
    proven = True
    for county in sorted({r.com.county for r in counted}):
        works = [Work(r.budget_yuan, max(budget.first_year, r.handover or 0)) for r in counted
                 if r.com.county == county and not r.today and r.area_ok and r.budget_yuan > 0]
        money = budget.capital_by_year(county).tolist() if budget.has_capital(county) else []
        got = most_works(works, money or [0.0] * len(budget.years), budget.first_year,
                         budget.carry_over)
        most += got.count
        proven = proven and got.proven
    unfunded = sum(r.budget_yuan for r in counted if r.com.community_id not in good)
    if meeting < most and proven:
        notes.append(f"the budget buys {most}: the phasing leaves {most - meeting} out")
        return row("FACILITY-95", "*", False, round(share, 6), target, "; ".join(notes))
    if most >= need:
        notes.append(f"the checker's bound ({most}) does not rule out {need}: not proven "
                     "out of the budget's reach")
        return row("FACILITY-95", "*", False, round(share, 6), target, "; ".join(notes))
    short = need - meeting
    notes.append(f"the budget buys at most {most} ({'proven' if proven else 'a bound'} by the "
                 f"checker), {need} are needed: {short} "
                 f"{'community' if short == 1 else 'communities'} short; "
                 f"{unfunded:,.0f} yuan of capital not in the budget by {last}")
    status = "exempt" if claimed_ok else "fail"
    return ComplianceRow("FACILITY-95", "*", status, round(share, 6), target, "; ".join(notes))


def _arrives(r: Rooms, year: int | None, last: int) -> bool:
    """The rooms reach the standard by ``last``: a valid remedy, a year in time, and not
    before the rooms are handed over (PIPELINE)."""
    return (year is not None and year <= last and r.area_ok
            and (r.handover is None or year >= r.handover))


def phased(ctx: Context) -> bool:
    """Whether the plan is judged by its phasing: the scenario has a [budget] or the
    plan a phasing (each without the other fails PHASING / FUND-POOL)."""
    return ctx.scenario.budget is not None or ctx.plan.phasing is not None


def phasing_rule(ctx: Context, facts: Facted) -> Rows:
    """PHASING and PIPELINE: the rows of phasing.csv against the plan (module)."""
    budget, phasing = ctx.scenario.budget, ctx.plan.phasing
    if not phased(ctx):
        return []
    if phasing is None:
        return [row("PHASING", "*", False, 0, len(facts),
                    "the scenario has a [budget]: the plan must say the year each community's "
                    "rooms reach the standard (phasing.csv)")]
    rooms = rooms_of(ctx.scenario, facts)
    return [_structure(ctx.plan, rooms, budget, phasing.phases),
            _pipeline(rooms, phasing.phases)]


def fund_pool_rule(ctx: Context, facts: Facted) -> Rows:
    """FUND-POOL, one line per county: capital by year within its budget."""
    budget, phasing = ctx.scenario.budget, ctx.plan.phasing
    if phasing is None:
        return []
    if budget is None:
        return [row("FUND-POOL", "*", False, None, None,
                    "phasing.csv without a [budget] in the scenario: nothing to check "
                    "the capital by year against")]
    spent = _spent(rooms_of(ctx.scenario, facts), phasing.phases, budget)
    return [_fund_pool(county, spent[county], budget)
            for county in sorted({c.county for c, _ in facts})]


def facility_by_last_year(ctx: Context, facts: Facted) -> Rows:
    """FACILITY-95 under a [budget], for a plan with a phasing: the share by the
    horizon's last year (module)."""
    budget, phasing = ctx.scenario.budget, ctx.plan.phasing
    if budget is None or phasing is None:
        return []
    return [_facility(ctx.scenario, ctx.plan, rooms_of(ctx.scenario, facts), phasing.phases,
                      budget)]


# After the targets, in this order (optimizer.checker.plan_rules.TARGET_RULES).
PHASING_RULES = (phasing_rule, fund_pool_rule)
