"""Words of the reports in the planner's language (zh, the default) and in English.

Tables are built with language-neutral column keys (:mod:`optimizer.report.tables`);
these dictionaries give each key, sheet, remedy, kind and status its printed name.
"""

from __future__ import annotations

LANGS = ("zh", "en")

# column key -> (Chinese, English)
HEADERS: dict[str, tuple[str, str]] = {
    "community_id": ("社区编号", "Community"),
    "county": ("县(市、区)", "County"),
    "street": ("街道/镇", "Street/town"),
    "kind": ("类型", "Kind"),
    "households": ("户数", "Households"),
    "population": ("人口", "Population"),
    "n_units": ("基本单元", "Units"),
    "area_km2": ("面积(平方公里)", "Area (km²)"),
    "center_unit": ("服务中心所在单元", "Center unit"),
    "grids": ("网格数", "Grids"),
    "coordinators": ("网格综合协理员", "Grid coordinators"),
    "full_time_staff": ("专职工作者", "Full-time staff"),
    "exemption": ("豁免说明", "Exemption"),
    "site_id": ("用房编号", "Site"),
    "remedy": ("解决方式", "Remedy"),
    "name": ("拟定名称", "Proposed name"),
    "services": ("服务项目", "Services"),
    "swap_site_id": ("置换用房", "Swapped site"),
    "area_before_m2": ("现有面积(㎡)", "Area before (m²)"),
    "area_after_m2": ("规划面积(㎡)", "Area after (m²)"),
    "area_required_m2": ("标准面积(㎡)", "Area required (m²)"),
    "capex_yuan": ("建设投资(元)", "Capital cost (yuan)"),
    "solution_due": ("解决方案提出时限", "Solution proposed by (FIX-2013-03)"),
    "works_due": ("建成时限", "Works due (FACILITY-95)"),
    "committee_members": ("两委成员", "Two-committee members"),
    "volunteers_needed": ("所需志愿者", "Volunteers needed"),
    "pay_yuan": ("人员报酬(元/年)", "Pay (yuan/year)"),
    "annual_cost_yuan": ("年度费用(元)", "Annual cost (yuan)"),
    "year": ("年度", "Year"),
    "urban_communities": ("城市社区数", "Urban communities"),
    "rural_communities": ("农村社区数", "Rural communities"),
    "fund_per_urban_yuan": ("城市社区办公经费标准(元)", "Urban office funding each (yuan)"),
    "fund_yuan": ("办公经费(元)", "Office funding (yuan)"),
    "committee_pay_yuan": ("两委报酬(元)", "Committee pay (yuan)"),
    "staff_pay_yuan": ("专职工作者报酬(元)", "Staff pay (yuan)"),
    "coordinator_pay_yuan": ("协理员报酬(元)", "Coordinator pay (yuan)"),
    "social_insurance_yuan": ("单位社保缴费(元)", "Employer social insurance (yuan)"),
    "running_yuan": ("用房运行费(元)", "Running cost (yuan)"),
    "total_yuan": ("合计(元)", "Total (yuan)"),
    "rule_id": ("规则", "Rule"),
    "lines": ("条目", "Lines"),
    "pass": ("通过", "Pass"),
    "fail": ("未通过", "Fail"),
    "exempt": ("豁免", "Exempt"),
    "pass_share": ("通过比例", "Pass share"),
    "fail_share": ("未通过比例", "Fail share"),
    "exempt_share": ("豁免比例", "Exempt share"),
    "not_assessed": ("未评估", "Not assessed"),
    "not_assessed_share": ("未评估比例", "Not-assessed share"),
    "key": ("参数键", "Key"),
    "value": ("数值", "Value"),
    "limit": ("标准", "Limit"),
    "note": ("说明", "Note"),
    "status": ("结果", "Status"),
    "today": ("现有社区", "Today's communities"),
    "main_today": ("主要来源社区", "Main source today"),
    "households_kept": ("保留户数", "Households kept"),
    "households_moved_in": ("调入户数", "Households moved in"),
    "change": ("调整", "Change"),
    "item": ("项目", "Item"),
    "assumption": ("性质", "Nature"),
    "source": ("依据", "Source"),
    # the phasing under a [budget] (optimizer/report/phasing.py)
    "standard_year": ("用房达标年度", "Year the rooms meet the standard"),
    "funding": ("资金来源", "Paid by"),
    "budget_yuan": ("预算建设资金(元)", "Capital budget (yuan)"),
    "carried_in_yuan": ("上年结转(元)", "Carried in (yuan)"),
    "communities_done": ("当年达标社区数", "Communities meeting it that year"),
    "left_yuan": ("年末结余(元)", "Left at year end (yuan)"),
    "counted": ("参评社区数", "Communities counted"),
    "meeting": ("规划期末达标社区数", "Meeting it by the last year"),
    "facility_share": ("达标率", "Share"),
    "not_by_horizon": ("规划期内未安排社区数", "Not by the horizon"),
    "unfunded_capital_yuan": ("规划期内未安排建设投资(元)", "Capital not in the horizon (yuan)"),
    "extra_to_target_yuan": ("达到95%尚需追加资金(元)", "Extra money to reach 95% (yuan)"),
    "budget_total_yuan": ("规划期预算总额(元)", "Capital budget over the horizon (yuan)"),
    "share_bound": ("达标率上界", "Share bound"),
    "total_cost_yuan": ("规划期经费合计(元)", "Total cost over the horizon (yuan)"),
    "cost_bound_yuan": ("经费下界(元)", "Cost bound (yuan)"),
    "first_reaches_target": ("首次达到95%", "First reaches 95%"),
    "facility_share_bound": ("达标率上界(已证明)", "Share bound (proven)"),
    "target_count": ("达到95%所需社区数", "Communities needed for 95%"),
    "reaches_target": ("是否达到95%", "Reaches 95%"),
    "solver_status": ("求解状态", "Solver status"),
    "gap": ("差距", "Gap"),
    "capital_factor": ("建设资金计价倍数", "Capital price factor"),
    "plan_objective": ("方案年度目标值(元/年)", "Plan objective (yuan/year)"),
    "refined": ("二分加密点", "Bisection point"),
}

