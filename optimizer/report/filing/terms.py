"""Words of the filing: official titles, rule names, statuses and service lists, in
Chinese (the filing's language) and English. Pairs are (zh, en)."""

from __future__ import annotations

Pair = tuple[str, str]


def pick(pair: Pair, lang: str) -> str:
    return pair[0] if lang == "zh" else pair[1]


# PLAN-2013-03: the two plans a county files, by their names in the opinion.
LAYOUT_TITLE: Pair = ("社区布局规划", "Community layout plan")
ROOMS_TITLE: Pair = ("社区管理和服务用房建设专项规划",
                     "Special plan for community management and service rooms")
ANNEX_TITLE: Pair = ("社区布局规划和社区用房专项规划附表", "Annex tables of the two plans")
OPINION: Pair = ("《盐城市人民政府关于进一步加强全市城乡和谐社区建设的实施意见》"
                 "(盐政发〔2013〕6号)",
                 "Implementation Opinions of the Yancheng Municipal People's Government on "
                 "Further Strengthening Harmonious Urban and Rural Community Construction "
                 "(盐政发〔2013〕6号)")
CITY_BUREAU: Pair = ("盐城市民政局", "Yancheng Civil Affairs Bureau")

# Rule id -> (zh, en): what the rule asks, as a heading or a table cell.
RULES: dict[str, Pair] = {
    "SIZE-URBAN": ("城市社区规模2000–3000户", "urban community of 2,000-3,000 households"),
    "SIZE-RURAL": ("农村社区规模1000–1500户", "rural community of 1,000-1,500 households"),
    "AREA-PER-HH": ("用房每百户不低于20平方米", "rooms of at least 20 m² per 100 households"),
    "AREA-MIN": ("用房最少不低于400平方米", "rooms of at least 400 m²"),
    "NEWDEV-1500": ("新开发代(配)建用房不少于1500平方米", "co-built rooms of at least 1,500 m²"),
    "NEWDEV-FIRST": ("有开发项目的先行代建", "a development co-builds first"),
    "PIPELINE": ("待建、在建用房按时交付", "rooms planned or under construction handed over"),
    "REMEDY": ("自建、改建、扩建、置换、购买或重组", "build, renovate, extend, swap, buy or "
                                                    "reorganize"),
    "ONE-STATION": ("“一委一居一站一办”,每个社区一处服务中心", "one service center per community"),
    "NESTING": ("社区不跨街道(镇)和县(市、区)", "a community within one street/town and county"),
    "CONTIGUITY": ("社区地域相连", "a community is contiguous"),
    "KIND": ("城乡分类设置", "urban and rural communities apart"),
    "COORD-300": ("每300户配备1名网格综合协理员", "one grid coordinator per 300 households"),
    "STAFF-3-5": ("配备3–5名社区专职工作者", "3-5 full-time community workers"),
    "FUND-URBAN": ("城市社区办公经费2013年不低于5万元,2015年达到12万元",
                   "urban office funding 50,000 yuan in 2013, 120,000 by 2015"),
    "FUND-RURAL": ("农村社区办公经费按农村财政转移支付标准", "rural office funding by the "
                                                          "transfer standard"),
    "FUND-POOL": ("易地建设专项资金,区域统筹", "a county fund, pooled"),
    "BUDGET-OWN": ("单独预算,专款专用", "its own budget line"),
    "PAY-URBAN": ("城市社区“两委”成员报酬不低于上年度城镇单位在岗职工平均工资",
                  "urban two-committee pay at least last year's average wage"),
    "PAY-RURAL": ("村党组织书记报酬不低于上年度农民人均纯收入的2倍",
                  "village secretary pay at least twice rural income"),
    "PAY-OTHER": ("其他工作人员报酬按一定比例确定", "other workers paid a set proportion"),
    "SOCIAL-INS": ("社区工作人员享受社会保障政策待遇", "social insurance for every worker"),
    "PLAN-2013-03": ("2013年3月完成两项规划并备案", "both plans filed by March 2013"),
    "FIX-2013-03": ("2013年3月底前逐个社区提出解决方案", "a solution proposed per community "
                                                       "by March 2013"),
    "FACILITY-95": ("社区服务设施及功能达标率95%以上", "facility and function standard: 95%"),
    "HARMONY-90-80": ("省级和谐社区标准:城市90%、农村80%", "harmonious communities: 90% / 80%"),
    "MGMT-2013": ("新型社区管理体制:2013年底城市全部到位,2014年农村90%以上",
                  "new management system: urban 2013, 90% rural 2014"),
    "ORGS-5": ("每个社区社会组织登记数5个以上", "5 social organizations per community"),
    "VOLUNTEER-15-10": ("志愿者注册率:城市15%、农村10%以上", "volunteers: 15% urban, 10% rural"),
    "SERVICES-6-8": ("服务项目:城市“6+X”、农村“8+X”", "services: urban 6+X, rural 8+X"),
    "PRO-80-50": ("社区工作者职业化专业化水平:城市80%、农村50%以上",
                  "professional qualification: 80% urban, 50% rural"),
    "SELFGOV-95": ("城乡社区自治达标率95%以上", "self-governance standard: 95%"),
    "HOUSEHOLDS": ("户数核对", "households recounted"),
    "ASSIGNMENT": ("每个基本单元划入一个社区", "each unit in one community"),
    "TOTALS": ("合计数核对", "totals recounted"),
    "COST": ("费用核算", "costs recomputed"),
    "LOCK": ("规划锁定条件", "the planner's locks"),
}
# The targets a plan reports against, in the opinion's order (RULES.md, second table).
TARGETS = ("FACILITY-95", "HARMONY-90-80", "MGMT-2013", "SELFGOV-95", "ORGS-5",
           "VOLUNTEER-15-10", "SERVICES-6-8", "PRO-80-50", "PLAN-2013-03", "FIX-2013-03")
