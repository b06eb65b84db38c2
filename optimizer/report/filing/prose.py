"""The sentences of the filing: how each clause applies to this county's plan (numbers
from the plan, statuses from the compliance lines), the principles, the overview."""

from __future__ import annotations

from collections import Counter
from dataclasses import fields

from optimizer.report.filing import terms
from optimizer.report.filing.context import TARGET_YEAR, FilingContext
from optimizer.report.places import street_name


def _t(ctx: FilingContext, zh: str, en: str) -> str:
    return zh if ctx.lang == "zh" else en


def verdicts(ctx: FilingContext, rules: tuple[str, ...]) -> str:
    """'检查结果:SIZE-RURAL 达标10、豁免1' for the county's lines of these rules."""
    parts = []
    for rule in rules:
        counts = Counter(r.status for r in ctx.county_checks() if r.rule_id == rule)
        if not counts:
            parts.append(f"{rule} {terms.status_name('absent', ctx.lang)}")
            continue
        shown = "、".join(f"{terms.status_name(s, ctx.lang)}{n if ctx.lang == 'zh' else f' {n}'}"
                         for s, n in sorted(counts.items()))
        parts.append(f"{rule} {shown}")
    return _t(ctx, "检查结果:" + ";".join(parts) + "。", "Checked: " + "; ".join(parts) + ".")


def _range(values: list[int]) -> str:
    return f"{min(values):,}–{max(values):,}" if values else "—"


def application(ctx: FilingContext, rules: tuple[str, ...]) -> str:
    """How the clause of these rules applies to this county's plan, in numbers."""
    coms = ctx.communities
    urban = [c for c in coms if c.kind == "urban"]
    rural = [c for c in coms if c.kind != "urban"]
    pol, costs = ctx.scenario.policy, ctx.scenario.costs
    first = rules[0]
    below = [c for c in coms if c.area_before_m2 < c.area_required_m2]
    if first in ("SIZE-URBAN", "SIZE-RURAL"):
        hu, hr = _range([c.households for c in urban]), _range([c.households for c in rural])
        text = _t(ctx, f"本规划设城市社区{len(urban)}个(户数{hu}户)、"
                       f"农村社区{len(rural)}个(户数{hr}户)。",
                  f"The plan has {len(urban)} urban communities "
                  f"({_range([c.households for c in urban])} households) and {len(rural)} rural "
                  f"({_range([c.households for c in rural])}).")
    elif first == "PLAN-2013-03":
        text = _t(ctx, f"本规划与社区管理和服务用房建设专项规划一并报{terms.CITY_BUREAU[0]}和"
                       f"{ctx.county_zh}人民政府备案。",
                  f"Both plans are filed with the {terms.CITY_BUREAU[1]} and the county "
                  "government.")
    elif first == "ONE-STATION":
        text = _t(ctx, f"{len(coms)}个规划社区各设一处社区服务中心。",
                  f"Each of the {len(coms)} communities has one service center.")
    elif first == "NESTING":
        streets = len({c.street for c in coms})
        text = _t(ctx, f"规划社区均位于一个街道(镇)之内,涉及{streets}个街道(镇)。",
                  f"Each community lies within one of {streets} streets/towns.")
    elif first == "COORD-300":
        text = _t(ctx, f"配备网格综合协理员{sum(c.coordinators for c in coms)}名。",
                  f"{sum(c.coordinators for c in coms)} grid coordinators.")
    elif first == "STAFF-3-5":
        text = _t(ctx, f"配备专职工作者{sum(c.full_time_staff for c in coms)}名。",
                  f"{sum(c.full_time_staff for c in coms)} full-time workers.")
    elif first in ("AREA-PER-HH", "AREA-MIN"):
        text = _t(ctx, f"现有用房{sum(c.area_before_m2 for c in coms):,.0f}平方米,规划用房"
                       f"{sum(c.area_after_m2 for c in coms):,.0f}平方米;现有用房未达标的社区"
                       f"{len(below)}个。",
                  f"Rooms today {sum(c.area_before_m2 for c in coms):,.0f} m², planned "
                  f"{sum(c.area_after_m2 for c in coms):,.0f} m²; {len(below)} communities "
                  "below standard today.")
    elif first == "NEWDEV-1500":
        n = sum(1 for c in coms if c.remedy == "codevelop")
        text = _t(ctx, f"由开发项目代(配)建用房的社区{n}个。", f"{n} communities co-built.")
    elif first == "FIX-2013-03":
        text = _t(ctx, f"对现有用房未达标的{len(below)}个社区逐个提出解决方案(见用房建设规划表),"
                       f"方案提出时限{pol.fix_deadline};建设于{TARGET_YEAR}年底前完成。",
                  f"A solution for each of the {len(below)} communities below standard "
                  f"(rooms table), proposed by {pol.fix_deadline}; works by {TARGET_YEAR}.")
    elif first == "FUND-POOL":
        capex = sum(float(c.capex_yuan) for c in coms)
        text = _t(ctx, f"建设投资合计{capex:,.0f}元,由县级易地建设专项资金统筹安排。",
                  f"Capital {capex:,.0f} yuan, from the county's pooled fund.")
    elif first == "BUDGET-OWN":
        text = _t(ctx, "建设投资与社区工作经费分表列示,不相混同。",
                  "Capital and running costs are budgeted apart.")
    elif first in ("FUND-URBAN", "FUND-RURAL"):
        text = _t(ctx, f"城市社区办公经费{ctx.years[0]}年{pol.fund_yuan(True, ctx.years[0]):,.0f}"
                       f"元/年,{TARGET_YEAR}年{pol.fund_yuan(True, TARGET_YEAR):,.0f}元/年;"
                       f"农村社区按{pol.fund_rural_yuan:,.0f}元/年测算(本系统假设,"
                       "待按农村财政转移支付标准确定)。",
                  f"Urban office funding {pol.fund_yuan(True, ctx.years[0]):,.0f} yuan in "
                  f"{ctx.years[0]}, {pol.fund_yuan(True, TARGET_YEAR):,.0f} in {TARGET_YEAR}; "
                  f"rural {pol.fund_rural_yuan:,.0f} (our assumption).")
    elif first in ("PAY-URBAN", "PAY-RURAL"):
        text = _t(ctx, f"测算采用上年度城镇单位在岗职工平均工资{costs.urban_wage_yuan:,.0f}元、"
                       f"农民人均纯收入{costs.rural_income_yuan:,.0f}元(参数,须以本地统计公报"
                       "数据替换)。",
                  f"Priced at an average wage of {costs.urban_wage_yuan:,.0f} yuan and a rural "
                  f"income of {costs.rural_income_yuan:,.0f} (parameters: replace with the "
                  "local bulletin's figures).")
    elif first == "PAY-OTHER":
        text = _social(ctx)
    elif first == "VOLUNTEER-15-10" or "VOLUNTEER-15-10" in rules:
        n = sum(pol.volunteers(c.households, c.kind == "urban") for c in coms)
        text = _t(ctx, f"按规划社区人口测算,需注册志愿者{n:,}名。", f"{n:,} volunteers needed.")
    else:
        text = ""
    return (text + verdicts(ctx, rules)) if ctx.lang == "zh" else f"{text} {verdicts(ctx, rules)}"


