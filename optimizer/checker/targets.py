"""The reported targets, measured where communities_today.csv holds the data (issue 17).

HARMONY-90-80, MGMT-2013, ORGS-5, PRO-80-50, VOLUNTEER-15-10 and SELFGOV-95 cannot be
decided from boundaries and rooms. Without the data they are ``not_assessed``, never
``pass``. With it, today's communities are attributed to the planned ones by the
households they share (the checker's own reading, apart from the engine's):

- **counts** (social organizations, registered volunteers, workers, qualified workers)
  are residents' or the community's and are shared out in proportion to households: a
  planned community holding 40% of today's community T's households is credited with
  40% of T's organizations, and the sum is rounded down (never credited with an
  organization it may not have). Known only when every today's community it takes
  households from knows the count, and every one of its units has a current community;
- **standards** (the new management system, the harmonious-community and the
  self-governance standard) belong to a community as an institution: a planned
  community has the standing of its predecessor, the today's community that gives it
  most of its households (ties: the smaller name); not known when the predecessor's
  flag is not known, or when more of its households belong to no today's community.

Per community, for the targets set per community (ORGS-5, VOLUNTEER-15-10, PRO-80-50):
pass or fail with the 2015 shortfall (organizations still to register, volunteers
still to recruit, qualified workers still to train). PRO-80-50's workers are at least
the full-time staff the plan gives the community (STAFF-3-5). Plan-wide ("*"), for
every target: pass when it is met even if every unknown community fell short, fail
when it is missed even if every unknown one met it, else not_assessed.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from optimizer.checker.facts import Context, Facts
from optimizer.plan.compliance import ComplianceRow
from optimizer.plan.model import Community
from optimizer.scenario.model import Scenario

EPS = 1e-9
NO_FILE = "communities_today.csv not given"


@dataclass(frozen=True)
class Holding:
    """What a planned community holds of today's communities."""

    households: int
    shared: tuple[tuple[str, int], ...]     # (today's community, households), by name
    unknown: int                            # households of units with no current community


def today_households(scenario: Scenario, cache: dict[str, Any]) -> dict[str, int]:
    """Households of each today's community (scenario only; memoized in ``cache``)."""
    got = cache.get("today_households")
    if got is None:
        got = Counter()
        for i, c in enumerate(scenario.current_community or ()):
            if c:
                got[str(c)] += int(scenario.households[i])
        cache["today_households"] = got
    return dict(got)


def holding(scenario: Scenario, units: Iterable[int]) -> Holding:
    shared: Counter[str] = Counter()
    unknown = total = 0
    cur = scenario.current_community
    for i in units:
        h = int(scenario.households[i])
        total += h
        c = cur[i] if cur is not None else None
        if c:
            shared[str(c)] += h
        else:
            unknown += h
    return Holding(total, tuple(sorted(shared.items())), unknown)


def count_of(scenario: Scenario, hold: Holding, field: str, totals: dict[str, int]
             ) -> tuple[float | None, str]:
    """The count ``field`` credited to a planned community, or None and why not known."""
    today = scenario.communities_today
    if today is None:
        return None, NO_FILE
    if field not in today.columns:
        return None, f"{today.file} has no {field} column"
    if hold.unknown:
        return None, f"{hold.unknown} of its households belong to no today's community"
    value = 0.0
    for name, hh in hold.shared:
        v = today.value(name, field)
        if v is None:
            return None, f"{field} of today's {name} not known"
        value += float(v) * hh / max(1, totals.get(name, hh))
    return value, ""


def flag_of(scenario: Scenario, hold: Holding, field: str) -> tuple[bool | None, str]:
    """The standard ``field`` of a planned community's predecessor, or None and why."""
    today = scenario.communities_today
    if today is None:
        return None, NO_FILE
    if field not in today.columns:
        return None, f"{today.file} has no {field} column"
    if not hold.shared:
        return None, "none of its households belongs to a today's community"
    name, hh = min(hold.shared, key=lambda kv: (-kv[1], kv[0]))
    if hold.unknown > hh:
        return None, f"most of its households ({hold.unknown}) belong to no today's community"
    v = today.value(name, field)
    if v is None:
        return None, f"{field} of today's {name} not known"
    return bool(v), name


def _row(rule: str, cid: str, status: str, value: Any, limit: Any, note: str) -> ComplianceRow:
    return ComplianceRow(rule, cid, status, value, limit, note)


def _floor(v: float) -> int:
    return int(math.floor(v + EPS))


# --- per community ------------------------------------------------------------------
@dataclass(frozen=True)
class Measure:
    """A per-community target measured: status, value, limit, shortfall, note."""

    rule: str
    status: str
    value: Any
    limit: Any
    shortfall: int
    note: str


def orgs(scenario: Scenario, hold: Holding, urban: bool, staff: int,
         totals: dict[str, int]) -> Measure:
    need = scenario.policy.orgs_min
    v, why = count_of(scenario, hold, "social_orgs", totals)
    if v is None:
        return Measure("ORGS-5", "not_assessed", None, need, 0, f"not known: {why}")
    have = _floor(v)
    short = max(0, need - have)
    note = f"{have} registered social organizations" + (
        f"; {short} still to register" if short else "")
    return Measure("ORGS-5", "fail" if short else "pass", have, need, short, note)


