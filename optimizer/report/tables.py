"""The official tables of a plan, as DataFrames with language-neutral column keys.

PLAN-2013-03: the community layout plan (``layout``) and the special plan for
service rooms (``rooms``: for each community below standard, the FIX-2013-03 date by
which a solution is *proposed*, and the year its works are due, 2015 by FACILITY-95);
then staffing, the 2013-2015 budget (FUND-URBAN growth by year; capital "by 2015"
until a phasing gives it by year, BUDGET-OWN keeps it apart), the compliance
shares per rule (FACILITY-95 among them), and the changes against today's
communities. :func:`translate` gives them the headers of one language.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import asdict, fields
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from optimizer.plan.exemption import Reasons
from optimizer.plan.model import Community, Plan
from optimizer.report import labels, params, reasons
from optimizer.report.phasing import phasing_tables
from optimizer.report.places import county_name, street_name
from optimizer.scenario.model import Scenario

if TYPE_CHECKING:
    from optimizer.plan.compliance import ComplianceReport

TARGET_YEAR = 2015          # FACILITY-95: the rooms meet the standard by 2015
BY_TARGET = "by_2015"       # the budget row of capital not yet split by year
COMPLIANCE_STATUSES = ("pass", "fail", "exempt", "not_assessed")


def _members(scenario: Scenario, plan: Plan) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    index = scenario.unit_index
    for u, c in zip(plan.unit_ids, plan.community, strict=True):
        if u in index:
            out.setdefault(c, []).append(index[u])
    return out


def layout_table(scenario: Scenario, plan: Plan) -> pd.DataFrame:
    members = _members(scenario, plan)
    grids: Counter[str] = Counter()
    for cid, g in set(zip(plan.community, plan.grid, strict=True)):
        if g:
            grids[cid] += 1
    rows = []
    for c in plan.communities:
        units = members.get(c.community_id, [])
        rows.append({
            "community_id": c.community_id, "name": c.name, "county": c.county,
            "street": c.street, "kind": c.kind, "households": int(c.households),
            "population": round(float(c.population) or c.households
                                * scenario.policy.household_size),
            "n_units": int(c.n_units),
            "area_km2": round(float(scenario.area_m2[units].sum()) / 1e6, 3),
            "center_unit": c.site_unit_id, "grids": int(c.grids or grids[c.community_id]),
            "coordinators": int(c.coordinators), "full_time_staff": int(c.full_time_staff),
            "services": c.services.replace(";", "、"), "exemption": c.exemption,
        })
    return pd.DataFrame(rows, columns=["community_id", "name", "county", "street", "kind",
                                       "households", "population", "n_units", "area_km2",
                                       "center_unit", "grids", "coordinators",
                                       "full_time_staff", "services", "exemption"])


def rooms_table(scenario: Scenario, plan: Plan) -> pd.DataFrame:
    pol = scenario.policy
    rows = [{"community_id": c.community_id, "street": c.street, "site_id": c.site_id,
             "center_unit": c.site_unit_id, "remedy": c.remedy, "swap_site_id": c.swap_site_id,
             "area_before_m2": float(c.area_before_m2), "area_after_m2": float(c.area_after_m2),
             "area_required_m2": float(c.area_required_m2), "capex_yuan": float(c.capex_yuan),
             # FIX-2013-03: the *solution* is proposed by the deadline; the works are
             # due by 2015 (FACILITY-95), or the year a phasing gives.
             "solution_due": pol.fix_deadline if _below(c) else "",
             "works_due": TARGET_YEAR if _below(c) else None}
            for c in plan.communities]
    return pd.DataFrame(rows, columns=["community_id", "street", "site_id", "center_unit",
                                       "remedy", "swap_site_id", "area_before_m2",
                                       "area_after_m2", "area_required_m2", "capex_yuan",
                                       "solution_due", "works_due"])


def _below(c: Community) -> bool:
    return bool(c.area_before_m2 < c.area_required_m2)


def _pay(scenario: Scenario, households: int, urban: bool, year: int) -> dict[str, float]:
    """Pay in ``year`` (on the previous year's wage, PAY-URBAN/PAY-RURAL) and the
    employer's social insurance on it (SOCIAL-INS)."""
    pol, costs = scenario.policy, scenario.costs
    member = costs.member_pay_yuan(urban, year)
    pay = {"committee_pay_yuan": costs.committee_pay_yuan(urban, year),
           "staff_pay_yuan": pol.staff(households) * costs.pay_other_ratio * member,
           "coordinator_pay_yuan": pol.coordinators(households) * costs.coordinator_pay_ratio
           * member}
    return {**pay, "social_insurance_yuan": costs.social_insurance_rate * sum(pay.values())}


def staffing_table(scenario: Scenario, plan: Plan) -> pd.DataFrame:
    costs = scenario.costs
    rows = []
    for c in plan.communities:
        urban = c.kind == "urban"
        pay = _pay(scenario, int(c.households), urban, scenario.year)
        rows.append({
            "community_id": c.community_id, "street": c.street, "kind": c.kind,
            "households": int(c.households),
            "committee_members": costs.committee_size_urban if urban
            else costs.committee_size_rural,
            "full_time_staff": int(c.full_time_staff), "coordinators": int(c.coordinators),
            "volunteers_needed": int(c.volunteers_needed
                                     or scenario.policy.volunteers(int(c.households), urban)),
            "pay_yuan": round(sum(v for k, v in pay.items() if k != "social_insurance_yuan"), 2),
            "social_insurance_yuan": round(pay["social_insurance_yuan"], 2)})
    return pd.DataFrame(rows, columns=["community_id", "street", "kind", "households",
                                       "committee_members", "full_time_staff", "coordinators",
                                       "volunteers_needed", "pay_yuan", "social_insurance_yuan"])


def budget_table(scenario: Scenario, plan: Plan) -> pd.DataFrame:
    """Per plan year (Scenario.plan_years): office funding (FUND-URBAN grows by
    Policy.fund_yuan), pay on the previous year's wage, the employer's social insurance
    (SOCIAL-INS) and running cost; the capital of the remedies in a row of its own
    (BUDGET-OWN), due by 2015 (FACILITY-95): FIX-2013-03 dates the proposal, not the
    spending, and without a phasing no year is claimed for it."""
    pol, costs = scenario.policy, scenario.costs
    urban = [c for c in plan.communities if c.kind == "urban"]
    rural = [c for c in plan.communities if c.kind != "urban"]

    def pay_in(year: int) -> dict[str, float]:
        pay = {k: 0.0 for k in ("committee_pay_yuan", "staff_pay_yuan", "coordinator_pay_yuan",
                                "social_insurance_yuan")}
        for c in plan.communities:
            for k, v in _pay(scenario, int(c.households), c.kind == "urban", year).items():
                pay[k] += v
        return pay

    running = costs.running_yuan_per_m2_year * sum(float(c.area_after_m2)
                                                   for c in plan.communities)
    capex = sum(float(c.capex_yuan) for c in plan.communities)
    rows: list[dict[str, object]] = []
    # With a phasing the capital has its own sheet by year (capital_by_year) and these
    # rows cover the budget's horizon.
    phased = plan.phasing is not None and scenario.budget is not None
    years = (scenario.budget.years if phased and scenario.budget is not None
             else scenario.plan_years)
    for year in years:
        pay = pay_in(year)
        fund = (len(urban) * pol.fund_yuan(True, year) + len(rural) * pol.fund_yuan(False, year))
        rows.append({"year": year, "urban_communities": len(urban),
                     "rural_communities": len(rural),
                     "fund_per_urban_yuan": pol.fund_yuan(True, year), "fund_yuan": fund,
                     **{k: round(v, 2) for k, v in pay.items()},
                     "running_yuan": round(running, 2),
                     **({} if phased else {"capex_yuan": None}),
                     "total_yuan": round(fund + sum(pay.values()) + running, 2)})
    if not phased:
        rows.append({"year": BY_TARGET, "urban_communities": len(urban),
                     "rural_communities": len(rural), "capex_yuan": round(capex, 2),
                     "total_yuan": round(capex, 2)})
    return pd.DataFrame(rows, columns=list(rows[0]))


def compliance_table(report: ComplianceReport) -> pd.DataFrame:
    """One row per rule id: line counts and pass/fail/exempt/not_assessed shares
    (not_assessed, a target without its data, is never counted as pass); the plan-wide
    value and limit (e.g. the FACILITY-95 share) where the rule has one line."""
    df = report.to_frame()
    rows = []
    for rule, grp in df.groupby("rule_id", sort=False):
        n = len(grp)
        counts = grp["status"].value_counts()
        one = grp.iloc[0] if n == 1 else None
        value = one["value"] if one is not None else None
        rows.append({"rule_id": rule, "lines": n,
                     **{s: int(counts.get(s, 0)) for s in COMPLIANCE_STATUSES},
                     **{f"{s}_share": round(int(counts.get(s, 0)) / n, 4)
                        for s in COMPLIANCE_STATUSES},
                     "value": _number(value), "limit": _number(one["limit"])
                     if one is not None else None,
                     "note": one["note"] if one is not None else ""})
    return pd.DataFrame(rows)


def _number(v: object) -> object:
    if isinstance(v, (bool, np.bool_)):
        return str(v)
    if isinstance(v, (int, float, np.integer, np.floating)):
        return v
    try:
        return float(str(v)) if v not in (None, "") else None
    except ValueError:
        return str(v)


def changes_table(scenario: Scenario, plan: Plan) -> pd.DataFrame:
    """Each plan community against today's (matched by shared households)."""
    from optimizer.report.compare import current_plan, diff

    if scenario.current_community is None:
        return pd.DataFrame({"note": ["no_current"]})   # reasons.note_text words it
    d = diff(scenario, current_plan(scenario), plan).to_frame()
    out = pd.DataFrame({
        "change": d["change"], "community_id": d["community_b"], "main_today": d["community_a"],
        "households": d["households_b"], "households_kept": d["households_shared"],
        "households_moved_in": d["households_moved_in"]})
    return out


def assumptions_table(scenario: Scenario) -> pd.DataFrame:
    """Every parameter: its scenario.toml section and key, printed name (``item``,
    worded by :func:`translate`), value, and whether it is our assumption."""
    rows = []
    for section, obj in (("policy", scenario.policy), ("costs", scenario.costs),
                         ("objective", scenario.objective)):
        for f in fields(obj):
            rows.append({"source": section, "key": f"{section}.{f.name}", "item": f.name,
                         "value": _param_value(asdict(obj)[f.name]),
                         "assumption": "assumption" if params.is_assumption(f.name) else ""})
    return pd.DataFrame(rows, columns=["source", "key", "item", "value", "assumption"])


def _param_value(v: object) -> object:
    """A number as a number; a year table (wages by year) as "2013: 47500; ..." (empty:
    none given, the years grow from the base wage)."""
    if isinstance(v, (tuple, list)):
        return "; ".join(f"{int(y)}: {float(a):g}" for y, a in v)
    return _number(v)


def official_tables(scenario: Scenario, plan: Plan,
                    report: ComplianceReport | None = None) -> dict[str, pd.DataFrame]:
    """Every sheet of plan.xlsx, keyed like :data:`labels.SHEETS`."""
    if report is None:
        from optimizer.checker.checker import check

        report = check(scenario, plan)
    return {"layout": layout_table(scenario, plan), "rooms": rooms_table(scenario, plan),
            "staffing": staffing_table(scenario, plan), "budget": budget_table(scenario, plan),
            **phasing_tables(scenario, plan),
            "compliance": compliance_table(report),
            "compliance_detail": report.to_frame(),
            "changes": changes_table(scenario, plan),
            "assumptions": assumptions_table(scenario)}


_VALUE_WORDS: dict[str, Callable[[str, str], object]] = {
    "kind": labels.kind, "remedy": labels.remedy, "status": labels.status,
    "change": labels.change, "year": labels.word, "note": reasons.note_text,
    "exemption": reasons.exemption_text, "value": reasons.limit_text,
    "limit": reasons.limit_text, "item": params.param_name, "assumption": labels.word,
    "county": lambda v, lang: labels.word(v, lang) if v == "total" else county_name(v, lang),
    "street": street_name, "source": labels.word, "funding": labels.funding,
    "standard_year": labels.word}


def translate(df: pd.DataFrame, lang: str,
              records: Mapping[str, Reasons] | None = None) -> pd.DataFrame:
    """A copy with the headers, the kind/remedy/status/change words and, in Chinese,
    the engine's notes, limits and exemption reasons (:mod:`optimizer.report.reasons`)
    of ``lang``; an exemption from its records when ``records`` (words -> records,
    :func:`optimizer.report.reasons_exempt.records_of`) has them."""
    out = df.copy()
    known = records or {}
    for col, fn in _VALUE_WORDS.items():
        if col in out.columns:
            if col == "exemption":
                out[col] = [reasons.exemption_text(v, lang, reasons=known.get(v, ()))
                            if isinstance(v, str) and v else v for v in out[col]]
                continue
            out[col] = [fn(str(v), lang) if isinstance(v, str) and v else v for v in out[col]]
    out.columns = [labels.header(str(c), lang) for c in out.columns]
    return out