SHEETS: dict[str, tuple[str, str]] = {
    "layout": ("社区布局规划", "Layout plan"),
    "rooms": ("社区用房专项规划", "Service rooms"),
    "staffing": ("人员配备", "Staffing"),
    "budget": ("经费预算", "Budget"),
    "compliance": ("合规检查", "Compliance"),
    "compliance_detail": ("合规明细", "Compliance detail"),
    "changes": ("社区调整", "Changes"),
    "assumptions": ("参数假设", "Assumptions"),
}
# Sheets only a plan phased under a [budget] has (after "budget"), and the curve's.
PHASING_SHEETS: dict[str, tuple[str, str]] = {
    "phasing": ("分年度实施计划", "Phasing"),
    "capital_by_year": ("建设资金分年度安排", "Capital by year"),
    "shortfall": ("资金缺口", "Shortfall"),
    "budget_curve": ("预算与达标率", "Budget curve"),
}

REMEDY: dict[str, tuple[str, str]] = {
    "keep": ("保留", "keep"), "renovate": ("改建", "renovate"), "extend": ("扩建", "extend"),
    "swap": ("置换", "swap"), "purchase": ("购买", "purchase"), "build": ("自建", "build"),
    "codevelop": ("开发配建", "co-develop"),
}
KIND: dict[str, tuple[str, str]] = {"urban": ("城市", "urban"), "rural": ("农村", "rural")}
STATUS: dict[str, tuple[str, str]] = {"pass": ("通过", "pass"), "fail": ("未通过", "fail"),
                                      "exempt": ("豁免", "exempt"),
                                      "not_assessed": ("未评估(缺少数据)",
                                                       "not assessed (no data)")}
# summary.json "status", as the solver proves it.
SOLVER_STATUS: dict[str, tuple[str, str]] = {
    "OPTIMAL": ("最优", "OPTIMAL"), "FEASIBLE": ("可行", "FEASIBLE"),
    "INFEASIBLE": ("不可行", "INFEASIBLE"), "UNKNOWN": ("未知", "UNKNOWN")}
# The solver table of report.html (summary.json keys).
SUMMARY_KEYS: dict[str, tuple[str, str]] = {
    "status": ("求解状态", "status"), "objective": ("目标值", "objective"),
    "bound": ("下界", "bound"), "gap": ("差距", "gap"),
    "solve_time_s": ("求解时间(秒)", "solve_time_s"),
    "time_limit_s": ("时间上限(秒)", "time_limit_s"), "workers": ("线程数", "workers"),
    "seed": ("随机种子", "seed"), "interrupted": ("是否中断", "interrupted"),
    "version": ("版本", "version"), "key": ("片区", "key"), "units": ("基本单元", "units"),
    "households": ("户数", "households"), "method": ("方法", "method"),
    "time_s": ("用时(秒)", "time_s"), "clock_stopped": ("时钟截停", "clock_stopped")}
