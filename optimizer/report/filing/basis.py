"""The basis of each plan: the clauses of 盐政发〔2013〕6号 it applies, quoted verbatim
(tests/test_filing_text.py checks every quote against the original text), each with the
rule ids of RULES.md that the engine uses for it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Clause:
    clause: str                 # (一)...(九), as numbered in the opinion
    rules: tuple[str, ...]
    quote: str                  # verbatim, Chinese
    en: str                     # what it says, in English (RULES.md)


LAYOUT_BASIS: tuple[Clause, ...] = (
    Clause("(六)", ("SIZE-URBAN", "SIZE-RURAL"),
           "按照城市社区2000户-3000户、农村社区1000户-1500户的规模,科学划分和设置社区并制定"
           "社区布局规划。",
           "Communities are drawn at 2,000-3,000 households (urban) and 1,000-1,500 "
           "(rural), and a community layout plan is made."),
    Clause("(六)", ("PLAN-2013-03",),
           "各县(市、区)社区布局规划、社区管理和服务用房建设专项规划,要在2013年3月份完成并"
           "报市级民政部门和同级政府备案。",
           "Each county finishes both plans in March 2013 and files them with the city civil "
           "affairs bureau and its own government."),
    Clause("(三)", ("ONE-STATION", "MGMT-2013"),
           "加快“一委一居一站一办”新型社区管理体制的建设",
           "One committee, one residents' committee, one station, one office per community."),
    Clause("(三)", ("MGMT-2013",),
           "到2013年底城市社区新型管理体制全部到位,2014年90%以上农村社区实行新型管理体制。",
           "The new management system in all urban communities by end of 2013, in 90% of "
           "rural ones in 2014."),
    Clause("(九)", ("NESTING",),
           "加强市、县(市、区)、镇(街道)、社区四级服务平台建设",
           "Four levels of service platforms: city, county, town/street, community."),
    Clause("(八)", ("COORD-300",),
           "原则上按照每300户1人的比例配置社区网格综合协理员。",
           "In principle one grid coordinator per 300 households."),
    Clause("(八)", ("STAFF-3-5",),
           "配备3-5名社区专职工作者,负责综合管理和综合服务工作。",
           "3-5 full-time community workers per community."),
    Clause("(九)", ("COORD-300",),
           "以网格化为基本服务方式",
           "Grids are the basic way of serving residents."),
    Clause("(二)", ("HARMONY-90-80",),
           "到2015年,全市90%的城市社区、80%的农村社区达到省级和谐社区标准。",
           "By 2015, 90% of urban and 80% of rural communities meet the provincial "
           "harmonious-community standard."),
    Clause("(四)", ("SELFGOV-95",),
           "到2015年,城乡社区自治达标率达95%以上。",
           "By 2015, 95% of communities meet the self-governance standard."),
    Clause("(四)", ("ORGS-5", "VOLUNTEER-15-10"),
           "到2015年,每个社区社会组织登记数要达到5个以上,城市社区志愿者注册率占居民人口 15% "
           "以上,农村占 10% 以上。",
           "By 2015, 5 registered social organizations per community; volunteers 15% of "
           "urban and 10% of rural residents."),
    Clause("(八)", ("PRO-80-50",),
           "到2015年,城市社区工作者职业化专业化水平达80%以上,农村达50%以上。",
           "By 2015, 80% of urban and 50% of rural community workers professionally "
           "qualified."),
)

ROOMS_BASIS: tuple[Clause, ...] = (
    Clause("(六)", ("AREA-PER-HH", "AREA-MIN"),
           "每个社区按照每百户不低于20平方米、最少不低于400平方米的标准,建设社区服务中心。",
           "Each community's service center has at least 20 m² per 100 households and never "
           "less than 400 m²."),
    Clause("(六)", ("NEWDEV-1500",),
           "新开发代(配)建的社区管理和服务用房总面积不得少于1500平方米。",
           "Rooms co-built by a new development total at least 1,500 m²."),
    Clause("(六)", ("PIPELINE",),
           "对已经纳入城乡建设规划待建或在建的社区管理和服务用房,民政、规划、建设、房产等部门"
           "及社区必须严格把关,保证按规定保质保量按时交付社区使用",
           "Rooms already planned or under construction are handed to the community on time "
           "and at full size."),
    Clause("(六)", ("FIX-2013-03", "REMEDY", "NEWDEV-FIRST"),
           "对目前没有管理和服务用房或者面积达不到最低标准、社区近年内无开发项目或开发项目规模"
           "较小无法实现代建目标的,2013年3月底前各县(市、区)要通过自建、改建、扩建、置换、"
           "购买乃至对社区进行重组等方法和途径,逐个社区提出相应的解决方案和具体措施。",
           "By end of March 2013, for every community without rooms or below standard and "
           "with no development able to co-build, the county proposes a solution: build, "
           "renovate, extend, swap, purchase or reorganize."),
    Clause("(六)", ("FACILITY-95",),
           "到2015年,全市城乡社区服务设施及功能达标率达95%以上。",
           "By 2015, 95% of communities meet the facility and function standard."),
    Clause("(六)", ("FUND-POOL",),
           "设立社区管理和服务平台易地建设专项资金,实行区域统筹,用于社区平台新、改、扩建及"
           "维护维修。",
           "A county fund, pooled across the county, pays for new building, renovation, "
           "extension and upkeep."),
    Clause("(五)", ("SERVICES-6-8",),
           "服务项目按照城市社区“6+X”、农村社区“8+ X” 设置。",
           "Services: urban 6+X, rural 8+X."),
    Clause("(七)", ("BUDGET-OWN",),
           "各级政府要坚持财政保障为主,加大对社区工作经费的投入,实行单独预算,专款专用。",
           "Community funding has its own budget line, used only for its purpose."),
    Clause("(七)", ("FUND-URBAN", "FUND-RURAL"),
           "2013年,城市社区办公经费不低于5万元/年,并建立增长机制,到“十二五”末达到12万元/年;"
           "农村社区办公经费按照农村财政转移支付的标准执行。",
           "Urban office funding at least 50,000 yuan in 2013, 120,000 by end of 2015; rural "
           "by the fiscal transfer standard."),
    Clause("(八)", ("PAY-URBAN", "PAY-RURAL"),
           "城市社区“两委”成员报酬不低于上年度当地城镇单位在岗职工平均工资水平;村党组织书记的"
           "基本报酬不低于所在县(市、区)上年度农民人均纯收入的2倍。",
           "Urban two-committee members earn at least last year's average urban wage; a "
           "village party secretary at least twice last year's rural per-capita income."),
    Clause("(八)", ("PAY-OTHER", "SOCIAL-INS"),
           "城乡社区其他工作人员报酬,按照社区党组织、居委会成员报酬的一定比例确定,所有城乡社区"
           "工作人员按照有关规定享受社会保障政策待遇。",
           "Other workers are paid a set proportion of committee pay; every worker has social "
           "insurance."),
)
