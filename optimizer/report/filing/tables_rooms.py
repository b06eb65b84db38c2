"""The rooms plan's tables for one county: rooms per community, service lists, capital
and running costs by year (kept apart, BUDGET-OWN), and the parameters behind them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, fields

from optimizer.plan.model import Community
from optimizer.report import labels, params
from optimizer.report.filing import terms
from optimizer.report.filing.context import TARGET_YEAR, FilingContext
from optimizer.report.filing.model import AREA, INT, MONEY, NUMBER, TEXT, Table
from optimizer.report.places import street_name
from optimizer.report.tables import budget_table, rooms_table


def _t(ctx: FilingContext, zh: str, en: str) -> str:
    return zh if ctx.lang == "zh" else en


def by_target(ctx: FilingContext) -> str:
    return _t(ctx, f"{TARGET_YEAR}年底前", f"by {TARGET_YEAR}")


def works_due(ctx: FilingContext) -> dict[str, str]:
    """community -> the year its rooms reach the standard: phasing.csv's year, else "by
    2015" (FACILITY-95) for a community below standard today."""
    out: dict[str, str] = {}
    if ctx.extras.phasing is not None:
        for p in ctx.extras.phasing:
            if p.community_id in ctx.ids:
                out[p.community_id] = (_t(ctx, f"{p.year}年", str(p.year)) if p.year
                                       else _t(ctx, "规划期内未安排", "not by the horizon"))
    return out


SITE_STATUS = {"existing": ("现有", "existing"),
               "under_construction": ("在建", "under construction"),
               "planned": ("规划待建", "planned")}


def site_state(ctx: FilingContext, c: Community) -> tuple[str, int | None]:
    """The center's rooms: existing, under construction or planned with the handover
    year (PIPELINE), a new build, or co-built by a development (NEWDEV-1500)."""
    sites = ctx.scenario.sites
    if c.site_id and c.site_id in sites.site_ids:
        k = sites.index(c.site_id)
        year = sites.available_year(k)
        word = _t(ctx, *SITE_STATUS.get(sites.status[k], ("现有", "existing")))
        if year is None:
            return word, None
        return _t(ctx, f"{word}({year}年交付)", f"{word} (handed over {year})"), year
    if c.remedy == "codevelop":
        return _t(ctx, "开发项目配建", "co-built by a development"), None
    return _t(ctx, "新建", "new build"), None


