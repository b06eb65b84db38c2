"""The checker's notes on a phasing (optimizer/checker/phasing.py) in Chinese, as
templates for :func:`optimizer.report.reasons.note_text` and ``limit_text``: numbers and
ids are carried over, never retyped."""

from __future__ import annotations

import re
from collections.abc import Callable

from optimizer.report.ids_zh import ids_text_zh as _ids
from optimizer.report.places import county_name

_Sub = Callable[[re.Match[str]], str]
_N = r"(-?\d[\d,]*(?:\.\d+)?)"
_Y = r"(\d{4})"


PHASING_NOTES: tuple[tuple[re.Pattern[str], _Sub], ...] = (
    (re.compile(rf"{_N} of {_N} communities meet the rooms standard by {_Y}"),
     lambda m: f"至{m.group(3)}年,{m.group(2)}个社区中{m.group(1)}个用房达标"),
    (re.compile(rf"the plan claims {_N}"), lambda m: f"方案声称的达标率为{m.group(1)}"),
    (re.compile(r"the plan claims no share \(summary\.json phasing\.facility_share\)"),
     lambda m: "方案未给出达标率(summary.json 中 phasing.facility_share)"),
    (re.compile(rf"the budget buys {_N}: the phasing leaves {_N} out"),
     lambda m: f"预算可使{m.group(1)}个社区达标,分年度计划少安排了{m.group(2)}个"),
    (re.compile(rf"the checker's bound \({_N}\) does not rule out {_N}: not proven out of "
                r"the budget's reach"),
     lambda m: f"检查程序的上界({m.group(1)}个)不排除{m.group(2)}个社区达标,未能证明预算不足"),
    (re.compile(rf"the budget buys at most {_N} \((proven|a bound) by the checker\), {_N} are "
                rf"needed: {_N} communit(?:y|ies) short"),
     lambda m: f"预算至多可使{m.group(1)}个社区达标(检查程序"
               f"{'已证明' if m.group(2) == 'proven' else '给出的上界'}),需{m.group(3)}个,"
               f"尚差{m.group(4)}个社区"),
    (re.compile(rf"{_N} yuan of capital not in the budget by {_Y}"),
     lambda m: f"{m.group(2)}年前预算未安排的建设投资{m.group(1)}元"),
    (re.compile(r"communities listed more than once \(counted twice\): (.+)"),
     lambda m: f"重复列出(重复计数)的社区:{_ids(m.group(1))}"),
    (re.compile(r"communities not in the plan: (.+)"),
     lambda m: f"方案中没有的社区:{_ids(m.group(1))}"),
    (re.compile(r"(.+): remedy (\S+), communities\.csv says (\S+)"),
     lambda m: f"{m.group(1)}:解决方式为{m.group(2)},communities.csv 为{m.group(3)}"),
    (re.compile(rf"(.+): capital {_N} yuan, the budget pays {_N}"),
     lambda m: f"{m.group(1)}:建设投资{m.group(2)}元,应由预算支付{m.group(3)}元"),
    (re.compile(rf"(.+): year {_Y} outside the horizon {_Y}-{_Y} \(empty: not by the "
                r"horizon\)"),
     lambda m: f"{m.group(1)}:年度{m.group(2)}不在规划期{m.group(3)}—{m.group(4)}年内"
               "(规划期内未安排应留空)"),
    (re.compile(r"communities below the standard today with no row: (.+)"),
     lambda m: f"现有用房未达标但未列入分年度计划的社区:{_ids(m.group(1))}"),
    (re.compile(r"the scenario has a \[budget\]: the plan must say the year each community's "
                r"rooms reach the standard \(phasing\.csv\)"),
     lambda m: "情景设有[budget]预算,方案须给出各社区用房达标年度(phasing.csv)"),
    (re.compile(rf"(.+) in {_Y}, its rooms come in {_Y}"),
     lambda m: f"{m.group(1)}安排在{m.group(2)}年达标,但其用房{m.group(3)}年才交付"),
    (re.compile(rf"{_N} communities get rooms under construction or planned"),
     lambda m: f"{m.group(1)}个社区使用在建或规划中的用房"),
    (re.compile(r"county (.+): capital by year within its budget \((with carry-over|each "
                rf"year on its own)\)(?:: {_Y}: capital {_N} yuan, {_N} available)?"),
     lambda m: f"{county_name(m.group(1), 'zh')}:各年度建设投资不超过当年预算("
               + ("结余可结转下年" if m.group(2) == "with carry-over" else "结余不结转")
               + ")" + (f":{m.group(3)}年建设投资{m.group(4)}元,可用{m.group(5)}元"
                        if m.group(3) else "")),
    (re.compile(rf"{_Y}: capital {_N} yuan, {_N} available"),
     lambda m: f"{m.group(1)}年建设投资{m.group(2)}元,可用{m.group(3)}元"),
    (re.compile(r"phasing\.csv without a \[budget\] in the scenario: nothing to check the "
                r"capital by year against"),
     lambda m: "情景未设[budget]预算,无法核对 phasing.csv 的分年度建设投资"),
)

PHASING_LIMITS: tuple[tuple[re.Pattern[str], _Sub], ...] = (
    (re.compile(r"not before available_year"), lambda m: "不早于交付年度(available_year)"),
)