def volunteers(scenario: Scenario, hold: Holding, urban: bool, staff: int,
               totals: dict[str, int]) -> Measure:
    p = scenario.policy
    share = p.volunteer_urban_share if urban else p.volunteer_rural_share
    need = math.ceil(share * hold.households * p.household_size - EPS)
    v, why = count_of(scenario, hold, "volunteers", totals)
    if v is None:
        return Measure("VOLUNTEER-15-10", "not_assessed", None, need, 0,
                       f"not known: {why}; {need} volunteers needed")
    have = _floor(v)
    short = max(0, need - have)
    note = f"{have} registered volunteers of {need} needed" + (
        f"; {short} still to recruit" if short else "")
    return Measure("VOLUNTEER-15-10", "fail" if short else "pass", have, need, short, note)


def qualified(scenario: Scenario, hold: Holding, urban: bool, staff: int,
              totals: dict[str, int]) -> Measure:
    p = scenario.policy
    share = p.pro_urban_share if urban else p.pro_rural_share
    w, why = count_of(scenario, hold, "workers", totals)
    q, why_q = count_of(scenario, hold, "qualified_workers", totals)
    if w is None or q is None:
        return Measure("PRO-80-50", "not_assessed", None, share, 0,
                       f"not known: {why or why_q}")
    workers = max(round(w), staff)
    have = min(_floor(q), workers)
    need = math.ceil(share * workers - EPS)
    short = max(0, need - have)
    note = f"{have} of {workers} workers qualified" + (
        f"; {short} qualified workers still to train" if short else "")
    return Measure("PRO-80-50", "fail" if short else "pass", round(have / workers, 6), share,
                   short, note)


Measurer = Callable[[Scenario, Holding, bool, int, dict[str, int]], Measure]
PER_COMMUNITY: tuple[Measurer, ...] = (orgs, volunteers, qualified)


def staff_of(scenario: Scenario, households: int) -> int:
    """STAFF-3-5 by the workload assumption, recomputed from the policy's fields."""
    p = scenario.policy
    want = (households + p.households_per_staff - 1) // p.households_per_staff
    return min(max(want, p.staff_min), p.staff_max)


def measures(scenario: Scenario, units: Sequence[int], urban: bool,
             cache: dict[str, Any]) -> list[Measure]:
    hold = holding(scenario, units)
    totals = today_households(scenario, cache)
    staff = staff_of(scenario, hold.households)
    return [m(scenario, hold, urban, staff, totals) for m in PER_COMMUNITY]


def community_rows(scenario: Scenario, com: Community, units: Sequence[int], urban: bool,
                   cache: dict[str, Any]) -> list[ComplianceRow]:
    """ORGS-5, VOLUNTEER-15-10 and PRO-80-50 of one community, when communities_today.csv
    is given (without it only the plan-wide lines say not_assessed)."""
    if scenario.communities_today is None:
        return []
    return [_row(m.rule, com.community_id, m.status, m.value, m.limit, m.note)
            for m in measures(scenario, units, urban, cache)]


# --- plan-wide ----------------------------------------------------------------------
Facted = Sequence[tuple[Community, Sequence[int], bool]]   # community, units, urban


def _all_met(rule: str, results: list[tuple[str, Measure]], limit: Any, what: str,
             total_short: str) -> ComplianceRow:
    n = len(results)
    if not results or all(m.status == "not_assessed" for _, m in results):
        why = results[0][1].note.removeprefix("not known: ") if results else NO_FILE
        return _row(rule, "*", "not_assessed", None, limit, f"not assessed: {why}")
    met = sum(1 for _, m in results if m.status == "pass")
    failed = sorted(c for c, m in results if m.status == "fail")
    unknown = sorted(c for c, m in results if m.status == "not_assessed")
    short = sum(m.shortfall for _, m in results)
    status = "fail" if failed else ("not_assessed" if unknown else "pass")
    note = f"{met} of {n} communities meet it"
    if short:
        note += f"; {short} {what} {total_short}"
    if unknown:
        note += f"; not known for {len(unknown)}: {_some(unknown)}"
    return _row(rule, "*", status, round(met / n, 6), limit, note)


def _some(xs: Sequence[str], n: int = 8) -> str:
    return ", ".join(xs[:n]) + (f" and {len(xs) - n} more" if len(xs) > n else "")


def share_status(meet: int, unknown: int, total: int, target: float) -> str:
    """pass when met counting every unknown community as falling short, fail when
    missed counting every unknown one as meeting it, else not_assessed."""
    if total == 0:
        return "pass"
    if meet / total >= target - EPS:
        return "pass"
    if (meet + unknown) / total < target - EPS:
        return "fail"
    return "not_assessed"