def rooms(ctx: FilingContext, n: int) -> Table:
    """表n 社区管理和服务用房建设规划表 (AREA-*, REMEDY, FIX-2013-03, FACILITY-95)."""
    df = rooms_table(ctx.scenario, ctx.sub).set_index("community_id")
    due = works_due(ctx)
    rows = []
    for k, c in enumerate(ctx.communities, start=1):
        r = df.loc[c.community_id]
        below = bool(r["solution_due"])
        state, handover = site_state(ctx, c)
        works = due.get(c.community_id) or (
            _t(ctx, f"{handover}年", str(handover)) if handover else
            by_target(ctx) if below else "—")
        rows.append((k, c.community_id, ctx.name(c.community_id),
                     street_name(c.street, ctx.lang), int(c.households),
                     c.site_id or _t(ctx, "无", "none"), state, float(r["area_before_m2"]),
                     labels.remedy(c.remedy, ctx.lang), c.swap_site_id or "—",
                     float(r["area_after_m2"]), float(r["area_required_m2"]),
                     float(r["capex_yuan"]), str(r["solution_due"]) or "—", works))
    total = (_t(ctx, "合计", "Total"), "", "", "", sum(r[4] for r in rows), "", "",
             round(sum(r[7] for r in rows), 1), "", "", round(sum(r[10] for r in rows), 1),
             round(sum(r[11] for r in rows), 1), round(sum(r[12] for r in rows), 2), "", "")
    pol = ctx.scenario.policy
    return Table(
        "rooms", _t(ctx, f"表{n} 社区管理和服务用房建设规划表", f"Table {n}. Service rooms"),
        (_t(ctx, "序号", "No."), _t(ctx, "社区编号", "Community"),
         _t(ctx, "拟定名称", "Proposed name"), _t(ctx, "街道/镇", "Street/town"),
         _t(ctx, "户数", "Households"), _t(ctx, "现有用房", "Site today"),
         _t(ctx, "用房状态", "Rooms"), _t(ctx, "现有面积(㎡)", "Area today (m²)"),
         _t(ctx, "解决方式", "Remedy"),
         _t(ctx, "置换用房", "Site given up"), _t(ctx, "规划面积(㎡)", "Area planned (m²)"),
         _t(ctx, "标准面积(㎡)", "Area required (m²)"),
         _t(ctx, "建设投资(元)", "Capital (yuan)"),
         _t(ctx, "解决方案提出时限", "Solution proposed by"), _t(ctx, "建成时限", "Works due")),
        (INT, TEXT, TEXT, TEXT, INT, TEXT, TEXT, AREA, TEXT, TEXT, AREA, AREA, MONEY, TEXT,
         TEXT),
        tuple(rows), total, wide=True,
        notes=(_t(ctx, f"标准面积取每百户{pol.area_per_100_households_m2:g}平方米所得面积与"
                       f"{pol.area_min_m2:g}平方米中的较大者(AREA-PER-HH、AREA-MIN)。"
                       "现有用房未达标的社区,解决"
                       f"方案提出时限为{pol.fix_deadline}(FIX-2013-03),建成时限为"
                       f"{TARGET_YEAR}年底前(FACILITY-95)或分年度实施计划所定年度。"
                       "在建、规划待建用房(PIPELINE)自交付年度起计入所在社区,不重复建设;"
                       "有开发项目的社区先由开发项目配建(NEWDEV-FIRST)。",
                  f"Area required = max({pol.area_min_m2:g}, "
                  f"{pol.area_per_100_households_m2:g} m² per 100 households). For a "
                  f"community below standard today the solution is proposed by "
                  f"{pol.fix_deadline} (FIX-2013-03); the works are due by {TARGET_YEAR} "
                  "(FACILITY-95) or in the year the phasing gives. Rooms under "
                  "construction or planned (PIPELINE) count for their community from the "
                  "year they are handed over, never built twice; a development co-builds "
                  "first (NEWDEV-FIRST)."),))


def services(ctx: FilingContext, n: int) -> Table:
    """表n 社区服务项目表 (SERVICES-6-8): the plan's lists (communities.csv ``services``),
    else the opinion's basic services with the X services "not given"."""
    given = bool(ctx.extras.services)
    rows = []
    for c in ctx.communities:
        base = terms.base_services(c.kind == "urban", ctx.lang)
        listed = ctx.extras.services.get(c.community_id)
        if listed is None:
            x, missing = _t(ctx, "未提供", "not given"), "—"
        else:
            x = "、".join(s for s in listed if s not in base) or _t(ctx, "无", "none")
            missing = "、".join(s for s in base if s not in listed) or _t(ctx, "无", "none")
        rows.append((c.community_id, ctx.name(c.community_id), labels.kind(c.kind, ctx.lang),
                     "、".join(base) if ctx.lang == "zh" else "; ".join(base), x, missing))
    note = (_t(ctx, "服务项目来自方案 communities.csv 的服务项目列;X项服务由居民需求确定。",
               "Service lists from the plan's communities.csv (services).") if given else
            _t(ctx, "方案 communities.csv 未提供服务项目列:表中列出意见规定的基本服务项目,"
                    "X项服务待居民需求调查后确定。",
               "The plan's communities.csv has no services column: the basic services of "
               "the opinion are listed; the X services await the residents' needs."))
    return Table("services", _t(ctx, f"表{n} 社区服务项目表", f"Table {n}. Services"),
                 (_t(ctx, "社区编号", "Community"), _t(ctx, "拟定名称", "Proposed name"),
                  _t(ctx, "类型", "Kind"), _t(ctx, "基本服务项目", "Basic services"),
                  _t(ctx, "X项服务", "X services"),
                  _t(ctx, "缺少的基本服务", "Basic services missing")),
                 (TEXT,) * 6, tuple(rows), notes=(note,), wide=True)