CHANGE: dict[str, tuple[str, str]] = {"added": ("新增", "added"), "removed": ("撤销", "removed"),
                                      "changed": ("调整", "changed"),
                                      "unchanged": ("不变", "unchanged")}

# Words on maps and in report.html.
WORDS: dict[str, tuple[str, str]] = {
    "overview": ("社区布局总图", "Community layout overview"),
    "street_map": ("社区布局图", "Community layout"),
    "center": ("社区服务中心", "Service center"),
    "barrier": ("河流/铁路等阻隔", "Barrier (river, railway)"),
    "street_border": ("街道/镇界", "Street/town border"),
    "grid_border": ("网格界线", "Grid border"),
    "km": ("公里", "km"),
    "m": ("米", "m"),
    "report_title": ("社区布局规划与社区用房专项规划", "Community layout and service-room plan"),
    "kpis": ("主要指标", "Key figures"),
    "maps": ("地图", "Maps"),
    "tables": ("规划表", "Plan tables"),
    "solver": ("求解情况", "Solver"),
    "assumptions": ("参数假设", "Assumptions"),
    "policy": ("政策标准", "Policy"),
    "costs": ("费用参数", "Costs"),
    "objective": ("目标权重", "Objective weights"),
    "communities": ("社区数", "Communities"),
    "units": ("基本单元", "Units"),
    "households": ("户数", "Households"),
    "capex": ("建设投资(元)", "Capital cost (yuan)"),
    "annual": ("年度费用(元/年)", "Annual cost (yuan/year)"),
    "moved": ("调整户数", "Households moved"),
    "facility": ("社区服务设施及功能达标率(FACILITY-95,用房面积部分)",
                 "Facility share (FACILITY-95, area part)"),
    "status": ("求解状态", "Status"),
    "objective_value": ("目标值", "Objective"),
    "bound": ("下界", "Bound"),
    "gap": ("差距", "Gap"),
    "time": ("求解时间(秒)", "Solve time (s)"),
    "passed": ("合规检查通过", "Compliance passed"),
    "failed": ("合规检查未通过", "Compliance FAILED"),
    "exemptions": ("豁免", "Exemptions"),
    "failures": ("未通过条目", "Failures"),
    "assumption": ("本系统假设,非意见规定", "our assumption, not the opinion's"),
    "true": ("是", "yes"), "false": ("否", "no"),
    "by_2015": ("2015年底前(分年度安排待预算确定)", "by 2015 (by year once a budget is given)"),
    "no_current": ("情景中没有现有社区(current_community)",
                   "The scenario has no current_community"),
    "not_by_horizon": ("规划期内未安排", "not by the horizon"),
    "total": ("合计", "Total"),
    "phasing_title": ("分年度实施(预算约束下)", "Phasing under the budget"),
}
FUNDING: dict[str, tuple[str, str]] = {"budget": ("县级专项资金", "county fund"),
                                       "developer": ("开发项目配建", "developer"),
                                       "pipeline": ("在建/规划用房交付", "handover")}


def _pick(table: dict[str, tuple[str, str]], key: str, lang: str) -> str:
    pair = table.get(key)
    if pair is None:
        return key
    return pair[0] if lang == "zh" else pair[1]


def header(key: str, lang: str) -> str:
    return _pick(HEADERS, key, lang)


def sheet(key: str, lang: str) -> str:
    return _pick(SHEETS if key in SHEETS else PHASING_SHEETS, key, lang)


def word(key: str, lang: str) -> str:
    return _pick(WORDS, key, lang)


def remedy(code: str, lang: str) -> str:
    return _pick(REMEDY, code, lang)


def funding(code: str, lang: str) -> str:
    return _pick(FUNDING, code, lang)


def kind(code: str, lang: str) -> str:
    return _pick(KIND, code, lang)


def status(code: str, lang: str) -> str:
    return _pick(STATUS, code, lang)


def solver_status(code: str, lang: str) -> str:
    return _pick(SOLVER_STATUS, code, lang)


def summary_key(key: str, lang: str) -> str:
    return _pick(SUMMARY_KEYS, key, lang)


def change(code: str, lang: str) -> str:
    return _pick(CHANGE, code, lang)


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}, not {lang!r}")
    return lang