def _social(ctx: FilingContext) -> str:
    """SOCIAL-INS: say whether the costs carry employer social insurance."""
    costs = ctx.scenario.costs
    rate = [f.name for f in fields(costs) if "social" in f.name]
    if rate:
        v = getattr(costs, rate[0])
        return _t(ctx, f"人员费用已计入单位社会保险缴费(比例{v:g},本系统假设)。",
                  f"Pay includes employer social insurance ({v:g}, our assumption).")
    return _t(ctx, "本方案人员费用尚未计入单位社会保险缴费。",
              "The pay priced here does not yet include employer social insurance.")


LAYOUT_PRINCIPLES: tuple[tuple[str, str, str], ...] = (
    ("依法依规,规模适度。", "Lawful, of the right size.", "SIZE-URBAN"),
    ("属地管理,不跨界设置。", "Within one street/town and county.", "NESTING"),
    ("地域相连,便于服务。", "Contiguous, close to residents.", "CONTIGUITY"),
    ("尊重现状,减少调整。", "Respect today's communities; move few households.", ""),
    ("一社区一中心。", "One service center per community.", "ONE-STATION"),
    ("城乡分类设置。", "Urban and rural apart.", "KIND"),
    ("网格化服务。", "Served by grids.", "COORD-300"),
)
ROOMS_PRINCIPLES: tuple[tuple[str, str, str], ...] = (
    ("面积达标。", "Rooms of the standard size.", "AREA-PER-HH"),
    ("待建、在建用房按时交付,不重复建设。", "Rooms planned or under construction first, never "
                                            "built twice.", "PIPELINE"),
    ("有开发项目的先行代建。", "A development co-builds first.", "NEWDEV-FIRST"),
    ("存量优先,节约投资。", "Existing rooms first, the least capital.", "REMEDY"),
    ("区域统筹,专款专用。", "Pooled county fund, its own budget line.", "FUND-POOL"),
)