def capital(ctx: FilingContext, n: int) -> Table:
    """表n 建设投资分年度安排 (FUND-POOL, BUDGET-OWN): from phasing.csv, else "by 2015"."""
    coms = {c.community_id: c for c in ctx.communities}
    rows: list[tuple[object, ...]] = []
    if ctx.extras.phasing is not None:
        per: dict[int | None, list[float]] = defaultdict(list)
        for p in ctx.extras.phasing:
            if p.community_id in coms:
                per[p.year].append(p.capex_yuan)
        for year in sorted(y for y in per if y is not None):
            rows.append((_t(ctx, f"{year}年", str(year)), len(per[year]),
                         round(sum(per[year]), 2)))
        if None in per:
            rows.append((_t(ctx, "规划期内未安排", "not by the horizon"), len(per[None]),
                         round(sum(per[None]), 2)))
        note = _t(ctx, "分年度安排来自方案的 phasing.csv。", "By year from the plan's phasing.csv.")
        budget = ctx.scenario.budget
        if budget is not None and budget.has_capital(ctx.county):
            return _capital_with_budget(ctx, n, rows, note)
    else:
        paid = [c for c in ctx.communities if c.capex_yuan > 0]
        rows.append((_t(ctx, f"{TARGET_YEAR}年底前(分年度安排待预算确定)",
                        f"by {TARGET_YEAR} (by year once a budget is given)"), len(paid),
                     round(sum(float(c.capex_yuan) for c in paid), 2)))
        note = _t(ctx, "方案未提供 phasing.csv:建设投资须于2015年底前完成,分年度安排待县级预算"
                       "确定后编制;2013年3月底前提出的是解决方案,不是完成建设。",
                  "The plan has no phasing.csv: the capital is due by 2015, by year once the "
                  "county's budget is given; March 2013 is the date for proposing the "
                  "solutions, not for building.")
    total = (_t(ctx, "合计", "Total"), sum(int(str(r[1])) for r in rows),
             round(sum(float(str(r[2])) for r in rows), 2))
    return Table("capital", _t(ctx, f"表{n} 建设投资分年度安排", f"Table {n}. Capital by year"),
                 (_t(ctx, "年度", "Year"), _t(ctx, "社区数", "Communities"),
                  _t(ctx, "建设投资(元)", "Capital (yuan)")),
                 (TEXT, INT, MONEY), tuple(rows), total, notes=(note,))


def _capital_with_budget(ctx: FilingContext, n: int, rows: list[tuple[object, ...]],
                         note: str) -> Table:
    """The capital table with the county's budget by year beside what is spent
    (FUND-POOL), and the shortfall against FACILITY-95 in a note."""
    budget = ctx.scenario.budget
    assert budget is not None
    money = dict(zip(budget.years, budget.capital_by_year(ctx.county).tolist(), strict=True))
    out = []
    for r in rows:
        year = next((y for y in budget.years if str(r[0]).startswith(str(y))), None)
        out.append((*r, round(money[year], 2) if year is not None else None))
    total = (_t(ctx, "合计", "Total"), sum(int(str(r[1])) for r in rows),
             round(sum(float(str(r[2])) for r in rows), 2), round(budget.total(ctx.county), 2))
    claims = dict(ctx.plan.summary.get("phasing") or {})
    mine = dict(claims.get("counties") or {}).get(ctx.county) or {}
    notes = [note, _t(ctx, "预算建设资金为情景设定的县级专项资金预算(FUND-POOL)" + (
        ",结余可结转下年。" if budget.carry_over else ",结余不结转。"),
        "The capital budget is the scenario's [budget] (FUND-POOL)" + (
            "; unspent money is carried over." if budget.carry_over else "; no carry-over."))]
    if mine and int(mine.get("not_by_horizon") or 0):
        k, money_short = int(mine["not_by_horizon"]), float(mine["unfunded_capital_yuan"])
        notes.append(_t(ctx, f"预算不足:{k}个社区规划期内未安排,建设投资{money_short:,.0f}元须在"
                             f"{budget.last_year}年后安排。",
                        f"The budget falls short: {k} communities are not reached by "
                        f"{budget.last_year}; {money_short:,.0f} yuan of capital falls after."))
    return Table("capital", _t(ctx, f"表{n} 建设投资分年度安排", f"Table {n}. Capital by year"),
                 (_t(ctx, "年度", "Year"), _t(ctx, "社区数", "Communities"),
                  _t(ctx, "建设投资(元)", "Capital (yuan)"),
                  _t(ctx, "预算建设资金(元)", "Capital budget (yuan)")),
                 (TEXT, INT, MONEY, MONEY), tuple(out), total, notes=tuple(notes))


