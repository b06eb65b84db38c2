"""SERVICES-6-8 as the checker reads it: the service list of each center.

A center hosts the basic services of its kind, urban "6" and rural "8" (names in
``Policy.basic_services``: the rural two are farm supplies 生产资料 and agency services
for farmers 为农代理), plus the "X" services residents asked for: ``services_x`` of
each today's community (communities_today.csv) must appear in the list of the planned
community that takes most of that community's households (ties: the smaller id).

Per community: fail when a basic service is missing or an X service was dropped; else
not_assessed when its X services are not known (no communities_today.csv, no
``services_x`` column, or an empty cell for a today's community it carries on); else
pass. The list is communities.csv's ``services`` column (``;``-separated). A plan
without the column (another tool's: it is optional in CONTRACT.md) gives no list to
check: not_assessed; a plan with lists where one community has none fails there.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from optimizer.checker.facts import Context, Facts
from optimizer.plan.compliance import ComplianceRow
from optimizer.plan.model import Community
from optimizer.scenario.model import Scenario

RULE = "SERVICES-6-8"


def today_units(scenario: Scenario, cache: dict[str, Any]) -> dict[str, list[int]]:
    """today's community -> its units (scenario only; memoized in ``cache``)."""
    got = cache.get("today_units")
    if got is None:
        got = {}
        for i, c in enumerate(scenario.current_community or ()):
            if c:
                got.setdefault(str(c), []).append(i)
        cache["today_units"] = got
    return dict(got)


def successor(scenario: Scenario, units: Sequence[int], community_of: Mapping[int, str]
              ) -> str | None:
    """The planned community taking most of these units' households (ties: smaller id)."""
    hh: Counter[str] = Counter()
    for i in units:
        c = community_of.get(i, "")
        if c:
            hh[c] += int(scenario.households[i])
    if not hh:
        return None
    return min(hh.items(), key=lambda kv: (-kv[1], kv[0]))[0]


def required_x(scenario: Scenario, com: Community, units: Sequence[int],
               community_of: Mapping[int, str], cache: dict[str, Any]
               ) -> tuple[list[tuple[str, str]] | None, str]:
    """The X services this community must carry, as (service, today's community), or
    None and why they are not known."""
    today = scenario.communities_today
    if today is None:
        return None, "communities_today.csv not given"
    if "services_x" not in today.columns:
        return None, f"{today.file} has no services_x column"
    cur = scenario.current_community or ()
    mine = sorted({str(cur[i]) for i in units if i < len(cur) and cur[i]})
    of_today = today_units(scenario, cache)
    out: list[tuple[str, str]] = []
    unknown: list[str] = []
    for name in mine:
        if successor(scenario, of_today.get(name, []), community_of) != com.community_id:
            continue
        xs = today.value(name, "services_x")
        if xs is None:
            unknown.append(name)
        else:
            out += [(x, name) for x in xs]
    if unknown:
        return None, f"services_x of today's {', '.join(unknown)} not known"
    return out, ""


def services_row(scenario: Scenario, com: Community, units: Sequence[int], urban: bool,
                 community_of: Mapping[int, str], cache: dict[str, Any],
                 plan_has_lists: bool = True) -> ComplianceRow:
    base = scenario.policy.basic_services(urban)
    listed = com.service_list
    notes: list[str] = []
    if not listed and not plan_has_lists:
        return ComplianceRow(RULE, com.community_id, "not_assessed", 0, f"{len(base)}+X",
                             "the plan gives no service lists (communities.csv services)")
    if not listed:
        notes.append("no service list (communities.csv services)")
    missing = [b for b in base if b not in listed]
    if missing and listed:
        notes.append(f"missing basic services: {'、'.join(missing)}")
    need, why = required_x(scenario, com, units, community_of, cache)
    if need is not None:
        dropped = [f"{x} (of today's {t})" for x, t in need if x not in listed]
        if dropped:
            notes.append(f"X services dropped: {', '.join(dropped)}")
    limit = f"{len(base)}+X"
    if notes:
        return ComplianceRow(RULE, com.community_id, "fail", len(listed), limit, "; ".join(notes))
    extra = len([s for s in listed if s not in base])
    if need is None:
        return ComplianceRow(RULE, com.community_id, "not_assessed", len(listed), limit,
                             f"basic services complete; X services not known: {why}")
    return ComplianceRow(RULE, com.community_id, "pass", len(listed), limit,
                         f"{len(base)} basic services and {extra} X services")


def plan_row(scenario: Scenario, rows: Sequence[ComplianceRow]) -> ComplianceRow:
    """SERVICES-6-8 plan-wide, from the communities' lines."""
    p = scenario.policy
    limit = f"{p.services_urban_base}+X urban / {p.services_rural_base}+X rural services"
    n = len(rows)
    ok = sum(1 for r in rows if r.status == "pass")
    bad = sorted(r.community_id for r in rows if r.status == "fail")
    unknown = sum(1 for r in rows if r.status == "not_assessed")
    status = "fail" if bad else ("not_assessed" if unknown else "pass")
    note = f"{ok} of {n} centers host their full list"
    if bad:
        note += f"; failing: {', '.join(bad[:8])}" + (f" and {len(bad) - 8} more"
                                                     if len(bad) > 8 else "")
    if unknown:
        note += f"; X services not known for {unknown}"
    return ComplianceRow(RULE, "*", status, round(ok / n, 6) if n else None, limit, note)


def has_lists(ctx: Context) -> bool:
    """Whether the plan gives service lists at all (an incremental checker's context,
    with no plan, is the engine's: it always does)."""
    coms = ctx.plan.communities
    return not coms or any(c.services for c in coms)


def services_rule(ctx: Context, com: Community, f: Facts) -> list[ComplianceRow]:
    """SERVICES-6-8 of one community."""
    return [services_row(ctx.scenario, com, f.units, f.urban, ctx.unit_community, ctx.cache,
                         has_lists(ctx))]


def services_plan_rule(ctx: Context, facts: Sequence[tuple[Community, Facts]]
                       ) -> list[ComplianceRow]:
    """SERVICES-6-8 plan-wide, from every community's line."""
    lists = has_lists(ctx)
    return [plan_row(ctx.scenario, [
        services_row(ctx.scenario, c, f.units, f.urban, ctx.unit_community, ctx.cache, lists)
        for c, f in facts])]
