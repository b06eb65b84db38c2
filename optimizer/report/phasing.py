"""The phasing's tables and words (a plan solved under a ``[budget]``).

- ``phasing``: each community below the standard today: remedy, who pays, capital and
  the year its rooms reach the standard (or not by the horizon);
- ``capital_by_year``: per county and year, the budget, what was carried in, the
  capital spent, the communities that reach the standard and what is left (FUND-POOL).
  The running costs by year are the ``budget`` sheet's, apart (BUDGET-OWN);
- ``shortfall``: per county and in all, the FACILITY-95 share by the last year, the
  communities the money falls short by, their capital and the extra money that would
  reach the target.

:func:`phasing_lines` words the same for report.html and the terminal.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from optimizer.plan.model import Plan
from optimizer.report import labels
from optimizer.report.places import county_name
from optimizer.scenario.model import Scenario

NOT_BY_HORIZON = "not_by_horizon"


def phasing_table(plan: Plan) -> pd.DataFrame:
    assert plan.phasing is not None
    street = {c.community_id: c.street for c in plan.communities}
    rows = [{"community_id": p.community_id, "county": p.county,
             "street": street.get(p.community_id, ""), "households": int(p.households),
             "remedy": p.remedy, "funding": p.funding, "capex_yuan": float(p.capex_yuan),
             "standard_year": p.year if p.year is not None else NOT_BY_HORIZON}
            for p in plan.phasing.phases]
    return pd.DataFrame(rows, columns=["community_id", "county", "street", "households",
                                       "remedy", "funding", "capex_yuan", "standard_year"])


def capital_table(plan: Plan) -> pd.DataFrame:
    assert plan.phasing is not None
    s = plan.phasing.summary
    first = int(s["first_year"])
    rows = []
    for county, c in sorted(dict(s.get("counties") or {}).items()):
        carried = [0.0, *c["carried_yuan"][:-1]]
        for t, budget in enumerate(c["budget_yuan"]):
            spent = float(c["capital_yuan"][t])
            rows.append({"county": county, "year": first + t, "budget_yuan": float(budget),
                         "carried_in_yuan": float(carried[t]), "capex_yuan": spent,
                         "communities_done": int(c["communities_by_year"][t]),
                         "left_yuan": round(float(budget) + float(carried[t]) - spent, 2)})
    return pd.DataFrame(rows, columns=["county", "year", "budget_yuan", "carried_in_yuan",
                                       "capex_yuan", "communities_done", "left_yuan"])


def shortfall_table(plan: Plan) -> pd.DataFrame:
    assert plan.phasing is not None
    s = plan.phasing.summary
    extra_by = dict(s.get("extra_by_county") or {})
    rows = []
    for county, c in sorted(dict(s.get("counties") or {}).items()):
        n, met = int(c["counted"]), int(c["meeting"])
        rows.append({"county": county, "counted": n, "meeting": met,
                     "facility_share": round(met / n, 4) if n else 1.0,
                     "not_by_horizon": int(c["not_by_horizon"]),
                     "unfunded_capital_yuan": float(c["unfunded_capital_yuan"]),
                     "extra_to_target_yuan": float(extra_by.get(county, 0.0))})
    extra = s.get("extra_to_target_yuan")
    rows.append({"county": "total", "counted": int(s["counted"]), "meeting": int(s["meeting"]),
                 "facility_share": float(s["facility_share"]),
                 "not_by_horizon": int(s["not_by_horizon"]),
                 "unfunded_capital_yuan": float(s["unfunded_capital_yuan"]),
                 "extra_to_target_yuan": float(extra) if extra is not None else None})
    return pd.DataFrame(rows)


def phasing_tables(scenario: Scenario, plan: Plan) -> dict[str, pd.DataFrame]:
    """The phasing's sheets of plan.xlsx (none without a phasing)."""
    if plan.phasing is None:
        return {}
    return {"phasing": phasing_table(plan), "capital_by_year": capital_table(plan),
            "shortfall": shortfall_table(plan)}


def _money(v: Any) -> str:
    return f"{float(v):,.0f}"


def phasing_lines(plan: Plan, lang: str) -> list[str]:
    """The phasing in sentences: the share by the last year against FACILITY-95, the
    shortfall in communities and money, the solver's status and gap."""
    if plan.phasing is None:
        return []
    s = plan.phasing.summary
    zh = lang == "zh"
    first, last = s["first_year"], s["last_year"]
    share = 100 * float(s["facility_share"])
    target = 100 * float(s["facility_target"])
    counted, met = int(s["counted"]), int(s["meeting"])
    status = labels.solver_status(str(s.get("status", "UNKNOWN")), lang)
    gap = 100 * float(s.get("gap") or 0.0)
    out = [f"规划期{first}—{last}年:至{last}年,{counted}个社区中{met}个用房达标({share:.1f}%),"
           f"目标为{target:.0f}%(FACILITY-95)。建设投资{_money(s['capital_yuan'])}元,"
           f"规划期经费合计{_money(s['objective'])}元(求解状态:{status},差距{gap:.2f}%)。"
           if zh else
           f"Horizon {first}-{last}: by {last}, {met} of {counted} communities meet the rooms "
           f"standard ({share:.1f}%), target {target:.0f}% (FACILITY-95). Capital "
           f"{_money(s['capital_yuan'])} yuan, total cost over the horizon "
           f"{_money(s['objective'])} yuan (status {status}, gap {gap:.2f}%)."]
    short = int(s.get("short_communities") or 0)
    extra = s.get("extra_to_target_yuan")
    if short:
        money = (f"{last}年追加建设资金{_money(extra)}元即可达到目标" if zh else
                 f"{_money(extra)} yuan more in {last} would reach it") if extra is not None \
            else ("追加资金亦无法达到目标(部分用房规划期内无法交付)" if zh else
                  "no amount of money reaches it (rooms handed over too late)")
        out.append(f"预算不足:距{target:.0f}%尚差{short}个社区;{money}。" if zh else
                   f"The budget falls {short} communities short of {target:.0f}%: {money}.")
    late = int(s.get("not_by_horizon") or 0)
    if late:
        out.append(f"{late}个社区规划期内未安排,其建设投资{_money(s['unfunded_capital_yuan'])}元"
                   f"须在{last}年后安排。" if zh else
                   f"{late} communities are not reached by {last}; their capital, "
                   f"{_money(s['unfunded_capital_yuan'])} yuan, falls after the horizon.")
    for county, c in sorted(dict(s.get("counties") or {}).items()):
        name = county_name(county, lang)
        spent = "、".join(f"{first + t}年{_money(v)}元" for t, v in enumerate(c["capital_yuan"])) \
            if zh else ", ".join(f"{first + t}: {_money(v)}" for t, v in
                                 enumerate(c["capital_yuan"]))
        budget = "、".join(f"{_money(v)}元" for v in c["budget_yuan"]) if zh else \
            ", ".join(_money(v) for v in c["budget_yuan"])
        out.append(f"{name}:建设投资{spent}(预算{budget}" + (",结余可结转)" if s["carry_over"]
                                                        else ",结余不结转)")
                   if zh else f"{name}: capital {spent} yuan (budget {budget}; "
                   + ("unspent money carried over)" if s["carry_over"] else "no carry-over)"))
    return out