RUNNING = ("urban_communities", "rural_communities", "fund_yuan", "committee_pay_yuan",
           "staff_pay_yuan", "coordinator_pay_yuan", "social_insurance_yuan", "running_yuan",
           "total_yuan")


def running(ctx: FilingContext, n: int) -> Table:
    """表n 社区工作经费分年度预算 (FUND-URBAN growth, PAY-*): the annual costs."""
    df = budget_table(ctx.scenario, ctx.sub)
    df = df[[isinstance(y, int) for y in df["year"]]]
    rows = tuple((_t(ctx, f"{int(r['year'])}年", str(int(r["year"]))),
                  *(r[k] if k.endswith("communities") else float(r[k]) for k in RUNNING))
                 for _, r in df.iterrows())
    total = (_t(ctx, "合计", "Total"), "", "",
             *(round(sum(float(str(r[k])) for r in rows), 2) for k in range(3, len(RUNNING) + 1)))
    heads = tuple(labels.header(k, ctx.lang) for k in RUNNING)
    return Table("running", _t(ctx, f"表{n} 社区工作经费分年度预算", f"Table {n}. Running costs"),
                 (_t(ctx, "年度", "Year"), *heads),
                 (TEXT, INT, INT, *(MONEY,) * (len(RUNNING) - 2)),
                 rows, total, wide=True,
                 notes=(_t(ctx, "办公经费按FUND-URBAN逐年增长;人员报酬按PAY-URBAN、PAY-RURAL、"
                                "PAY-OTHER,以上年度平均工资(农民人均纯收入)计;单位社保缴费按报酬的"
                                f"{ctx.scenario.costs.social_insurance_rate:.0%}计(SOCIAL-INS,"
                                "本系统假设);用房运行费按规划面积测算(本系统假设)。",
                           "Office funding grows by FUND-URBAN; pay by PAY-URBAN, PAY-RURAL, "
                           "PAY-OTHER on the previous year's wage (rural income); employer "
                           f"social insurance {ctx.scenario.costs.social_insurance_rate:.0%} "
                           "of pay (SOCIAL-INS, our assumption); running cost per m² planned "
                           "(our assumption)."),))


def parameters(ctx: FilingContext, n: int) -> Table:
    """附表n 参数与假设: every parameter, its key, value, rule and whether assumed."""
    rows = []
    s = ctx.scenario
    for section, obj in (("policy", s.policy), ("costs", s.costs), ("objective", s.objective)):
        values = asdict(obj)
        for f in fields(obj):
            v = values[f.name]
            rows.append((params.param_name(f.name, ctx.lang), f"{section}.{f.name}",
                         v if isinstance(v, (int, float)) else str(v),
                         params.param_rule(f.name) or "—",
                         _t(ctx, "本系统假设", "our assumption") if params.is_assumption(f.name)
                         else _t(ctx, "意见规定", "the opinion")))
    return Table("parameters", _t(ctx, f"附表{n} 参数与假设", f"Annex table {n}. Parameters"),
                 (_t(ctx, "参数", "Parameter"), _t(ctx, "参数键", "Key"), _t(ctx, "数值", "Value"),
                  _t(ctx, "规则", "Rule"), _t(ctx, "性质", "Nature")),
                 (TEXT, TEXT, NUMBER, TEXT, TEXT), tuple(rows), wide=True,
                 notes=(_t(ctx, "参数键为情景 scenario.toml 中的“节.键”,可在情景中修改。",
                           "Keys are section.key of the scenario's scenario.toml, where "
                           "each can be changed."),))
