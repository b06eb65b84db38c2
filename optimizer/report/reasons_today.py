"""Chinese for the checker's notes on the reported targets, the service lists and the
grids (issue 17: :mod:`optimizer.checker.targets`, ``.services``, ``.grids``,
``.pipeline``), added to :mod:`optimizer.report.reasons`' patterns.

Each pattern follows the f-string that writes the note; numbers and ids are carried
over. The "why not known" clauses are rendered by :func:`why_zh`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from optimizer.report.ids_zh import ids_text_zh as _ids

_N = r"(\d[\d,]*)"
Sub = Callable[[re.Match[str]], str]

FIELDS_ZH = {"social_orgs": "登记社会组织数", "volunteers": "注册志愿者数",
             "workers": "社区工作者数", "qualified_workers": "持证社区工作者数",
             "mgmt_system": "新型管理体制", "harmony_standard": "和谐社区达标情况",
             "selfgov_standard": "自治达标情况", "services_x": "X项服务"}
WORDS_ZH = {"meet the harmonious-community standard": "达到省级和谐社区标准",
            "have the new management system": "已建立新型社区管理体制",
            "meet the self-governance standard": "达到自治标准"}
LABEL_ZH = {"urban": "城市", "rural": "农村", "all": "全部"}


_WHY: tuple[tuple[re.Pattern[str], Sub], ...] = (
    (re.compile(r"communities_today\.csv not given"), lambda m: "情景未提供communities_today.csv"),
    (re.compile(r"(\S+) has no (\w+) column"),
     lambda m: f"{m.group(1)}缺少{FIELDS_ZH.get(m.group(2), m.group(2))}列"),
    (re.compile(r"(\w+) of today's (.+) not known"),
     lambda m: f"现社区{_ids(m.group(2))}的{FIELDS_ZH.get(m.group(1), m.group(1))}未知"),
    (re.compile(rf"{_N} of its households belong to no today's community"),
     lambda m: f"其中{m.group(1)}户不属于任何现社区"),
    (re.compile(r"none of its households belongs to a today's community"),
     lambda m: "所有住户均不属于任何现社区"),
    (re.compile(rf"most of its households \({_N}\) belong to no today's community"),
     lambda m: f"多数住户({m.group(1)}户)不属于任何现社区"),
)


def why_zh(text: str) -> str:
    for pattern, sub in _WHY:
        m = pattern.fullmatch(text)
        if m:
            return sub(m)
    return "原因见compliance.csv"


def _standard(m: re.Match[str]) -> str:
    parts = []
    for part in m.group(2).split(", "):
        got = re.fullmatch(rf"(urban|rural|all) {_N} of {_N}", part)
        if got is None:
            return "说明原文见compliance.csv"
        label, meet, n = got.groups()
        parts.append(f"{LABEL_ZH[label]}{n}个中{meet}个")
    return f"{WORDS_ZH[m.group(1)]}:" + "、".join(parts)


NOTES: tuple[tuple[re.Pattern[str], Sub], ...] = (
    (re.compile(r"not assessed: ([^;]+)"), lambda m: f"未评估:{why_zh(m.group(1))}"),
    (re.compile(r"not known: ([^;]+)"), lambda m: f"数据缺失:{why_zh(m.group(1))}"),
    (re.compile(rf"{_N} of {_N} communities meet it"),
     lambda m: f"{m.group(2)}个社区中{m.group(1)}个达标"),
    (re.compile(rf"{_N} organizations still to register"),
     lambda m: f"尚需登记社会组织{m.group(1)}个"),
    (re.compile(rf"{_N} still to register"), lambda m: f"尚需登记社会组织{m.group(1)}个"),
    (re.compile(rf"{_N} volunteers still to recruit"), lambda m: f"尚需招募志愿者{m.group(1)}名"),
    (re.compile(rf"{_N} still to recruit"), lambda m: f"尚需招募志愿者{m.group(1)}名"),
    (re.compile(rf"{_N} qualified workers still to train"),
     lambda m: f"尚需培养持证社区工作者{m.group(1)}名"),
    (re.compile(rf"not known for {_N}: (.+)"),
     lambda m: f"{m.group(1)}个社区数据缺失:{_ids(m.group(2))}"),
    (re.compile(r"(meet the harmonious-community standard|have the new management system|"
                r"meet the self-governance standard): ([^;]+)"), _standard),
    (re.compile(rf"{_N} still to bring up to it: (.+)"),
     lambda m: f"尚有{m.group(1)}个社区待达标:{_ids(m.group(2))}"),
    (re.compile(rf"{_N} registered social organizations"),
     lambda m: f"已登记社会组织{m.group(1)}个"),
    (re.compile(rf"{_N} registered volunteers of {_N} needed"),
     lambda m: f"已注册志愿者{m.group(1)}名,需{m.group(2)}名"),
    (re.compile(rf"{_N} volunteers needed"), lambda m: f"需志愿者{m.group(1)}名"),
    (re.compile(rf"{_N} of {_N} workers qualified"),
     lambda m: f"{m.group(2)}名社区工作者中{m.group(1)}名持证"),
    # SERVICES-6-8
    (re.compile(rf"{_N} basic services and {_N} X services"),
     lambda m: f"基本服务{m.group(1)}项、X项服务{m.group(2)}项"),
    (re.compile(r"missing basic services: (.+)"), lambda m: f"缺少基本服务:{m.group(1)}"),
    (re.compile(r"X services dropped: (.+)"),
     lambda m: "遗漏X项服务:" + re.sub(r" \(of today's (.+?)\)", r"(现\1社区)",
                                       m.group(1)).replace(", ", "、")),
    (re.compile(r"basic services complete"), lambda m: "基本服务齐全"),
    (re.compile(r"X services not known: ([^;]+)"),
     lambda m: f"X项服务未知:{why_zh(m.group(1))}"),
    (re.compile(rf"{_N} of {_N} centers host their full list"),
     lambda m: f"{m.group(2)}个服务中心中{m.group(1)}个服务项目齐全"),
    (re.compile(r"failing: (.+)"), lambda m: f"未达标:{_ids(m.group(1))}"),
    (re.compile(rf"X services not known for {_N}"),
     lambda m: f"{m.group(1)}个社区X项服务未知"),
    (re.compile(r"no service list \(communities\.csv services\)"), lambda m: "未列服务项目"),
    (re.compile(r"the plan gives no service lists \(communities\.csv services\)"),
     lambda m: "方案未列服务项目(communities.csv 无 services 列)"),
    # COORD-300 grids
    (re.compile(rf"{_N} grids, expected {_N} \(one per coordinator\)"),
     lambda m: f"网格{m.group(1)}个,应为{m.group(2)}个(每名网格综合协理员一个)"),
    (re.compile(rf"grid (.+) holds {_N} households, outside {_N}\.\.{_N}"),
     lambda m: f"网格{m.group(1)}共{m.group(2)}户,不在{m.group(3)}–{m.group(4)}户之间"),
    (re.compile(r"grid (.+) is not connected"), lambda m: f"网格{m.group(1)}地域不相连"),
    (re.compile(rf"claims {_N} coordinators, the rule gives {_N}"),
     lambda m: f"填报网格综合协理员{m.group(1)}名,按规则应为{m.group(2)}名"),
)

_STATUS_ZH = {"under construction": "在建", "planned": "规划待建"}
_REMEDY_ZH = {"keep": "保留现有用房", "renovate": "改建", "extend": "扩建", "swap": "置换",
              "purchase": "购买", "build": "自建", "codevelop": "开发配建"}


def _site(text: str) -> str:
    """'S4 (planned, handed over 2014), S5 (...)' in Chinese."""
    return "、".join(f"{m.group(1)}({_STATUS_ZH.get(m.group(2), m.group(2))},{m.group(3)}年交付)"
                    for m in re.finditer(r"(\S+) \((under construction|planned), handed over "
                                         r"(\d{4})\)", text))


NOTES += (
    # PIPELINE, NEWDEV-FIRST
    (re.compile(r"center on (.+)"), lambda m: f"服务中心设于{_site(m.group(1))}"),
    (re.compile(r"holds (.+) but its center is (\w+) at (.+): those rooms would be built "
                r"twice"),
     lambda m: f"含{_site(m.group(1))},但服务中心为{m.group(3)}"
               f"({_REMEDY_ZH.get(m.group(2), m.group(2))}):将重复建设"),
    (re.compile(rf"{_N} of {_N} pipeline sites are their community's center or beside its "
                r"pipeline center"),
     lambda m: f"{m.group(2)}处在建、待建用房中{m.group(1)}处作为所在社区服务中心或与之并用"),
    (re.compile(r"beside another pipeline center: (.+)"),
     lambda m: f"与同社区另一处在建、待建服务中心并用:{_ids(m.group(1))}"),
    (re.compile(r"not used: (.+)"), lambda m: f"未使用:{_ids(m.group(1))}"),
    (re.compile(r"too small for any community: (.+)"),
     lambda m: f"面积不足以作为任何社区的服务中心:{_ids(m.group(1))}"),
    (re.compile(r"co-built rooms of (.+)"), lambda m: f"由开发项目{_ids(m.group(1))}配建"),
    (re.compile(r"holds the new development (.+): its co-built rooms \(NEWDEV-1500\) come "
                r"before (\w+)"),
     lambda m: f"含新开发项目{_ids(m.group(1))}:应先由其配建用房(NEWDEV-1500),"
               f"不宜{_REMEDY_ZH.get(m.group(2), m.group(2))}"),
    (re.compile(r"its pipeline rooms come first \(PIPELINE\)"),
     lambda m: "先用在建、待建用房(PIPELINE)"),
    (re.compile(r"its pipeline rooms come first \(PIPELINE\), then the co-built rooms"),
     lambda m: "先用在建、待建用房(PIPELINE),其次开发项目配建"),
    # COORD-300, the rest
    (re.compile(r"grid (.+) also holds units of another community"),
     lambda m: f"网格{m.group(1)}含其他社区的基本单元"),
    (re.compile(r"some units have no grid_id"), lambda m: "部分基本单元未划入网格"),
    (re.compile(rf"{_N} units' households not fully distributed among grids \(their rows do "
                r"not sum to the unit's households\): (.+)"),
     lambda m: f"{m.group(1)}个基本单元的户数未全部划入网格:{_ids(m.group(2))}"),
    (re.compile(r"assignment\.csv's grid_id is not the unit's first grid in (\S+) for (.+)"),
     lambda m: f"assignment.csv 的网格编号不是{m.group(1)}中该单元的第一个网格:"
               f"{_ids(m.group(2))}"),
    (re.compile(rf"claims {_N} grids, (\S+) gives {_N}"),
     lambda m: f"填报网格{m.group(1)}个,{m.group(2)}为{m.group(3)}个"),
    (re.compile(r"grid (.+) holds unit (.+), not one of its units"),
     lambda m: f"网格{m.group(1)}含非本社区基本单元{m.group(2)}"),
)

LIMITS: tuple[tuple[re.Pattern[str], Sub], ...] = (
    (re.compile(r"its pipeline rooms"), lambda m: "本社区在建、待建用房"),
    (re.compile(r"(\d+)% of communities by (\d{4})"),
     lambda m: f"{m.group(2)}年{m.group(1)}%的社区"),
    (re.compile(r"(\d+)\+X"), lambda m: f"“{m.group(1)}+X”项"),
)