def _standard(scenario: Scenario, rule: str, field: str, facts: Facted,
              targets: dict[bool, float], limit: str, words: str) -> ComplianceRow:
    """A share-of-communities standard (HARMONY-90-80, MGMT-2013, SELFGOV-95)."""
    if scenario.communities_today is None:
        return _row(rule, "*", "not_assessed", None, limit, f"not assessed: {NO_FILE}")
    counts: dict[bool, list[int]] = {True: [0, 0, 0], False: [0, 0, 0]}  # meet, unknown, n
    missing: dict[bool, list[str]] = {True: [], False: []}
    unknown_ids: list[str] = []
    whys: list[str] = []
    for com, units, urban in facts:
        key = urban if len(targets) == 2 else True
        v, why = flag_of(scenario, holding(scenario, units), field)
        counts[key][2] += 1
        if v is None:
            counts[key][1] += 1
            unknown_ids.append(com.community_id)
            whys.append(why)
        elif v:
            counts[key][0] += 1
        else:
            missing[key].append(com.community_id)
    statuses = [share_status(c[0], c[1], c[2], targets[k]) for k, c in counts.items()
                if k in targets]
    status = ("fail" if "fail" in statuses else
              "not_assessed" if "not_assessed" in statuses else "pass")
    if len(unknown_ids) == len(facts):
        return _row(rule, "*", "not_assessed", None, limit,
                    f"not assessed: {whys[0] if whys else NO_FILE}")
    parts = []
    for k in targets:
        meet, _, n = counts[k]
        label = ("urban" if k else "rural") if len(targets) == 2 else "all"
        parts.append(f"{label} {meet} of {n}")
    note = f"{words}: " + ", ".join(parts)
    todo = sorted(missing[True] + missing[False])
    if todo:
        note += f"; {len(todo)} still to bring up to it: {_some(todo)}"
    if unknown_ids:
        note += f"; not known for {len(unknown_ids)}: {_some(sorted(unknown_ids))}"
    total = sum(c[2] for c in counts.values())
    meet = sum(c[0] for c in counts.values())
    return _row(rule, "*", status, round(meet / total, 6) if total else None, limit, note)


def plan_rows(scenario: Scenario, facts: Facted, cache: dict[str, Any]) -> list[ComplianceRow]:
    """The plan-wide lines of the reported targets (one each)."""
    p = scenario.policy
    per: dict[str, list[tuple[str, Measure]]] = {}
    for com, units, urban in facts:
        for m in measures(scenario, units, urban, cache):
            per.setdefault(m.rule, []).append((com.community_id, m))
    vol_limit = (f"{p.volunteer_urban_share:.0%} urban / {p.volunteer_rural_share:.0%} rural "
                 "residents")
    rows = [
        _standard(scenario, "HARMONY-90-80", "harmony_standard", facts,
                  {True: p.harmony_urban_share, False: p.harmony_rural_share},
                  f"{p.harmony_urban_share:.0%} urban / {p.harmony_rural_share:.0%} rural by 2015",
                  "meet the harmonious-community standard"),
        _standard(scenario, "MGMT-2013", "mgmt_system", facts,
                  {True: p.mgmt_urban_share_2013, False: p.mgmt_rural_share_2014},
                  f"{p.mgmt_urban_share_2013:.0%} urban by 2013 / "
                  f"{p.mgmt_rural_share_2014:.0%} rural in 2014",
                  "have the new management system"),
        _standard(scenario, "SELFGOV-95", "selfgov_standard", facts, {True: p.selfgov_share},
                  f"{p.selfgov_share:.0%} of communities by 2015",
                  "meet the self-governance standard"),
        _all_met("ORGS-5", per.get("ORGS-5", []),
                 f">= {p.orgs_min} social organizations per community", "organizations",
                 "still to register"),
        _all_met("VOLUNTEER-15-10", per.get("VOLUNTEER-15-10", []), vol_limit, "volunteers",
                 "still to recruit"),
        _all_met("PRO-80-50", per.get("PRO-80-50", []),
                 f"{p.pro_urban_share:.0%} urban / {p.pro_rural_share:.0%} rural qualified "
                 "by 2015", "qualified workers", "still to train"),
    ]
    if scenario.communities_today is None:   # still say how many volunteers are needed
        urban_of = {com.community_id: urban for com, _, urban in facts}
        need = {True: 0, False: 0}
        for cid, m in per.get("VOLUNTEER-15-10", []):
            need[urban_of[cid]] += int(m.limit)
        k = next(k for k, r in enumerate(rows) if r.rule_id == "VOLUNTEER-15-10")
        rows[k] = _row("VOLUNTEER-15-10", "*", "not_assessed", None, vol_limit,
                       f"not assessed: {NO_FILE}; {need[True]} urban and {need[False]} rural "
                       f"volunteers needed ({p.household_size} persons per household)")
    return rows


def targets_rule(ctx: Context, com: Community, f: Facts) -> list[ComplianceRow]:
    """ORGS-5, VOLUNTEER-15-10 and PRO-80-50 of one community (with the data)."""
    return community_rows(ctx.scenario, com, f.units, f.urban, ctx.cache)


def targets_plan_rule(ctx: Context, facts: Sequence[tuple[Community, Facts]]
                      ) -> list[ComplianceRow]:
    """Every reported target plan-wide."""
    return plan_rows(ctx.scenario, [(c, f.units, f.urban) for c, f in facts], ctx.cache)
