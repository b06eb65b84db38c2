"""Printed names of the scenario parameters ([policy], [costs], [objective]), and which of
them are our assumptions rather than the opinion's numbers (say so in every output).

The key (the name in scenario.toml) is kept beside the printed name: it is how a
planner changes the number. tests/test_filing_text.py checks that every field of
Policy, Costs and ObjectiveWeights has a name here, so no parameter reaches a Chinese
table as a bare English identifier.
"""

from __future__ import annotations

# key -> (Chinese, English, rule id or "" , our assumption?)
PARAMS: dict[str, tuple[str, str, str, bool]] = {
    "urban_min_households": ("城市社区户数下限", "Urban community minimum households",
                             "SIZE-URBAN", False),
    "urban_max_households": ("城市社区户数上限", "Urban community maximum households",
                             "SIZE-URBAN", False),
    "rural_min_households": ("农村社区户数下限", "Rural community minimum households",
                             "SIZE-RURAL", False),
    "rural_max_households": ("农村社区户数上限", "Rural community maximum households",
                             "SIZE-RURAL", False),
    "area_per_100_households_m2": ("每百户用房面积(平方米)", "Room area per 100 households (m²)",
                                   "AREA-PER-HH", False),
    "area_min_m2": ("用房最小面积(平方米)", "Minimum room area (m²)", "AREA-MIN", False),
    "newdev_min_area_m2": ("开发配建用房最小面积(平方米)", "Co-built rooms minimum (m²)",
                           "NEWDEV-1500", False),
    "households_per_coordinator": ("每名网格综合协理员服务户数", "Households per grid coordinator",
                                   "COORD-300", False),
    "grid_tolerance_households": ("网格户数允许偏差(户)", "Grid size tolerance (households)",
                                  "COORD-300", True),
    "staff_min": ("专职工作者下限", "Full-time staff minimum", "STAFF-3-5", False),
    "staff_max": ("专职工作者上限", "Full-time staff maximum", "STAFF-3-5", False),
    "households_per_staff": ("每名专职工作者服务户数(工作量假设)",
                             "Households per full-time worker (workload)", "STAFF-3-5", True),
    "fund_urban_2013_yuan": ("城市社区办公经费2013年(元/年)", "Urban office funding 2013 (yuan)",
                             "FUND-URBAN", False),
    "fund_urban_2015_yuan": ("城市社区办公经费2015年(元/年)", "Urban office funding 2015 (yuan)",
                             "FUND-URBAN", False),
    "fund_rural_yuan": ("农村社区办公经费(元/年)", "Rural office funding (yuan/year)",
                        "FUND-RURAL", True),
    "target_year": ("目标年份", "Target year", "FACILITY-95", False),
    "facility_target_share": ("服务设施达标率目标", "Facility target share", "FACILITY-95", False),
    "harmony_urban_share": ("城市和谐社区比例目标", "Urban harmonious-community share",
                            "HARMONY-90-80", False),
    "harmony_rural_share": ("农村和谐社区比例目标", "Rural harmonious-community share",
                            "HARMONY-90-80", False),
    "mgmt_urban_share_2013": ("2013年城市社区新型管理体制比例", "Urban management system 2013",
                              "MGMT-2013", False),
    "mgmt_rural_share_2014": ("2014年农村社区新型管理体制比例", "Rural management system 2014",
                              "MGMT-2013", False),
    "orgs_min": ("每个社区社会组织登记数", "Social organizations per community", "ORGS-5",
                 False),
    "volunteer_urban_share": ("城市志愿者注册率", "Urban volunteer share", "VOLUNTEER-15-10",
                              False),
    "volunteer_rural_share": ("农村志愿者注册率", "Rural volunteer share", "VOLUNTEER-15-10",
                              False),
    "services_urban_base": ("城市社区基本服务项目数", "Urban basic services", "SERVICES-6-8",
                            False),
    "services_rural_base": ("农村社区基本服务项目数", "Rural basic services", "SERVICES-6-8",
                            False),
    "selfgov_share": ("城乡社区自治达标率目标", "Self-governance standard share", "SELFGOV-95",
                      False),
    "pro_urban_share": ("城市社区工作者职业化专业化水平", "Urban professional qualification",
                        "PRO-80-50", False),
    "pro_rural_share": ("农村社区工作者职业化专业化水平", "Rural professional qualification",
                        "PRO-80-50", False),
    "plan_deadline": ("两项规划完成时限", "Plans due", "PLAN-2013-03", False),
    "fix_deadline": ("解决方案提出时限", "Solutions proposed by", "FIX-2013-03", False),
    "household_size": ("户均人口(人)", "Persons per household", "", True),
    "urban_wage_yuan": ("上年度城镇单位在岗职工平均工资(元)",
                        "Last year's urban average wage (yuan)", "PAY-URBAN", True),
    "rural_income_yuan": ("上年度农民人均纯收入(元)",
                          "Last year's rural per-capita net income (yuan)", "PAY-RURAL", True),
    "wage_year": ("上述工资收入所属年度", "Year of the wage and income above", "PAY-URBAN", True),
    "urban_wage_by_year": ("各年度城镇单位在岗职工平均工资(元)",
                           "Urban average wage by year (yuan)", "PAY-URBAN", True),
    "rural_income_by_year": ("各年度农民人均纯收入(元)",
                             "Rural per-capita net income by year (yuan)", "PAY-RURAL", True),
    "wage_growth": ("未给出年度的工资收入年增长率", "Yearly wage growth for years not given",
                    "PAY-URBAN", True),
    "social_insurance_rate": ("单位缴纳社会保险费率", "Employer social insurance rate",
                              "SOCIAL-INS", True),
    "rural_secretary_income_multiple": ("村党组织书记报酬倍数", "Village secretary pay multiple",
                                        "PAY-RURAL", False),
    "committee_size_urban": ("城市社区“两委”成员人数", "Urban two-committee members",
                             "PAY-URBAN", True),
    "committee_size_rural": ("农村社区“两委”成员人数", "Rural two-committee members",
                             "PAY-RURAL", True),
    "pay_other_ratio": ("其他工作人员报酬比例", "Other workers' pay ratio", "PAY-OTHER", True),
    "coordinator_pay_ratio": ("网格综合协理员报酬比例", "Coordinator pay ratio", "COORD-300", True),
    "renovate_yuan_per_m2": ("改建单价(元/平方米)", "Renovation (yuan/m²)", "REMEDY", True),
    "extend_yuan_per_m2": ("扩建单价(元/平方米)", "Extension (yuan/m²)", "REMEDY", True),
    "build_yuan_per_m2": ("自建单价(元/平方米)", "New building (yuan/m²)", "REMEDY", True),
    "land_yuan_per_m2": ("用地成本(元/平方米)", "Land (yuan/m²)", "REMEDY", True),
    "swap_credit_yuan_per_m2": ("置换折价(元/平方米)", "Swap credit (yuan/m²)", "REMEDY", True),
    "running_yuan_per_m2_year": ("用房运行费(元/平方米·年)", "Running cost (yuan/m²·year)", "",
                                 True),
    "horizon_years": ("投资折算年限(年)", "Annualization horizon (years)", "", True),
    "discount_rate": ("折现率", "Discount rate", "", True),
    "distance_yuan_per_household_km": ("服务距离权重(元/户·公里)",
                                       "Distance weight (yuan/household·km)", "", True),
    "moved_yuan_per_household": ("调整户数权重(元/户)", "Households moved weight (yuan)", "",
                                 True),
    "cut_edge_yuan": ("边界紧凑权重(元/条)", "Compactness weight (yuan/edge)", "", True),
}


def param_name(key: str, lang: str) -> str:
    """The printed name of a parameter (the key itself when unknown)."""
    entry = PARAMS.get(key)
    if entry is None:
        return key
    return entry[0] if lang == "zh" else entry[1]


def is_assumption(key: str) -> bool:
    entry = PARAMS.get(key)
    return bool(entry and entry[3])


def param_rule(key: str) -> str:
    entry = PARAMS.get(key)
    return entry[2] if entry else ""