def principle_detail(ctx: FilingContext, rule: str) -> str:
    pol, obj = ctx.scenario.policy, ctx.scenario.objective
    detail = {
        "SIZE-URBAN": _t(ctx, f"城市社区{pol.urban_min_households:,}–{pol.urban_max_households:,}"
                              f"户,农村社区{pol.rural_min_households:,}–"
                              f"{pol.rural_max_households:,}户(SIZE-URBAN、SIZE-RURAL)。",
                         f"Urban {pol.urban_min_households:,}-{pol.urban_max_households:,}, "
                         f"rural {pol.rural_min_households:,}-{pol.rural_max_households:,} "
                         "households."),
        "NESTING": _t(ctx, "社区不跨街道(镇)和县(市、区)(NESTING)。", "NESTING."),
        "CONTIGUITY": _t(ctx, "社区由相邻的基本单元组成,河流、铁路等阻隔处不相连;服务距离计入"
                              f"规划目标(每户每公里{obj.distance_yuan_per_household_km:g}元,"
                              "本系统假设)。",
                         "Communities of neighbouring units, never across a barrier; the "
                         "distance to the center is priced (our assumption)."),
        "": _t(ctx, f"调整现属社区的住户计入规划目标(每户{obj.moved_yuan_per_household:g}元,本系统"
                    "假设);拟定名称沿用所保留住户最多的现有社区名称。",
               "Households moved are priced (our assumption); names follow the current "
               "community a planned one mostly keeps."),
        "ONE-STATION": _t(ctx, "“一委一居一站一办”,服务中心设在社区之内(ONE-STATION)。",
                          "ONE-STATION."),
        "KIND": _t(ctx, "城市小区只划入城市社区,自然村只划入农村社区。",
                   "Urban units in urban communities, rural in rural."),
        "COORD-300": _t(ctx, f"每{pol.households_per_coordinator}户左右划分一个网格,"
                             "配备一名网格综合协理员(COORD-300)。",
                        "Grids of about 300 households, one coordinator each."),
        "AREA-PER-HH": _t(ctx, f"每百户不低于{pol.area_per_100_households_m2:g}平方米、最少不低于"
                               f"{pol.area_min_m2:g}平方米(AREA-PER-HH、AREA-MIN)。",
                          "AREA-PER-HH, AREA-MIN."),
        "PIPELINE": _t(ctx, "已纳入城乡建设规划的用房自交付年度起计入所在社区(PIPELINE)。",
                       "PIPELINE."),
        "NEWDEV-FIRST": _t(ctx, f"新开发项目代(配)建用房不少于{pol.newdev_min_area_m2:g}平方米,"
                                "先于财政投资的自建、改建、扩建、置换、购买(NEWDEV-FIRST)。",
                           "NEWDEV-FIRST."),
        "REMEDY": _t(ctx, "在保留、改建、扩建、置换、购买、自建及社区重组之间,选择满足标准且"
                          "总费用最低的方式(REMEDY)。",
                     "Among keep, renovate, extend, swap, buy, build and reorganization, the "
                     "least total cost that meets the standard."),
        "FUND-POOL": _t(ctx, "建设投资由县级专项资金统筹;社区工作经费单独预算(FUND-POOL、"
                             "BUDGET-OWN)。", "FUND-POOL, BUDGET-OWN."),
    }
    return detail.get(rule, "")


def overview(ctx: FilingContext) -> list[str]:
    """The paragraphs of the overview chapter."""
    s = ctx.scenario
    idx = [i for i, c in enumerate(s.county) if c == ctx.county]
    hh = int(s.households[idx].sum())
    streets = sorted({s.street[i] for i in idx})
    out = [_t(ctx, f"{ctx.county_zh}纳入本规划的基本单元{len(idx):,}个,共{hh:,}户,约"
                   f"{round(hh * s.policy.household_size):,}人,分属{len(streets)}个街道(镇):"
                   + "、".join(street_name(x, "zh") for x in streets) + "。",
                   f"{len(idx):,} units, {hh:,} households in {len(streets)} streets/towns.")]
    if s.current_community is not None:
        today = {s.current_community[i] for i in idx if s.current_community[i]}
        out.append(_t(ctx, f"现有社区{len(today)}个。", f"{len(today)} communities today."))
    urban = sum(1 for c in ctx.communities if c.kind == "urban")
    out.append(_t(ctx, f"规划社区{len(ctx.communities)}个,其中城市社区{urban}个、农村社区"
                       f"{len(ctx.communities) - urban}个。",
                  f"{len(ctx.communities)} planned communities, {urban} urban."))
    sm = ctx.plan
    status = terms.solver_name(sm.status.value, ctx.lang)
    if sm.objective is not None and sm.bound is not None and sm.gap is not None:
        obj, bound, gap = float(sm.objective), float(sm.bound), float(sm.gap)
        out.append(_t(ctx, f"方案求解状态:{status}。规划目标值(年度费用加权合计){obj:,.0f}元,"
                           f"已证明的下界{bound:,.0f}元,差距{100 * gap:.2f}%"
                           "(差距越小,越接近最优;为全部情景的数值)。",
                      f"Solver status: {status}; objective {obj:,.0f} yuan, proven bound "
                      f"{bound:,.0f}, gap {100 * gap:.2f}% (whole scenario)."))
    else:
        out.append(_t(ctx, f"方案求解状态:{status}。", f"Solver status: {status}."))
    return out