# Reported, not optimized: without the scenario's data a "pass" is not a check.
REPORTED = ("HARMONY-90-80", "MGMT-2013", "ORGS-5", "PRO-80-50", "SERVICES-6-8", "SELFGOV-95")

STATUS: dict[str, Pair] = {"pass": ("达标", "met"), "fail": ("未达标", "not met"),
                           "exempt": ("豁免", "exempt"),
                           "not_assessed": ("未评估(缺少数据)", "not assessed (no data)"),
                           "absent": ("未核验", "not checked")}
SOLVER: dict[str, Pair] = {"OPTIMAL": ("最优", "optimal"), "FEASIBLE": ("可行", "feasible"),
                           "INFEASIBLE": ("不可行", "infeasible"), "UNKNOWN": ("未知", "unknown")}

# SERVICES-6-8: the basic services of the opinion, clause (五).
SERVICES_URBAN: tuple[Pair, ...] = (
    ("卫生计生", "health and family planning"), ("民政社保", "civil affairs and social security"),
    ("养老助残", "elderly and disabled care"), ("文体教育", "culture, sport and education"),
    ("治安法律", "public security and legal aid"),
    ("环保及流动人口服务", "environment and migrant-population services"))
SERVICES_RURAL_EXTRA: tuple[Pair, ...] = (("生产资料", "farm supplies"),
                                          ("为农代理", "agency services for farmers"))


def base_services(urban: bool, lang: str) -> list[str]:
    extra = () if urban else SERVICES_RURAL_EXTRA
    return [pick(p, lang) for p in (*SERVICES_URBAN, *extra)]


def rule_name(rule: str, lang: str) -> str:
    pair = RULES.get(rule)
    return pick(pair, lang) if pair else rule


def status_name(code: str, lang: str) -> str:
    pair = STATUS.get(code)
    return pick(pair, lang) if pair else code


def solver_name(code: str, lang: str) -> str:
    pair = SOLVER.get(code)
    return pick(pair, lang) if pair else code


def numerals(n: int) -> str:
    """1 -> 一, 12 -> 十二 (chapter numbers up to 99)."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


def chapter(n: int, lang: str) -> str:
    return f"{numerals(n)}、" if lang == "zh" else f"{n}. "


def section(n: int, lang: str) -> str:
    return f"({numerals(n)})" if lang == "zh" else f"{n}) "
